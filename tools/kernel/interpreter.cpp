// The xjax kernel's interpreter (interpreter.hpp). A cell is rewritten (cells.hpp), parsed by
// clang::Interpreter into one LLVM module, relinked so that later cells see what it defines, and
// run; std::cout and std::cerr stream to the front end while it runs, and what it throws becomes
// the cell's error.
#include "interpreter.hpp"

#include <clang/AST/ASTContext.h>
#include <clang/AST/Decl.h>
#include <clang/AST/DeclCXX.h>
#include <clang/Basic/DiagnosticOptions.h>
#include <clang/Basic/Version.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/TextDiagnosticPrinter.h>
#include <clang/Interpreter/Interpreter.h>
#include <cxxabi.h>
#include <unistd.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/TargetSelect.h>
#include <xeus/xhelper.hpp>

#include <algorithm>
#include <functional>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <set>
#include <sstream>
#include <streambuf>
#include <thread>
#include <typeinfo>
#include <unordered_map>

#include "cells.hpp"
#include "xjax/display.hpp"
#include "xjax/errors.hpp"

namespace xjax::kernel {

struct Clang {
  std::unique_ptr<clang::Interpreter> interp;
  std::string diagnostics;
  llvm::raw_string_ostream diagnostic_stream{diagnostics};
  // Internal symbols of earlier cells, made external under a unique name (see relink).
  std::unordered_map<std::string, std::string> promoted;
  int modules = 0;

  clang::CompilerInstance& compiler() { return *const_cast<clang::CompilerInstance*>(interp->getCompilerInstance()); }
  std::string take_diagnostics() {
    diagnostic_stream.flush();
    return std::exchange(diagnostics, {});
  }

  // clang gives a definition internal linkage when its type has none (a variable holding a lambda,
  // the lambda's call operator), and a later cell then refers to a symbol no module exports. Each
  // cell's internal definitions become external under a name unique to the cell, and a later
  // cell's references to them are renamed to match.
  void relink(llvm::Module& m) {
    std::vector<llvm::GlobalValue*> values;
    for (llvm::Function& f : m.functions()) values.push_back(&f);
    for (llvm::GlobalVariable& g : m.globals()) values.push_back(&g);
    const std::string cell = "__xjax_cell" + std::to_string(modules++) + "_";
    for (llvm::GlobalValue* g : values) {
      const std::string name = g->getName().str();
      if (name.empty()) continue;
      if (g->isDeclaration()) {
        if (auto it = promoted.find(name); it != promoted.end()) g->setName(it->second);
      } else if (g->hasInternalLinkage() && name.rfind("__cxx_global_var_init", 0) != 0 &&
                 name.rfind("_GLOBAL__", 0) != 0 && name.rfind("__orc_", 0) != 0 && name[0] != '.') {
        g->setName(cell + name);
        g->setLinkage(llvm::GlobalValue::ExternalLinkage);
        g->setVisibility(llvm::GlobalValue::DefaultVisibility);
        promoted[name] = cell + name;
      }
    }
  }

  // The declaration context a qualifier ("xj", "std::chrono", "") names, if any.
  std::vector<clang::DeclContext*> contexts(const std::string& qualifier) {
    std::vector<clang::DeclContext*> found;  // every cell has a part of the translation unit
    for (clang::TranslationUnitDecl* part : compiler().getASTContext().getTranslationUnitDecl()->redecls())
      found.push_back(part);
    std::stringstream parts(qualifier);
    for (std::string part; std::getline(parts, part, ':');) {
      if (part.empty()) continue;
      std::vector<clang::DeclContext*> next;
      for (clang::DeclContext* dc : found)
        for (clang::Decl* d : dc->decls()) {
          auto* nd = llvm::dyn_cast<clang::NamedDecl>(d);
          if (!nd || nd->getNameAsString() != part) continue;
          if (auto* alias = llvm::dyn_cast<clang::NamespaceAliasDecl>(nd)) nd = alias->getNamespace();
          if (auto* ns = llvm::dyn_cast<clang::NamespaceDecl>(nd))
            for (clang::NamespaceDecl* r : ns->redecls()) next.push_back(r);
          else if (auto* record = llvm::dyn_cast<clang::CXXRecordDecl>(nd); record && record->hasDefinition())
            next.push_back(record->getDefinition());
        }
      found = std::move(next);
    }
    return found;
  }
};

namespace {

std::string demangle(const char* name) {
  int status = 0;
  char* plain = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  std::string out = status == 0 && plain ? plain : name;
  std::free(plain);
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream s(text);
  for (std::string line; std::getline(s, line);) out.push_back(line);
  return out;
}

// std::cout / std::cerr while a cell runs: text goes to the front end as a stream, published on
// the thread that runs the cell (the protocol's sockets belong to it); other threads' text waits
// for that thread's next write or for the end of the cell.
class Publisher final : public std::streambuf {
 public:
  Publisher(xeus::xinterpreter& interpreter, std::string name)
      : interpreter_(interpreter), name_(std::move(name)), owner_(std::this_thread::get_id()) {}
  void add(const std::string& text) {
    {
      std::lock_guard lock(mu_);
      pending_ += text;
    }
    if (text.find('\n') != std::string::npos) publish();
  }
  void publish() {
    if (std::this_thread::get_id() != owner_) return;
    std::string text;
    {
      std::lock_guard lock(mu_);
      text.swap(pending_);
    }
    if (!text.empty()) interpreter_.publish_stream(name_, text);
  }

