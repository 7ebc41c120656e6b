// Running jit's fused kernels (plan.hpp) on the interpreter, or through the native loop compiled for
// them: flat kernels tile by tile, row kernels row by row. Both fold each reduction's tiles with the
// eager kernels' own tile function, in the eager order, so every tier gives the eager bits.
#include <algorithm>
#include <cstdlib>
#include <memory>

#include "array/array_impl.hpp"
#include "jit/native/native.hpp"
#include "jit/plan.hpp"
#include "kernels/dispatch.hpp"
#include "kernels/tables.hpp"
#include "kernels/thread_pool.hpp"

namespace xjax::plan {
namespace {

constexpr std::int64_t tile = kernels::tile_size;  // elements per tile: operands of a whole chain stay in L1
static_assert(kernels::parallel_grain % tile == 0, "parallel chunks must be whole tiles");

kernels::ReduceOp reduce_op(ReduceKind kind) {
  return kind == ReduceKind::sum   ? kernels::ReduceOp::sum
         : kind == ReduceKind::max ? kernels::ReduceOp::max
                                   : kernels::ReduceOp::min;
}

// Elements [begin, end) of a kernel; acc receives this range's partial reductions.
void run_chunk(const Kernel& k, const std::vector<Array>& env, std::int64_t begin, std::int64_t end, double* acc) {
  for (std::size_t r = 0; r < k.reduces.size(); ++r) acc[r] = identity(k.reduces[r].kind);
  std::byte* scratch = plan::thread_scratch(static_cast<std::size_t>(std::max(k.num_scratch, 1)) * tile * 8);
  auto address = [&](const Operand& o, DType d, std::int64_t off, std::int64_t& size) -> const std::byte* {
    if (o.kind == Operand::scratch) {
      size = tile;
      return scratch + static_cast<std::size_t>(o.index) * tile * 8;
    }
    const Array& a = o.kind == Operand::literal ? o.value : env[static_cast<std::size_t>(o.index)];
    const std::byte* base = buffer_of(a).data();
    if (a.size() == 1 && k.n != 1) {
      size = 1;
      return base;
    }
    size = tile;
    return base + static_cast<std::size_t>(off) * itemsize(d);
  };
  const std::byte* ptrs[4];
  std::int64_t sizes[4];
  DType dtypes[4];
  for (std::int64_t off = begin; off < end; off += tile) {
    std::int64_t len = std::min(tile, end - off);
    for (const FusedOp& op : k.ops) {
      const Equation& e = *op.eqn;
      for (std::size_t i = 0; i < op.ins.size(); ++i) {
        dtypes[i] = atom_aval(e.inputs[i]).dtype;
        ptrs[i] = address(op.ins[i], dtypes[i], off, sizes[i]);
        if (sizes[i] != 1) sizes[i] = len;
      }
      DType od = e.outputs[0]->aval.dtype;
      std::byte* out = op.scratch_out >= 0
                           ? scratch + static_cast<std::size_t>(op.scratch_out) * tile * 8
                           : const_cast<std::byte*>(buffer_of(env[static_cast<std::size_t>(op.slot_out)]).data()) +
                                 static_cast<std::size_t>(off) * itemsize(od);
      e.prim->tile({ptrs, sizes, dtypes, out, len, &e.params});
    }
    for (std::size_t r = 0; r < k.reduces.size(); ++r) {
      const FusedReduce& red = k.reduces[r];
      DType d = atom_aval(red.eqn->inputs[0]).dtype;
      std::int64_t size;
      const std::byte* p = address(red.src, d, off, size);
      // The eager kernels' own tile function: jit's fused reductions agree with them to the bit.
      acc[r] = combine(red.kind, acc[r], kernels::reduction().reduce_tile(reduce_op(red.kind), d, p, len));
    }
  }
}

}  // namespace

// Allocating scratch for every chunk cost more than the arithmetic of a small kernel.
std::byte* thread_scratch(std::size_t bytes) {
  thread_local std::unique_ptr<std::byte, decltype(&std::free)> buffer{nullptr, &std::free};
  thread_local std::size_t capacity = 0;
  if (capacity < bytes) {
    buffer.reset(static_cast<std::byte*>(std::aligned_alloc(64, (bytes + 63) / 64 * 64)));
    capacity = buffer ? bytes : 0;
    if (!buffer) throw AllocationError("jit", "out of memory allocating ", bytes, " bytes of kernel scratch");
  }
  return buffer.get();
}

// Runs a kernel tile by tile. Chunks of whole tiles (fixed by the size alone) go to several threads,
// each with its own scratch; every chunk keeps its own partial reductions, folded in chunk order,
// so results are the same for any number of threads.
void run_kernel(const Kernel& k, std::vector<Array>& env, int num_slots, void* native_loop) {
  const auto loop = reinterpret_cast<native::LoopFn>(native_loop);
  for (const FusedOp& op : k.ops)
    if (op.slot_out >= 0 && !env[static_cast<std::size_t>(op.slot_out)].defined())  // defined: donated memory
      env[static_cast<std::size_t>(op.slot_out)] = new_buffer(op.eqn->outputs[0]->aval).array;
  const std::size_t nr = k.reduces.size();
  const std::int64_t chunks = kernels::num_chunks(k.n, kernels::parallel_grain);
  std::vector<double> partial(static_cast<std::size_t>(chunks) * nr);
  if (loop) {
    std::vector<void*> slots(static_cast<std::size_t>(num_slots), nullptr);
    auto bind = [&](const Operand& o) {
      if (o.kind == Operand::slot) slots[static_cast<std::size_t>(o.index)] = const_cast<std::byte*>(buffer_of(env[static_cast<std::size_t>(o.index)]).data());
    };
    for (const FusedOp& op : k.ops) {
      for (const Operand& o : op.ins) bind(o);
      if (op.slot_out >= 0) bind({Operand::slot, op.slot_out, {}});
    }
    for (const FusedReduce& r : k.reduces) bind(r.src);
    native::Status status;
    kernels::parallel_for(k.n, kernels::parallel_grain, [&](std::int64_t begin, std::int64_t end) {
      loop(slots.data(), begin, end, partial.data() + static_cast<std::size_t>(begin / kernels::parallel_grain) * nr, &status);
    });
    status.rethrow_if_failed();
  } else {
    kernels::parallel_for(k.n, kernels::parallel_grain, [&](std::int64_t begin, std::int64_t end) {
      run_chunk(k, env, begin, end, partial.data() + static_cast<std::size_t>(begin / kernels::parallel_grain) * nr);
    });
  }
  for (std::size_t r = 0; r < nr; ++r) {
    double total = identity(k.reduces[r].kind);
    for (std::int64_t c = 0; c < chunks; ++c) total = combine(k.reduces[r].kind, total, partial[static_cast<std::size_t>(c) * nr + r]);
    const ShapedArray& av = k.reduces[r].eqn->outputs[0]->aval;
    NewBuffer b = new_buffer(av);
    dispatch_dtype(av.dtype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      *b.as<T>() = convert_value<T>(total);
    });
    env[static_cast<std::size_t>(k.reduces[r].slot_out)] = b.array;
  }
}

