// The native tier in a build without LLVM (XJAX_LLVM=OFF or LLVM 16 not found): nothing compiles,
// and jit runs every program on the interpreter tier.
#include "jit/native/native.hpp"
#include "trace/lowering.hpp"

namespace xjax::native {

bool built() { return false; }
bool available() { return false; }

struct UnitBuilder::Impl {};
UnitBuilder::UnitBuilder() = default;
UnitBuilder::~UnitBuilder() = default;
bool UnitBuilder::empty() const { return true; }
std::size_t UnitBuilder::add_region(const std::vector<const Var*>&, const std::vector<Atom>&, const std::vector<Equation>&,
                                    const std::vector<std::pair<const Var*, Array>>&) {
  throw lowering::Unsupported{"built without LLVM"};
}
std::size_t UnitBuilder::add_loop(const plan::Kernel&) { throw lowering::Unsupported{"built without LLVM"}; }
std::size_t row_buffer_bytes(const plan::RowKernel&) { return 0; }
std::size_t UnitBuilder::add_rows(const plan::RowKernel&) { throw lowering::Unsupported{"built without LLVM"}; }
Compiled UnitBuilder::compile(bool) { throw ValueError("jit", "built without LLVM"); }
void compile_in_background(std::function<void()> job) { job(); }
void wait_for_background_compiles() {}

}  // namespace xjax::native
