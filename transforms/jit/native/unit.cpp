// The native tier's compiler: functions for regions and fused loops (emitter.hpp), optimised and
// compiled (codegen.hpp) and linked in-process by one ORC LLJIT for the instruction set the kernels
// use; and the helpers generated code calls.
#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/Config/llvm-config.h>
#include <llvm/ExecutionEngine/Orc/CompileUtils.h>
#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/RTDyldObjectLinkingLayer.h>
#include <llvm/ExecutionEngine/SectionMemoryManager.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Linker/Linker.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/SHA256.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/TargetParser/Host.h>

#include <cmath>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>

#include "jit/native/codegen.hpp"
#include "jit/native/disk_cache.hpp"
#include "jit/native/emitter.hpp"
#include "jit/native/worker.hpp"
#include "kernels/isa.hpp"
#include "kernels/tables.hpp"
#include "trace/interrupt.hpp"
#include "xjax/config.hpp"
#include "xjax/errors.hpp"

namespace xjax::native {

extern "C" {
void xjax_native_tile(const Equation* e, const void* const* ins, const std::int64_t* sizes, void* out, std::int64_t n,
                      Status* status) {
  try {
    DType dtypes[8];
    std::size_t k = e->inputs.size();
    if (k > 8) throw ValueError("jit", e->prim->name, " has more than 8 inputs");
    for (std::size_t i = 0; i < k; ++i) dtypes[i] = atom_aval(e->inputs[i]).dtype;
    e->prim->tile({reinterpret_cast<const std::byte* const*>(ins), sizes, dtypes, static_cast<std::byte*>(out), n, &e->params});
  } catch (...) {
    status->fail(std::current_exception());
  }
}
void xjax_native_poll(Status* status) {
  try {
    check_interrupt();
  } catch (...) {
    status->fail(std::current_exception());
  }
}
std::uint64_t xjax_native_answered() { return interrupts_answered(); }
}

#if XJAX_HAS_MATH_BITCODE
extern const unsigned char math_bitcode_sse4[], math_bitcode_avx2[], math_bitcode_avx512[];
extern const std::size_t math_bitcode_sse4_size, math_bitcode_avx2_size, math_bitcode_avx512_size;
#endif

namespace {

// Math functions up to this many instructions (with their helpers) are inlined; sin, cos and tan
// (over a thousand, for their argument reduction) are called.
constexpr std::size_t max_inlined_math = 300;

// One JIT for the process, targeting the instruction set the kernels use (XJAX_CPU_ISA caps both).
struct Engine {
  std::unique_ptr<llvm::orc::LLJIT> jit;
  std::unique_ptr<llvm::TargetMachine> machine;
  std::string cpu, features;
  std::recursive_mutex mu;  // compiling, adding and removing code (a failed compile frees its code)
  // The kernels' unary functors as bitcode for this instruction set (bitcode/math.cpp): its bytes,
  // the functions it defines, and the bytes of one batch.
  llvm::StringRef math;
  std::set<std::string> math_names;
  std::int64_t math_batch_bytes = 0;
  std::set<std::string> math_added;  // in the JIT already
  std::set<std::string> math_inline;  // small enough to be linked into each unit and inlined
  // Target machines for the parts of a unit compiled on other threads (generate_code).
  std::optional<llvm::orc::JITTargetMachineBuilder> builder;
  std::vector<std::unique_ptr<llvm::TargetMachine>> part_machines;
};

void load_math(Engine& e, kernels::Isa isa) {
#if XJAX_HAS_MATH_BITCODE
  const unsigned char* bytes = isa == kernels::Isa::avx512 ? math_bitcode_avx512
                               : isa == kernels::Isa::avx2 ? math_bitcode_avx2
                                                           : math_bitcode_sse4;
  std::size_t size = isa == kernels::Isa::avx512 ? math_bitcode_avx512_size
                     : isa == kernels::Isa::avx2 ? math_bitcode_avx2_size
                                                 : math_bitcode_sse4_size;
  e.math = llvm::StringRef(reinterpret_cast<const char*>(bytes), size);
  llvm::LLVMContext context;
  auto module = llvm::parseBitcodeFile(llvm::MemoryBufferRef(e.math, "math"), context);
  if (!module) {
    llvm::consumeError(module.takeError());
    e.math = {};
    return;
  }
  // Instructions of a function and of the helpers it calls, transitively.
  std::function<std::size_t(const llvm::Function&, std::set<const llvm::Function*>&)> instructions =
      [&](const llvm::Function& f, std::set<const llvm::Function*>& seen) -> std::size_t {
    if (f.isDeclaration() || !seen.insert(&f).second) return 0;
    std::size_t n = f.getInstructionCount();
    for (const llvm::BasicBlock& bb : f)
      for (const llvm::Instruction& i : bb)
        if (const auto* call = llvm::dyn_cast<llvm::CallBase>(&i))
          if (const llvm::Function* callee = call->getCalledFunction()) n += instructions(*callee, seen);
    return n;
  };
  for (const llvm::Function& f : **module)
    if (!f.isDeclaration() && f.getName().startswith("xjax_math_")) {
      e.math_names.insert(f.getName().str());
      std::set<const llvm::Function*> seen;
      if (instructions(f, seen) <= max_inlined_math) e.math_inline.insert(f.getName().str());
    }
  e.math_batch_bytes = isa == kernels::Isa::avx512 ? 64 : isa == kernels::Isa::avx2 ? 32 : 16;
#else
  (void)e;
  (void)isa;
#endif
}

void stop_compiling();

// A first small compile, on the thread that creates the engine (a jit call's, before any compile on
// the background thread): LLVM creates its lazily made static objects here, and the exit handler
// registered afterwards runs before they are destroyed (see stop_compiling).
void warm_up(Engine& e) {
  auto context = std::make_unique<llvm::LLVMContext>();
  auto m = std::make_unique<llvm::Module>("xjax_warm_up", *context);
  m->setDataLayout(e.jit->getDataLayout());
  m->setTargetTriple(e.jit->getTargetTriple().str());
  llvm::IRBuilder<> b(*context);
  llvm::Type* ptr = b.getPtrTy();
  auto* f = llvm::Function::Create(llvm::FunctionType::get(b.getVoidTy(), {ptr, b.getInt64Ty()}, false),
                                   llvm::Function::ExternalLinkage, "xjax_warm_up", *m);
  f->addFnAttr("target-cpu", e.cpu);
  f->addFnAttr("target-features", e.features);
  auto* entry = llvm::BasicBlock::Create(*context, "entry", f);
  auto* loop = llvm::BasicBlock::Create(*context, "loop", f);
  auto* done = llvm::BasicBlock::Create(*context, "done", f);
  b.SetInsertPoint(entry);
  b.CreateBr(loop);
  b.SetInsertPoint(loop);
  llvm::PHINode* i = b.CreatePHI(b.getInt64Ty(), 2);
  i->addIncoming(b.getInt64(0), entry);
  auto* vt = llvm::FixedVectorType::get(b.getDoubleTy(), 64);
  llvm::Value* p = b.CreateGEP(b.getDoubleTy(), f->getArg(0), i);
  llvm::Value* mask = b.CreateICmpULT(b.CreateStepVector(llvm::FixedVectorType::get(b.getInt64Ty(), 64)),
                                      b.CreateVectorSplat(64, b.CreateSub(f->getArg(1), i)));
  llvm::Value* x = b.CreateMaskedLoad(vt, p, llvm::Align(8), mask, llvm::Constant::getNullValue(vt));
  llvm::Value* y = b.CreateSelect(b.CreateFCmpOLT(x, llvm::ConstantFP::get(vt, 0.0)), b.CreateFNeg(x), b.CreateFMul(x, x));
  llvm::Value* n = b.CreateIntrinsic(llvm::Intrinsic::fptosi_sat, {llvm::FixedVectorType::get(b.getInt32Ty(), 64), vt}, {y});
  b.CreateMaskedStore(b.CreateSIToFP(n, vt), p, llvm::Align(8), mask);
  llvm::Value* next = b.CreateAdd(i, b.getInt64(64));
  i->addIncoming(next, loop);
  b.CreateCondBr(b.CreateICmpSLT(next, f->getArg(1)), loop, done);
  b.SetInsertPoint(done);
  b.CreateRetVoid();
  optimise(*e.machine, *m);
  llvm::orc::ResourceTrackerSP tracker = e.jit->getMainJITDylib().createResourceTracker();
  if (llvm::Error err = e.jit->addIRModule(tracker, llvm::orc::ThreadSafeModule(std::move(m), std::move(context))))
    llvm::consumeError(std::move(err));
  else if (auto address = e.jit->lookup("xjax_warm_up"); !address)
    llvm::consumeError(address.takeError());
  llvm::consumeError(tracker->remove());
  std::atexit(stop_compiling);
}

// Generated code never unwinds (the helpers it calls catch every exception into a Status), so its
// unwind tables are not registered with the C++ runtime. Registering them also made any later
// unwinder that allocates inside libgcc's frame lock (a sanitizer's slow unwinder) deadlock.
class CodeMemory final : public llvm::SectionMemoryManager {
  void registerEHFrames(std::uint8_t*, std::uint64_t, std::size_t) override {}
  void deregisterEHFrames() override {}
};

// Loop strength reduction, which the code generator runs on every loop, took a sixth of the
// compile time of a unit of fused loops and did not make them faster (their addresses are a base
// plus a scaled index, which x86 addressing takes as is). LLVM has no per-target switch for it,
// only this option, which holds for the whole process.
void disable_loop_strength_reduction() {
  auto& options = llvm::cl::getRegisteredOptions();
  if (auto it = options.find("disable-lsr"); it != options.end() && it->second->getNumOccurrences() == 0)
    (void)it->second->addOccurrence(0, "disable-lsr", "true");  // as on a command line; false: accepted
}

Engine* make_engine() {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  disable_loop_strength_reduction();
  auto host = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!host) {
    llvm::consumeError(host.takeError());
    return nullptr;
  }
  kernels::Isa isa = kernels::active_isa();
  kernels::Isa widest = kernels::cpu_supports(kernels::Isa::avx512) ? kernels::Isa::avx512
                        : kernels::cpu_supports(kernels::Isa::avx2) ? kernels::Isa::avx2
                                                                     : kernels::Isa::sse4;
  if (isa != widest) {  // capped: the generic CPU of that level
    host->setCPU(isa == kernels::Isa::avx2 ? "x86-64-v3" : "x86-64-v2");
    host->getFeatures() = llvm::SubtargetFeatures();
  }
  host->setCodeGenOptLevel(llvm::CodeGenOpt::Aggressive);
  auto machine = host->createTargetMachine();
  auto jit = llvm::orc::LLJITBuilder()
                 .setJITTargetMachineBuilder(*host)
                 .setObjectLinkingLayerCreator([](llvm::orc::ExecutionSession& session, const llvm::Triple&) {
                   return std::make_unique<llvm::orc::RTDyldObjectLinkingLayer>(
                       session, [] { return std::make_unique<CodeMemory>(); });
                 })
                 .create();
  if (!machine || !jit) {
    if (!machine) llvm::consumeError(machine.takeError());
    if (!jit) llvm::consumeError(jit.takeError());
    return nullptr;
  }
  // Symbols of the process (the C library's, for what the math functions call) resolve in JIT code.
  auto process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess((*jit)->getDataLayout().getGlobalPrefix());
  if (!process) {
    llvm::consumeError(process.takeError());
    return nullptr;
  }
  (*jit)->getMainJITDylib().addGenerator(std::move(*process));
  auto* e = new Engine{std::move(*jit), std::move(*machine), host->getCPU(), host->getFeatures().getString(), {}, {}, {}, 0, {}, {}, *host, {}};
  load_math(*e, isa);
  warm_up(*e);
  return e;
}

// Math functions a unit calls, added to the JIT the first time any unit needs them (e.mu held), each
// with its own copy of the helpers it uses (internal), so that a program pays only for its own.
void add_math(Engine& e, const std::set<std::string>& needed) {
  std::set<std::string> wanted;
  for (const std::string& name : needed)
    if (!e.math_added.count(name)) wanted.insert(name);
  if (wanted.empty()) return;
  auto context = std::make_unique<llvm::LLVMContext>();
  auto math = llvm::parseBitcodeFile(llvm::MemoryBufferRef(e.math, "math"), *context);
  if (!math) throw ValueError("jit", "the math bitcode does not load: ", llvm::toString(math.takeError()));
  llvm::Module& m = **math;
  m.setDataLayout(e.jit->getDataLayout());
  m.setTargetTriple(e.jit->getTargetTriple().str());
  std::vector<llvm::Function*> unused;
  for (llvm::Function& f : m) {
    if (f.isDeclaration()) continue;
    if (f.getName().startswith("xjax_math_") && !wanted.count(f.getName().str())) unused.push_back(&f);
    else if (!f.getName().startswith("xjax_math_")) f.setLinkage(llvm::GlobalValue::InternalLinkage);
    f.addFnAttr("target-cpu", e.cpu);  // the units' target: exact IEEE operations on any width
    f.addFnAttr("target-features", e.features);
  }
  for (llvm::Function* f : unused) f->eraseFromParent();
  for (bool erased = true; erased;) {  // helpers no wanted function calls
    erased = false;
    for (llvm::Function& f : llvm::make_early_inc_range(m))
      if (f.hasLocalLinkage() && f.use_empty()) {
        f.eraseFromParent();
        erased = true;
      }
  }
  if (llvm::Error err = e.jit->addIRModule(llvm::orc::ThreadSafeModule(std::move(*math), std::move(context))))
    throw ValueError("jit", "LLVM could not add the math functions: ", llvm::toString(std::move(err)));
  e.math_added.insert(wanted.begin(), wanted.end());
}

// Small math functions a unit calls are linked into its module, so that they inline into its loops
// (no call, and no trip through memory, per batch); each unit has its own internal copy.
void link_math(Engine& e, llvm::Module& m, const std::set<std::string>& names, const std::string& unit_prefix) {
  if (names.empty()) return;
  auto src = llvm::getLazyBitcodeModule(llvm::MemoryBufferRef(e.math, "math"), m.getContext());
  if (!src) throw ValueError("jit", "the math bitcode does not load: ", llvm::toString(src.takeError()));
  for (llvm::Function& f : **src)  // others keep their shared copy: the unit's declarations must not match
    if (f.getName().startswith("xjax_math_") && !names.count(f.getName().str())) f.setName("unlinked." + f.getName());
  (*src)->setDataLayout(m.getDataLayout());
  (*src)->setTargetTriple(m.getTargetTriple());
  if (llvm::Linker::linkModules(m, std::move(*src), llvm::Linker::Flags::LinkOnlyNeeded))
    throw ValueError("jit", "the math functions could not be linked into the generated code");
  for (llvm::Function& f : m) {
    if (f.isDeclaration() || f.getName().startswith(unit_prefix)) continue;
    f.setLinkage(llvm::GlobalValue::InternalLinkage);
    f.addFnAttr("target-cpu", e.cpu);
    f.addFnAttr("target-features", e.features);
    if (f.getName().startswith("xjax_math_")) f.addFnAttr(llvm::Attribute::AlwaysInline);
  }
  for (llvm::GlobalVariable& g : m.globals())
    if (!g.isDeclaration() && !g.getName().startswith(unit_prefix)) g.setLinkage(llvm::GlobalValue::InternalLinkage);
}

// Kept for the life of the process (code may run until exit).
Engine* engine() {
  static Engine* e = make_engine();
  return e;
}

// At exit, a compile running on the background thread must not outlive LLVM's own static objects,
// which LLVM creates lazily, during a first compile, and so destroys before any exit handler
// registered earlier. warm_up (engine creation) compiles once and then registers this handler,
// which therefore runs first: it waits for a compile under way and keeps every later compile, and
// code removal, from starting.
std::atomic<bool> exiting{false};
void stop_compiling() {
  exiting = true;
  engine()->mu.lock();  // never unlocked: the process is ending
}

std::atomic<std::uint64_t> next_unit{0};

// A unit's code lives in its own JITDylib: every unit names its functions alike (so that its code
// is the same in every process), and removing the library frees it.
class CompiledCode final : public Code {
 public:
  explicit CompiledCode(llvm::orc::JITDylib& library) : library_(library) {}
  ~CompiledCode() override {
    if (exiting) return;  // the process is ending (and the engine's lock is taken for good)
    std::lock_guard lock(engine()->mu);
    llvm::consumeError(engine()->jit->getExecutionSession().removeJITDylib(library_));
  }
  llvm::orc::JITDylib& library() { return library_; }

