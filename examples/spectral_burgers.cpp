// Viscous Burgers' equation u_t + u u_x = nu u_xx on the periodic interval [0, 2 pi), by a
// pseudo-spectral method: derivatives through rfft/irfft, the product u^2 formed on the grid with
// the 2/3 rule against aliasing, the stiff viscous term integrated exactly (an integrating factor),
// and fourth-order Runge-Kutta steps in one jit-compiled fori_loop. The result is checked against
// the exact solution from the Cole-Hopf transform, and grad differentiates the whole solve with
// respect to the viscosity (checked against finite differences).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numbers>

#include <xjax/core.hpp>

#include "common.hpp"

namespace xj = xjax;
using xj::Array;

const std::int64_t n = 128;        // grid points
const double dt = 1e-3;            // time step
const std::int64_t steps = 1000;   // to t = 1

// Wavenumbers 0 .. n/2 of rfft, and the 2/3-rule mask that drops the top third.
Array wavenumbers() { return xj::arange(n / 2 + 1, xj::float64); }
Array dealias() { return (wavenumbers() < n / 3.0).astype(xj::float64); }

// The Fourier coefficients of u at t = steps * dt, from those of u at t = 0 (integrating-factor RK4).
Array solve(const Array& u0_hat, const Array& nu) {
  const Array k = wavenumbers(), mask = dealias();
  const Array e = xj::exp(-nu * k * k * (dt / 2)).astype(xj::complex128);  // the viscous decay over dt/2
  const Array e2 = e * e;
  const Array minus_half_ik = xj::complex(xj::zeros_like(k), -0.5 * k);
  auto nonlinear = [&](const Array& v) {  // -(u^2 / 2)_x, dealiased
    Array u = xj::fft::irfft(v * mask, n);
    return minus_half_ik * xj::fft::rfft(u * u);
  };
  return xj::fori_loop(0, steps,
                       [&](const Array&, const Array& v) {
                         Array a = dt * nonlinear(v);
                         Array b = dt * nonlinear(e * (v + a / 2.0));
                         Array c = dt * nonlinear(e * v + b / 2.0);
                         Array d = dt * nonlinear(e2 * v + e * c);
                         return e2 * v + (e2 * a + 2.0 * e * (b + c) + d) / 6.0;
                       },
                       u0_hat);
}

// The exact solution for u(x, 0) = sin x: u = -2 nu phi_x / phi, where phi solves the heat equation
// from exp(cos x / (2 nu)) = I0(a) + 2 sum_m I_m(a) cos(m x), a = 1 / (2 nu).
double exact(double x, double t, double nu) {
  const double a = 1 / (2 * nu);
  double phi = std::cyl_bessel_i(0.0, a), phi_x = 0;
  for (int m = 1; m <= 80; ++m) {
    const double c = 2 * std::cyl_bessel_i(static_cast<double>(m), a) * std::exp(-nu * m * m * t);
    phi += c * std::cos(m * x);
    phi_x -= c * m * std::sin(m * x);
  }
  return -2 * nu * phi_x / phi;
}

int main(int argc, char** argv) {
  example::Options opt = example::parse_options(argc, argv);
  const double nu = 0.1, t_end = steps * dt;
  const Array x = xj::arange(n, xj::float64) * (2 * std::numbers::pi / n);
  const Array u0_hat = xj::fft::rfft(xj::sin(x));

  auto run = xj::jit([](const Array& u_hat, const Array& viscosity) { return xj::fft::irfft(solve(u_hat, viscosity), n); });
  Array u = run(u0_hat, xj::array(nu));  // compiles, then runs
  const auto start = std::chrono::steady_clock::now();
  u = run(u0_hat, xj::array(nu));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  double error = 0;
  example::Csv csv(opt, "spectral_burgers.csv", "x,u0,u,exact");
  for (std::int64_t i = 0; i < n; ++i) {
    const double xi = x[i].item<double>(), want = exact(xi, t_end, nu);
    error = std::max(error, std::abs(u[i].item<double>() - want));
    csv.row({xi, std::sin(xi), u[i].item<double>(), want});
  }
  std::printf("Burgers, nu = %.2f, %lld points, %lld RK4 steps to t = %.1f: %.2f ms (%.1f us per step)\n", nu,
              static_cast<long long>(n), static_cast<long long>(steps), t_end, seconds * 1e3, seconds * 1e6 / steps);
  std::printf("max |u - u_exact| at t = %.1f (Cole-Hopf): %.2e; the steepest slope is %.2f\n", t_end, error,
              xj::max(xj::abs(xj::fft::irfft(xj::complex(0.0, wavenumbers()) * xj::fft::rfft(u), n))).item<double>());

  // How the final kinetic energy depends on the viscosity: grad through 1000 steps and 8000 FFTs.
  auto energy = [&](const Array& viscosity) { return xj::mean(xj::square(run(u0_hat, viscosity))); };
  auto [value, slope] = xj::jit(xj::value_and_grad(energy))(xj::array(nu));
  const double h = 1e-5;
  const double fd = (energy(xj::array(nu + h)) - energy(xj::array(nu - h))).item<double>() / (2 * h);
  std::printf("energy mean(u^2) = %.6f; d energy / d nu: by grad %.8f, by finite differences %.8f\n",
              value.item<double>(), slope.item<double>(), fd);
  return example::report(error < 1e-8 && std::abs(slope.item<double>() - fd) < 1e-6 * std::abs(fd),
                         "the spectral solution matches Cole-Hopf's and grad matches finite differences");
}
