// select_and_gather_add and select_and_scatter_add: the derivatives of reduce_window_max/min. The
// first picks, per window, the tangent at the window's first maximal (minimal) operand element; the
// second, its transpose, adds each cotangent back at that element. Both are linear in their first
// operand and transpose into each other, so max-pooling differentiates to any order.
#include <type_traits>

#include "kernels/dispatch.hpp"
#include "primitives/reduce_window.hpp"

namespace xjax::window {
namespace {

// The offset of the first extremal element of x among a window's positions (padding and holes are
// never chosen), or -1 when the window has no element.
template <class T>
std::int64_t choose(const T* x, const std::int64_t* offsets, std::int64_t n, std::int64_t i, bool maximum) {
  std::int64_t at = -1;
  T best{};
  for (std::int64_t w = 0; w < n; ++w) {
    if (offsets[w] < 0) continue;
    const T v = x[offsets[w] + i];
    if (at < 0 || (maximum ? v > best : v < best)) at = offsets[w] + i, best = v;
  }
  return at;
}

// Both operands' avals agree and are floating; the first is the window's output (gather) or the
// operand's shape (scatter).
void check_pair(const char* op, const Avals& in) {
  if (in.size() != 2) throw ValueError(op, "takes two operands, got ", in.size());
  check_dtype(op, DTypes::floating, in[0]);
  if (in[0].dtype != in[1].dtype)
    throw DTypeError(op, "operands ", in[0], " and ", in[1], " need the same dtype");
}

Arrays gather_eval(const Arrays& in, const Params& params, const Avals& out) {
  NewBuffer o = new_buffer(out[0]);
  const Plan p = plan(in[1].shape(), out[0].shape, from_params(params));
  const bool maximum = params.get<bool>("maximum");
  dispatch_dtype(in[0].dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T* t = reinterpret_cast<const T*>(buffer_of(in[0]).data());
      const T* x = reinterpret_cast<const T*>(buffer_of(in[1]).data());
      T* y = o.as<T>();
      visit(p, [&](std::int64_t ob, const std::int64_t* offsets) {
        for (std::int64_t i = 0; i < p.inner; ++i) {
          const std::int64_t at = choose(x, offsets, p.per_window, i, maximum);
          y[ob * p.inner + i] = at < 0 ? T{} : t[at];
        }
      });
    }
  });
  return {o.array};
}

Arrays scatter_eval(const Arrays& in, const Params& params, const Avals& out) {
  NewBuffer o = new_buffer(out[0]);
  const Plan p = plan(in[1].shape(), in[0].shape(), from_params(params));
  const bool maximum = params.get<bool>("maximum");
  dispatch_dtype(in[0].dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_floating_point_v<T>) {
      const T* s = reinterpret_cast<const T*>(buffer_of(in[0]).data());
      const T* x = reinterpret_cast<const T*>(buffer_of(in[1]).data());
      T* y = o.as<T>();
      std::fill(y, y + in[1].size(), T{});
      visit(p, [&](std::int64_t ob, const std::int64_t* offsets) {
        for (std::int64_t i = 0; i < p.inner; ++i) {
          const std::int64_t at = choose(x, offsets, p.per_window, i, maximum);
          if (at >= 0) y[at] += s[ob * p.inner + i];
        }
      });
    }
  });
  return {o.array};
}

// Both operands with the batch axis first, which becomes a window dimension of extent 1.
std::pair<Arrays, BatchDims> pair_batch(const Primitive& p, const Arrays& v, const BatchDims& d, const Params& params) {
  const std::int64_t size = batch_size(v, d);
  Arrays moved = {move_batch_axis(v[0], d[0], 0, size), move_batch_axis(v[1], d[1], 0, size)};
  Params q = to_params(with_unit_dim(from_params(params), 0)).with("maximum", params.get<bool>("maximum"));
  return {xjax::bind(p, moved, q), {0}};
}

extern const Primitive& select_and_scatter_add_p;

const Primitive& select_and_gather_add_p = def_primitive(
    {.name = "select_and_gather_add",
     .arity = 2,
     .shape = [](const Avals& in, const Params& params) -> Avals {
       const char* op = "select_and_gather_add";
       check_pair(op, in);
       if (in[0].shape != in[1].shape)
         throw ShapeError(op, "tangent ", in[0], " and operand ", in[1], " need the same shape");
       (void)params.get<bool>("maximum");
       return {ShapedArray{output_shape(op, in[1].shape, from_params(params)), in[0].dtype, false}};
     },
     .eval = gather_eval,
     .jvp = [](const Arrays& x, const Tangents& t, const Arrays&, const Params& params) -> Tangents {
       if (!t[0]) return {std::nullopt};  // the choice is piecewise constant in the operand
       return {bind1(select_and_gather_add_p, {*t[0], x[1]}, params)};
     },
     .transpose = [](const Tangents& ct, const LinearArgs& args, const Params& params) -> Tangents {
       if (!ct[0] || !args[0].is_linear()) return {std::nullopt, std::nullopt};
       return {bind1(select_and_scatter_add_p, {*ct[0], *args[1].value}, params), std::nullopt};
     },
     .batch = pair_batch});

const Primitive& select_and_scatter_add_p = def_primitive(
    {.name = "select_and_scatter_add",
     .arity = 2,
     .shape = [](const Avals& in, const Params& params) -> Avals {
       const char* op = "select_and_scatter_add";
       check_pair(op, in);
       const Shape out = output_shape(op, in[1].shape, from_params(params));
       if (in[0].shape != out)
         throw ShapeError(op, "source ", in[0], " does not match the windows ", shape_str(out), " of operand ", in[1]);
       (void)params.get<bool>("maximum");
       return {ShapedArray{in[1].shape, in[0].dtype, false}};
     },
     .eval = scatter_eval,
     .jvp = [](const Arrays& x, const Tangents& t, const Arrays&, const Params& params) -> Tangents {
       if (!t[0]) return {std::nullopt};
       return {bind1(select_and_scatter_add_p, {*t[0], x[1]}, params)};
     },
     .transpose = [](const Tangents& ct, const LinearArgs& args, const Params& params) -> Tangents {
       if (!ct[0] || !args[0].is_linear()) return {std::nullopt, std::nullopt};
       return {bind1(select_and_gather_add_p, {*ct[0], *args[1].value}, params), std::nullopt};
     },
     .batch = pair_batch});

}  // namespace

Array select_and_gather_add(const Array& t, const Array& x, bool maximum, const Config& c) {
  return bind1(select_and_gather_add_p, {t, x}, to_params(c).with("maximum", maximum));
}
Array select_and_scatter_add(const Array& s, const Array& x, bool maximum, const Config& c) {
  return bind1(select_and_scatter_add_p, {s, x}, to_params(c).with("maximum", maximum));
}

}  // namespace xjax::window
