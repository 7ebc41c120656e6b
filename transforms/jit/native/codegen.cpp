// From a native unit's LLVM module to machine code (codegen.hpp).
#include "jit/native/codegen.hpp"

#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/Bitcode/BitcodeWriter.h>
#include <llvm/ExecutionEngine/Orc/CompileUtils.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/IR/Module.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Transforms/IPO/AlwaysInliner.h>
#include <llvm/Transforms/IPO/GlobalDCE.h>
#include <llvm/Transforms/InstCombine/InstCombine.h>
#include <llvm/Transforms/Scalar/EarlyCSE.h>
#include <llvm/Transforms/Scalar/GVN.h>
#include <llvm/Transforms/Scalar/LICM.h>
#include <llvm/Transforms/Scalar/SROA.h>
#include <llvm/Transforms/Scalar/SimplifyCFG.h>
#include <llvm/Transforms/Utils/Cloning.h>

#include <algorithm>
#include <exception>
#include <functional>
#include <system_error>
#include <thread>
#include <unordered_map>

#include "xjax/errors.hpp"

namespace xjax::native {

namespace {
// A unit is split into at most this many parts, and only from this many instructions on: a smaller
// one compiles faster whole than the split and the bitcode round trip cost.
constexpr std::size_t max_parts = 4;
constexpr std::size_t min_split_instructions = 400;

}  // namespace

// The emitter writes vector code already (and the math bitcode comes optimised), so the code needs
// only what cleans up after it: inlining the math functions, their buffers and the emitter's stack
// slots into registers (SROA), redundant loads and arithmetic, branches, loop invariants. O3 (its
// vectorisers, unrolling, induction variable passes) took twice the time for code at most a few
// percent faster (softmax, layer norm; bench/RESULTS.md).
void optimise(llvm::TargetMachine& machine, llvm::Module& m) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(&machine);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::FunctionPassManager fpm;
  fpm.addPass(llvm::SROAPass(llvm::SROAOptions::ModifyCFG));
  fpm.addPass(llvm::EarlyCSEPass(/*UseMemorySSA=*/true));
  fpm.addPass(llvm::InstCombinePass());
  fpm.addPass(llvm::SimplifyCFGPass());
  fpm.addPass(llvm::createFunctionToLoopPassAdaptor(llvm::LICMPass(llvm::LICMOptions()), /*UseMemorySSA=*/true));
  fpm.addPass(llvm::GVNPass());
  fpm.addPass(llvm::InstCombinePass());
  fpm.addPass(llvm::SimplifyCFGPass());
  llvm::ModulePassManager mpm;
  mpm.addPass(llvm::AlwaysInlinerPass());
  mpm.addPass(llvm::createModuleToFunctionPassAdaptor(std::move(fpm)));
  mpm.addPass(llvm::GlobalDCEPass());  // math functions every call of which was inlined
  mpm.run(m, mam);
}

// Optimises and compiles a unit: its object files, and its optimised IR if `dump`. Optimisation and
// code generation are most of a compile, so a unit of several functions is split into parts of
// about equal size (the largest function first, into the lightest part; every part has its own copy
// of the internal math functions, to inline), each moved through bitcode into an LLVMContext of its
// own (a context is not thread-safe) and compiled on its own thread with its own target machine,
// as LTO's parallel code generation does.
std::vector<std::string> generate_code(const Machines& machines, llvm::Module& m, bool dump, std::string& ir) {
  auto compile = [dump](llvm::TargetMachine& machine, llvm::Module& module, std::string& text) {
    optimise(machine, module);
    if (dump) {
      llvm::raw_string_ostream os(text);
      module.print(os, nullptr);
    }
    auto object = llvm::orc::SimpleCompiler(machine)(module);
    if (!object) throw ValueError("jit", "LLVM could not compile the generated code: ", llvm::toString(object.takeError()));
    return (*object)->getBuffer().str();
  };
  // A function's size: its instructions and those of the internal functions it calls (the math
  // functions inlined into it), each call counted.
  std::unordered_map<const llvm::Function*, std::size_t> sizes;
  std::function<std::size_t(const llvm::Function&)> size = [&](const llvm::Function& f) -> std::size_t {
    if (auto it = sizes.find(&f); it != sizes.end()) return it->second;
    sizes[&f] = 0;  // a recursive call counts once
    std::size_t n = f.getInstructionCount();
    for (const llvm::BasicBlock& bb : f)
      for (const llvm::Instruction& i : bb)
        if (const auto* call = llvm::dyn_cast<llvm::CallBase>(&i))
          if (const llvm::Function* callee = call->getCalledFunction(); callee && callee->hasLocalLinkage() && !callee->isDeclaration())
            n += size(*callee);
    return sizes[&f] = n;
  };
  std::vector<std::pair<std::size_t, const llvm::Function*>> functions;  // the unit's own
  std::size_t instructions = 0;
  for (const llvm::Function& f : m)
    if (!f.isDeclaration() && !f.hasLocalLinkage()) {
      functions.emplace_back(size(f), &f);
      instructions += functions.back().first;
    }
  const std::size_t parts = std::min({std::size_t{std::max(1u, std::thread::hardware_concurrency())}, max_parts, functions.size()});
  if (parts < 2 || instructions < min_split_instructions) return {compile(machines.main, m, ir)};

  std::stable_sort(functions.begin(), functions.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::size_t> load(parts, 0);
  std::unordered_map<const llvm::GlobalValue*, std::size_t> part_of;
  for (const auto& [size, f] : functions) {
    auto lightest = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    load[lightest] += size;
    part_of[f] = lightest;
  }
  std::vector<llvm::SmallVector<char, 0>> bitcode(parts);
  for (std::size_t p = 0; p < parts; ++p) {
    llvm::ValueToValueMapTy map;
    std::unique_ptr<llvm::Module> part = llvm::CloneModule(m, map, [&](const llvm::GlobalValue* g) {
      if (g->hasLocalLinkage()) return true;  // math functions and their constants: a copy in each part
      auto it = part_of.find(g);
      return it == part_of.end() ? p == 0 : it->second == p;  // the table: in part 0
    });
    llvm::raw_svector_ostream os(bitcode[p]);
    llvm::WriteBitcodeToFile(*part, os);
  }
  while (machines.extra.size() + 1 < parts) {
    auto machine = machines.builder.createTargetMachine();
    if (!machine) throw ValueError("jit", "LLVM could not make a target machine: ", llvm::toString(machine.takeError()));
    machines.extra.push_back(std::move(*machine));
  }
  std::vector<std::string> objects(parts), texts(parts);
  std::vector<std::exception_ptr> failures(parts);
  auto run = [&](std::size_t p) {
    try {
      llvm::LLVMContext context;
      llvm::StringRef bytes(bitcode[p].data(), bitcode[p].size());
      auto module = llvm::parseBitcodeFile(llvm::MemoryBufferRef(bytes, "xjax_unit_part"), context);
      if (!module) throw ValueError("jit", "a part of the generated code does not load: ", llvm::toString(module.takeError()));
      objects[p] = compile(p == 0 ? machines.main : *machines.extra[p - 1], **module, texts[p]);
    } catch (...) {
      failures[p] = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t p = 1; p < parts; ++p) {
    try {
      threads.emplace_back(run, p);
    } catch (const std::system_error&) {  // no thread to be had: this one compiles the part
      run(p);
    }
  }
  run(0);
  for (std::thread& t : threads) t.join();
  for (const std::exception_ptr& failure : failures)
    if (failure) std::rethrow_exception(failure);
  for (const std::string& text : texts) ir += text;
  return objects;
}


}  // namespace xjax::native