 protected:
  int overflow(int c) override {
    if (c != traits_type::eof()) add(std::string(1, static_cast<char>(c)));
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    add(std::string(s, static_cast<std::size_t>(n)));
    return n;
  }
  int sync() override {
    publish();
    return 0;
  }

 private:
  xeus::xinterpreter& interpreter_;
  std::string name_;
  std::thread::id owner_;
  std::mutex mu_;
  std::string pending_;
};

// A file descriptor (1 or 2: printf, puts, a library writing to stderr) sent into a Publisher
// through a pipe and a thread that reads it, until finish() puts the descriptor back.
class Capture {
 public:
  Capture(int fd, Publisher& to) : fd_(fd) {
    int ends[2];
    if (::pipe(ends) != 0) return;
    saved_ = ::dup(fd);
    ::dup2(ends[1], fd);
    ::close(ends[1]);
    reader_ = std::thread([read_end = ends[0], &to] {
      char buffer[4096];
      for (ssize_t n; (n = ::read(read_end, buffer, sizeof buffer)) > 0;) to.add(std::string(buffer, static_cast<std::size_t>(n)));
      ::close(read_end);
    });
  }
  ~Capture() { finish(); }
  void finish() {
    if (saved_ < 0) return;
    ::dup2(saved_, fd_);  // closes the pipe's write end: the reader sees its end
    ::close(saved_);
    saved_ = -1;
    reader_.join();
  }

 private:
  int fd_, saved_ = -1;
  std::thread reader_;
};

// Streams a cell's standard output and error to the front end for the life of the scope: the C++
// streams through a Publisher each, the file descriptors through a pipe each.
class Redirect {
 public:
  explicit Redirect(xeus::xinterpreter& in)
      : out_(in, "stdout"), err_(in, "stderr"), old_out_(std::cout.rdbuf(&out_)), old_err_(std::cerr.rdbuf(&err_)),
        out_fd_(1, out_), err_fd_(2, err_) {}
  ~Redirect() {
    finish();
    std::cout.rdbuf(old_out_);
    std::cerr.rdbuf(old_err_);
  }
  // Everything written so far, published (and the descriptors given back).
  void finish() {
    std::cout.flush();
    std::cerr.flush();
    std::fflush(stdout);
    std::fflush(stderr);
    out_fd_.finish();
    err_fd_.finish();
    out_.publish();
    err_.publish();
  }

