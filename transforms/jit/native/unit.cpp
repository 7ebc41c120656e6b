// The native tier's compiler: functions for regions and fused loops (emitter.hpp), optimised with
// LLVM's O3 pipeline and compiled in-process by one ORC LLJIT for the instruction set the kernels
// use; and the helpers generated code calls.
#include <llvm/Bitcode/BitcodeReader.h>
#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/RTDyldObjectLinkingLayer.h>
#include <llvm/ExecutionEngine/SectionMemoryManager.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/TargetParser/Host.h>

#include <cmath>
#include <cstdlib>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include "jit/native/emitter.hpp"
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
void xjax_native_fold(std::int32_t kind, std::int32_t dtype, const void* tile, std::int64_t n, double* acc) {
  auto k = static_cast<plan::ReduceKind>(kind);
  kernels::ReduceOp op = k == plan::ReduceKind::sum   ? kernels::ReduceOp::sum
                         : k == plan::ReduceKind::max ? kernels::ReduceOp::max
                                                      : kernels::ReduceOp::min;
  double v = kernels::reduction().reduce_tile(op, static_cast<DType>(dtype), tile, n);
  // As the interpreter folds tiles: in order, in double, NaN propagating.
  if (k == plan::ReduceKind::sum) *acc += v;
  else if (*acc != *acc) return;
  else if (v != v) *acc = v;
  else *acc = k == plan::ReduceKind::max ? std::max(*acc, v) : std::min(*acc, v);
}
}

#if XJAX_HAS_MATH_BITCODE
extern const unsigned char math_bitcode_sse4[], math_bitcode_avx2[], math_bitcode_avx512[];
extern const std::size_t math_bitcode_sse4_size, math_bitcode_avx2_size, math_bitcode_avx512_size;
#endif

namespace {

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
  for (const llvm::Function& f : **module)
    if (!f.isDeclaration() && f.getName().startswith("xjax_math_")) e.math_names.insert(f.getName().str());
  e.math_batch_bytes = isa == kernels::Isa::avx512 ? 64 : isa == kernels::Isa::avx2 ? 32 : 16;
#else
  (void)e;
  (void)isa;
#endif
}

void stop_compiling();

void optimise(Engine& e, llvm::Module& m) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(e.machine.get());
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3).run(m, mam);
}

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
  optimise(e, *m);
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

Engine* make_engine() {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
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
  auto* e = new Engine{std::move(*jit), std::move(*machine), host->getCPU(), host->getFeatures().getString(), {}, {}, {}, 0, {}};
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

class CompiledCode final : public Code {
 public:
  explicit CompiledCode(llvm::orc::ResourceTrackerSP t) : tracker_(std::move(t)) {}
  ~CompiledCode() override {
    if (exiting) return;  // the process is ending (and the engine's lock is taken for good)
    std::lock_guard lock(engine()->mu);
    llvm::consumeError(tracker_->remove());
  }

 private:
  llvm::orc::ResourceTrackerSP tracker_;
};

}  // namespace

bool built() { return true; }
bool available() { return engine() != nullptr; }

struct UnitBuilder::Impl {
  std::unique_ptr<llvm::LLVMContext> context = std::make_unique<llvm::LLVMContext>();
  std::unique_ptr<llvm::Module> module;
  std::vector<std::string> names;
  std::string prefix = "xjax_unit" + std::to_string(next_unit++) + "_";
  std::set<std::string> math_used;

  Impl() { module = std::make_unique<llvm::Module>(prefix, *context); }

