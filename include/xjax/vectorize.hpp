// numpy's functions that take a callable, for C++ callables: vectorize, apply_along_axis,
// apply_over_axes, fromfunction, piecewise, mask_indices and frompyfunc. Each is built on vmap,
// scan and public ops, so it works under jit, grad and vmap wherever the callable does.
#pragma once
#include <algorithm>
#include <concepts>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "xjax/control_flow.hpp"
#include "xjax/numpy.hpp"
#include "xjax/transforms.hpp"

namespace xjax {

namespace vectorize_detail {
// A gufunc signature such as "(m,n),(n)->(m)": the named core dimensions of each input and output.
struct Signature {
  std::vector<std::vector<std::string>> inputs, outputs;
};

inline bool is_name_char(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Parses "(a,b),(b)->(a)"; ValueError naming vectorize on anything else.
inline std::vector<std::vector<std::string>> parse_arg_list(const std::string& text, const std::string& whole) {
  std::vector<std::vector<std::string>> args;
  std::size_t pos = 0;
  auto bad = [&] { throw ValueError("vectorize", "not a valid gufunc signature: '", whole, "'"); };
  while (pos < text.size()) {
    if (text[pos] != '(') bad();
    std::size_t close = text.find(')', pos);
    if (close == std::string::npos) bad();
    std::vector<std::string> dims;
    std::string inner = text.substr(pos + 1, close - pos - 1);
    std::size_t start = 0;
    while (!inner.empty() && start <= inner.size()) {
      std::size_t comma = std::min(inner.find(',', start), inner.size());
      std::string name = inner.substr(start, comma - start);
      if (name.empty() || !std::all_of(name.begin(), name.end(), is_name_char)) bad();
      dims.push_back(name);
      start = comma + 1;
    }
    args.push_back(std::move(dims));
    pos = close + 1;
    if (pos < text.size()) {
      if (text[pos] != ',' || pos + 1 == text.size()) bad();
      ++pos;
    }
  }
  return args;
}

inline Signature parse_signature(const std::string& signature) {
  std::string s;  // without spaces, which may only separate names from punctuation
  bool gap = false;
  for (char c : signature) {
    if (c == ' ') {
      gap = true;
      continue;
    }
    if (gap && !s.empty() && is_name_char(s.back()) && is_name_char(c))
      throw ValueError("vectorize", "not a valid gufunc signature: '", signature, "'");
    gap = false;
    s += c;
  }
  std::size_t arrow = s.find("->");
  if (arrow == std::string::npos || s.find("->", arrow + 2) != std::string::npos)
    throw ValueError("vectorize", "not a valid gufunc signature: '", signature, "'");
  Signature sig{parse_arg_list(s.substr(0, arrow), signature), parse_arg_list(s.substr(arrow + 2), signature)};
  if (sig.outputs.empty()) throw ValueError("vectorize", "gufunc signature '", signature, "' has no outputs");
  return sig;
}

// Records (or checks) the sizes of named core dimensions.
inline void bind_core_dims(std::map<std::string, std::int64_t>& sizes, const std::vector<std::string>& names,
                           const Shape& core, const char* what, std::size_t k) {
  for (std::size_t d = 0; d < names.size(); ++d) {
    auto [it, fresh] = sizes.try_emplace(names[d], core[d]);
    if (!fresh && it->second != core[d])
      throw ShapeError("vectorize", "inconsistent size for core dimension '", names[d], "' of ", what, " ", k, ": ",
                       core[d], " vs ", it->second);
  }
}

// f(args) over a loop of `n` elements: every argument has the loop as its leading axis.
template <class F, std::size_t... I>
auto map_leading(const F& f, const Arrays& flat, TreeDef& out_def, std::index_sequence<I...>) {
  return vmap_flat(
      [&](const Arrays& a) -> Arrays {
        auto [leaves, def] = tree_flatten(f(a[I]...));
        out_def = def;
        return leaves;
      },
      flat, std::vector<BatchDim>(flat.size(), 0), {0});
}

inline Shape concat_shapes(Shape a, const Shape& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Broadcasts the loop dimensions of args (all but the last core[i] axes), flattens them into one
// leading axis, maps f over it and restores the loop shape on every output leaf.
template <class Out, class F, std::size_t N>
array_tree_t<Out> vectorized_call(const F& f, const Arrays& args, const Signature* sig, const std::string& text) {
  std::vector<std::size_t> core(N, 0);
  if (sig) {
    if (sig->inputs.size() != N)
      throw ValueError("vectorize", "the signature '", text, "' has ", sig->inputs.size(), " inputs, but ", N,
                       " arguments were given");
    for (std::size_t i = 0; i < N; ++i) core[i] = sig->inputs[i].size();
  }
  Shape loop;
  std::map<std::string, std::int64_t> sizes;
  for (std::size_t i = 0; i < N; ++i) {
    const Shape& s = args[i].shape();
    if (s.size() < core[i])
      throw ShapeError("vectorize", "argument ", i, " of shape ", args[i].aval(), " has fewer than ", core[i],
                       " core dimensions of the signature '", text, "'");
    const auto split = s.end() - static_cast<std::ptrdiff_t>(core[i]);
    const Shape own(s.begin(), split);
    try {
      loop = broadcast_shapes(loop, own);
    } catch (const ShapeError&) {
      throw ShapeError("vectorize", "the loop dimensions ", shape_str(own), " of argument ", i,
                       " do not broadcast with ", shape_str(loop));
    }
    if (sig) bind_core_dims(sizes, sig->inputs[i], Shape(split, s.end()), "argument", i);
  }
  const std::int64_t n = shape_size(loop);
  Arrays flat;
  for (std::size_t i = 0; i < N; ++i) {
    Shape core_shape(args[i].shape().end() - static_cast<std::ptrdiff_t>(core[i]), args[i].shape().end());
    Array b = broadcast_to(args[i], concat_shapes(loop, core_shape));
    flat.push_back(reshape(b, concat_shapes({n}, core_shape)));
  }
  TreeDef out_def;
  Arrays outs = map_leading(f, flat, out_def, std::make_index_sequence<N>{});
  if (sig && sig->outputs.size() != outs.size())
    throw ValueError("vectorize", "the signature '", text, "' has ", sig->outputs.size(), " outputs, but f returned ",
                     outs.size(), " arrays");
  for (std::size_t j = 0; j < outs.size(); ++j) {
    Shape out_core(outs[j].shape().begin() + 1, outs[j].shape().end());
    const std::size_t want = sig ? sig->outputs[j].size() : 0;
    if (out_core.size() != want)
      throw ShapeError("vectorize", "output ", j, " of f has shape ", shape_str(out_core), ", but ",
                       sig ? "the signature '" + text + "' gives it " + std::to_string(want) + " core dimensions"
                           : std::string("f must return scalars when no signature is given"));
    if (sig) bind_core_dims(sizes, sig->outputs[j], out_core, "output", j);
    outs[j] = reshape(outs[j], concat_shapes(loop, out_core));
  }
  return tree_unflatten<Out>(out_def, outs);
}
}  // namespace vectorize_detail

// numpy.vectorize: vectorize(f)(xs...) broadcasts its arguments (Arrays or C++ scalars) and applies
// f, a function of 0-d Arrays, to every element (through vmap, not a loop). With a gufunc signature
// such as "(n),(n)->()", f receives the trailing core dimensions of each argument and the others
// are broadcast and mapped. f may return an Array or a pytree of Arrays (one per signature output).
template <class F>
auto vectorize(F f, const std::string& signature = {}) {
  using vectorize_detail::Signature;
  std::shared_ptr<const Signature> sig;
  if (!signature.empty()) sig = std::make_shared<const Signature>(vectorize_detail::parse_signature(signature));
  return [f = std::move(f), sig, signature](const auto&... raw) {
    constexpr std::size_t n = sizeof...(raw);
    static_assert(n > 0, "xjax::vectorize: the vectorized function needs at least one argument");
    using Out = std::remove_cvref_t<decltype(f((static_cast<void>(raw), std::declval<Array>())...))>;
    return vectorize_detail::vectorized_call<Out, F, n>(f, Arrays{Array(raw)...}, sig.get(), signature);
  };
}

// numpy.apply_along_axis: f maps a 1-d slice along `axis` to an Array of any shape, which takes the
// place of that axis in the result (arr.shape[:axis] + f's shape + arr.shape[axis+1:]).
template <class F>
Array apply_along_axis(F f, int axis, const Array& arr) {
  const int nd = arr.ndim();
  if (axis < -nd || axis >= nd)
    throw IndexError("apply_along_axis", "axis ", axis, " is out of bounds for an array of shape ", arr.aval());
  if (axis < 0) axis += nd;
  Array moved = moveaxis(arr, axis, -1);
  const Shape loop(moved.shape().begin(), moved.shape().end() - 1);
  Array rows = reshape(moved, {shape_size(loop), moved.shape().back()});
  Array out = vmap([&f](const Array& row) { return Array(f(row)); })(rows);
  const Shape core(out.shape().begin() + 1, out.shape().end());
  Array r = reshape(out, vectorize_detail::concat_shapes(loop, core));
  // r is (pre..., post..., core...): put the core axes where `axis` was.
  Ints perm;
  const auto nl = static_cast<std::int64_t>(loop.size()), nc = static_cast<std::int64_t>(core.size());
  for (std::int64_t d = 0; d < axis; ++d) perm.push_back(d);
  for (std::int64_t d = 0; d < nc; ++d) perm.push_back(nl + d);
  for (std::int64_t d = axis; d < nl; ++d) perm.push_back(d);
  return transpose(r, perm);
}

// numpy.apply_over_axes: a = f(a, axis) for each axis in turn; f must keep the rank or drop the
// axis (which is then re-inserted with extent 1), as a reduction with or without keepdims.
template <class F>
Array apply_over_axes(F f, const Array& a, const Ints& axes) {
  Array r = a;
  const int nd = a.ndim();
  for (std::int64_t axis : axes) {
    if (axis < -nd || axis >= nd)
      throw IndexError("apply_over_axes", "axis ", axis, " is out of bounds for an array of shape ", a.aval());
    const int ax = static_cast<int>(axis < 0 ? axis + nd : axis);
    Array b = Array(f(r, ax));
    if (b.ndim() == nd - 1) b = expand_dims(b, ax);
    else if (b.ndim() != nd)
      throw ShapeError("apply_over_axes", "f(a, ", ax, ") has shape ", b.aval(), "; it must keep the rank of ",
                       r.aval(), " or drop one axis");
    r = b;
  }
  return r;
}
template <class F>
Array apply_over_axes(F f, const Array& a, int axis) {
  return apply_over_axes(std::move(f), a, Ints{axis});
}

namespace vectorize_detail {
inline constexpr std::size_t fromfunction_max_rank = 8;
template <class F, std::size_t N = 0>
Array call_with_indices(const F& f, const Arrays& idx) {
  if constexpr (N > fromfunction_max_rank) {
    throw ValueError("fromfunction", "shapes of more than ", fromfunction_max_rank, " axes are not supported");
  } else {
    if (idx.size() != N) return call_with_indices<F, N + 1>(f, idx);
    return [&]<std::size_t... I>(std::index_sequence<I...>) -> Array {
      if constexpr (std::is_invocable_v<const F&, decltype(static_cast<void>(I), std::declval<const Array&>())...>)
        return Array(f(idx[I]...));
      else
        throw ValueError("fromfunction", "f cannot be called with ", N, " index arrays (one per axis of the shape)");
    }(std::make_index_sequence<N>{});
  }
}
}  // namespace vectorize_detail

// numpy.fromfunction: f(i0, i1, ...) called once with one index array per axis of `shape` (each of
// that shape and of `dtype`, holding its coordinate along that axis); f must take shape.size()
// Arrays (up to 8; a variadic generic lambda takes any number).
template <class F>
Array fromfunction(F f, const Shape& shape, DType dtype = float32) {
  shape_size(shape);  // ValueError/ShapeError for a bad shape
  Arrays idx;
  for (std::size_t i = 0; i < shape.size(); ++i) idx.push_back(iota(dtype, shape, static_cast<int>(i)));
  return vectorize_detail::call_with_indices(f, idx);
}

// One entry of piecewise's funclist: a function of x (applied element by element, as JAX's
// switch under vectorize) or a constant.
class PiecewiseFn {
 public:
  template <class F>
    requires(!std::is_convertible_v<F, Array> && std::is_invocable_v<const F&, const Array&>)
  PiecewiseFn(F f) : fn_([f = std::move(f)](const Array& x) { return Array(f(x)); }) {}  // NOLINT
  PiecewiseFn(const Array& value) : value_(value) {}                                   // NOLINT
  template <Scalar T>
  PiecewiseFn(T value) : value_(Array(value)) {}  // NOLINT
  // The values on x (broadcast to x's shape, in dtype).
  Array operator()(const Array& x, DType dtype) const {
    if (!fn_) return full(x.shape(), value_, dtype);
    return astype(vectorize(fn_)(x), dtype);
  }

 private:
  std::function<Array(const Array&)> fn_;
  Array value_;
};

// numpy.piecewise: where condlist[i] holds, funclist[i] of x; a later condition wins over an earlier
// one. An extra last entry of funclist is the value where no condition holds (else 0). The
// conditions broadcast with x; the result has x's dtype.
inline Array piecewise(const Array& x, const std::vector<Array>& condlist, const std::vector<PiecewiseFn>& funclist) {
  const std::size_t nc = condlist.size(), nf = funclist.size();
  if (nf != nc && nf != nc + 1)
    throw ValueError("piecewise", "with ", nc, " condition(s), either ", nc, " or ", nc + 1,
                     " functions are expected; got ", nf);
  Shape shape = x.shape();
  for (const Array& c : condlist) {
    if (!c.defined()) throw ValueError("piecewise", "a condition is an empty (default-constructed) Array");
    try {
      shape = broadcast_shapes(shape, c.shape());
    } catch (const ShapeError&) {
      throw ShapeError("piecewise", "a condition of shape ", c.aval(), " does not broadcast with ", shape_str(shape));
    }
  }
  Array xb = broadcast_to(x, shape);
  Array r = nf == nc + 1 ? funclist.back()(xb, x.dtype()) : zeros(shape, x.dtype());
  for (std::size_t i = 0; i < nc; ++i) r = where(astype(condlist[i], bool_), funclist[i](xb, x.dtype()), r);
  return r;
}

// numpy.mask_indices: the (row, column) indices (int32) of the non-zero entries of
// mask_func(ones((n, n)), k), e.g. mask_indices(3, xj::triu). The mask must be concrete.
template <class F>
std::pair<Array, Array> mask_indices(std::int64_t n, F mask_func, std::int64_t k = 0) {
  if (n < 0) throw ValueError("mask_indices", "n must be non-negative, got ", n);
  Array m = Array(mask_func(ones({n, n}), k));
  if (m.shape() != Shape{n, n})
    throw ShapeError("mask_indices", "mask_func returned shape ", m.aval(), "; expected (", n, ", ", n, ")");
  if (m.is_tracer())
    throw ConcretizationError("mask_indices",
                              "the mask depends on a traced value; its number of entries must be known");
  Array nz = astype(m, bool_);
  const bool* p = nz.data<bool>();
  std::vector<std::int32_t> rows, cols;
  for (std::int64_t i = 0; i < n * n; ++i)
    if (p[i]) {
      rows.push_back(static_cast<std::int32_t>(i / n));
      cols.push_back(static_cast<std::int32_t>(i % n));
    }
  return {array(rows), array(cols)};
}

// jax.numpy.frompyfunc's ufunc for a C++ callable of nin 0-d Arrays returning nout Arrays (a pytree
// when nout > 1): a call broadcasts and maps f as vectorize does; a binary ufunc with one output
// (nin 2, nout 1) also has outer, reduce and accumulate, which fold f along an axis with a scan.
template <class F>
class Ufunc {
 public:
  Ufunc(F f, int nin, int nout, std::optional<Array> identity)
      : f_(std::move(f)), nin_(nin), nout_(nout), identity_(std::move(identity)) {
    if (nin < 1 || nout < 1)
      throw ValueError("frompyfunc", "nin and nout must be positive, got nin=", nin, " and nout=", nout);
  }
  int nin() const { return nin_; }
  int nout() const { return nout_; }
  const std::optional<Array>& identity() const { return identity_; }

  template <class... A>
  auto operator()(const A&... args) const {
    constexpr bool callable =
        std::is_invocable_v<const F&, decltype(static_cast<void>(args), std::declval<Array>())...>;
    if (!callable || static_cast<int>(sizeof...(A)) != nin_)
      throw ValueError("ufunc", "this ufunc takes ", nin_, " arguments, got ", sizeof...(A));
    if constexpr (callable) return vectorize(f_)(args...);
  }

  // f(a_i, b_j) for every pair: shape a.shape + b.shape.
  Array outer(const Array& a, const Array& b) const {
    require_binary("ufunc.outer");
    Shape widened = a.shape();
    widened.insert(widened.end(), b.shape().size(), 1);
    return vectorize(f_)(reshape(a, widened), b);
  }

  // Folds f along `axis` (nullopt: over the flattened array) from the first element, or from
  // `initial` (default: the identity) broadcast to a slice; an empty axis needs one of them.
  Array reduce(const Array& a, std::optional<int> axis = 0, bool keepdims = false,
               std::optional<Array> initial = std::nullopt) const {
    require_binary("ufunc.reduce");
    Array x = axis ? a : ravel(a);
    const int ax = normalise_axis("ufunc.reduce", axis ? *axis : 0, x.ndim(), a);
    Shape kept = axis ? a.shape() : Shape(static_cast<std::size_t>(a.ndim()), 1);
    if (axis) kept[static_cast<std::size_t>(ax)] = 1;
    Array moved = moveaxis(x, ax, 0);
    const Shape rest(moved.shape().begin() + 1, moved.shape().end());
    const DType dtype = result_dtype(a.dtype());
    const std::optional<Array>& init = initial ? initial : identity_;
    const std::int64_t n = moved.shape()[0];
    Array carry, xs = moved;
    if (init) {
      carry = broadcast_to(astype(*init, dtype), rest);
    } else if (n == 0) {
      throw ValueError("ufunc.reduce", "zero-size array ", a.aval(),
                       " to a reduction with no identity or initial value");
    } else {
      carry = astype(moved[0], dtype);
      xs = slice_in_dim(moved, 1, n);
    }
    auto body = [this, dtype](const Arrays& c) -> Arrays { return {step(c[0], c[1], dtype)}; };
    Array r = scan_flat(body, {carry}, {xs})[0];
    return keepdims ? reshape(r, kept) : r;
  }

  // The running fold of f along `axis`: element i is f applied to elements 0..i in turn.
  Array accumulate(const Array& a, int axis = 0) const {
    require_binary("ufunc.accumulate");
    const int ax = normalise_axis("ufunc.accumulate", axis, a.ndim(), a);
    const DType dtype = result_dtype(a.dtype());
    if (a.size() == 0) return zeros(a.shape(), dtype);
    Array moved = moveaxis(a, ax, 0);
    Array first = astype(moved[0], dtype);
    Arrays out = scan_flat(
        [this, dtype](const Arrays& c) -> Arrays {
          Array next = step(c[0], c[1], dtype);
          return {next, next};
        },
        {first}, {slice_in_dim(moved, 1, moved.shape()[0])});
    return moveaxis(concatenate({expand_dims(first, 0), out[1]}, 0), 0, ax);
  }

 private:
  void require_binary(const char* op) const {
    if (nin_ != 2 || nout_ != 1)
      throw ValueError(op, "needs a binary ufunc with one output; this one has nin=", nin_, " and nout=", nout_);
  }
  static int normalise_axis(const char* op, int axis, int nd, const Array& a) {
    if (axis < -nd || axis >= nd)
      throw IndexError(op, "axis ", axis, " is out of bounds for an array of shape ", a.aval());
    return axis < 0 ? axis + nd : axis;
  }
  // What f gives for two elements of dtype d (found by tracing, without computing).
  DType result_dtype(DType d) const {
    auto g = [this](const Array& p, const Array& q) { return Array(f_(p, q)); };
    return eval_shape(g)(zeros({}, d), zeros({}, d)).dtype;
  }
  Array step(const Array& carry, const Array& x, DType dtype) const {
    return astype(vectorize(f_)(carry, astype(x, dtype)), dtype);
  }

  F f_;
  int nin_, nout_;
  std::optional<Array> identity_;
};

// jax.numpy.frompyfunc: f as a ufunc (see Ufunc) with nin inputs, nout outputs and an optional
// identity (the start of reduce on an empty axis).
template <class F>
Ufunc<F> frompyfunc(F f, int nin, int nout, std::optional<Array> identity = std::nullopt) {
  return Ufunc<F>(std::move(f), nin, nout, std::move(identity));
}

}  // namespace xjax
