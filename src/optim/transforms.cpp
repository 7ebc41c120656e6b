// The gradient transformations of xjax::optim as functions over flat leaves, following optax's
// update formulas; optimizers are chains of them, exactly as optax's aliases.
#include <limits>
#include <sstream>

#include "xjax/errors.hpp"
#include "xjax/ops.hpp"
#include "xjax/optim.hpp"

namespace xjax::optim {

namespace {

Array zero_count() { return zeros({}, int32); }
// optax's safe_increment: the counter stops at the largest int32 instead of wrapping.
Array increment(const Array& count) {
  return where(count < std::numeric_limits<std::int32_t>::max(), count + 1, count);
}

void check_leaves_floating(const std::string& op, const Arrays& leaves, const char* what) {
  for (const Array& x : leaves)
    if (!is_floating(x.dtype()))
      throw DTypeError(op, what, " must have floating leaves, got ", x.aval());
}

template <class F>
Arrays map_leaves(const Arrays& a, F f) {
  Arrays out;
  out.reserve(a.size());
  for (const Array& x : a) out.push_back(f(x));
  return out;
}
template <class F>
Arrays map_leaves(const Arrays& a, const Arrays& b, F f) {
  Arrays out;
  out.reserve(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) out.push_back(f(a[i], b[i]));
  return out;
}

// A state's moments must exist in the number the rule expects (a state of another transformation
// passed in by mistake).
void expect_moments(const std::string& op, const FlatState& s, std::size_t n) {
  if (s.moments.size() != n || !s.inner.empty())
    throw ValueError(op, "expected a state with ", n, " accumulators, got ", s.moments.size(), " and ",
                     s.inner.size(), " inner states (a state of another transformation?)");
}

const Arrays& need_params(const std::string& op, const Arrays* params) {
  if (!params) throw ValueError(op, "needs the parameters: call update(grads, state, params)");
  return *params;
}

// (1 - decay) * g + decay * m (optax's update_moment, order 1).
Array ema(const Array& g, const Array& m, double decay) { return (1 - decay) * g + decay * m; }
// m / (1 - decay^count), the power taken in float64 and cast to m's dtype.
Array bias_correct(const Array& m, double decay, const Array& count) {
  Array c = 1.0 - pow(array(decay), count.astype(float64));
  return m / c.astype(m.dtype());
}

// A transformation without accumulators or count: f maps (updates, params or null) to updates.
GradientTransformation stateless(std::string name, std::function<Arrays(const Arrays&, const Arrays*)> f) {
  auto init = [name](const Arrays& params) {
    check_leaves_floating(name, params, "params");
    return FlatState{zero_count(), {}, {}};
  };
  auto update = [name, f](const Arrays& u, const FlatState& s, const Arrays* params) {
    expect_moments(name, s, 0);
    return std::pair{f(u, params), s};
  };
  return {name, init, update};
}

// An init whose state holds one accumulator per value of `fills`, each leaf full of that value.
InitFn filled_init(const std::string& name, std::vector<double> fills) {
  return [name, fills](const Arrays& params) {
    check_leaves_floating(name, params, "params");
    FlatState s{zero_count(), {}, {}};
    for (double v : fills) s.moments.push_back(map_leaves(params, [v](const Array& p) { return full_like(p, v); }));
    return s;
  };
}

}  // namespace

namespace optim_detail {

void check_trees(const std::string& op, const char* what, const TreeDef& def, const Arrays& leaves,
                 const TreeDef& ref_def, const Arrays& ref_leaves) {
  if (!(def == ref_def)) {
    std::ostringstream a, b;
    a << def;
    b << ref_def;
    throw ValueError(op, what, " have structure ", a.str(), " but params have ", b.str());
  }
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    if (leaves[i].shape() != ref_leaves[i].shape())
      throw ShapeError(op, what, " leaf ", i, " is ", leaves[i].aval(), " but its parameter is ", ref_leaves[i].aval());
    if (!is_floating(leaves[i].dtype()))
      throw DTypeError(op, what, " must have floating leaves, got ", leaves[i].aval());
  }
}

void check_state(const std::string& op, const TreeDef& def, const TreeDef& moment_def) {
  if (!(def == moment_def)) {
    std::ostringstream a, b;
    a << def;
    b << moment_def;
    throw ValueError(op, "grads have structure ", a.str(), " but the state's accumulators have ", b.str());
  }
}

}  // namespace optim_detail

Array ScalarOrSchedule::operator()(const Array& count) const {
  return schedule_ ? schedule_(count) : array(constant_);
}

