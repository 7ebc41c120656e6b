// The native tier's fused loops: plan kernels (elementwise chains and full reductions) and row kernels
// (regions joined by reductions over trailing axes), as loops over blocks of loop_lanes elements
// inside tiles of kernels::tile_size, the interpreter's tiles, so reductions fold the same partial
// results.
#include <cmath>
#include <optional>

#include "jit/native/emitter.hpp"
#include "kernels/tables.hpp"
#include "kernels/thread_pool.hpp"

namespace xjax::native {
namespace {

constexpr std::int64_t lanes = loop_lanes, tile = kernels::tile_size;
static_assert(tile % lanes == 0 && kernels::parallel_grain % tile == 0);

using BlockFn = std::function<void(llvm::Value* offset, llvm::Value* in_tile, llvm::Value* mask)>;

// Which kinds of block a loop over a known extent runs (only the body of each kind is emitted),
// and whether its partial blocks are rare enough to call math functions rather than inline them:
// compiling the inlined copies is most of a unit's compile time.
struct BlockKinds {
  bool whole, partial, partial_calls_math;
  std::int64_t extent = -1;  // of every loop, if known
  // A kernel of n elements: its chunks (parallel_for) and tiles start at multiples of `lanes`, so
  // only its last block may be partial.
  static BlockKinds of_kernel(std::int64_t n) { return {n >= lanes, n % lanes != 0, true}; }
  // Rows of n elements: one partial block per row, if any.
  static BlockKinds of_row(std::int64_t n) { return {n >= lanes, n % lanes != 0, n >= tile, n}; }
};

// for_blocks over [0, n) for n <= tile, known: one tile, a loop of whole blocks with a constant
// trip count (whose loop the optimiser may unroll) and the partial block, if any, after it.
void for_blocks_of_one_tile(Emitter& em, llvm::Function* f, std::int64_t n, const BlockFn& body,
                            const std::function<void(llvm::Value* tile_len)>& tile_end) {
  llvm::IRBuilder<>& b = em.builder();
  const std::int64_t whole_end = n / lanes * lanes;
  if (whole_end > 0) {
    llvm::BasicBlock *entry = b.GetInsertBlock(), *loop = llvm::BasicBlock::Create(b.getContext(), "whole", f),
                     *after = llvm::BasicBlock::Create(b.getContext(), "wholes_done", f);
    b.CreateBr(loop);
    b.SetInsertPoint(loop);
    llvm::PHINode* j = b.CreatePHI(b.getInt64Ty(), 2);
    j->addIncoming(b.getInt64(0), entry);
    em.active_lanes = b.getInt64(lanes);
    body(j, j, nullptr);
    llvm::Value* next = b.CreateAdd(j, b.getInt64(lanes));
    j->addIncoming(next, b.GetInsertBlock());
    b.CreateCondBr(b.CreateICmpSLT(next, b.getInt64(whole_end)), loop, after);
    b.SetInsertPoint(after);
  }
  if (n > whole_end) {
    std::vector<llvm::Constant*> mask;
    for (std::int64_t l = 0; l < lanes; ++l) mask.push_back(b.getInt1(l < n - whole_end));
    em.active_lanes = b.getInt64(n - whole_end);
    em.inline_math = true;  // runs once a row
    body(b.getInt64(whole_end), b.getInt64(whole_end), llvm::ConstantVector::get(mask));
  }
  tile_end(b.getInt64(n));
}

// for (t = begin; t < end; t += tile) { for (j = 0; j < tile_len; j += lanes) body(t + j, j, mask);
// tile_end(tile_len); }. The body is emitted twice: for whole blocks (mask null) and for a tile's
// last partial block (masked loads and stores), unless `kinds` rules one out. Leaves the builder
// after the loop.
void for_blocks(Emitter& em, llvm::Function* f, llvm::Value* begin, llvm::Value* end, const BlockFn& body,
                const std::function<void(llvm::Value* tile_len)>& tile_end, BlockKinds kinds) {
  if (kinds.extent >= 0 && kinds.extent <= tile) return for_blocks_of_one_tile(em, f, kinds.extent, body, tile_end);
  llvm::IRBuilder<>& b = em.builder();
  llvm::LLVMContext& c = b.getContext();
  llvm::Type* i64 = b.getInt64Ty();
  auto block = [&](const char* name) { return llvm::BasicBlock::Create(c, name, f); };
  llvm::BasicBlock *entry = b.GetInsertBlock(), *tile_head = block("tile"), *tile_body = block("tile_body"),
                   *block_head = block("block"), *block_body = block("block_body"), *whole = block("whole"),
                   *partial = block("partial"), *latch = block("latch"), *tile_end_block = block("tile_end"),
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
  b.CreateCondBr(b.CreateICmpSLT(j, tile_len), block_body, tile_end_block);
  b.SetInsertPoint(block_body);
  llvm::Value* len = b.CreateBinaryIntrinsic(llvm::Intrinsic::smin, b.getInt64(lanes), b.CreateSub(tile_len, j));
  if (kinds.whole && kinds.partial) b.CreateCondBr(b.CreateICmpEQ(len, b.getInt64(lanes)), whole, partial);
  else b.CreateBr(kinds.whole ? whole : partial);
  for (bool masked : {false, true}) {
    b.SetInsertPoint(masked ? partial : whole);
    if (!(masked ? kinds.partial : kinds.whole)) {
      b.CreateUnreachable();
      continue;
    }
    em.inline_math = !(masked && kinds.partial_calls_math);
    llvm::Value* mask = nullptr;
    if (masked) {
      std::vector<llvm::Constant*> ids;
      for (std::int64_t l = 0; l < lanes; ++l) ids.push_back(b.getInt64(static_cast<std::uint64_t>(l)));
      mask = b.CreateICmpULT(llvm::ConstantVector::get(ids), b.CreateVectorSplat(lanes, len));
    }
    em.active_lanes = masked ? len : b.getInt64(lanes);
    body(b.CreateAdd(t, j), j, mask);
    b.CreateBr(latch);
  }
  em.inline_math = true;
  b.SetInsertPoint(latch);
  j->addIncoming(b.CreateAdd(j, b.getInt64(lanes)), latch);
  b.CreateBr(block_head);
  b.SetInsertPoint(tile_end_block);
  tile_end(tile_len);
  t->addIncoming(b.CreateAdd(t, b.getInt64(tile)), b.GetInsertBlock());
  b.CreateBr(tile_head);
  b.SetInsertPoint(done);
}

llvm::Value* slot_pointer(llvm::IRBuilder<>& b, llvm::Value* slots, int s) {
  llvm::Type* ptr = b.getPtrTy();
  return b.CreateAlignedLoad(ptr, b.CreateConstGEP1_64(ptr, slots, static_cast<std::uint64_t>(s)), llvm::Align(8));
}

// A reduction's partial result over one tile in registers, as the kernels' reduce_tile computes it
// (reduce.hpp): 256 bytes of virtual lanes (64 floats, 32 doubles) fed in element order, then a
// halving tree; max and min as the vector kernels (NaN: a + b). The tiles fold in double.
class TileReduction {
 public:
  TileReduction(Emitter& em, plan::ReduceKind kind, DType d) : em_(em), b_(em.builder()), kind_(kind), d_(d) {
    if (d != float32 && d != float64) throw lowering::Unsupported{std::string("a fused reduction of ") + dtype_name(d)};
    width_ = d == float32 ? 64 : 32;
    lanes_ = em.stack(llvm::FixedVectorType::get(em.element_type(d), static_cast<unsigned>(width_)));
    total_ = em.stack(b_.getDoubleTy());
  }
  // Before the first tile.
  void start() {
    b_.CreateStore(identity_lanes(), lanes_);
    b_.CreateStore(llvm::ConstantFP::get(b_.getDoubleTy(), plan::identity(kind_)), total_);
  }
  // A block of loop_lanes elements (its inactive lanes, if masked, count as the identity).
  void add(llvm::Value* block, llvm::Value* mask) {
    llvm::Type* t = em_.element_type(d_);
    llvm::Value* ident = llvm::ConstantVector::getSplat(llvm::ElementCount::getFixed(lanes), llvm::ConstantFP::get(t, plan::identity(kind_)));
    if (mask) block = b_.CreateSelect(mask, block, ident);
    llvm::Value* acc = b_.CreateLoad(lanes_->getAllocatedType(), lanes_);
    for (std::int64_t part = 0; part < lanes / width_; ++part) acc = op(acc, slice(block, part * width_, width_));
    b_.CreateStore(acc, lanes_);
  }
  // After each tile: its result joins the total; the lanes restart.
  void end_tile() {
    llvm::Value* acc = b_.CreateLoad(lanes_->getAllocatedType(), lanes_);
    for (std::int64_t h = width_ / 2; h >= 1; h /= 2) acc = op(slice(acc, 0, h), slice(acc, h, h));
    llvm::Value* v = b_.CreateExtractElement(acc, std::uint64_t{0});
    if (d_ == float32) v = b_.CreateFPExt(v, b_.getDoubleTy());
    llvm::Value* total = b_.CreateLoad(b_.getDoubleTy(), total_);
    b_.CreateStore(op(total, v), total_);
    b_.CreateStore(identity_lanes(), lanes_);
  }
  llvm::AllocaInst* total() const { return total_; }
  // The total in the reduction's dtype.
  llvm::Value* result() {
    llvm::Value* v = b_.CreateLoad(b_.getDoubleTy(), total_);
    return d_ == float32 ? b_.CreateFPTrunc(v, b_.getFloatTy()) : v;
  }

