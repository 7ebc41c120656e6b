// The xjax Jupyter kernel's interpreter: xeus's protocol on one side, clang::Interpreter (clang 16's
// incremental C++ compiler) on the other, with xjax's headers included and its library loaded.
#pragma once
#include <xeus/xinterpreter.hpp>

#include <memory>
#include <string>
#include <vector>

namespace xjax::kernel {

struct Clang;  // the clang::Interpreter and its diagnostics (interpreter.cpp)

class Interpreter final : public xeus::xinterpreter {
 public:
  // `include_dir` holds xjax's headers; `resource_dir` is clang's (its own builtin headers).
  Interpreter(std::string include_dir, std::string resource_dir);
  ~Interpreter() override;

 private:
  void configure_impl() override;
  nl::json execute_request_impl(int execution_counter, const std::string& code, bool silent, bool store_history,
                                nl::json user_expressions, bool allow_stdin) override;
  nl::json complete_request_impl(const std::string& code, int cursor_pos) override;
  nl::json inspect_request_impl(const std::string& code, int cursor_pos, int detail_level) override;
  nl::json is_complete_request_impl(const std::string& code) override;
  nl::json kernel_info_request_impl() override;
  void shutdown_request_impl() override;

  // Parses and runs C++ code; throws what the code throws. False (and the diagnostics in
  // `diagnostics`) when it does not compile.
  bool run(const std::string& code, std::string& diagnostics);
  nl::json error(const std::string& name, const std::string& value, const std::vector<std::string>& traceback);

  std::string include_dir_, resource_dir_;
  std::unique_ptr<Clang> clang_;
  int statements_ = 0;  // top-level statements wrapped so far (cells.hpp)
};

}  // namespace xjax::kernel