GradientTransformation chain(std::vector<GradientTransformation> ts) {
  auto init = [ts](const Arrays& params) {
    FlatState s{zero_count(), {}, {}};
    for (const auto& t : ts) s.inner.push_back(t.init_flat(params));
    return s;
  };
  auto update = [ts](const Arrays& grads, const FlatState& s, const Arrays* params) {
    if (s.inner.size() != ts.size() || !s.moments.empty())
      throw ValueError("chain", "expected a state with ", ts.size(), " inner states, got ", s.inner.size());
    Arrays u = grads;
    FlatState next{s.count, {}, {}};
    for (std::size_t i = 0; i < ts.size(); ++i) {
      auto [ui, si] = ts[i].update_flat(u, s.inner[i], params);
      u = std::move(ui);
      next.inner.push_back(std::move(si));
    }
    return std::pair{u, next};
  };
  return {"chain", init, update};
}

GradientTransformation identity() {
  return stateless("identity", [](const Arrays& u, const Arrays*) { return u; });
}

GradientTransformation scale(double step_size) {
  return stateless("scale", [step_size](const Arrays& u, const Arrays*) {
    return map_leaves(u, [&](const Array& g) { return g * step_size; });
  });
}

GradientTransformation scale_by_schedule(Schedule step_size) {
  const std::string name = "scale_by_schedule";
  auto update = [name, step_size](const Arrays& u, const FlatState& s, const Arrays*) {
    expect_moments(name, s, 0);
    Array v = step_size(s.count);
    Arrays out = map_leaves(u, [&](const Array& g) { return g * v.astype(g.dtype()); });
    return std::pair{out, FlatState{increment(s.count), {}, {}}};
  };
  return {name, filled_init(name, {}), update};
}

GradientTransformation scale_by_learning_rate(ScalarOrSchedule lr, bool flip_sign) {
  const double m = flip_sign ? -1.0 : 1.0;
  if (lr.is_constant()) return scale(m * lr.constant());
  return scale_by_schedule([lr, m](const Array& count) { return m * lr(count); });
}

GradientTransformation trace(double decay, bool nesterov) {
  const std::string name = "trace";
  auto update = [=](const Arrays& u, const FlatState& s, const Arrays*) {
    expect_moments(name, s, 1);
    auto f = [decay](const Array& g, const Array& t) { return g + decay * t; };
    Arrays t = map_leaves(u, s.moments[0], f);
    Arrays out = nesterov ? map_leaves(u, t, f) : t;
    return std::pair{out, FlatState{s.count, {t}, {}}};
  };
  return {name, filled_init(name, {0.0}), update};
}

GradientTransformation scale_by_adam(double b1, double b2, double eps, double eps_root) {
  const std::string name = "scale_by_adam";
  auto update = [=](const Arrays& u, const FlatState& s, const Arrays*) {
    expect_moments(name, s, 2);
    Arrays mu = map_leaves(u, s.moments[0], [&](const Array& g, const Array& m) { return ema(g, m, b1); });
    Arrays nu = map_leaves(u, s.moments[1], [&](const Array& g, const Array& v) { return ema(g * g, v, b2); });
    Array count = increment(s.count);
    Arrays out;
    for (std::size_t i = 0; i < u.size(); ++i)
      out.push_back(bias_correct(mu[i], b1, count) / (sqrt(bias_correct(nu[i], b2, count) + eps_root) + eps));
    return std::pair{out, FlatState{count, {mu, nu}, {}}};
  };
  return {name, filled_init(name, {0.0, 0.0}), update};
}

GradientTransformation scale_by_rms(double decay, double eps, double initial_scale, bool eps_in_sqrt) {
  const std::string name = "scale_by_rms";
  auto update = [=](const Arrays& u, const FlatState& s, const Arrays*) {
    expect_moments(name, s, 1);
    Arrays nu = map_leaves(u, s.moments[0], [&](const Array& g, const Array& v) { return ema(g * g, v, decay); });
    Arrays out = map_leaves(u, nu, [&](const Array& g, const Array& v) {
      return eps_in_sqrt ? g * rsqrt(v + eps) : g / (sqrt(v) + eps);
    });
    return std::pair{out, FlatState{s.count, {nu}, {}}};
  };
  return {name, filled_init(name, {initial_scale}), update};
}

