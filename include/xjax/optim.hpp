// xjax::optim: optax-style gradient transformations over pytrees (init/update pairs, chain,
// clipping, weight decay, learning-rate schedules). The per-leaf arithmetic lives in src/optim/;
// this header only flattens trees, checks their structure and rebuilds them.
#pragma once
#include <concepts>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "xjax/array.hpp"
#include "xjax/pytree.hpp"

namespace xjax::optim {

// ---- schedules: step count (an int32 scalar Array, traced under jit) -> value ----
using Schedule = std::function<Array(const Array& count)>;

// A learning rate or weight decay: a constant or a schedule of the optimizer's step count.
class ScalarOrSchedule {
 public:
  ScalarOrSchedule(double value) : constant_(value) {}                  // NOLINT(google-explicit-constructor)
  ScalarOrSchedule(Schedule s) : schedule_(std::move(s)) {}             // NOLINT(google-explicit-constructor)
  template <class F>
    requires(std::is_invocable_r_v<Array, const F&, const Array&> && !std::is_arithmetic_v<F> &&
             !std::same_as<F, Schedule>)
  ScalarOrSchedule(F f) : schedule_(Schedule(std::move(f))) {}          // NOLINT(google-explicit-constructor)
  bool is_constant() const { return !schedule_; }
  double constant() const { return constant_; }
  Array operator()(const Array& count) const;  // the value at `count` (a float64 scalar for constants)

 private:
  double constant_ = 0;
  Schedule schedule_;
};

Schedule constant_schedule(double value);
// init * decay_rate^((count - transition_begin) / transition_steps) (floored if staircase), held at
// init before transition_begin and clipped at end_value when given.
Schedule exponential_decay(double init_value, std::int64_t transition_steps, double decay_rate,
                           std::int64_t transition_begin = 0, bool staircase = false,
                           std::optional<double> end_value = std::nullopt);
// (init - end) * (1 - min(count - begin, steps)/steps)^power + end; count before begin holds init.
Schedule polynomial_schedule(double init_value, double end_value, double power, std::int64_t transition_steps,
                             std::int64_t transition_begin = 0);
Schedule linear_schedule(double init_value, double end_value, std::int64_t transition_steps,
                         std::int64_t transition_begin = 0);
// init * ((1 - alpha) * (0.5 (1 + cos(pi min(count, decay_steps) / decay_steps)))^exponent + alpha).
Schedule cosine_decay_schedule(double init_value, std::int64_t decay_steps, double alpha = 0.0,
                               double exponent = 1.0);
// Linear warm-up from init to peak over warmup_steps, then cosine decay to end_value at decay_steps.
Schedule warmup_cosine_decay_schedule(double init_value, double peak_value, std::int64_t warmup_steps,
                                      std::int64_t decay_steps, double end_value = 0.0, double exponent = 1.0);
// init, multiplied by each scale once count reaches its boundary.
Schedule piecewise_constant_schedule(double init_value, const std::map<std::int64_t, double>& boundaries_and_scales);
// schedules[0] until boundaries[0], then schedules[1](count - boundaries[0]), ...
Schedule join_schedules(std::vector<Schedule> schedules, std::vector<std::int64_t> boundaries);

// ---- states ----
// The state of any transformation, as flat leaves (what the rules in src/optim see).
struct FlatState {
  Array count;                      // int32 scalar: steps taken (schedules and bias corrections read it)
  std::vector<Arrays> moments;      // accumulators, each with the parameters' leaves
  std::vector<FlatState> inner;     // chain: one state per member
};

// The state of a transformation over parameters of type P: a pytree (a Hana struct), so it can be
// passed through jit, vmap and grad. moments[i] has the parameters' structure; which accumulator
// is which is listed with each transformation below.
template <class P>
struct State {
  BOOST_HANA_DEFINE_STRUCT(State, (Array, count), (std::vector<P>, moments), (std::vector<State>, inner));
};

namespace optim_detail {
// Raises ValueError (different structures) or ShapeError/DTypeError (a leaf pair that does not match).
void check_trees(const std::string& op, const char* what, const TreeDef& def, const Arrays& leaves,
                 const TreeDef& ref_def, const Arrays& ref_leaves);
void check_state(const std::string& op, const TreeDef& def, const TreeDef& moment_def);

template <class P>
FlatState to_flat(const std::string& op, const State<P>& s, const TreeDef& def) {
  FlatState f{s.count, {}, {}};
  for (const P& m : s.moments) {
    auto [leaves, mdef] = tree_flatten(m);
    check_state(op, def, mdef);
    f.moments.push_back(std::move(leaves));
  }
  for (const State<P>& i : s.inner) f.inner.push_back(to_flat(op, i, def));
  return f;
}
template <class P>
State<P> from_flat(const FlatState& f, const TreeDef& def) {
  State<P> s;
  s.count = f.count;
  for (const Arrays& m : f.moments) s.moments.push_back(tree_unflatten<P>(def, m));
  for (const FlatState& i : f.inner) s.inner.push_back(from_flat<P>(i, def));
  return s;
}
}  // namespace optim_detail

// ---- transformations ----
using InitFn = std::function<FlatState(const Arrays& params)>;
// params is null when update() was called without parameters.
using UpdateFn = std::function<std::pair<Arrays, FlatState>(const Arrays& updates, const FlatState& state,
                                                            const Arrays* params)>;

// optax's GradientTransformation: init(params) -> state; update(grads, state[, params]) ->
// (updates, state), usable as `auto [updates, state2] = opt.update(grads, state, params);`.
struct GradientTransformation {
  std::string name;  // names the transformation in errors
  InitFn init_flat;
  UpdateFn update_flat;

