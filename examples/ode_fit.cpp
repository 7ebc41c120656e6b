// Fitting an ODE's parameter through its solver: dy/dt = -k y is integrated by classical
// Runge-Kutta (RK4) inside xjax::scan, and the decay constant k is found by gradient descent on
// the squared error to noisy observations, differentiating through every solver step. The whole
// loss-and-gradient computation is one jit-compiled program.
#include <cmath>
#include <cstdio>
#include <tuple>

#include <xjax/core.hpp>

#include "common.hpp"

namespace xj = xjax;
namespace xr = xjax::random;
using xj::Array;

const double dt = 0.05;       // solver step
const std::int64_t steps = 100;  // t in [0, 5]
const std::int64_t every = 5;    // one observation every 5 steps: t = 0.25, 0.5, ..., 5

Array rhs(const Array& k, const Array& y) { return -k * y; }

// The solution at t = dt, 2 dt, ..., steps * dt, by RK4 from y(0) = y0. The loop body is traced
// once into the scan primitive: the compiled program holds one step, not 100 copies of it.
Array solve(const Array& k, const Array& y0) {
  auto rk4_step = [&](const Array& y, std::tuple<>) {
    Array k1 = rhs(k, y), k2 = rhs(k, y + 0.5 * dt * k1), k3 = rhs(k, y + 0.5 * dt * k2), k4 = rhs(k, y + dt * k3);
    Array next = y + dt / 6 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
    return std::pair{next, next};  // (carry, output of this step)
  };
  return xj::scan(rk4_step, y0, std::tuple<>{}, {.length = steps}).second;
}

// The model at the observation times.
Array predict(const Array& k, const Array& y0) {
  return solve(k, y0)(xj::Slice(every - 1, std::nullopt, every));  // [every - 1::every]
}

Array loss(const Array& log_k, const Array& y0, const Array& observed) {
  return xj::mean(xj::square(predict(xj::exp(log_k), y0) - observed));  // k = exp(log k) stays positive
}

int main(int argc, char** argv) {
  example::Options opt = example::parse_options(argc, argv);
  const double k_true = 0.7, noise = 0.01;
  const Array y0 = xj::array(1.0);

  // Observations: the exact solution exp(-k t) plus Gaussian noise from xjax::random.
  Array t_obs = xj::linspace(every * dt, steps * dt, steps / every, true, xj::float64);
  Array observed = xj::exp(-k_true * t_obs) + noise * xr::normal(xr::key(42), {steps / every}, xj::float64);

  // RK4's global error is O(dt^4): check it against the exact solution before fitting.
  const double rk4_error = xj::max(xj::abs(predict(xj::array(k_true), y0) - xj::exp(-k_true * t_obs))).item<double>();
  std::printf("RK4 with dt = %.2f: max error against exp(-k t) at k = %.1f is %.1e\n", dt, k_true, rk4_error);

  auto step = xj::jit(xj::value_and_grad(loss));
  Array log_k = xj::array(std::log(0.2));  // start far from the answer
  auto [l0, g0] = step(log_k, y0, observed);
  const double h = 1e-6;
  const double fd = (loss(log_k + h, y0, observed) - loss(log_k - h, y0, observed)).item<double>() / (2 * h);
  std::printf("d loss / d log k at k = 0.2: through the solver %.8f, finite differences %.8f\n\n", g0.item<double>(),
              fd);

  example::Csv csv(opt, "ode_fit.csv", "iteration,k,loss");
  const int iterations = 40;
  const double learning_rate = 2.0;
  for (int it = 0; it <= iterations; ++it) {
    auto [value, g] = step(log_k, y0, observed);
    const double k = std::exp(log_k.item<double>());
    if (it % 5 == 0) std::printf("iteration %3d  k = %.5f  loss = %.3e\n", it, k, value.item<double>());
    csv.row({static_cast<double>(it), k, value.item<double>()});
    if (it < iterations) log_k = log_k - learning_rate * g;
  }
  const double k_fit = std::exp(log_k.item<double>());

  // The best k for these observations, by a fine scan of the loss: what descent should reach.
  Array ks = xj::linspace(0.6, 0.8, 2001, true, xj::float64);
  Array losses = xj::vmap([&](const Array& k) { return loss(xj::log(k), y0, observed); })(ks);
  const double k_best = ks[losses.argmin().item<std::int64_t>()].item<double>();
  std::printf("\nfitted k = %.4f; the loss is smallest at k = %.4f on a grid of step 1e-4; true k = %.1f\n", k_fit,
              k_best, k_true);
  example::Csv curve(opt, "ode_fit_curve.csv", "t,observed,fitted");
  Array fitted = predict(xj::array(k_fit), y0);
  for (std::int64_t i = 0; i < steps / every; ++i)
    curve.row({t_obs[i].item<double>(), observed[i].item<double>(), fitted[i].item<double>()});
  return example::report(std::abs(k_fit - k_best) < 2e-4 && std::abs(k_fit - k_true) < 0.05,
                         "fitted k is the loss's minimiser and near the true k");
}