GradientTransformation scale_by_stddev(double decay, double eps, double initial_scale, bool eps_in_sqrt) {
  const std::string name = "scale_by_stddev";
  auto update = [=](const Arrays& u, const FlatState& s, const Arrays*) {
    expect_moments(name, s, 2);
    Arrays mu = map_leaves(u, s.moments[0], [&](const Array& g, const Array& m) { return ema(g, m, decay); });
    Arrays nu = map_leaves(u, s.moments[1], [&](const Array& g, const Array& v) { return ema(g * g, v, decay); });
    Arrays out;
    for (std::size_t i = 0; i < u.size(); ++i) {
      Array var = nu[i] - mu[i] * mu[i];
      out.push_back(eps_in_sqrt ? u[i] * rsqrt(var + eps) : u[i] / (sqrt(var) + eps));
    }
    return std::pair{out, FlatState{s.count, {mu, nu}, {}}};
  };
  return {name, filled_init(name, {0.0, initial_scale}), update};
}

GradientTransformation scale_by_rss(double initial_accumulator_value, double eps) {
  const std::string name = "scale_by_rss";
  auto update = [=](const Arrays& u, const FlatState& s, const Arrays*) {
    expect_moments(name, s, 1);
    Arrays sq = map_leaves(u, s.moments[0], [](const Array& g, const Array& t) { return g * g + t; });
    Arrays out = map_leaves(u, sq, [&](const Array& g, const Array& t) {
      return where(t > 0, rsqrt(t + eps), zeros_like(t)) * g;
    });
    return std::pair{out, FlatState{s.count, {sq}, {}}};
  };
  return {name, filled_init(name, {initial_accumulator_value}), update};
}

GradientTransformation scale_by_lion(double b1, double b2) {
  const std::string name = "scale_by_lion";
  auto update = [=](const Arrays& u, const FlatState& s, const Arrays*) {
    expect_moments(name, s, 1);
    Arrays out = map_leaves(u, s.moments[0], [&](const Array& g, const Array& m) { return sign(ema(g, m, b1)); });
    Arrays mu = map_leaves(u, s.moments[0], [&](const Array& g, const Array& m) { return ema(g, m, b2); });
    return std::pair{out, FlatState{increment(s.count), {mu}, {}}};
  };
  return {name, filled_init(name, {0.0}), update};
}

namespace {
// optax's safe_norm: the L2 norm, min_norm where it is at most min_norm (with a finite gradient there).
Array safe_norm(const Array& x, double min_norm) {
  Array norm = sqrt(sum(x * x));
  Array small = norm <= min_norm;
  Array masked = sqrt(sum(square(where(small, ones_like(x), x))));
  return where(small, full_like(masked, min_norm), masked);
}
}  // namespace

GradientTransformation scale_by_trust_ratio(double min_norm, double trust_coefficient, double eps) {
  const std::string name = "scale_by_trust_ratio";
  return stateless(name, [=](const Arrays& u, const Arrays* params) {
    const Arrays& p = need_params(name, params);
    return map_leaves(u, p, [&](const Array& g, const Array& w) {
      Array pn = safe_norm(w, min_norm), un = safe_norm(g, min_norm);
      Array ratio = trust_coefficient * pn / (un + eps);
      Array zero = logical_or(pn == 0.0, un == 0.0);
      return g * where(zero, ones_like(ratio), ratio).astype(g.dtype());
    });
  });
}

GradientTransformation add_decayed_weights(ScalarOrSchedule weight_decay) {
  const std::string name = "add_decayed_weights";
  if (weight_decay.is_constant()) {
    const double wd = weight_decay.constant();
    return stateless(name, [=](const Arrays& u, const Arrays* params) {
      const Arrays& p = need_params(name, params);
      if (wd == 0.0) return u;
      return map_leaves(u, p, [&](const Array& g, const Array& w) { return g + wd * w; });
    });
  }
  auto update = [=](const Arrays& u, const FlatState& s, const Arrays* params) {
    expect_moments(name, s, 0);
    const Arrays& p = need_params(name, params);
    Array wd = weight_decay(s.count);
    Arrays out = map_leaves(u, p, [&](const Array& g, const Array& w) { return g + wd.astype(g.dtype()) * w; });
    return std::pair{out, FlatState{increment(s.count), {}, {}}};
  };
  return {name, filled_init(name, {}), update};
}

Array global_norm_flat(const Arrays& leaves) {
  if (leaves.empty()) return array(0.0);
  Array total = sum(square(leaves[0]));
  for (std::size_t i = 1; i < leaves.size(); ++i) total = total + sum(square(leaves[i]));
  return sqrt(total);
}