  // A declaration of a math function of the bitcode; compile() makes sure the JIT has its code.
  llvm::Function* math_function(const std::string& name) {
    Engine* e = engine();
    if (!e || !e->math_names.count(name)) return nullptr;
    math_used.insert(name);
    llvm::Type* ptr = llvm::PointerType::getUnqual(*context);
    llvm::FunctionType* ft = llvm::FunctionType::get(llvm::Type::getVoidTy(*context), {ptr, ptr}, false);
    return llvm::cast<llvm::Function>(module->getOrInsertFunction(name, ft).getCallee());
  }
  void attach_math(Emitter& em) {
    Engine* e = engine();
    em.math_function = [this](const std::string& name) { return math_function(name); };
    em.math_batch_bytes = e ? e->math_batch_bytes : 0;
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
    impl_->attach_math(em);
    em.seen_interrupts = em.call(reinterpret_cast<void*>(&xjax_native_answered), b.getInt64Ty(), {});
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

// Tiles of kernels::tile_size elements, as the interpreter's, each in blocks of `lanes`: the body
// once for whole blocks and once, with masked loads and stores, for a tile's last partial block.
// A reduced value is stored into a tile buffer and folded by the eager kernels' tile function.
std::size_t UnitBuilder::add_loop(const plan::Kernel& k) {
  constexpr std::int64_t lanes = 64, tile = kernels::tile_size;
  static_assert(tile % lanes == 0);
  llvm::LLVMContext& c = *impl_->context;
  llvm::Type* ptr = llvm::PointerType::getUnqual(c);
  llvm::Type* i64 = llvm::Type::getInt64Ty(c);
  llvm::Function* f = impl_->function({ptr, i64, i64, ptr, ptr});
  return impl_->finish(f, [&] {
    llvm::IRBuilder<> b(&f->getEntryBlock());
    llvm::Value *slots = f->getArg(0), *begin = f->getArg(1), *end = f->getArg(2), *acc = f->getArg(3);
    Emitter em(b, f, f->getArg(4), lanes);
    impl_->attach_math(em);
    std::vector<llvm::AllocaInst*> tiles;
    for (std::size_t r = 0; r < k.reduces.size(); ++r) {
      DType d = atom_aval(k.reduces[r].eqn->inputs[0]).dtype;
      tiles.push_back(em.stack(llvm::ArrayType::get(em.element_type(d), tile)));
      double identity = k.reduces[r].kind == plan::ReduceKind::sum   ? 0.0
                        : k.reduces[r].kind == plan::ReduceKind::max ? -HUGE_VAL
                                                                     : HUGE_VAL;
      b.CreateStore(llvm::ConstantFP::get(b.getDoubleTy(), identity), b.CreateConstGEP1_64(b.getDoubleTy(), acc, r));
    }
    auto slot_ptr = [&](int s) {
      return b.CreateAlignedLoad(ptr, b.CreateConstGEP1_64(ptr, slots, static_cast<std::uint64_t>(s)), llvm::Align(8));
    };
    auto block = [&](const char* name) { return llvm::BasicBlock::Create(c, name, f); };
    llvm::BasicBlock *entry = b.GetInsertBlock(), *tile_head = block("tile"), *tile_body = block("tile_body"),
                     *block_head = block("block"), *block_body = block("block_body"), *whole = block("whole"),
                     *partial = block("partial"), *latch = block("latch"), *tile_end = block("tile_end"),
                     *done = block("done");
    b.CreateBr(tile_head);
    b.SetInsertPoint(tile_head);
    llvm::PHINode* t = b.CreatePHI(i64, 2);
    t->addIncoming(begin, entry);
    b.CreateCondBr(b.CreateICmpSLT(t, end), tile_body, done);
    b.SetInsertPoint(tile_body);
    llvm::Value* tile_len = b.CreateBinaryIntrinsic(llvm::Intrinsic::smin, b.getInt64(tile), b.CreateSub(end, t));
    b.CreateBr(block_head);
    b.SetInsertPoint(block_head);
    llvm::PHINode* j = b.CreatePHI(i64, 2);
    j->addIncoming(b.getInt64(0), tile_body);
    b.CreateCondBr(b.CreateICmpSLT(j, tile_len), block_body, tile_end);
    b.SetInsertPoint(block_body);
    llvm::Value* len = b.CreateBinaryIntrinsic(llvm::Intrinsic::smin, b.getInt64(lanes), b.CreateSub(tile_len, j));
    b.CreateCondBr(b.CreateICmpEQ(len, b.getInt64(lanes)), whole, partial);

    auto body = [&](bool masked) {
      llvm::Value* offset = b.CreateAdd(t, j);
      llvm::Value* mask = nullptr;
      if (masked) {
        std::vector<llvm::Constant*> ids;
        for (std::int64_t l = 0; l < lanes; ++l) ids.push_back(b.getInt64(static_cast<std::uint64_t>(l)));
        mask = b.CreateICmpULT(llvm::ConstantVector::get(ids), b.CreateVectorSplat(lanes, len));
      }
      em.active_lanes = masked ? len : b.getInt64(lanes);
      std::unordered_map<int, Value> scratch;
      auto operand = [&](const plan::Operand& o, const Atom& a) -> Value {
        const ShapedArray& av = atom_aval(a);
        if (o.kind == plan::Operand::scratch) return scratch.at(o.index);
        if (o.kind == plan::Operand::literal) return em.constant(o.value);
        if (av.size() == 1 && k.n != 1) return em.load_splat(slot_ptr(o.index), av);
        return em.load(slot_ptr(o.index), av, offset, mask);
      };
      for (const plan::FusedOp& op : k.ops) {
        Values in;
        for (std::size_t i = 0; i < op.ins.size(); ++i) in.push_back(operand(op.ins[i], op.eqn->inputs[i]));
        Value out = em.lower_equation(*op.eqn, in)[0];
        out.aval = op.eqn->outputs[0]->aval;
        if (op.scratch_out >= 0) scratch[op.scratch_out] = out;
        if (op.slot_out >= 0) em.store(out, slot_ptr(op.slot_out), offset, mask);
      }
      for (std::size_t r = 0; r < k.reduces.size(); ++r)
        em.store(operand(k.reduces[r].src, k.reduces[r].eqn->inputs[0]), tiles[r], j);
      b.CreateBr(latch);
    };
    b.SetInsertPoint(whole);
    body(false);
    b.SetInsertPoint(partial);
    body(true);
    b.SetInsertPoint(latch);
    j->addIncoming(b.CreateAdd(j, b.getInt64(lanes)), latch);
    b.CreateBr(block_head);
    b.SetInsertPoint(tile_end);
    for (std::size_t r = 0; r < k.reduces.size(); ++r) {
      DType d = atom_aval(k.reduces[r].eqn->inputs[0]).dtype;
      em.call(reinterpret_cast<void*>(&xjax_native_fold), b.getVoidTy(),
              {b.getInt32(static_cast<std::uint32_t>(k.reduces[r].kind)), b.getInt32(static_cast<std::uint32_t>(d)), tiles[r],
               tile_len, b.CreateConstGEP1_64(b.getDoubleTy(), acc, r)});
    }
    t->addIncoming(b.CreateAdd(t, b.getInt64(tile)), tile_end);
    b.CreateBr(tile_head);
    b.SetInsertPoint(done);
    b.CreateRetVoid();
  });
}

std::unique_ptr<Code> UnitBuilder::compile(std::vector<void*>& addresses) {
  Engine* e = engine();
  if (!e) throw ValueError("jit", "the native tier is not available");
  if (exiting) throw ValueError("jit", "the process is exiting");
  // One compile at a time: the target machine and LLJIT's compiler are not thread-safe.
  std::lock_guard lock(e->mu);
  llvm::Module& m = *impl_->module;
  m.setDataLayout(e->jit->getDataLayout());
  m.setTargetTriple(e->jit->getTargetTriple().str());
  add_math(*e, impl_->math_used);
  std::string problems;
  llvm::raw_string_ostream os(problems);
  if (llvm::verifyModule(m, &os)) throw ValueError("jit", "generated code failed verification: ", os.str());
  optimise(*e, m);
  if (const char* dump = std::getenv("XJAX_NATIVE_DUMP"); dump && *dump == '1') {  // a debugging aid
    std::string text;
    llvm::raw_string_ostream ir(text);
    m.print(ir, nullptr);
    config.log("[jit] native code of " + impl_->prefix + ":\n" + ir.str());
  }
  llvm::orc::ResourceTrackerSP tracker = e->jit->getMainJITDylib().createResourceTracker();
  auto code = std::make_unique<CompiledCode>(tracker);
  if (llvm::Error err = e->jit->addIRModule(tracker, llvm::orc::ThreadSafeModule(std::move(impl_->module), std::move(impl_->context))))
    throw ValueError("jit", "LLVM could not add the generated code: ", llvm::toString(std::move(err)));
  addresses.clear();
  for (const std::string& name : impl_->names) {
    auto address = e->jit->lookup(name);
    if (!address) throw ValueError("jit", "LLVM could not compile ", name, ": ", llvm::toString(address.takeError()));
    addresses.push_back(address->toPtr<void*>());
  }
  return code;
}

namespace {
// The compile thread: jobs run one at a time, in order; pending jobs are dropped at exit.
class Worker {
 public:
  // At exit: pending jobs are dropped; a job under way is left to the exit handler above (joining
  // could wait forever on the engine's lock it holds).
  ~Worker() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
      jobs_.clear();
    }
    ready_.notify_all();
    if (thread_.joinable()) thread_.detach();
  }
  void push(std::function<void()> job) {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(job));
    if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
    ready_.notify_all();
  }
  void wait_idle() {
    std::unique_lock lock(mu_);
    ready_.wait(lock, [&] { return jobs_.empty() && !busy_; });
  }

 private:
  void loop() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mu_);
        ready_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
        if (stop_) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
        busy_ = true;
      }
      job();
      {
        std::lock_guard lock(mu_);
        busy_ = false;
      }
      ready_.notify_all();
    }
  }
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  bool stop_ = false, busy_ = false;
  std::thread thread_;
};

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
    if (!exiting) job();
  });
}
void wait_for_background_compiles() { worker().wait_idle(); }

}  // namespace xjax::native