  template <class P>
  State<array_tree_t<P>> init(const P& params) const {
    auto [leaves, def] = tree_flatten(params);
    return optim_detail::from_flat<array_tree_t<P>>(init_flat(leaves), def);
  }
  template <class G, class P, class Q>
  std::pair<array_tree_t<G>, State<P>> update(const G& grads, const State<P>& state, const Q& params) const {
    auto [g, gdef] = tree_flatten(grads);
    auto [p, pdef] = tree_flatten(params);
    optim_detail::check_trees(name, "grads", gdef, g, pdef, p);
    auto [u, s] = update_flat(g, optim_detail::to_flat(name, state, gdef), &p);
    return {tree_unflatten<G>(gdef, u), optim_detail::from_flat<P>(s, gdef)};
  }
  // Without parameters (transformations that need them raise ValueError).
  template <class G, class P>
  std::pair<array_tree_t<G>, State<P>> update(const G& grads, const State<P>& state) const {
    auto [g, gdef] = tree_flatten(grads);
    optim_detail::check_trees(name, "grads", gdef, g, gdef, g);
    auto [u, s] = update_flat(g, optim_detail::to_flat(name, state, gdef), nullptr);
    return {tree_unflatten<G>(gdef, u), optim_detail::from_flat<P>(s, gdef)};
  }
};

// Applies the transformations in order; the state's inner[i] is member i's state.
GradientTransformation chain(std::vector<GradientTransformation> transforms);
template <class... T>
  requires(std::convertible_to<T, GradientTransformation> && ...)
GradientTransformation chain(const T&... transforms) {
  return chain(std::vector<GradientTransformation>{transforms...});
}

GradientTransformation identity();
GradientTransformation scale(double step_size);                                   // u * step_size
GradientTransformation scale_by_schedule(Schedule step_size);                     // u * step_size(count)
// u * -lr (or * lr when flip_sign is false); a schedule is read at the step count.
GradientTransformation scale_by_learning_rate(ScalarOrSchedule learning_rate, bool flip_sign = true);
// moments[0] = trace: t = g + decay * t; u = t, or g + decay * t with nesterov.
GradientTransformation trace(double decay, bool nesterov = false);
// moments = {mu, nu}: bias-corrected mu_hat / (sqrt(nu_hat + eps_root) + eps).
GradientTransformation scale_by_adam(double b1 = 0.9, double b2 = 0.999, double eps = 1e-8, double eps_root = 0.0);
// moments = {nu} (nu starts at initial_scale): g / sqrt(nu + eps), or g / (sqrt(nu) + eps).
GradientTransformation scale_by_rms(double decay = 0.9, double eps = 1e-8, double initial_scale = 0.0,
                                    bool eps_in_sqrt = true);
// moments = {mu, nu}: g / sqrt(nu - mu^2 + eps) (centered RMSProp), or eps outside the root.
GradientTransformation scale_by_stddev(double decay = 0.9, double eps = 1e-8, double initial_scale = 0.0,
                                       bool eps_in_sqrt = true);
// moments = {sum_of_squares} (starts at initial_accumulator_value): g / sqrt(s + eps), 0 where s = 0.
GradientTransformation scale_by_rss(double initial_accumulator_value = 0.1, double eps = 1e-7);
// moments = {mu}: u = sign((1 - b1) g + b1 mu), then mu = b2 mu + (1 - b2) g.
GradientTransformation scale_by_lion(double b1 = 0.9, double b2 = 0.99);
// LAMB's per-leaf trust ratio ||param|| / (||u|| + eps) (1 when either norm is 0).
GradientTransformation scale_by_trust_ratio(double min_norm = 0.0, double trust_coefficient = 1.0, double eps = 0.0);
// u + weight_decay * params (needs params).
GradientTransformation add_decayed_weights(ScalarOrSchedule weight_decay = 0.0);
// Rescales all updates together so their global L2 norm is at most max_norm.
GradientTransformation clip_by_global_norm(double max_norm);
// Clips every element to [-max_delta, max_delta].
GradientTransformation clip(double max_delta);

// ---- optimizers (optax's aliases) ----
GradientTransformation sgd(ScalarOrSchedule learning_rate, double momentum = 0.0, bool nesterov = false);
GradientTransformation adam(ScalarOrSchedule learning_rate, double b1 = 0.9, double b2 = 0.999, double eps = 1e-8,
                            double eps_root = 0.0);
// Adam with decoupled weight decay: -lr * (adam direction + weight_decay * params).
GradientTransformation adamw(ScalarOrSchedule learning_rate, double b1 = 0.9, double b2 = 0.999, double eps = 1e-8,
                             double eps_root = 0.0, ScalarOrSchedule weight_decay = 1e-4);
GradientTransformation rmsprop(ScalarOrSchedule learning_rate, double decay = 0.9, double eps = 1e-8,
                               double initial_scale = 0.0, bool eps_in_sqrt = true, bool centered = false,
                               double momentum = 0.0, bool nesterov = false);
GradientTransformation adagrad(ScalarOrSchedule learning_rate, double initial_accumulator_value = 0.1,
                               double eps = 1e-7);
GradientTransformation lion(ScalarOrSchedule learning_rate, double b1 = 0.9, double b2 = 0.99,
                            ScalarOrSchedule weight_decay = 1e-3);
GradientTransformation lamb(ScalarOrSchedule learning_rate, double b1 = 0.9, double b2 = 0.999, double eps = 1e-6,
                            double eps_root = 0.0, ScalarOrSchedule weight_decay = 0.0);

// ---- helpers over trees ----
Array global_norm_flat(const Arrays& leaves);
// sqrt of the sum of squares of every element of every leaf.
template <class T>
Array global_norm(const T& tree) {
  return global_norm_flat(tree_leaves(tree));
}
Arrays apply_updates_flat(const TreeDef& def, const Arrays& params, const TreeDef& udef, const Arrays& updates);
// params + updates, each leaf kept in its parameter's dtype.
template <class P, class U>
array_tree_t<P> apply_updates(const P& params, const U& updates) {
  auto [p, pdef] = tree_flatten(params);
  auto [u, udef] = tree_flatten(updates);
  return tree_unflatten<P>(pdef, apply_updates_flat(pdef, p, udef, u));
}

}  // namespace xjax::optim