 private:
  llvm::orc::JITDylib& library_;
};

// Bump when the helpers' signatures, Status or the table's layout change: entries of the
// compilation cache from an older library then no longer match.
constexpr int cache_format = 1;

std::string hex(const std::array<std::uint8_t, 32>& digest) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < 16; ++i) {
    out += digits[digest[i] >> 4];
    out += digits[digest[i] & 15];
  }
  return out;
}

}  // namespace

bool built() { return true; }
bool available() { return engine() != nullptr; }

struct UnitBuilder::Impl {
  std::unique_ptr<llvm::LLVMContext> context = std::make_unique<llvm::LLVMContext>();
  std::unique_ptr<llvm::Module> module;
  std::vector<std::string> names;
  std::string prefix = "xjax_unit_";
  std::set<std::string> math_used;
  // The table of addresses generated code uses (the Helper entries, then equations' for their
  // tile kernels): a placeholder until compile() knows its size.
  llvm::GlobalVariable* table = nullptr;
  std::vector<const Equation*> equations;
  std::unordered_map<const Equation*, std::size_t> equation_entries;

  Impl() {
    module = std::make_unique<llvm::Module>("xjax_unit", *context);
    table = new llvm::GlobalVariable(*module, llvm::PointerType::getUnqual(*context), false,
                                     llvm::GlobalValue::ExternalLinkage, nullptr, "xjax_unit_table_placeholder");
  }
  std::size_t equation_entry(const Equation* e) {
    auto [it, added] = equation_entries.emplace(e, static_cast<std::size_t>(Helper::count) + equations.size());
    if (added) equations.push_back(e);
    return it->second;
  }

