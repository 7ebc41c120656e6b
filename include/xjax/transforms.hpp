// Function transformations: grad, value_and_grad, jvp, vjp, jacfwd, jacrev, hessian, vmap,
// make_jaxpr, and jit (xjax/jit.hpp). The templates flatten pytree arguments and call the
// non-template interpreters.
#pragma once
#include <concepts>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "xjax/ir.hpp"
#include "xjax/ops.hpp"
#include "xjax/pytree.hpp"

namespace xjax {

// ---- the interpreters over flat lists of arrays ----
using FlatFn = std::function<Arrays(const Arrays&)>;
// Forward mode: outputs and output tangents (nullopt: symbolic zero) of f at primals along tangents.
std::pair<Arrays, Tangents> jvp_flat(const FlatFn& f, const Arrays& primals, const Tangents& tangents);
// Reverse mode: outputs and the pullback (output cotangents -> input cotangents, zeros instantiated).
struct Linearized {
  Arrays outs;
  std::function<Arrays(const Tangents&)> pullback;
  std::function<Arrays(const Tangents&)> pushforward;  // the linear map itself (input tangents -> output tangents)
};
Linearized vjp_flat(const FlatFn& f, const Arrays& primals);
// Batching: maps f over axis in_axes[i] of argument i (nullopt: unmapped); output i gets its batch axis
// at out_axes[i] (one entry: for every output; nullopt: the output must not depend on the batch).
// chunk_size bounds memory: the batch is processed that many examples at a time. A non-empty
// axis_name names the mapped axis for collectives (psum(x, axis_name) sums over the batch, as in JAX).
Arrays vmap_flat(const FlatFn& f, const Arrays& args, const std::vector<BatchDim>& in_axes,
                 const std::vector<BatchDim>& out_axes, std::optional<std::int64_t> chunk_size = std::nullopt,
                 const std::string& axis_name = {});
// Jacobians of f at leaves: for each output y and input x, the block d y / d x of shape
// y.shape + x.shape (blocks[output][input]); forward mode pushes one basis tangent per input element,
// reverse mode pulls one basis cotangent per output element, each batched with vmap. holomorphic:
// complex inputs and outputs, blocks of f'(z) (JAX's holomorphic=True).
std::vector<Arrays> jacfwd_flat(const FlatFn& f, const Arrays& leaves, bool holomorphic = false);
std::vector<Arrays> jacrev_flat(const FlatFn& f, const Arrays& leaves, bool holomorphic = false);
// The size of the innermost active vmap whose axis_name is that name (nullopt: none).
std::optional<std::int64_t> vmap_axis_size(const std::string& axis_name);

// grad needs a floating-point scalar output and floating-point inputs.
// grad's checks: a real scalar output (complex with holomorphic), floating or complex inputs
// (complex only with holomorphic).
void check_grad_output(const char* op, const Array& out, bool holomorphic = false);
void check_grad_inputs(const char* op, const Arrays& leaves, bool holomorphic = false);

// User-defined derivatives. custom_jvp: rule(primals, tangents) -> (outputs, output tangents).
// custom_vjp: fwd(args) -> (outputs, residuals); bwd(residuals, output cotangents) -> input cotangents
// (reverse mode only, as in JAX). checkpoint: the backward pass recomputes f's intermediates.
using CustomJvpRule = std::function<std::pair<Arrays, Arrays>(const Arrays&, const Arrays&)>;
using CustomFwd = std::function<std::pair<Arrays, Arrays>(const Arrays&)>;
using CustomBwd = std::function<Arrays(const Arrays&, const Arrays&)>;
Arrays custom_jvp_call(const FlatFn& f, const CustomJvpRule& rule, const Arrays& args);
Arrays custom_vjp_call(const FlatFn& f, const CustomFwd& fwd, const CustomBwd& bwd, const Arrays& args);
Arrays checkpoint_call(const FlatFn& f, const Arrays& args);

namespace transform_detail {
template <std::size_t... I>
constexpr std::size_t position_of(std::size_t n, std::index_sequence<I...>) {
  std::size_t pos = 0, k = 0;
  ((I == n ? (pos = k, 0) : 0, ++k), ...);
  return pos;
}
template <std::size_t N, std::size_t... I>
constexpr bool contains() {
  return ((I == N) || ...);
}

// Flattened arguments: leaves of all (or of the selected) arguments, with per-argument structure.
struct FlatArgs {
  Arrays leaves;
  std::vector<TreeDef> defs;
  std::vector<std::size_t> offsets;  // first leaf of each flattened argument
};
template <class T>
void add_arg(FlatArgs& fa, const T& x) {
  fa.offsets.push_back(fa.leaves.size());
  flatten_into(x, fa.leaves, fa.defs.emplace_back());
}
template <class T>
array_tree_t<T> rebuild_arg(const FlatArgs& fa, std::size_t k, const Arrays& leaves) {
  std::size_t n = fa.defs[k].num_leaves();
  std::vector<Array> part(leaves.begin() + static_cast<std::ptrdiff_t>(fa.offsets[k]),
                          leaves.begin() + static_cast<std::ptrdiff_t>(fa.offsets[k] + n));
  return tree_unflatten<T>(fa.defs[k], part);
}

// Calls f with the arguments whose indices are in Sel rebuilt from `leaves`, the others as given.
template <class F, class Args, std::size_t... Sel>
decltype(auto) call_with(const F& f, const Args& args, const FlatArgs& fa, const Arrays& leaves,
                         std::index_sequence<Sel...> sel) {
  return [&]<std::size_t... I>(std::index_sequence<I...>) -> decltype(auto) {
    auto pick = [&]<std::size_t J>(std::integral_constant<std::size_t, J>) -> decltype(auto) {
      using T = std::remove_cvref_t<std::tuple_element_t<J, Args>>;
      if constexpr (contains<J, Sel...>()) return rebuild_arg<T>(fa, position_of(J, sel), leaves);
      else return std::get<J>(args);
    };
    return f(pick(std::integral_constant<std::size_t, I>{})...);
  }(std::make_index_sequence<std::tuple_size_v<Args>>{});
}

template <class T>
inline constexpr bool always_false = false;

// Whether f accepts the arguments a transformation passes while tracing: those at the positions Sel
// become Arrays (or pytrees of them), the others are passed as given.
template <class F, class Args, class Sel, class All = std::make_index_sequence<std::tuple_size_v<Args>>>
struct traced_invocable;
template <class F, class Args, std::size_t... Sel, std::size_t... I>
struct traced_invocable<F, Args, std::index_sequence<Sel...>, std::index_sequence<I...>>
    : std::bool_constant<std::is_invocable_v<
          const F&, std::conditional_t<contains<I, Sel...>(), array_tree_t<std::remove_cvref_t<std::tuple_element_t<I, Args>>>,
                                       std::tuple_element_t<I, Args>>...>> {};

template <std::size_t... Argnums>
using argnums_t = std::conditional_t<sizeof...(Argnums) == 0, std::index_sequence<0>, std::index_sequence<Argnums...>>;

template <class Args, std::size_t... Sel>
FlatArgs flatten_selected(const Args& args, std::index_sequence<Sel...>) {
  FlatArgs fa;
  (add_arg(fa, std::get<Sel>(args)), ...);
  return fa;
}

template <class Args, std::size_t... Sel>
auto unflatten_selected(const Args&, const FlatArgs& fa, const Arrays& leaves, std::index_sequence<Sel...>) {
  return [&]<std::size_t... K>(std::index_sequence<K...>) {
    return std::tuple<array_tree_t<std::tuple_element_t<Sel, Args>>...>{
        rebuild_arg<std::remove_cvref_t<std::tuple_element_t<Sel, Args>>>(fa, K, leaves)...};
  }(std::make_index_sequence<sizeof...(Sel)>{});
}

template <std::size_t N, class F>
Array call_n(const F& f, const Arrays& a) {
  return [&]<std::size_t... I>(std::index_sequence<I...>) { return Array(f(a[I]...)); }(std::make_index_sequence<N>{});
}

template <class Tuple>
decltype(auto) single_or_tuple(Tuple&& t) {
  if constexpr (std::tuple_size_v<std::remove_cvref_t<Tuple>> == 1) return std::get<0>(std::forward<Tuple>(t));
  else return std::forward<Tuple>(t);
}
}  // namespace transform_detail

struct HasAux {};
inline constexpr HasAux has_aux{};
// grad(f, holomorphic) differentiates a holomorphic f of complex inputs with a complex output: the
// result is f'(z) (JAX's holomorphic=True). Without it, grad of a real-valued f of complex z returns
// df/dx - i df/dy, the conjugate of the gradient as JAX returns it.
struct Holomorphic {};
inline constexpr Holomorphic holomorphic{};

// value_and_grad<0, 2>(f)(args...) -> (f(args...), grads w.r.t. args 0 and 2 (a tuple when several)).
// With has_aux, f returns (loss, aux) and the result is ((loss, aux), grads).
namespace transform_detail {
template <class Sel, class F>
auto value_and_grad_impl(F f, bool holomorphic) {
  return [f, holomorphic](const auto&... raw) {
    auto args = std::forward_as_tuple(raw...);
    using Args = decltype(args);
    Sel sel;
    FlatArgs fa = flatten_selected(args, sel);
    check_grad_inputs("grad", fa.leaves, holomorphic);
    Linearized lin = vjp_flat([&](const Arrays& leaves) -> Arrays { return {Array(call_with(f, args, fa, leaves, sel))}; },
                              fa.leaves);
    check_grad_output("grad", lin.outs[0], holomorphic);
    Arrays g = lin.pullback({ones_like(lin.outs[0])});
    return std::pair{lin.outs[0], single_or_tuple(unflatten_selected<Args>(args, fa, g, sel))};
  };
}
}  // namespace transform_detail

template <std::size_t... Argnums, class F>
auto value_and_grad(F f) {
  return transform_detail::value_and_grad_impl<transform_detail::argnums_t<Argnums...>>(std::move(f), false);
}
template <std::size_t... Argnums, class F>
auto value_and_grad(F f, Holomorphic) {
  return transform_detail::value_and_grad_impl<transform_detail::argnums_t<Argnums...>>(std::move(f), true);
}
template <std::size_t... Argnums, class F>
auto value_and_grad(F f, HasAux) {
  return [f](const auto&... raw) {
    using namespace transform_detail;
    auto args = std::forward_as_tuple(raw...);
    using Args = decltype(args);
    using Out = std::remove_cvref_t<decltype(call_with(f, args, std::declval<FlatArgs>(), Arrays{}, argnums_t<Argnums...>{}))>;
    using Aux = std::remove_cvref_t<std::tuple_element_t<1, Out>>;
    argnums_t<Argnums...> sel;
    FlatArgs fa = flatten_selected(args, sel);
    check_grad_inputs("grad", fa.leaves);
    TreeDef aux_def;
    Linearized lin = vjp_flat(
        [&](const Arrays& leaves) -> Arrays {
          auto out = call_with(f, args, fa, leaves, sel);
          Arrays r{Array(std::get<0>(out))};
          aux_def = {};
          flatten_into(std::get<1>(out), r, aux_def);
          return r;
        },
        fa.leaves);
    check_grad_output("grad", lin.outs[0]);
    Tangents cts(lin.outs.size());
    cts[0] = ones_like(lin.outs[0]);
    Arrays g = lin.pullback(cts);
    auto aux = tree_unflatten<Aux>(aux_def, Arrays(lin.outs.begin() + 1, lin.outs.end()));
    return std::pair{std::pair{lin.outs[0], aux}, single_or_tuple(unflatten_selected<Args>(args, fa, g, sel))};
  };
}
template <std::size_t... Argnums, class F>
auto grad(F f) {
  return [g = value_and_grad<Argnums...>(std::move(f))](const auto&... args) { return g(args...).second; };
}
template <std::size_t... Argnums, class F>
auto grad(F f, Holomorphic) {
  return [g = value_and_grad<Argnums...>(std::move(f), holomorphic)](const auto&... args) { return g(args...).second; };
}
template <std::size_t... Argnums, class F>
auto grad(F f, HasAux) {
  return [g = value_and_grad<Argnums...>(std::move(f), has_aux)](const auto&... args) {
    auto r = g(args...);
    return std::pair{r.second, r.first.second};
  };
}

// grad(f, 1) is Python's spelling: in C++ argnums are template arguments. These overloads exist only to
// say so at compile time.
#define XJAX_ARGNUMS_ARE_TEMPLATE_ARGUMENTS(name)                                                          \
  template <std::size_t... Argnums, class F, std::integral I>                                             \
  auto name(F, I) {                                                                                       \
    static_assert(transform_detail::always_false<I>,                                                      \
                  "xjax::" #name ": argnums are template arguments: " #name "<1>(f) differentiates argument " \
                  "1, " #name "<0, 2>(f) arguments 0 and 2");                                              \
  }
XJAX_ARGNUMS_ARE_TEMPLATE_ARGUMENTS(grad)
XJAX_ARGNUMS_ARE_TEMPLATE_ARGUMENTS(value_and_grad)

// jvp(f, std::tuple{primals...}, std::tuple{tangents...}) -> (outputs, output tangents), trees alike.
template <class F, class... P, class... T>
auto jvp(F f, const std::tuple<P...>& primals, const std::tuple<T...>& tangents) {
  using namespace transform_detail;
  static_assert(sizeof...(P) == sizeof...(T), "xjax::jvp: one tangent per primal");
  auto sel = std::index_sequence_for<P...>{};
  FlatArgs fp = flatten_selected(primals, sel), ft = flatten_selected(tangents, sel);
  check_grad_inputs("jvp", fp.leaves);
  using Out = std::remove_cvref_t<decltype(std::apply(f, std::declval<std::tuple<array_tree_t<P>...>>()))>;
  TreeDef out_def;
  auto [outs, touts] = jvp_flat(
      [&](const Arrays& leaves) -> Arrays {
        auto [r, d] = tree_flatten(call_with(f, primals, fp, leaves, sel));
        out_def = d;
        return r;
      },
      fp.leaves, Tangents(ft.leaves.begin(), ft.leaves.end()));
  Arrays t;
  for (std::size_t i = 0; i < outs.size(); ++i) t.push_back(touts[i] ? *touts[i] : zeros_like(outs[i]));
  return std::pair{tree_unflatten<Out>(out_def, outs), tree_unflatten<Out>(out_def, t)};
}

// vjp(f, args...) -> (outputs, pullback); pullback(cotangents shaped like the outputs) -> tuple of
// cotangents shaped like the arguments (a single value for one argument).
template <class F, class... A>
auto vjp(F f, const A&... raw) {
  using namespace transform_detail;
  auto args = std::make_tuple(raw...);
  using Args = decltype(args);
  auto sel = std::index_sequence_for<A...>{};
  auto fa = std::make_shared<FlatArgs>(flatten_selected(args, sel));
  check_grad_inputs("vjp", fa->leaves);
  using Out = std::remove_cvref_t<decltype(f(std::declval<array_tree_t<A>>()...))>;
  TreeDef out_def;
  Linearized lin = vjp_flat(
      [&](const Arrays& leaves) -> Arrays {
        auto [r, d] = tree_flatten(call_with(f, args, *fa, leaves, sel));
        out_def = d;
        return r;
      },
      fa->leaves);
  auto pullback = [args, fa, out_def, pb = lin.pullback, sel](const array_tree_t<Out>& ct) {
    auto [leaves, def] = tree_flatten(ct);
    if (!(def == out_def)) tree_mismatch(def, "the structure of the function's output");
    return single_or_tuple(unflatten_selected<Args>(args, *fa, pb(Tangents(leaves.begin(), leaves.end())), sel));
  };
  return std::pair{tree_unflatten<Out>(out_def, lin.outs), pullback};
}

// linearize(f, args...) -> (outputs, f_jvp): f_jvp(tangents...) evaluates the staged linear map
// (no re-trace of f), giving output tangents shaped like the outputs.
template <class F, class... A>
auto linearize(F f, const A&... raw) {
  using namespace transform_detail;
  auto args = std::make_tuple(raw...);
  auto sel = std::index_sequence_for<A...>{};
  FlatArgs fa = flatten_selected(args, sel);
  check_grad_inputs("linearize", fa.leaves);
  using Out = std::remove_cvref_t<decltype(f(std::declval<array_tree_t<A>>()...))>;
  TreeDef out_def;
  Linearized lin = vjp_flat(
      [&](const Arrays& leaves) -> Arrays {
        auto [r, d] = tree_flatten(call_with(f, args, fa, leaves, sel));
        out_def = d;
        return r;
      },
      fa.leaves);
  auto f_jvp = [out_def, push = lin.pushforward](const array_tree_t<A>&... tangents) {
    Arrays leaves;
    TreeDef ignored;
    (flatten_into(tangents, leaves, ignored), ...);
    return tree_unflatten<Out>(out_def, push(Tangents(leaves.begin(), leaves.end())));
  };
  return std::pair{tree_unflatten<Out>(out_def, lin.outs), f_jvp};
}

// check_grads(f, args, order, modes): compares JVPs ("fwd") with central finite differences and VJPs
// ("rev") with JVPs (dot-product test), recursively to `order`, at float64 copies of the float
// arguments, like jax.test_util.check_grads. Throws TransformError describing the first mismatch.
void check_grads_flat(const FlatFn& f, const Arrays& args, int order, const std::vector<std::string>& modes,
                      double eps = 1e-6, double rtol = 1e-5, double atol = 1e-6);
template <class F, class... A>
void check_grads(F f, const std::tuple<A...>& args, int order = 2,
                 const std::vector<std::string>& modes = {"fwd", "rev"}) {
  using namespace transform_detail;
  auto sel = std::index_sequence_for<A...>{};
  FlatArgs fa = flatten_selected(args, sel);
  check_grads_flat([&](const Arrays& leaves) { return tree_leaves(call_with(f, args, fa, leaves, sel)); }, fa.leaves,
                   order, modes);
}

// Output batch axes: one for every output (default 0), std::nullopt, or one per output leaf.
struct OutAxes {
  std::vector<BatchDim> axes;
  OutAxes(int a = 0) : axes{a} {}  // NOLINT
  OutAxes(std::nullopt_t) : axes{std::nullopt} {}  // NOLINT
  OutAxes(std::initializer_list<BatchDim> a) : axes(a) {}
};

// Every option of vmap: vmap(f, {.in_axes = {0, std::nullopt}, .axis_name = "batch"}).
struct VmapOptions {
  std::vector<BatchDim> in_axes;  // empty: axis 0 of every argument
  OutAxes out_axes = 0;
  std::optional<std::int64_t> chunk_size;
  std::string axis_name;  // names the mapped axis for collectives (xjax::distributed::psum, ...)
};

// vmap(f)(xs...) maps axis 0 of every argument; in_axes gives one axis (or nullopt) per argument,
// applied to every leaf of that argument; chunk_size maps that many examples at a time.
// (A deduced std::vector, so that braced lists pick the InAxis or VmapOptions forms below.)
template <class F, class Axes>
  requires std::same_as<Axes, std::vector<BatchDim>>
auto vmap(F f, Axes in_axes, OutAxes out_axes = 0, std::optional<std::int64_t> chunk_size = std::nullopt) {
  return vmap(std::move(f), VmapOptions{std::move(in_axes), std::move(out_axes), chunk_size, {}});
}
// One entry of a braced in_axes list: an axis or std::nullopt (JAX's None). nullptr, which a JAX user may
// reach for, stops compilation with the fix.
struct InAxis {
  BatchDim axis;
  InAxis(int a) : axis(a) {}                  // NOLINT(google-explicit-constructor)
  InAxis(std::nullopt_t) {}                   // NOLINT(google-explicit-constructor)
  InAxis(BatchDim a) : axis(a) {}             // NOLINT(google-explicit-constructor)
  template <class T>
    requires std::is_null_pointer_v<T>
  InAxis(T) {  // NOLINT(google-explicit-constructor)
    static_assert(transform_detail::always_false<T>,
                  "xjax::vmap: an unmapped in_axes entry is std::nullopt (JAX's None), not nullptr");
  }
};
// vmap(f, {0, std::nullopt}): the braced form of the overload above.
template <class F>
auto vmap(F f, std::initializer_list<InAxis> in_axes, OutAxes out_axes = 0,
          std::optional<std::int64_t> chunk_size = std::nullopt) {
  std::vector<BatchDim> axes;
  for (const InAxis& a : in_axes) axes.push_back(a.axis);
  return vmap(std::move(f), VmapOptions{std::move(axes), std::move(out_axes), chunk_size, {}});
}
template <class F>
auto vmap(F f, VmapOptions options = {}) {
  return [f, in_axes = std::move(options.in_axes), out_axes = std::move(options.out_axes),
          chunk_size = options.chunk_size, axis_name = std::move(options.axis_name)](const auto&... raw) {
    using namespace transform_detail;
    auto args = std::forward_as_tuple(raw...);
    auto sel = std::make_index_sequence<sizeof...(raw)>{};
    if (!in_axes.empty() && in_axes.size() != sizeof...(raw))
      throw TransformError("vmap", "in_axes has ", in_axes.size(), " entries for ", sizeof...(raw), " arguments");
    FlatArgs fa = flatten_selected(args, sel);
    std::vector<BatchDim> leaf_axes;
    for (std::size_t k = 0; k < fa.defs.size(); ++k)
      leaf_axes.insert(leaf_axes.end(), fa.defs[k].num_leaves(), in_axes.empty() ? BatchDim(0) : in_axes[k]);
    using Out = std::remove_cvref_t<decltype(f(std::declval<array_tree_t<decltype(raw)>>()...))>;
    TreeDef out_def;
    Arrays outs = vmap_flat(
        [&](const Arrays& leaves) -> Arrays {
          auto [r, d] = tree_flatten(call_with(f, args, fa, leaves, sel));
          out_def = d;
          return r;
        },
        fa.leaves, leaf_axes, out_axes.axes, chunk_size, axis_name);
    return tree_unflatten<Out>(out_def, outs);
  };
}

// Jacobians. jacfwd<argnums...>(f)(args...) (default: argument 0) and jacrev: for each output
// leaf y and differentiated input leaf x, a block of shape y.shape + x.shape. The result has the
// output's structure with each leaf holding the inputs' structure (as in JAX); for an Array -> Array
// function it is a single Array.
namespace transform_detail {
// blocks[j][i]: the Jacobian block of output leaf j w.r.t. input leaf i, assembled into the result.
template <class Out, class In>
auto assemble_jacobian(const TreeDef& out_def, const TreeDef& in_def, const std::vector<Arrays>& blocks) {
  using InTree = decltype(tree_unflatten<In>(in_def, blocks.at(0)));
  if constexpr (std::is_same_v<array_tree_t<Out>, Array>) {
    return tree_unflatten<In>(in_def, blocks.at(0));
  } else {
    std::vector<InTree> per_output;
    for (const Arrays& row : blocks) per_output.push_back(tree_unflatten<In>(in_def, row));
    return tree_unflatten_as<Out, InTree>(out_def, per_output);
  }
}
}  // namespace transform_detail

namespace transform_detail {
// jacfwd and jacrev: `blocks` (jacfwd_flat or jacrev_flat) over the selected arguments' leaves.
template <std::size_t... Argnums, class F>
auto jacobian(F f, std::vector<Arrays> (*blocks_of)(const FlatFn&, const Arrays&, bool), bool holomorphic) {
  return [f, blocks_of, holomorphic](const auto&... raw) {
    auto args = std::forward_as_tuple(raw...);
    argnums_t<Argnums...> sel;
    FlatArgs fa = flatten_selected(args, sel);
    using Out = std::remove_cvref_t<decltype(f(std::declval<array_tree_t<decltype(raw)>>()...))>;
    TreeDef out_def;
    std::vector<Arrays> blocks = blocks_of(
        [&](const Arrays& leaves) -> Arrays {
          auto [r, d] = tree_flatten(call_with(f, args, fa, leaves, sel));
          out_def = d;
          return r;
        },
        fa.leaves, holomorphic);
    using In = decltype(unflatten_selected(args, fa, fa.leaves, sel));
    TreeDef in_def = fa.defs.size() == 1 ? fa.defs[0] : TreeDef{TreeDef::Kind::tuple, {}, fa.defs};
    if constexpr (std::tuple_size_v<In> == 1) return assemble_jacobian<Out, std::tuple_element_t<0, In>>(out_def, in_def, blocks);
    else return assemble_jacobian<Out, In>(out_def, in_def, blocks);
  };
}
}  // namespace transform_detail

template <std::size_t... Argnums, class F>
auto jacfwd(F f) {
  return transform_detail::jacobian<Argnums...>(std::move(f), &jacfwd_flat, false);
}
template <std::size_t... Argnums, class F>
auto jacrev(F f) {
  return transform_detail::jacobian<Argnums...>(std::move(f), &jacrev_flat, false);
}
// jacfwd(f, holomorphic), jacrev(f, holomorphic): the complex Jacobian f'(z) of a holomorphic f of
// complex inputs with complex outputs (JAX's holomorphic=True); both modes give the same blocks.
template <std::size_t... Argnums, class F>
auto jacfwd(F f, Holomorphic) {
  return transform_detail::jacobian<Argnums...>(std::move(f), &jacfwd_flat, true);
}
template <std::size_t... Argnums, class F>
auto jacrev(F f, Holomorphic) {
  return transform_detail::jacobian<Argnums...>(std::move(f), &jacrev_flat, true);
}
XJAX_ARGNUMS_ARE_TEMPLATE_ARGUMENTS(jacfwd)
XJAX_ARGNUMS_ARE_TEMPLATE_ARGUMENTS(jacrev)
XJAX_ARGNUMS_ARE_TEMPLATE_ARGUMENTS(hessian)
#undef XJAX_ARGNUMS_ARE_TEMPLATE_ARGUMENTS
template <std::size_t... Argnums, class F>
auto hessian(F f) {
  return [h = jacfwd<Argnums...>(jacrev<Argnums...>(std::move(f)))](const auto&... raw) {
    // Checked here so that the error names hessian rather than the jacfwd inside it.
    check_grad_inputs("hessian", transform_detail::flatten_selected(std::forward_as_tuple(raw...),
                                                                    transform_detail::argnums_t<Argnums...>{}).leaves);
    return h(raw...);
  };
}

// custom_jvp(f, rule): f(const Array&...) -> Array; rule(const Arrays& primals, const Arrays& tangents)
// -> std::pair{output, output tangent}, written with public ops and linear in the tangents.
template <class F, class Rule>
auto custom_jvp(F f, Rule rule) {
  return [f, rule](const auto&... xs) -> Array {
    constexpr std::size_t n = sizeof...(xs);
    CustomJvpRule r = [rule](const Arrays& p, const Arrays& t) {
      auto [o, to] = rule(p, t);
      return std::pair{Arrays{Array(o)}, Arrays{Array(to)}};
    };
    return custom_jvp_call([f](const Arrays& a) { return Arrays{transform_detail::call_n<n>(f, a)}; }, r,
                           Arrays{Array(xs)...})[0];
  };
}
// custom_vjp(f, fwd, bwd): fwd(const Array&...) -> std::pair{output, Arrays residuals};
// bwd(const Arrays& residuals, const Array& cotangent) -> Arrays (one cotangent per argument).
template <class F, class Fwd, class Bwd>
auto custom_vjp(F f, Fwd fwd, Bwd bwd) {
  return [f, fwd, bwd](const auto&... xs) -> Array {
    constexpr std::size_t n = sizeof...(xs);
    CustomFwd fw = [fwd](const Arrays& a) {
      auto [o, res] = [&]<std::size_t... I>(std::index_sequence<I...>) { return fwd(a[I]...); }(std::make_index_sequence<n>{});
      return std::pair{Arrays{Array(o)}, Arrays(res)};
    };
    CustomBwd bw = [bwd](const Arrays& res, const Arrays& ct) { return Arrays(bwd(res, ct[0])); };
    return custom_vjp_call([f](const Arrays& a) { return Arrays{transform_detail::call_n<n>(f, a)}; }, fw, bw,
                           Arrays{Array(xs)...})[0];
  };
}
// checkpoint(f): same values and derivatives as f; reverse mode stores only f's inputs and recomputes.
template <class F>
auto checkpoint(F f) {
  return [f](const auto&... xs) -> Array {
    constexpr std::size_t n = sizeof...(xs);
    return checkpoint_call([f](const Arrays& a) { return Arrays{transform_detail::call_n<n>(f, a)}; },
                           Arrays{Array(xs)...})[0];
  };
}

// eval_shape(f)(args...) -> the shapes and dtypes of f's outputs (ShapedArray leaves in the
// output's structure), found by tracing, without computing anything.
template <class F>
auto eval_shape(F f) {
  return [f](const auto&... raw) {
    using namespace transform_detail;
    using Out = std::remove_cvref_t<decltype(f(std::declval<array_tree_t<decltype(raw)>>()...))>;
    auto args = std::forward_as_tuple(raw...);
    auto sel = std::make_index_sequence<sizeof...(raw)>{};
    FlatArgs fa = flatten_selected(args, sel);
    Avals avals;
    for (const Array& x : fa.leaves) avals.push_back(x.aval());
    TreeDef out_def;
    ClosedJaxpr j = trace_to_jaxpr(
        [&](const Arrays& leaves) -> Arrays {
          auto [r, d] = tree_flatten(call_with(f, args, fa, leaves, sel));
          out_def = d;
          return r;
        },
        avals);
    return tree_unflatten_as<Out, ShapedArray>(out_def, j.out_avals());
  };
}

// make_jaxpr(f)(args...) -> the ClosedJaxpr of f at the arguments' shapes and dtypes.
template <class F>
auto make_jaxpr(F f) {
  return [f](const auto&... raw) -> ClosedJaxpr {
    using namespace transform_detail;
    auto args = std::forward_as_tuple(raw...);
    auto sel = std::make_index_sequence<sizeof...(raw)>{};
    FlatArgs fa = flatten_selected(args, sel);
    Avals avals;
    for (const Array& x : fa.leaves) avals.push_back(x.aval());
    return trace_to_jaxpr([&](const Arrays& leaves) -> Arrays { return tree_leaves(call_with(f, args, fa, leaves, sel)); },
                          avals);
  };
}

}  // namespace xjax

#include "xjax/jit.hpp"  // jit, its options and its cache