 private:
  llvm::Value* identity_lanes() {
    return llvm::ConstantVector::getSplat(llvm::ElementCount::getFixed(static_cast<unsigned>(width_)),
                                          llvm::ConstantFP::get(em_.element_type(d_), plan::identity(kind_)));
  }
  llvm::Value* slice(llvm::Value* v, std::int64_t from, std::int64_t n) {
    std::vector<int> ids;
    for (std::int64_t i = 0; i < n; ++i) ids.push_back(static_cast<int>(from + i));
    return b_.CreateShuffleVector(v, ids);
  }
  // Also folds tiles in double: sum adds; max/min keep a NaN (the first), else compare.
  llvm::Value* op(llvm::Value* a, llvm::Value* x) {
    if (kind_ == plan::ReduceKind::sum) return b_.CreateFAdd(a, x);
    const bool max = kind_ == plan::ReduceKind::max;
    if (!a->getType()->isVectorTy()) {  // the double fold: as plan::combine
      llvm::Value* pick = max ? b_.CreateSelect(b_.CreateFCmpOLT(a, x), x, a) : b_.CreateSelect(b_.CreateFCmpOLT(x, a), x, a);
      return b_.CreateSelect(b_.CreateFCmpUNO(a, a), a, b_.CreateSelect(b_.CreateFCmpUNO(x, x), x, pick));
    }
    llvm::Value* pick = max ? b_.CreateSelect(b_.CreateFCmpOGT(a, x), a, x) : b_.CreateSelect(b_.CreateFCmpOLT(a, x), a, x);
    return b_.CreateSelect(b_.CreateFCmpUNO(a, x), b_.CreateFAdd(a, x), pick);
  }
  Emitter& em_;
  llvm::IRBuilder<>& b_;
  plan::ReduceKind kind_;
  DType d_;
  std::int64_t width_;
  llvm::AllocaInst *lanes_, *total_;
};

}  // namespace

std::size_t UnitBuilder::add_loop(const plan::Kernel& k) {
  return add_loop_function([&](llvm::Function* f, Emitter& em) {
    llvm::IRBuilder<>& b = em.builder();
    llvm::Value *slots = f->getArg(0), *acc = f->getArg(3);
    std::vector<TileReduction> reductions;
    for (const plan::FusedReduce& r : k.reduces) {
      reductions.emplace_back(em, r.kind, atom_aval(r.eqn->inputs[0]).dtype);
      reductions.back().start();
    }
    auto body = [&](llvm::Value* offset, llvm::Value*, llvm::Value* mask) {
      std::unordered_map<int, Value> scratch;
      auto operand = [&](const plan::Operand& o, const Atom& a) -> Value {
        const ShapedArray& av = atom_aval(a);
        if (o.kind == plan::Operand::scratch) return scratch.at(o.index);
        if (o.kind == plan::Operand::literal) return em.constant(o.value);
        if (av.size() == 1 && k.n != 1) return em.load_splat(slot_pointer(b, slots, o.index), av);
        return em.load(slot_pointer(b, slots, o.index), av, offset, mask);
      };
      for (const plan::FusedOp& op : k.ops) {
        Values in;
        for (std::size_t i = 0; i < op.ins.size(); ++i) in.push_back(operand(op.ins[i], op.eqn->inputs[i]));
        Value out = em.lower_equation(*op.eqn, in)[0];
        out.aval = op.eqn->outputs[0]->aval;
        if (op.scratch_out >= 0) scratch[op.scratch_out] = out;
        if (op.slot_out >= 0) em.store(out, slot_pointer(b, slots, op.slot_out), offset, mask);
      }
      for (std::size_t r = 0; r < k.reduces.size(); ++r)
        reductions[r].add(static_cast<llvm::Value*>(operand(k.reduces[r].src, k.reduces[r].eqn->inputs[0]).ir), mask);
    };
    for_blocks(em, f, f->getArg(1), f->getArg(2), body, [&](llvm::Value*) {
      for (TileReduction& r : reductions) r.end_tile();
    }, BlockKinds::of_kernel(k.n));
    for (std::size_t r = 0; r < reductions.size(); ++r)  // the chunk's partial results, in double
      b.CreateStore(b.CreateLoad(b.getDoubleTy(), reductions[r].total()), b.CreateConstGEP1_64(b.getDoubleTy(), acc, r));
    b.CreateRetVoid();
  });
}

std::size_t row_buffer_bytes(const plan::RowKernel& k) {
  return k.ops.size() * static_cast<std::size_t>(k.row_length) * 8;
}

// Each row runs in stages: sweeps over the row (consecutive element-wise ops and reductions, fused in
// one block loop) and per-row ops (computed on splat lanes). A sweep ends before an op that reads a
// reduction of the same sweep. Values read by a later sweep are kept in row-long buffers; per-row
// values in stack slots.
std::size_t UnitBuilder::add_rows(const plan::RowKernel& k) {
  using plan::Level;
  using plan::Operand;
  // Which op produced each scratch operand (scratch buffers are reused along the row).
  const std::size_t n = k.ops.size();
  std::vector<std::vector<int>> producer(n);  // per op, per input: the op index, or -1
  {
    std::vector<int> last_writer(static_cast<std::size_t>(k.num_scratch), -1);
    for (std::size_t i = 0; i < n; ++i) {
      for (const Operand& o : k.ops[i].ins)
        producer[i].push_back(o.kind == Operand::scratch ? last_writer[static_cast<std::size_t>(o.index)] : -1);
      if (k.ops[i].out.kind == Operand::scratch) last_writer[static_cast<std::size_t>(k.ops[i].out.index)] = static_cast<int>(i);
    }
  }
  // Stages: stage[i] of each op; a per-row op is a stage of its own.
  std::vector<int> stage(n);
  std::vector<bool> sweep_stage;
  {
    int current = -1;
    bool open = false;
    for (std::size_t i = 0; i < n; ++i) {
      const plan::RowOp& op = k.ops[i];
      bool per_row_op = op.level == Level::per_row && !op.reduce;
      bool reads_open_reduction = false;
      for (int p : producer[i])
        reads_open_reduction = reads_open_reduction || (p >= 0 && k.ops[static_cast<std::size_t>(p)].reduce && stage[static_cast<std::size_t>(p)] == current);
      if (per_row_op || !open || reads_open_reduction) {
        ++current;
        sweep_stage.push_back(!per_row_op);
        open = !per_row_op;
      }
      stage[i] = current;
    }
  }
  // Full values read by a later stage than their own get a row buffer.
  std::vector<int> buffer_of(n, -1);
  int buffers = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t a = 0; a < producer[i].size(); ++a)
      if (int p = producer[i][a]; p >= 0 && k.ops[static_cast<std::size_t>(p)].level == Level::full && stage[static_cast<std::size_t>(p)] != stage[i] &&
                                  buffer_of[static_cast<std::size_t>(p)] < 0)
        buffer_of[static_cast<std::size_t>(p)] = buffers++;