 private:
  Publisher out_, err_;
  std::streambuf* old_out_;
  std::streambuf* old_err_;
  Capture out_fd_, err_fd_;
};

}  // namespace

Interpreter::Interpreter(std::string include_dir, std::string resource_dir)
    : include_dir_(std::move(include_dir)), resource_dir_(std::move(resource_dir)) {
  xeus::register_interpreter(this);
}

Interpreter::~Interpreter() = default;

void Interpreter::configure_impl() {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  const std::string include = "-I" + include_dir_;
  std::vector<const char*> args{"-std=c++20", include.c_str(), "-resource-dir", resource_dir_.c_str(), "-Wno-unused-value"};
  auto ci = clang::IncrementalCompilerBuilder::create(args);
  if (!ci) throw std::runtime_error("xjax-kernel: " + llvm::toString(ci.takeError()));
  auto interp = clang::Interpreter::create(std::move(*ci));
  if (!interp) throw std::runtime_error("xjax-kernel: " + llvm::toString(interp.takeError()));
  clang_ = std::make_unique<Clang>();
  clang_->interp = std::move(*interp);
  clang::CompilerInstance& c = clang_->compiler();
  auto* printer = new clang::TextDiagnosticPrinter(clang_->diagnostic_stream, &c.getDiagnosticOpts());
  printer->BeginSourceFile(c.getLangOpts(), &c.getPreprocessor());
  c.getDiagnostics().setClient(printer, /*ShouldOwnClient=*/true);
  std::string diagnostics;
  // xjax.hpp but interop.hpp: clang 16's incremental parser rejects xtensor's headers.
  if (!run("#include <xjax/core.hpp>\n#include <xjax/export.hpp>\n#include <xjax/ode.hpp>\n#include <xjax/optim.hpp>\n"
           "#include <xjax/optimize.hpp>\n#include <xjax/special.hpp>\n#include <xjax/stats.hpp>\n"
           "#include <xjax/random.hpp>\n#include <xjax/display.hpp>\n#include <iostream>\nnamespace xj = xjax;",
           diagnostics))
    throw std::runtime_error("xjax-kernel: xjax's headers do not compile here:\n" + diagnostics);
  // xj::display(value) and a cell's last expression: rich output, after the text printed before it.
  xjax::set_display_hook([this](const xjax::MimeBundle& bundle) {
    std::cout.flush();
    std::cerr.flush();
    nl::json data = nl::json::object();
    for (const auto& [type, content] : bundle) data[type] = content;
    display_data(std::move(data), nl::json::object(), nl::json::object());
  });
}

bool Interpreter::run(const std::string& code, std::string& diagnostics) {
  auto ptu = clang_->interp->Parse(code);
  diagnostics = clang_->take_diagnostics();
  if (!ptu) {
    llvm::consumeError(ptu.takeError());
    return false;
  }
  if (!ptu->TheModule) return true;
  clang_->relink(*ptu->TheModule);
  if (llvm::Error err = clang_->interp->Execute(*ptu)) {
    diagnostics += "error: " + llvm::toString(std::move(err)) + "\n";
    llvm::consumeError(clang_->interp->Undo());
    return false;
  }
  return true;
}

nl::json Interpreter::error(const std::string& name, const std::string& value, const std::vector<std::string>& traceback) {
  publish_execution_error(name, value, traceback);
  // (xeus 2.4's create_error_reply swaps the name and the value)
  return nl::json{{"status", "error"}, {"ename", name}, {"evalue", value}, {"traceback", traceback}};
}

nl::json Interpreter::execute_request_impl(int, const std::string& code, bool, bool, nl::json, bool) {
  const std::string cell = rewrite_cell(code, statements_);
  Redirect redirect(*this);
  std::string diagnostics;
  try {
    bool ok = run(cell, diagnostics);
    redirect.finish();
    if (!ok) {
      std::vector<std::string> lines = lines_of(diagnostics);
      auto first = std::find_if(lines.begin(), lines.end(), [](const std::string& l) { return l.find("error: ") != std::string::npos; });
      std::string value = first == lines.end() ? "the cell does not compile" : first->substr(first->find("error: ") + 7);
      return error("CompileError", value, lines);
    }
  } catch (const std::exception& e) {
    redirect.finish();
    const std::string type = demangle(typeid(e).name());
    return error(type, e.what(), {type + ": " + e.what()});
  } catch (...) {
    redirect.finish();
    return error("exception", "the cell threw something that is not a std::exception", {});
  }
  if (!diagnostics.empty()) publish_stream("stderr", diagnostics);  // warnings
  return xeus::create_successful_reply();
}

nl::json Interpreter::complete_request_impl(const std::string& code, int cursor_pos) {
  const std::size_t end = std::min(code.size(), static_cast<std::size_t>(std::max(cursor_pos, 0)));
  std::size_t start = end;
  while (start > 0 && (std::isalnum(static_cast<unsigned char>(code[start - 1])) || code[start - 1] == '_' || code[start - 1] == ':'))
    --start;
  const std::string token = code.substr(start, end - start);
  const std::size_t colon = token.rfind("::");
  const std::string qualifier = colon == std::string::npos ? "" : token.substr(0, colon);
  const std::string prefix = colon == std::string::npos ? token : token.substr(colon + 2);
  std::set<std::string> matches;
  auto offer = [&](const clang::NamedDecl* nd) {
    if (!nd->getIdentifier()) return;
    std::string name = nd->getName().str();
    if (name.rfind(prefix, 0) == 0 && (name[0] != '_' || prefix.rfind('_', 0) == 0) && name.rfind("__xjax_", 0) != 0)
      matches.insert(name);
  };
  // After `variable.` or `variable->`: the public members of its class and of its bases.
  const bool dot = start > 0 && code[start - 1] == '.' && colon == std::string::npos;
  const bool arrow = start > 1 && code.compare(start - 2, 2, "->") == 0 && colon == std::string::npos;
  if (dot || arrow) {
    std::size_t object_end = start - (arrow ? 2 : 1), object_start = object_end;
    while (object_start > 0 && (std::isalnum(static_cast<unsigned char>(code[object_start - 1])) || code[object_start - 1] == '_'))
      --object_start;
    const std::string object = code.substr(object_start, object_end - object_start);
    std::function<void(const clang::CXXRecordDecl*)> members = [&](const clang::CXXRecordDecl* record) {
      if (!record || !record->hasDefinition()) return;
      record = record->getDefinition();
      for (const clang::Decl* d : record->decls())
        if (auto* nd = llvm::dyn_cast<clang::NamedDecl>(d); nd && d->getAccess() == clang::AS_public && !llvm::isa<clang::CXXConstructorDecl>(d))
          offer(nd);
      for (const clang::CXXBaseSpecifier& base : record->bases()) members(base.getType()->getAsCXXRecordDecl());
    };
    for (clang::DeclContext* dc : clang_->contexts(""))
      for (clang::Decl* d : dc->decls())
        if (auto* var = llvm::dyn_cast<clang::VarDecl>(d); var && var->getName() == object) {
          clang::QualType type = var->getType().getCanonicalType().getNonReferenceType();
          if (arrow && type->isPointerType()) type = type->getPointeeType();
          members(type->getAsCXXRecordDecl());
        }
  } else {
    for (clang::DeclContext* dc : clang_->contexts(qualifier))
      for (clang::Decl* d : dc->decls())
        if (auto* nd = llvm::dyn_cast<clang::NamedDecl>(d)) offer(nd);
  }
  const int cursor_start = static_cast<int>(end - prefix.size());
  return xeus::create_complete_reply(nl::json(std::vector<std::string>(matches.begin(), matches.end())), cursor_start,
                                     static_cast<int>(end));
}

nl::json Interpreter::inspect_request_impl(const std::string& code, int cursor_pos, int) {
  std::size_t start = std::min(code.size(), static_cast<std::size_t>(std::max(cursor_pos, 0))), end = start;
  auto in_name = [&](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':'; };
  while (start > 0 && in_name(code[start - 1])) --start;
  while (end < code.size() && in_name(code[end])) ++end;
  const std::string token = code.substr(start, end - start);
  const std::size_t colon = token.rfind("::");
  const std::string qualifier = colon == std::string::npos ? "" : token.substr(0, colon);
  const std::string name = colon == std::string::npos ? token : token.substr(colon + 2);
  std::string text;
  llvm::raw_string_ostream os(text);
  clang::PrintingPolicy policy(clang_->compiler().getLangOpts());
  policy.TerseOutput = true;
  for (clang::DeclContext* dc : clang_->contexts(qualifier))
    for (clang::Decl* d : dc->decls())
      if (auto* nd = llvm::dyn_cast<clang::NamedDecl>(d); nd && nd->getIdentifier() && nd->getName() == name) {
        nd->print(os, policy);
        os << "\n";
      }
  os.flush();
  if (text.empty()) return xeus::create_inspect_reply(false);
  return xeus::create_inspect_reply(true, nl::json{{"text/plain", text}});
}

nl::json Interpreter::is_complete_request_impl(const std::string& code) {
  const std::string status = completeness(code);
  return xeus::create_is_complete_reply(status, status == "incomplete" ? "  " : "");
}

nl::json Interpreter::kernel_info_request_impl() {
  nl::json reply = xeus::create_info_reply("5.3", "xjax-kernel", XJAX_VERSION_STRING, "c++", "20", "text/x-c++src", ".cpp",
                                           "c++", "text/x-c++src", "",
                                           "xjax: jit, grad and vmap for C++20 (clang " CLANG_VERSION_STRING ")");
  return reply;
}

void Interpreter::shutdown_request_impl() {}

}  // namespace xjax::kernel