void run_rows(const RowKernel& k, std::vector<Array>& env, void* native_loop) {
  for (const RowOp& op : k.ops)
    if (op.out.kind == Operand::slot) env[static_cast<std::size_t>(op.out.index)] = new_buffer(op.eqn->outputs[0]->aval).array;
  const std::int64_t length = k.row_length;
  const std::int64_t grain = std::max<std::int64_t>(1, kernels::parallel_grain / length);
  if (native_loop) {
    std::vector<void*> slots;
    auto bind = [&](const Operand& o) {
      if (o.kind != Operand::slot) return;
      const auto s = static_cast<std::size_t>(o.index);
      if (slots.size() <= s) slots.resize(s + 1, nullptr);
      slots[s] = const_cast<std::byte*>(buffer_of(env[s]).data());
    };
    for (const RowOp& op : k.ops) {
      for (const Operand& o : op.ins) bind(o);
      bind(op.out);
    }
    native::Status status;
    const std::size_t bytes = native::row_buffer_bytes(k);
    kernels::parallel_for(k.rows, grain, [&](std::int64_t begin, std::int64_t end) {
      auto* scratch = reinterpret_cast<double*>(thread_scratch(bytes));
      reinterpret_cast<native::LoopFn>(native_loop)(slots.data(), begin, end, scratch, &status);
    });
    return status.rethrow_if_failed();
  }
  const std::size_t buffer_bytes = static_cast<std::size_t>(length) * 8;
  // Element `off` of row r of an operand (a per-row value: its element r; a row: element off).
  auto address = [&](const Operand& o, DType d, std::byte* scratch, std::int64_t r, std::int64_t off) -> std::byte* {
    std::byte* base = o.kind == Operand::scratch ? scratch + static_cast<std::size_t>(o.index) * buffer_bytes
                      : o.kind == Operand::literal ? const_cast<std::byte*>(buffer_of(o.value).data())
                                                   : const_cast<std::byte*>(buffer_of(env[static_cast<std::size_t>(o.index)]).data());
    std::int64_t index = o.level == Level::scalar ? 0
                         : o.level == Level::per_column ? off
                         : o.level == Level::per_row    ? (o.kind == Operand::scratch ? 0 : r)
                         : o.kind == Operand::scratch   ? off
                                                        : r * length + off;
    return base + static_cast<std::size_t>(index) * itemsize(d);
  };
  kernels::parallel_for(k.rows, grain, [&](std::int64_t begin, std::int64_t end) {
    std::byte* scratch = thread_scratch(static_cast<std::size_t>(std::max(k.num_scratch, 1)) * buffer_bytes);
    const std::byte* ptrs[8];
    std::int64_t sizes[8];
    DType dtypes[8];
    for (std::int64_t r = begin; r < end; ++r) {
      for (const RowOp& op : k.ops) {
        const Equation& e = *op.eqn;
        DType od = e.outputs[0]->aval.dtype;
        if (op.reduce) {
          DType d = atom_aval(e.inputs[0]).dtype;
          double acc = identity(*op.reduce);
          for (std::int64_t off = 0; off < length; off += tile)
            acc = combine(*op.reduce, acc,
                          kernels::reduction().reduce_tile(reduce_op(*op.reduce), d, address(op.ins[0], d, scratch, r, off),
                                                           std::min(tile, length - off)));
          dispatch_dtype(od, [&](auto tag) {
            using T = typename decltype(tag)::type;
            *reinterpret_cast<T*>(address(op.out, od, scratch, r, 0)) = convert_value<T>(acc);
          });
          continue;
        }
        const std::int64_t n = op.level == Level::full ? length : 1;
        for (std::int64_t off = 0; off < n; off += tile) {
          const std::int64_t len = std::min(tile, n - off);
          for (std::size_t i = 0; i < op.ins.size(); ++i) {
            dtypes[i] = atom_aval(e.inputs[i]).dtype;
            ptrs[i] = address(op.ins[i], dtypes[i], scratch, r, off);
            const Level l = op.ins[i].level;
            sizes[i] = l == Level::scalar || l == Level::per_row ? 1 : len;
          }
          e.prim->tile({ptrs, sizes, dtypes, address(op.out, od, scratch, r, off), len, &e.params});
        }
      }
    }
  });
}

std::vector<int> last_reads(const std::vector<Step>& steps, int num_slots) {
  std::vector<int> last(static_cast<std::size_t>(num_slots), -1);
  auto touch = [&](const Operand& o, int step) {
    if (o.kind == Operand::slot) last[static_cast<std::size_t>(o.index)] = step;
  };
  for (std::size_t s = 0; s < steps.size(); ++s) {
    const int si = static_cast<int>(s);
    if (const Kernel* k = std::get_if<Kernel>(&steps[s].body)) {
      for (const FusedOp& op : k->ops)
        for (const Operand& o : op.ins) touch(o, si);
      for (const FusedReduce& r : k->reduces) touch(r.src, si);
    } else if (const RowKernel* rk = std::get_if<RowKernel>(&steps[s].body)) {
      for (const RowOp& op : rk->ops)
        for (const Operand& o : op.ins) touch(o, si);
    } else {
      for (const Operand& o : std::get<Call>(steps[s].body).ins) touch(o, si);
    }
  }
  return last;
}

}  // namespace xjax::plan