  // A declaration of a math function of the bitcode; compile() makes sure the JIT has its code.
  llvm::Function* math_function(const std::string& name) {
    Engine* e = engine();
    if (!e || !e->math_names.count(name)) return nullptr;
    math_used.insert(name);
    llvm::Type* ptr = llvm::PointerType::getUnqual(*context);
    llvm::FunctionType* ft = llvm::FunctionType::get(llvm::Type::getVoidTy(*context), {ptr, ptr}, false);
    return llvm::cast<llvm::Function>(module->getOrInsertFunction(name, ft).getCallee());
  }
  void attach(Emitter& em) {
    Engine* e = engine();
    em.math_function = [this](const std::string& name) { return math_function(name); };
    em.math_batch_bytes = e ? e->math_batch_bytes : 0;
    em.table = table;
    em.equation_entry = [this](const Equation* eqn) { return equation_entry(eqn); };
  }

  llvm::Function* function(std::vector<llvm::Type*> params) {
    Engine* e = engine();
    if (!e) throw lowering::Unsupported{"the native tier is not available"};
    llvm::FunctionType* ft = llvm::FunctionType::get(llvm::Type::getVoidTy(*context), params, false);
    std::string name = prefix + std::to_string(names.size());
    llvm::Function* f = llvm::Function::Create(ft, llvm::Function::ExternalLinkage, name, *module);
    f->addFnAttr("target-cpu", e->cpu);
    f->addFnAttr("target-features", e->features);
    f->addFnAttr(llvm::Attribute::NoUnwind);
    llvm::BasicBlock::Create(*context, "entry", f);
    return f;
  }
  std::size_t finish(llvm::Function* f, const std::function<void()>& emit) {
    try {
      emit();
    } catch (...) {
      f->eraseFromParent();
      throw;
    }
    names.push_back(f->getName().str());
    return names.size() - 1;
  }
};

