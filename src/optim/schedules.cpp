// Learning-rate schedules of xjax::optim: functions of the step count built from public ops (so they
// run on a traced count under jit and vmap), evaluated in float64 as optax's formulas.
#include <cmath>
#include <numbers>

#include "xjax/errors.hpp"
#include "xjax/ops.hpp"
#include "xjax/optim.hpp"

namespace xjax::optim {

namespace {
Array as_f64(const Array& count) { return count.astype(float64); }
Array f64(double v) { return array(v); }
}  // namespace

Schedule constant_schedule(double value) {
  return [value](const Array& count) { return full_like(as_f64(count), value); };
}

Schedule polynomial_schedule(double init_value, double end_value, double power, std::int64_t transition_steps,
                             std::int64_t transition_begin) {
  if (transition_steps <= 0)
    throw ValueError("polynomial_schedule", "transition_steps must be positive, got ", transition_steps);
  if (transition_begin < 0)
    throw ValueError("polynomial_schedule", "transition_begin must be non-negative, got ", transition_begin);
  const double steps = static_cast<double>(transition_steps), begin = static_cast<double>(transition_begin);
  return [=](const Array& count) {
    Array c = clip(as_f64(count) - begin, f64(0.0), f64(steps));
    Array frac = 1.0 - c / steps;
    return (init_value - end_value) * pow(frac, f64(power)) + end_value;
  };
}

Schedule linear_schedule(double init_value, double end_value, std::int64_t transition_steps,
                         std::int64_t transition_begin) {
  return polynomial_schedule(init_value, end_value, 1.0, transition_steps, transition_begin);
}

Schedule exponential_decay(double init_value, std::int64_t transition_steps, double decay_rate,
                           std::int64_t transition_begin, bool staircase, std::optional<double> end_value) {
  if (transition_steps <= 0)
    throw ValueError("exponential_decay", "transition_steps must be positive, got ", transition_steps);
  if (!(decay_rate > 0))
    throw ValueError("exponential_decay", "decay_rate must be positive, got ", decay_rate);
  if (transition_begin < 0)
    throw ValueError("exponential_decay", "transition_begin must be non-negative, got ", transition_begin);
  const double steps = static_cast<double>(transition_steps), begin = static_cast<double>(transition_begin);
  return [=](const Array& count) {
    Array c = as_f64(count) - begin;
    Array p = c / steps;
    if (staircase) p = floor(p);
    Array v = where(c <= 0.0, full_like(c, init_value), init_value * pow(f64(decay_rate), p));
    if (end_value) v = decay_rate < 1.0 ? maximum(v, f64(*end_value)) : minimum(v, f64(*end_value));
    return v;
  };
}

Schedule cosine_decay_schedule(double init_value, std::int64_t decay_steps, double alpha, double exponent) {
  if (decay_steps <= 0) throw ValueError("cosine_decay_schedule", "decay_steps must be positive, got ", decay_steps);
  const double steps = static_cast<double>(decay_steps);
  return [=](const Array& count) {
    Array c = minimum(as_f64(count), f64(steps));
    Array cosine = 0.5 * (1.0 + cos(std::numbers::pi * c / steps));
    return init_value * ((1.0 - alpha) * pow(cosine, f64(exponent)) + alpha);
  };
}

Schedule join_schedules(std::vector<Schedule> schedules, std::vector<std::int64_t> boundaries) {
  if (schedules.size() != boundaries.size() + 1)
    throw ValueError("join_schedules", "needs one boundary fewer than schedules, got ", schedules.size(),
                     " schedules and ", boundaries.size(), " boundaries");
  return [schedules, boundaries](const Array& count) {
    Array out = schedules[0](count);
    for (std::size_t i = 0; i < boundaries.size(); ++i) {
      Array b = full_like(count, boundaries[i]);
      out = where(count < b, out, schedules[i + 1](count - b));
    }
    return out;
  };
}

Schedule warmup_cosine_decay_schedule(double init_value, double peak_value, std::int64_t warmup_steps,
                                      std::int64_t decay_steps, double end_value, double exponent) {
  const char* op = "warmup_cosine_decay_schedule";
  if (warmup_steps < 0) throw ValueError(op, "warmup_steps must be non-negative, got ", warmup_steps);
  if (decay_steps <= warmup_steps)
    throw ValueError(op, "decay_steps (", decay_steps, ") must exceed warmup_steps (", warmup_steps, ")");
  const double alpha = peak_value == 0.0 ? 0.0 : end_value / peak_value;
  // optax's linear warm-up of 0 steps is the constant init_value (then immediately replaced).
  Schedule warmup =
      warmup_steps > 0 ? linear_schedule(init_value, peak_value, warmup_steps) : constant_schedule(init_value);
  return join_schedules({warmup, cosine_decay_schedule(peak_value, decay_steps - warmup_steps, alpha, exponent)},
                        {warmup_steps});
}

Schedule piecewise_constant_schedule(double init_value, const std::map<std::int64_t, double>& boundaries_and_scales) {
  for (const auto& [b, s] : boundaries_and_scales)
    if (!(s >= 0))
      throw ValueError("piecewise_constant_schedule", "scales must be non-negative, got ", s, " at boundary ", b);
  return [init_value, boundaries_and_scales](const Array& count) {
    Array c = as_f64(count);
    Array v = full_like(c, init_value);
    for (const auto& [b, s] : boundaries_and_scales)
      v = where(c < static_cast<double>(b), v, v * s);  // a scale applies from its boundary on
    return v;
  };
}

}  // namespace xjax::optim
