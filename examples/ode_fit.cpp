// Fitting an ODE's parameter through its solver: dy/dt = -k y is integrated by xjax::ode::odeint
// (Dormand-Prince with adaptive steps, inside a while loop), and the decay constant k is found by
// gradient descent on the squared error to noisy observations. The gradient comes from the adjoint
// method: a second ODE solved backwards in time, with memory independent of the number of steps.
// The whole loss-and-gradient computation is one jit-compiled program.
#include <cmath>
#include <cstdio>
#include <tuple>

#include <xjax/core.hpp>
#include <xjax/ode.hpp>

#include "common.hpp"

namespace xj = xjax;
namespace xr = xjax::random;
using xj::Array;

const std::int64_t n_obs = 20;  // one observation every 0.25: t = 0.25, 0.5, ..., 5
const xj::ode::Options tolerances{.rtol = 1e-8, .atol = 1e-10};

Array rhs(const Array& y, const Array& /*t*/, const Array& k) { return -k * y; }

// The model at the observation times: odeint returns y at t = 0 followed by y at each t_obs.
Array predict(const Array& k, const Array& y0, const Array& t_obs) {
  Array ts = xj::concatenate({xj::zeros({1}, xj::float64), t_obs});
  return xj::ode::odeint(tolerances, rhs, y0, ts, k)(xj::Slice(1, std::nullopt));  // [1:]
}

Array loss(const Array& log_k, const Array& y0, const Array& t_obs, const Array& observed) {
  return xj::mean(xj::square(predict(xj::exp(log_k), y0, t_obs) - observed));  // k = exp(log k) stays positive
}

int main(int argc, char** argv) {
  example::Options opt = example::parse_options(argc, argv);
  const double k_true = 0.7, noise = 0.01;
  const Array y0 = xj::array(1.0);

  // Observations: the exact solution exp(-k t) plus Gaussian noise from xjax::random.
  Array t_obs = xj::linspace(0.25, 5.0, n_obs, true, xj::float64);
  Array observed = xj::exp(-k_true * t_obs) + noise * xr::normal(xr::key(42), {n_obs}, xj::float64);

  // The solver's error against the exact solution, before fitting.
  auto sol = xj::ode::solve(tolerances, rhs, y0, xj::concatenate({xj::zeros({1}, xj::float64), t_obs}),
                            xj::array(k_true));
  const double solver_error =
      xj::max(xj::abs(sol.ys(xj::Slice(1, std::nullopt)) - xj::exp(-k_true * t_obs))).item<double>();
  std::printf("odeint (rtol 1e-8) in %d steps: max error against exp(-k t) at k = %.1f is %.1e\n",
              sol.steps.item<std::int32_t>(), k_true, solver_error);

  auto step = xj::jit(xj::value_and_grad(loss));
  Array log_k = xj::array(std::log(0.2));  // start far from the answer
  auto [l0, g0] = step(log_k, y0, t_obs, observed);
  const double h = 1e-6;
  const double fd =
      (loss(log_k + h, y0, t_obs, observed) - loss(log_k - h, y0, t_obs, observed)).item<double>() / (2 * h);
  std::printf("d loss / d log k at k = 0.2: by the adjoint %.8f, finite differences %.8f\n\n", g0.item<double>(), fd);

  example::Csv csv(opt, "ode_fit.csv", "iteration,k,loss");
  const int iterations = 40;
  const double learning_rate = 2.0;
  for (int it = 0; it <= iterations; ++it) {
    auto [value, g] = step(log_k, y0, t_obs, observed);
    const double k = std::exp(log_k.item<double>());
    if (it % 5 == 0) std::printf("iteration %3d  k = %.5f  loss = %.3e\n", it, k, value.item<double>());
    csv.row({static_cast<double>(it), k, value.item<double>()});
    if (it < iterations) log_k = log_k - learning_rate * g;
  }
  const double k_fit = std::exp(log_k.item<double>());

  // The best k for these observations, by a fine scan of the loss: what descent should reach.
  Array ks = xj::linspace(0.6, 0.8, 2001, true, xj::float64);
  Array losses = xj::vmap([&](const Array& k) { return loss(xj::log(k), y0, t_obs, observed); })(ks);
  const double k_best = ks[losses.argmin().item<std::int64_t>()].item<double>();
  std::printf("\nfitted k = %.4f; the loss is smallest at k = %.4f on a grid of step 1e-4; true k = %.1f\n", k_fit,
              k_best, k_true);
  example::Csv curve(opt, "ode_fit_curve.csv", "t,observed,fitted");
  Array fitted = predict(xj::array(k_fit), y0, t_obs);
  for (std::int64_t i = 0; i < n_obs; ++i)
    curve.row({t_obs[i].item<double>(), observed[i].item<double>(), fitted[i].item<double>()});
  return example::report(solver_error < 1e-7 && std::abs(g0.item<double>() - fd) < 1e-6 * (1 + std::abs(fd)) &&
                             std::abs(k_fit - k_best) < 2e-4 && std::abs(k_fit - k_true) < 0.05,
                         "fitted k is the loss's minimiser and near the true k");
}