  return add_loop_function([&](llvm::Function* f, Emitter& em) {
    llvm::IRBuilder<>& b = em.builder();
    llvm::LLVMContext& c = b.getContext();
    llvm::Type* i64 = b.getInt64Ty();
    llvm::Value* slots = f->getArg(0);
    const std::int64_t length = k.row_length;
    llvm::Value* row_buffers = f->getArg(3);  // row_buffer_bytes(k) of the caller's scratch
    // Per-row values: a block of splat lanes (element 0 is the value).
    std::vector<llvm::AllocaInst*> per_row(n, nullptr);
    std::vector<std::optional<TileReduction>> reductions(n);
    for (std::size_t i = 0; i < n; ++i) {
      DType d = k.ops[i].eqn->outputs[0]->aval.dtype;
      if (k.ops[i].level == Level::per_row) per_row[i] = em.stack(llvm::ArrayType::get(em.element_type(d, true), lanes));
      if (k.ops[i].reduce) reductions[i].emplace(em, *k.ops[i].reduce, atom_aval(k.ops[i].eqn->inputs[0]).dtype);
    }
    auto buffer = [&](std::size_t p) {
      return b.CreateGEP(b.getInt8Ty(), row_buffers, b.getInt64(static_cast<std::uint64_t>(buffer_of[p] * length * 8)));
    };

    // The row loop.
    llvm::BasicBlock *entry = b.GetInsertBlock(), *row_head = llvm::BasicBlock::Create(c, "row", f),
                     *row_body = llvm::BasicBlock::Create(c, "row_body", f), *done = llvm::BasicBlock::Create(c, "rows_done", f);
    b.CreateBr(row_head);
    b.SetInsertPoint(row_head);
    llvm::PHINode* r = b.CreatePHI(i64, 2);
    r->addIncoming(f->getArg(1), entry);
    b.CreateCondBr(b.CreateICmpSLT(r, f->getArg(2)), row_body, done);
    b.SetInsertPoint(row_body);
    llvm::Value* row_start = b.CreateMul(r, b.getInt64(static_cast<std::uint64_t>(length)));

    // An operand of op i (input a) in a block at `offset` along the row, or splat (per-row stages).
    std::unordered_map<std::size_t, Value> regs;  // this block's values of the current sweep
    auto operand = [&](std::size_t i, std::size_t a, llvm::Value* offset, llvm::Value* mask) -> Value {
      const Operand& o = k.ops[i].ins[a];
      const ShapedArray& av = atom_aval(k.ops[i].eqn->inputs[a]);
      const int p = producer[i][a];
      if (o.kind == Operand::literal) return em.constant(o.value);
      if (p >= 0) {
        const auto pi = static_cast<std::size_t>(p);
        if (per_row[pi]) return em.load_splat(per_row[pi], av);
        if (auto it = regs.find(pi); it != regs.end()) return it->second;
        return em.load(buffer(pi), av, offset, mask);
      }
      llvm::Value* base = slot_pointer(b, slots, o.index);
      switch (o.level) {
        case Level::scalar: return em.load_splat(base, av);
        case Level::per_row: return em.load_splat(b.CreateGEP(em.element_type(av.dtype, true), base, r), av);
        case Level::per_column: return em.load(base, av, offset, mask);
        case Level::full: return em.load(base, av, b.CreateAdd(row_start, offset), mask);
      }
      throw lowering::Unsupported{"an operand level"};
    };
    // Element 0 of a per-row value to its slot, at the row's index.
    auto store_row_value = [&](llvm::Value* scalar, DType d, int slot) {
      if (d == bool_) scalar = b.CreateZExt(scalar, b.getInt8Ty());
      if (is_half(d)) scalar = em.float_to_half(scalar, d);
      b.CreateAlignedStore(scalar, b.CreateGEP(em.element_type(d, true), slot_pointer(b, slots, slot), r), llvm::Align(itemsize(d)));
    };

    for (std::size_t first = 0; first < n;) {
      const int s = stage[first];
      std::size_t end = first;
      while (end < n && stage[end] == s) ++end;
      if (!sweep_stage[static_cast<std::size_t>(s)]) {  // one per-row op, on splat lanes
        const plan::RowOp& op = k.ops[first];
        em.active_lanes = b.getInt64(lanes);
        Values in;
        for (std::size_t a = 0; a < op.ins.size(); ++a) in.push_back(operand(first, a, nullptr, nullptr));
        Value out = em.lower_equation(*op.eqn, in)[0];
        out.aval = op.eqn->outputs[0]->aval;
        em.store(out, per_row[first]);
        if (op.out.kind == Operand::slot)
          store_row_value(b.CreateExtractElement(static_cast<llvm::Value*>(out.ir), std::uint64_t{0}), out.aval.dtype, op.out.index);
        first = end;
        continue;
      }
      for (std::size_t i = first; i < end; ++i)
        if (reductions[i]) reductions[i]->start();
      auto body = [&](llvm::Value* offset, llvm::Value*, llvm::Value* mask) {
        regs.clear();
        for (std::size_t i = first; i < end; ++i) {
          const plan::RowOp& op = k.ops[i];
          if (op.reduce) {
            reductions[i]->add(static_cast<llvm::Value*>(operand(i, 0, offset, mask).ir), mask);
            continue;
          }
          Values in;
          for (std::size_t a = 0; a < op.ins.size(); ++a) in.push_back(operand(i, a, offset, mask));
          Value out = em.lower_equation(*op.eqn, in)[0];
          out.aval = op.eqn->outputs[0]->aval;
          regs[i] = out;
          if (buffer_of[i] >= 0) em.store(out, buffer(i), offset, mask);
          if (op.out.kind == Operand::slot) em.store(out, slot_pointer(b, slots, op.out.index), b.CreateAdd(row_start, offset), mask);
        }
      };
      for_blocks(em, f, b.getInt64(0), b.getInt64(static_cast<std::uint64_t>(length)), body, [&](llvm::Value*) {
        for (std::size_t i = first; i < end; ++i)
          if (reductions[i]) reductions[i]->end_tile();
      }, BlockKinds::of_row(length));
      regs.clear();
      for (std::size_t i = first; i < end; ++i) {  // the sweep's reductions, rounded to their dtype
        const plan::RowOp& op = k.ops[i];
        if (!op.reduce) continue;
        DType d = op.eqn->outputs[0]->aval.dtype;
        llvm::Value* v = reductions[i]->result();
        b.CreateStore(v, per_row[i]);
        if (op.out.kind == Operand::slot) store_row_value(v, d, op.out.index);
      }
      first = end;
    }
    r->addIncoming(b.CreateAdd(r, b.getInt64(1)), b.GetInsertBlock());
    b.CreateBr(row_head);
    b.SetInsertPoint(done);
    b.CreateRetVoid();
  });
}

}  // namespace xjax::native