UnitBuilder::UnitBuilder() : impl_(std::make_unique<Impl>()) {}
UnitBuilder::~UnitBuilder() = default;
bool UnitBuilder::empty() const { return impl_->names.empty(); }

std::size_t UnitBuilder::add_region(const std::vector<const Var*>& ins, const std::vector<Atom>& outs,
                                    const std::vector<Equation>& body,
                                    const std::vector<std::pair<const Var*, Array>>& consts) {
  llvm::Type* ptr = llvm::PointerType::getUnqual(*impl_->context);
  llvm::Function* f = impl_->function({ptr, ptr, ptr});
  return impl_->finish(f, [&] {
    llvm::IRBuilder<> b(&f->getEntryBlock());
    Emitter em(b, f, f->getArg(2), 0);
    impl_->attach(em);
    em.seen_interrupts = em.call(Helper::answered, b.getInt64Ty(), {});
    std::unordered_map<const Var*, Value> env;
    for (std::size_t i = 0; i < ins.size(); ++i)
      env[ins[i]] = em.load(b.CreateAlignedLoad(ptr, b.CreateConstGEP1_64(ptr, f->getArg(0), i), llvm::Align(8)), ins[i]->aval);
    for (const auto& [var, value] : consts) env[var] = em.constant(value);
    em.run(body, env);
    for (std::size_t k = 0; k < outs.size(); ++k)
      em.store(em.atom(outs[k], env), b.CreateAlignedLoad(ptr, b.CreateConstGEP1_64(ptr, f->getArg(1), k), llvm::Align(8)));
    b.CreateRetVoid();
  });
}