GradientTransformation clip_by_global_norm(double max_norm) {
  if (!(max_norm > 0)) throw ValueError("clip_by_global_norm", "max_norm must be positive, got ", max_norm);
  return stateless("clip_by_global_norm", [max_norm](const Arrays& u, const Arrays*) {
    Array norm = global_norm_flat(u);
    Array keep = norm < max_norm;
    return map_leaves(u, [&](const Array& g) { return where(keep, g, g / norm.astype(g.dtype()) * max_norm); });
  });
}

GradientTransformation clip(double max_delta) {
  if (!(max_delta >= 0)) throw ValueError("clip", "max_delta must be non-negative, got ", max_delta);
  return stateless("clip", [max_delta](const Arrays& u, const Arrays*) {
    return map_leaves(u, [&](const Array& g) { return xjax::clip(g, -max_delta, max_delta); });
  });
}

Arrays apply_updates_flat(const TreeDef& def, const Arrays& params, const TreeDef& udef, const Arrays& updates) {
  optim_detail::check_trees("apply_updates", "updates", udef, updates, def, params);
  return map_leaves(params, updates, [](const Array& p, const Array& u) { return (p + u).astype(p.dtype()); });
}

// ---- optimizers: optax's aliases, chain for chain ----

namespace {
GradientTransformation named(std::string name, GradientTransformation t) {
  t.name = std::move(name);
  return t;
}
void check_unit(const char* op, const char* what, double b) {
  if (!(b >= 0 && b < 1)) throw ValueError(op, what, " must lie in [0, 1), got ", b);
}
}  // namespace

GradientTransformation sgd(ScalarOrSchedule lr, double momentum, bool nesterov) {
  check_unit("sgd", "momentum", momentum);
  if (momentum == 0.0) return named("sgd", chain(scale_by_learning_rate(lr)));
  return named("sgd", chain(trace(momentum, nesterov), scale_by_learning_rate(lr)));
}

GradientTransformation adam(ScalarOrSchedule lr, double b1, double b2, double eps, double eps_root) {
  check_unit("adam", "b1", b1);
  check_unit("adam", "b2", b2);
  return named("adam", chain(scale_by_adam(b1, b2, eps, eps_root), scale_by_learning_rate(lr)));
}

GradientTransformation adamw(ScalarOrSchedule lr, double b1, double b2, double eps, double eps_root,
                             ScalarOrSchedule weight_decay) {
  check_unit("adamw", "b1", b1);
  check_unit("adamw", "b2", b2);
  return named("adamw", chain(scale_by_adam(b1, b2, eps, eps_root), add_decayed_weights(weight_decay),
                              scale_by_learning_rate(lr)));
}

GradientTransformation rmsprop(ScalarOrSchedule lr, double decay, double eps, double initial_scale, bool eps_in_sqrt,
                               bool centered, double momentum, bool nesterov) {
  check_unit("rmsprop", "decay", decay);
  check_unit("rmsprop", "momentum", momentum);
  GradientTransformation pre = centered ? scale_by_stddev(decay, eps, initial_scale, eps_in_sqrt)
                                        : scale_by_rms(decay, eps, initial_scale, eps_in_sqrt);
  if (momentum == 0.0) return named("rmsprop", chain(pre, scale_by_learning_rate(lr)));
  return named("rmsprop", chain(pre, scale_by_learning_rate(lr), trace(momentum, nesterov)));
}

GradientTransformation adagrad(ScalarOrSchedule lr, double initial_accumulator_value, double eps) {
  if (!(initial_accumulator_value >= 0))
    throw ValueError("adagrad", "initial_accumulator_value must be non-negative, got ", initial_accumulator_value);
  return named("adagrad", chain(scale_by_rss(initial_accumulator_value, eps), scale_by_learning_rate(lr)));
}

GradientTransformation lion(ScalarOrSchedule lr, double b1, double b2, ScalarOrSchedule weight_decay) {
  check_unit("lion", "b1", b1);
  check_unit("lion", "b2", b2);
  return named("lion", chain(scale_by_lion(b1, b2), add_decayed_weights(weight_decay), scale_by_learning_rate(lr)));
}

GradientTransformation lamb(ScalarOrSchedule lr, double b1, double b2, double eps, double eps_root,
                            ScalarOrSchedule weight_decay) {
  check_unit("lamb", "b1", b1);
  check_unit("lamb", "b2", b2);
  return named("lamb", chain(scale_by_adam(b1, b2, eps, eps_root), add_decayed_weights(weight_decay),
                             scale_by_trust_ratio(), scale_by_learning_rate(lr)));
}

}  // namespace xjax::optim
