// From a native unit's LLVM module to machine code: the short optimisation pipeline, and code
// generation, in parts on several threads for a unit of several functions.
#pragma once
#include <memory>
#include <string>
#include <vector>

namespace llvm {
class Module;
class TargetMachine;
namespace orc {
class JITTargetMachineBuilder;
}  // namespace orc
}  // namespace llvm

namespace xjax::native {

// The target machines a compile uses (a target machine is not thread-safe): `main` on the calling
// thread, and one of `extra` per other thread, made from `builder` the first time they are needed.
struct Machines {
  llvm::TargetMachine& main;
  llvm::orc::JITTargetMachineBuilder& builder;
  std::vector<std::unique_ptr<llvm::TargetMachine>>& extra;
};

// The short pass pipeline generated code gets (codegen.cpp says why not O3).
void optimise(llvm::TargetMachine& machine, llvm::Module& m);

// Optimises and compiles a unit: its object files, and its optimised IR in `ir` if `dump`.
std::vector<std::string> generate_code(const Machines& machines, llvm::Module& m, bool dump, std::string& ir);

}  // namespace xjax::native