std::size_t UnitBuilder::add_loop_function(const std::function<void(llvm::Function*, Emitter&)>& emit) {
  llvm::LLVMContext& c = *impl_->context;
  llvm::Type* ptr = llvm::PointerType::getUnqual(c);
  llvm::Type* i64 = llvm::Type::getInt64Ty(c);
  llvm::Function* f = impl_->function({ptr, i64, i64, ptr, ptr});
  return impl_->finish(f, [&] {
    llvm::IRBuilder<> b(&f->getEntryBlock());
    Emitter em(b, f, f->getArg(4), loop_lanes);
    impl_->attach(em);
    emit(f, em);
  });
}

Compiled UnitBuilder::compile(bool cache_only) {
  Engine* e = engine();
  if (!e) throw ValueError("jit", "the native tier is not available");
  if (exiting) throw ValueError("jit", "the process is exiting");
  // One compile at a time: the target machine and LLJIT's compiler are not thread-safe.
  std::lock_guard lock(e->mu);
  llvm::Module& m = *impl_->module;
  m.setDataLayout(e->jit->getDataLayout());
  m.setTargetTriple(e->jit->getTargetTriple().str());
  {  // the table, now that its size is known
    llvm::Type* ptr = llvm::PointerType::getUnqual(*impl_->context);
    auto* type = llvm::ArrayType::get(ptr, static_cast<std::uint64_t>(Helper::count) + impl_->equations.size());
    auto* table = new llvm::GlobalVariable(m, type, false, llvm::GlobalValue::ExternalLinkage,
                                           llvm::ConstantAggregateZero::get(type), impl_->prefix + "table");
    impl_->table->replaceAllUsesWith(table);
    impl_->table->eraseFromParent();
    impl_->table = table;
  }
  std::set<std::string> shared, inlined;
  for (const std::string& name : impl_->math_used) (e->math_inline.count(name) ? inlined : shared).insert(name);
  link_math(*e, m, inlined, impl_->prefix);
  std::string problems;
  llvm::raw_string_ostream os(problems);
  if (llvm::verifyModule(m, &os)) throw ValueError("jit", "generated code failed verification: ", os.str());

  // The cache's key: the unit's IR (its target's instruction sets included) and what else decides
  // the machine code made of it.
  Compiled out;
  const std::string dir = disk_cache::directory();
  std::string key;
  std::optional<disk_cache::Entry> entry;
  if (!dir.empty()) {
    std::string text = "xjax " XJAX_VERSION_STRING " cache format " + std::to_string(cache_format) + " LLVM " LLVM_VERSION_STRING "\n";
    llvm::raw_string_ostream ir(text);
    m.print(ir, nullptr);
    ir.flush();
    key = hex(llvm::SHA256::hash(llvm::arrayRefFromStringRef(text)));
    std::string why;
    entry = disk_cache::load(dir, key, why);
    if (!why.empty()) out.log.push_back("[jit] compilation cache: ignoring entry " + key + " in " + dir + " (" + why + "), compiling");
  }
  if (cache_only && !entry) return out;

  auto new_library = [&] {
    auto library = e->jit->getExecutionSession().createJITDylib("xjax_unit" + std::to_string(next_unit++));
    if (!library) throw ValueError("jit", "LLVM could not make a library: ", llvm::toString(library.takeError()));
    library->addToLinkOrder(e->jit->getMainJITDylib());
    return std::make_unique<CompiledCode>(*library);
  };
  std::unique_ptr<CompiledCode> code = new_library();
  // Adds the object files and looks up the unit's functions and table; an error message, or "".
  auto link = [&](const std::vector<std::string>& objects) -> std::string {
    llvm::orc::JITDylib& library = code->library();
    for (const std::string& object : objects)
      if (llvm::Error err = e->jit->addObjectFile(library, llvm::MemoryBuffer::getMemBufferCopy(object, "xjax_unit")))
        return llvm::toString(std::move(err));
    out.addresses.clear();
    for (const std::string& name : impl_->names) {
      auto address = e->jit->lookup(library, name);
      if (!address) return name + ": " + llvm::toString(address.takeError());
      out.addresses.push_back(address->toPtr<void*>());
    }
    auto table = e->jit->lookup(library, impl_->prefix + "table");
    if (!table) return llvm::toString(table.takeError());
    auto** entries = table->toPtr<const void**>();
    entries[static_cast<std::size_t>(Helper::tile)] = reinterpret_cast<const void*>(&xjax_native_tile);
    entries[static_cast<std::size_t>(Helper::poll)] = reinterpret_cast<const void*>(&xjax_native_poll);
    entries[static_cast<std::size_t>(Helper::answered)] = reinterpret_cast<const void*>(&xjax_native_answered);
    entries[static_cast<std::size_t>(Helper::interrupt_counter)] = &interrupt_counter();
    for (std::size_t i = 0; i < impl_->equations.size(); ++i)
      entries[static_cast<std::size_t>(Helper::count) + i] = impl_->equations[i];
    return "";
  };
  if (entry) {
    std::set<std::string> needs;
    std::istringstream names(entry->needs);
    for (std::string name; names >> name;) needs.insert(name);
    if (needs == shared) {
      add_math(*e, shared);
      std::string failed = link(entry->objects);
      if (failed.empty()) {
        out.parts = entry->objects.size();
        out.cache = "loaded from the compilation cache";
        out.code = std::move(code);
        return out;
      }
      out.log.push_back("[jit] compilation cache: entry " + key + " in " + dir + " did not link (" + failed + "), compiling");
    } else {
      out.log.push_back("[jit] compilation cache: entry " + key + " in " + dir + " calls other functions, compiling");
    }
    if (cache_only) return out;
    code.reset();  // frees what was linked
    code = new_library();
  }

  add_math(*e, shared);
  const char* dump = std::getenv("XJAX_NATIVE_DUMP");  // a debugging aid
  std::string ir;
  std::vector<std::string> objects = generate_code({*e->machine, *e->builder, e->part_machines}, m, dump && *dump == '1', ir);
  if (!ir.empty()) config.log("[jit] native code of " + impl_->prefix + ":\n" + ir);
  out.parts = objects.size();
  if (std::string failed = link(objects); !failed.empty())
    throw ValueError("jit", "LLVM could not link the generated code: ", failed);
  if (!dir.empty()) {
    std::string names;
    for (const std::string& name : shared) names += (names.empty() ? "" : " ") + name;
    if (std::string failed = disk_cache::store(dir, key, {names, std::move(objects)}); !failed.empty())
      out.log.push_back("[jit] compilation cache: not stored: " + failed);
    else
      out.cache = "stored in the compilation cache";
  }
  out.code = std::move(code);
  return out;
}

namespace {
Worker& worker() {
  static Worker w;
  return w;
}
}  // namespace

// The whole job runs under the engine's lock, not just its LLVM compile: the exit handler takes that
// lock, so no job is still building IR while static objects are destroyed.
void compile_in_background(std::function<void()> job) {
  worker().push([job = std::move(job)] {
    Engine* e = engine();
    if (!e) return;
    std::lock_guard lock(e->mu);
    try {
      if (!exiting) job();
    } catch (...) {  // only a log sink can throw here (compile failures are caught and logged)
    }
  });
}
void wait_for_background_compiles() { worker().wait_idle(); }

}  // namespace xjax::native
