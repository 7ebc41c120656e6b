// The reduction, scan and arg-reduction kernels (kernels/reduce.hpp), compiled once per instruction
// set (see kernels/isa.hpp), with the element type and operator chosen at run time.
#include "kernels/dispatch.hpp"
#include "kernels/reduce.hpp"
#include "kernels/tables.hpp"

namespace xjax::kernels::XJAX_ISA {
namespace {

// f(Op{}, T{}) for an operator and element type that belong together (the primitives' shape rules
// admit no other pairs): and/or on bool and integers, sum/prod on numbers, max/min on anything.
template <class F>
void with_op(ReduceOp op, DType d, F&& f) {
  dispatch_dtype(d, [&](auto tag) {
    using T = typename decltype(tag)::type;
    constexpr bool is_bool = std::is_same_v<T, bool>, is_float = std::is_floating_point_v<T>;
    switch (op) {
      case ReduceOp::sum: if constexpr (!is_bool) return f(SumOp{}, tag); break;
      case ReduceOp::prod: if constexpr (!is_bool) return f(ProdOp{}, tag); break;
      case ReduceOp::max: return f(MaxOp{}, tag);
      case ReduceOp::min: return f(MinOp{}, tag);
      case ReduceOp::logical_and: if constexpr (!is_float) return f(AndOp{}, tag); break;
      case ReduceOp::logical_or: if constexpr (!is_float) return f(OrOp{}, tag); break;
    }
    throw DTypeError("reduce", "no kernel for this operator on ", dtype_name(d));
  });
}

void reduce_entry(ReduceOp op, DType d, const void* x, const Shape& shape, const std::vector<bool>& reduced, void* out) {
  with_op(op, d, [&](auto o, auto tag) {
    using T = typename decltype(tag)::type;
    reduce(o, static_cast<const T*>(x), shape, reduced, static_cast<T*>(out));
  });
}

double reduce_tile_entry(ReduceOp op, DType d, const void* x, std::int64_t n) {
  double r = 0;
  dispatch_dtype(d, [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T* p = static_cast<const T*>(x);
      if (op == ReduceOp::sum) r = static_cast<double>(reduce_tile(SumOp{}, p, n));
      else if (op == ReduceOp::max) r = static_cast<double>(reduce_tile(MaxOp{}, p, n));
      else if (op == ReduceOp::min) r = static_cast<double>(reduce_tile(MinOp{}, p, n));
      else throw DTypeError("reduce_tile", "only sum, max and min are fused");
    } else {
      throw DTypeError("reduce_tile", "fused reductions are of floats, got ", dtype_name(d));
    }
  });
  return r;
}

void scan_entry(ReduceOp op, DType d, const void* x, std::int64_t outer, std::int64_t n, std::int64_t inner,
                bool reverse, void* out) {
  with_op(op, d, [&](auto o, auto tag) {
    using T = typename decltype(tag)::type;
    scan(o, static_cast<const T*>(x), outer, n, inner, reverse, static_cast<T*>(out));
  });
}

void arg_reduce_entry(bool is_max, DType d, DType index_dtype, const void* x, std::int64_t outer, std::int64_t n,
                      std::int64_t inner, void* out) {
  dispatch_dtype(d, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* p = static_cast<const T*>(x);
    auto run = [&](auto* o) {
      if (is_max) arg_reduce<true>(p, outer, n, inner, o);
      else arg_reduce<false>(p, outer, n, inner, o);
    };
    if (index_dtype == DType::int32) run(static_cast<std::int32_t*>(out));
    else run(static_cast<std::int64_t*>(out));
  });
}

}  // namespace

extern const ReductionKernels reduction;
const ReductionKernels reduction{
    .reduce = reduce_entry, .reduce_tile = reduce_tile_entry, .scan = scan_entry, .arg_reduce = arg_reduce_entry};

}  // namespace xjax::kernels::XJAX_ISA
