// solve (a x = b) and solve_factored (a x = c or a^T x = c from solve's factorisation), with all
// their rules. solve factors a once, as LAPACK's gesv, without the transposed copies of lu; its
// derivatives reuse the factors (outputs of solve, never differentiated: they stand for a, which
// solve_factored also takes, and its rules differentiate).
#include "kernels/lapack.hpp"
#include "primitives/linalg.hpp"
#include "primitives/shape.hpp"
#include "xjax/numpy.hpp"

namespace xjax {
namespace {

void check_system(const char* op, const ShapedArray& a, const ShapedArray& b) {
  check_matrix_stack(op, a, true);
  check_matrix_stack(op, b, false);
  if (a.dtype != b.dtype) throw DTypeError(op, "operands must share a dtype, got ", a, " and ", b);
  if (Shape(a.shape.begin(), a.shape.end() - 2) != Shape(b.shape.begin(), b.shape.end() - 2) ||
      matrix_rows(b) != matrix_rows(a))
    throw ShapeError(op, "right-hand sides ", b, " do not match the matrices ", a);
}

ShapedArray pivots_aval(const ShapedArray& a) { return {Shape(a.shape.begin(), a.shape.end() - 1), int32, false}; }

// A batch of right-hand sides alone joins their columns: [..., n, k, B] -> [..., n, k B], one
// factorisation for all.
Array merged_columns(const Array& b, BatchDim d) {
  Array moved = moveaxis(b, *d, b.ndim() - 1);
  Shape s(moved.shape().begin(), moved.shape().end() - 1);
  s.back() *= moved.shape().back();
  return lax::reshape(moved, s);
}
Array split_columns(const Array& x, std::int64_t size) {
  Shape s = x.shape();
  s.back() /= size;
  s.push_back(size);
  return lax::reshape(x, s);
}

extern const Primitive& solve_factored_p;

Array solve_factored(const Array& a, const Array& factors, const Array& pivots, const Array& c, bool transpose) {
  return bind1(solve_factored_p, {a, factors, pivots, c}, {{"transpose", transpose}});
}

const Primitive& solve_p = def_primitive(
    {.name = "solve",
     .arity = 2,
     .shape = [](const Avals& in, const Params&) -> Avals {
       check_system("solve", in[0], in[1]);
       return {ShapedArray{in[1].shape, in[1].dtype, false}, ShapedArray{in[0].shape, in[0].dtype, false},
               pivots_aval(in[0])};
     },
     .eval = [](const Arrays& in, const Params&, const Avals& out) -> Arrays {
       NewBuffer x = new_buffer(out[0]), factors = new_buffer(out[1]), pivots = new_buffer(out[2]);
       kernels::solve(in[0].dtype(), buffer_of(in[0]).data(), buffer_of(in[1]).data(), x.data, factors.data,
                      pivots.as<std::int32_t>(), matrix_count(out[0]), matrix_rows(out[0]), matrix_cols(out[0]));
       return {x.array, factors.array, pivots.array};
     },
     // dx = a^-1 (db - da x)
     .jvp = [](const Arrays& in, const Tangents& t, const Arrays& out, const Params&) -> Tangents {
       Array rhs = t[1] ? (t[0] ? *t[1] - matmul(*t[0], out[0]) : *t[1]) : -matmul(*t[0], out[0]);
       return {solve_factored(in[0], out[1], out[2], rhs, false), std::nullopt, std::nullopt};
     },
     // In b, where a is a constant (a system solved for a tangent, as eig's JVP does): a^-T ct, a new
     // factorisation (the factors of this equation are not at hand).
     .transpose = [](const Tangents& ct, const LinearArgs& a, const Params&) -> Tangents {
       if (a[0].is_linear()) throw TransformError("solve", "transpose with a linear matrix operand");
       if (!ct[0]) return {std::nullopt, std::nullopt};
       return {std::nullopt, lax::solve(matrix_transpose(*a[0].value), *ct[0])};
     },
     .batch = [](const Primitive& p, const Arrays& v, const BatchDims& d, const Params&) -> std::pair<Arrays, BatchDims> {
       const std::int64_t size = batch_size(v, d);
       if (!d[0]) {
         Arrays out = xjax::bind(p, {v[0], merged_columns(v[1], d[1])});
         return {{split_columns(out[0], size), out[1], out[2]}, {out[0].ndim(), std::nullopt, std::nullopt}};
       }
       return {xjax::bind(p, {move_batch_axis(v[0], d[0], 0, size), move_batch_axis(v[1], d[1], 0, size)}),
               {0, 0, 0}};
     }});

bool transposes(const Params& p) { return p.get<bool>("transpose"); }

const Primitive& solve_factored_p = def_primitive(
    {.name = "solve_factored",
     .arity = 4,
     .shape = [](const Avals& in, const Params& p) -> Avals {
       check_system("solve_factored", in[0], in[3]);
       if (in[1].shape != in[0].shape || in[1].dtype != in[0].dtype || in[2].shape != pivots_aval(in[0]).shape ||
           in[2].dtype != int32)
         throw ShapeError("solve_factored", "factors ", in[1], " and pivots ", in[2], " do not match ", in[0]);
       (void)transposes(p);
       return {ShapedArray{in[3].shape, in[3].dtype, false}};
     },
     .eval = [](const Arrays& in, const Params& p, const Avals& out) -> Arrays {
       NewBuffer x = new_buffer(out[0]);
       kernels::solve_factored(in[0].dtype(), buffer_of(in[1]).data(), reinterpret_cast<const std::int32_t*>(buffer_of(in[2]).data()),
                               buffer_of(in[3]).data(), x.data, matrix_count(out[0]), matrix_rows(out[0]),
                               matrix_cols(out[0]), transposes(p));
       return {x.array};
     },
     // Linear in c; in a: d(op(a)^-1 c) = -op(a)^-1 op(da) x. The factors' tangents are a's, already counted.
     .jvp = [](const Arrays& in, const Tangents& t, const Arrays& out, const Params& p) -> Tangents {
       const bool transpose = transposes(p);
       Tangent from_c = t[3] ? Tangent(solve_factored(in[0], in[1], in[2], *t[3], transpose)) : std::nullopt;
       Tangent from_a;
       if (t[0])
         from_a = -solve_factored(in[0], in[1], in[2], matmul(transpose ? matrix_transpose(*t[0]) : *t[0], out[0]),
                                  transpose);
       return {add_tangents(from_a, from_c)};
     },
     .transpose = [](const Tangents& ct, const LinearArgs& a, const Params& p) -> Tangents {
       if (a[0].is_linear() || a[1].is_linear())
         throw TransformError("solve_factored", "transpose with a linear matrix operand");
       if (!ct[0]) return {std::nullopt, std::nullopt, std::nullopt, std::nullopt};
       return {std::nullopt, std::nullopt, std::nullopt,
               solve_factored(*a[0].value, *a[1].value, *a[2].value, *ct[0], !transposes(p))};
     },
     .batch = [](const Primitive& p, const Arrays& v, const BatchDims& d, const Params& params)
         -> std::pair<Arrays, BatchDims> {
       const std::int64_t size = batch_size(v, d);
       if (!d[0] && !d[1] && !d[2]) {
         Array x = bind1(p, {v[0], v[1], v[2], merged_columns(v[3], d[3])}, params);
         return {{split_columns(x, size)}, {x.ndim()}};
       }
       Arrays moved;
       for (std::size_t i = 0; i < v.size(); ++i) moved.push_back(move_batch_axis(v[i], d[i], 0, size));
       return {xjax::bind(p, moved, params), {0}};
     }});

}  // namespace

Array lax::solve(const Array& a, const Array& b) { return bind1(solve_p, {a, b}); }

}  // namespace xjax
