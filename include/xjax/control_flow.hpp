// Structured control flow that stays in the IR: cond, switch_, while_loop, fori_loop, scan, map.
// Branches and bodies are traced once into sub-jaxprs held by a primitive, so the loop or branch
// runs inside jit's compiled program and every transformation (grad, vmap, jit) applies to it.
#pragma once
#include <cstdint>
#include <limits>
#include <optional>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "xjax/transforms.hpp"

namespace xjax {

// ---- flat forms: lists of arrays in and out ----
struct CondOptions {
  // Under vmap with a batched predicate, run each branch only on the examples that take it
  // (gathered, then scattered back) instead of running every branch on the whole batch and
  // selecting. Applies where the predicate's values are known (eager vmap); under jit the batch
  // split is not static, and both branches run as usual.
  bool per_lane = false;
};
// Runs branches[clamp(index, 0, n-1)] on the operands (a bool index picks branch 0 or 1).
Arrays switch_flat(const Array& index, const std::vector<FlatFn>& branches, const Arrays& operands,
                   const CondOptions& options = {});

struct WhileOptions {
  // At most this many iterations. Needed for reverse-mode differentiation, which runs through
  // the recorded trajectory (a masked scan of this length).
  std::optional<std::int64_t> max_iterations;
};
Arrays while_flat(const FlatFn& cond_fn, const FlatFn& body_fn, const Arrays& init, const WhileOptions& options = {});

struct ScanOptions {
  std::optional<std::int64_t> length;  // required when there are no xs
  bool reverse = false;                // iterate from the last slice to the first
};
// body(carry..., x...) -> (carry..., y...): returns the final carry followed by the stacked ys.
Arrays scan_flat(const FlatFn& body, const Arrays& init, const Arrays& xs, const ScanOptions& options = {});

namespace control_flow_detail {
// f's result flattened; its structure must be the same on every call (checked against `def`).
template <class R>
Arrays flatten_checked(const char* op, const R& r, std::optional<TreeDef>& def, const char* what) {
  auto [leaves, d] = tree_flatten(r);
  if (def && *def != d)
    throw TransformError(op, what, " have different structures: ", *def, " and ", d);
  def = d;
  return leaves;
}
template <class T>
TreeDef structure_of(const T& x) {
  return tree_flatten(x).second;
}
}  // namespace control_flow_detail

// ---- pytree forms ----
// switch_(index, std::tuple{f0, f1, ...}, operands...): f_k(operands...) for k = clamp(index).
// Every branch must return the same structure of the same types.
template <class... Fs, class... Ops>
auto switch_(const CondOptions& options, const Array& index, const std::tuple<Fs...>& branches, const Ops&... operands) {
  using OpsTree = std::tuple<Ops...>;
  using Arg = array_tree_t<OpsTree>;
  using R = std::remove_cvref_t<decltype(std::apply(std::get<0>(branches), std::declval<Arg>()))>;
  Arrays leaves;  // named variables, not structured bindings: clang 14 cannot capture those in lambdas
  TreeDef def;
  std::tie(leaves, def) = tree_flatten(OpsTree{operands...});
  std::optional<TreeDef> out_def;
  std::vector<FlatFn> flat;
  std::apply(
      [&](const auto&... f) {
        (flat.push_back([&f, &def, &out_def](const Arrays& a) -> Arrays {
          auto r = std::apply(f, tree_unflatten<OpsTree>(def, a));
          static_assert(std::is_same_v<array_tree_t<decltype(r)>, array_tree_t<R>>,
                        "switch_/cond: every branch must return the same type");
          return control_flow_detail::flatten_checked("cond", r, out_def, "branch outputs");
        }),
         ...);
      },
      branches);
  Arrays outs = switch_flat(index, flat, leaves, options);
  return tree_unflatten<R>(*out_def, outs);
}
template <class F, class... Ops>
auto switch_(const CondOptions& options, const Array& index, const std::vector<F>& branches, const Ops&... operands) {
  using OpsTree = std::tuple<Ops...>;
  using R = std::remove_cvref_t<decltype(std::apply(branches.at(0), std::declval<array_tree_t<OpsTree>>()))>;
  Arrays leaves;
  TreeDef def;
  std::tie(leaves, def) = tree_flatten(OpsTree{operands...});
  std::optional<TreeDef> out_def;
  std::vector<FlatFn> flat;
  for (const F& f : branches)
    flat.push_back([&f, &def, &out_def](const Arrays& a) -> Arrays {
      return control_flow_detail::flatten_checked("cond", std::apply(f, tree_unflatten<OpsTree>(def, a)), out_def,
                                                  "branch outputs");
    });
  Arrays outs = switch_flat(index, flat, leaves, options);
  return tree_unflatten<R>(*out_def, outs);
}

template <class... Fs, class... Ops>
auto switch_(const Array& index, const std::tuple<Fs...>& branches, const Ops&... operands) {
  return switch_(CondOptions{}, index, branches, operands...);
}
template <class F, class... Ops>
auto switch_(const Array& index, const std::vector<F>& branches, const Ops&... operands) {
  return switch_(CondOptions{}, index, branches, operands...);
}

// cond(pred, true_fn, false_fn, operands...): true_fn(operands...) if pred else false_fn(operands...).
// Under vmap with a batched pred both branches run and the results are selected per example
// (CondOptions{.per_lane = true} runs each branch only for its examples).
template <class T, class F, class... Ops>
auto cond(const CondOptions& options, const Array& pred, const T& true_fn, const F& false_fn, const Ops&... operands) {
  return switch_(options, pred, std::tuple<const F&, const T&>(false_fn, true_fn), operands...);
}
template <class T, class F, class... Ops>
auto cond(const Array& pred, const T& true_fn, const F& false_fn, const Ops&... operands) {
  return cond(CondOptions{}, pred, true_fn, false_fn, operands...);
}

// while_loop(cond_fn, body_fn, init): carry = body_fn(carry) while cond_fn(carry).
template <class C, class B, class T>
array_tree_t<T> while_loop(const C& cond_fn, const B& body_fn, const T& init, const WhileOptions& options = {}) {
  Arrays leaves;
  TreeDef def;
  std::tie(leaves, def) = tree_flatten(init);
  std::optional<TreeDef> carry_def = def;
  FlatFn c = [&](const Arrays& a) -> Arrays { return {Array(cond_fn(tree_unflatten<T>(def, a)))}; };
  FlatFn b = [&](const Arrays& a) -> Arrays {
    return control_flow_detail::flatten_checked("while_loop", body_fn(tree_unflatten<T>(def, a)), carry_def,
                                                "the initial carry and the body's result");
  };
  return tree_unflatten<T>(def, while_flat(c, b, leaves, options));
}

// fori_loop(lo, hi, body, init): carry = body(i, carry) for i in [lo, hi). With C++ integer bounds
// the trip count is static and the loop is a scan (reverse-mode differentiable); with Array bounds
// it is a while_loop.
template <class B, class T>
array_tree_t<T> fori_loop(std::int64_t lo, std::int64_t hi, const B& body, const T& init) {
  Arrays leaves;
  TreeDef def;
  std::tie(leaves, def) = tree_flatten(init);
  std::optional<TreeDef> carry_def = def;
  FlatFn step = [&](const Arrays& a) -> Arrays {
    Arrays r{a[0] + 1};
    Arrays next = control_flow_detail::flatten_checked(
        "fori_loop", body(a[0], tree_unflatten<T>(def, Arrays(a.begin() + 1, a.end()))), carry_def,
        "the initial carry and the body's result");
    r.insert(r.end(), next.begin(), next.end());
    return r;
  };
  if (lo < 0 && hi > std::numeric_limits<std::int64_t>::max() + lo)
    throw ValueError("fori_loop", "the trip count from ", lo, " to ", hi, " overflows int64");
  leaves.insert(leaves.begin(), Array(lo));
  Arrays out = scan_flat(step, leaves, {}, {.length = hi > lo ? hi - lo : 0});
  return tree_unflatten<T>(def, Arrays(out.begin() + 1, out.end()));
}
template <class B, class T>
array_tree_t<T> fori_loop(const Array& lo, const Array& hi, const B& body, const T& init,
                          const WhileOptions& options = {}) {
  Arrays leaves;
  TreeDef def;
  std::tie(leaves, def) = tree_flatten(init);
  std::optional<TreeDef> carry_def = def;
  FlatFn c = [&](const Arrays& a) -> Arrays { return {a[0] < a[1]}; };
  FlatFn step = [&](const Arrays& a) -> Arrays {
    Arrays r{a[0] + 1, a[1]};
    Arrays next = control_flow_detail::flatten_checked(
        "fori_loop", body(a[0], tree_unflatten<T>(def, Arrays(a.begin() + 2, a.end()))), carry_def,
        "the initial carry and the body's result");
    r.insert(r.end(), next.begin(), next.end());
    return r;
  };
  leaves.insert(leaves.begin(), {lo, hi});
  Arrays out = while_flat(c, step, leaves, options);
  return tree_unflatten<T>(def, Arrays(out.begin() + 2, out.end()));
}

// scan(f, init, xs) with f(carry, x) -> (carry, y): (final carry, ys stacked along a new axis 0).
// xs is a pytree whose leaves share their leading extent; pass std::tuple<>{} and options.length
// to scan without xs.
template <class F, class C, class X>
auto scan(const F& f, const C& init, const X& xs, const ScanOptions& options = {}) {
  using Carry = array_tree_t<C>;
  using Result = std::remove_cvref_t<decltype(f(std::declval<Carry>(), std::declval<array_tree_t<X>>()))>;
  using Y = std::remove_cvref_t<std::tuple_element_t<1, Result>>;
  Arrays carry;
  TreeDef carry_in_def;
  std::tie(carry, carry_in_def) = tree_flatten(init);
  Arrays x_leaves;
  TreeDef x_def;
  std::tie(x_leaves, x_def) = tree_flatten(xs);
  std::optional<TreeDef> carry_def = carry_in_def, y_def;
  std::size_t n_carry = carry.size();
  FlatFn body = [&](const Arrays& a) -> Arrays {
    auto r = f(tree_unflatten<C>(carry_in_def, Arrays(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n_carry))),
               tree_unflatten<X>(x_def, Arrays(a.begin() + static_cast<std::ptrdiff_t>(n_carry), a.end())));
    Arrays out = control_flow_detail::flatten_checked("scan", std::get<0>(r), carry_def,
                                                      "the initial carry and the body's carry");
    Arrays ys = control_flow_detail::flatten_checked("scan", std::get<1>(r), y_def, "the body's outputs");
    out.insert(out.end(), ys.begin(), ys.end());
    return out;
  };
  Arrays out = scan_flat(body, carry, x_leaves, options);
  return std::pair{tree_unflatten<C>(carry_in_def, Arrays(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n_carry))),
                   tree_unflatten<Y>(*y_def, Arrays(out.begin() + static_cast<std::ptrdiff_t>(n_carry), out.end()))};
}

// map(f, xs): f applied to each slice of xs along axis 0, results stacked (a scan without carry).
template <class F, class X>
auto map(const F& f, const X& xs) {
  using Y = std::remove_cvref_t<decltype(f(std::declval<array_tree_t<X>>()))>;
  Arrays x_leaves;
  TreeDef x_def;
  std::tie(x_leaves, x_def) = tree_flatten(xs);
  std::optional<TreeDef> y_def;
  FlatFn body = [&](const Arrays& a) -> Arrays {
    return control_flow_detail::flatten_checked("map", f(tree_unflatten<X>(x_def, a)), y_def, "the function's outputs");
  };
  return tree_unflatten<Y>(*y_def, scan_flat(body, {}, x_leaves));
}

}  // namespace xjax
