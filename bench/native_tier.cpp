// jit's two tiers against hand-written C++ (bench/hand/native_tier_hand.cpp, -O3 -march=native
// -ffast-math) in one binary, the workloads of the native tier's goals: W1, a last-axis softmax and
// layer norm, W2 (jit(grad(W1))), a fori_loop of a scalar body (the logistic map) and of an RK4 step on a 3-vector, and
// cond (a call, and inside a compiled loop). Every xjax figure is printed with its ratio to the hand loop; every
// hand loop's result is checked against a float64 reference.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <xjax/config.hpp>
#include <xjax/core.hpp>

#include "bench_util.hpp"

namespace xj = xjax;
using xj::Array;

namespace hand {
void set_threads(int n);
double w1(const float* x, std::int64_t n);
void w2(const float* x, float* g, std::int64_t n);
void softmax(const float* x, float* y, std::int64_t rows, std::int64_t cols);
void layer_norm(const float* x, float* y, std::int64_t rows, std::int64_t cols);
double logistic(double r, double x, std::int64_t n);
void rk4(double* y, double h, std::int64_t n);
void lorenz_rk4(float* s, float h, std::int64_t n);
}  // namespace hand

namespace {

const char* tier_name(xj::JitTier t) { return t == xj::JitTier::native ? "native" : "interpreter"; }
constexpr xj::JitTier tiers[] = {xj::JitTier::interpreter, xj::JitTier::native};

void row(const std::string& what, const bench::Stats& s, double hand_ms, const std::string& extra = "") {
  char ratio[64];
  std::snprintf(ratio, sizeof ratio, "ratio_vs_hand=%.2f", s.median_ms / hand_ms);
  bench::print(what, s, std::string(ratio) + (extra.empty() ? "" : " " + extra));
}

void w1(std::int64_t n) {
  std::vector<float> host(static_cast<std::size_t>(n));
  double reference = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    host[static_cast<std::size_t>(i)] = static_cast<float>(static_cast<double>(i) / static_cast<double>(n) * 4.0 - 2.0);
    double v = host[static_cast<std::size_t>(i)];
    reference += std::sin(v) * v + std::exp(-v * v);
  }
  Array x = xj::array(host, {n});
  double got = 0;
  auto h = bench::time_it([&] { got = hand::w1(host.data(), n); }, 3, 15);
  bench::print("W1 n=" + std::to_string(n) + " impl=hand_fused", h,
               "rel_err_vs_f64=" + std::to_string(std::abs(got - reference) / std::abs(reference)));
  for (xj::JitTier t : tiers) {
    xj::config.jit_tier = t;
    auto f = xj::jit([](const Array& v) { return xj::sum(xj::sin(v) * v + xj::exp(-(v * v))); });
    double y = 0;
    auto s = bench::time_it([&] { y = f(x).item<float>(); }, 3, 15);
    row("W1 n=" + std::to_string(n) + " impl=xjax_jit_" + tier_name(t), s, h.median_ms,
        "rel_err_vs_f64=" + std::to_string(std::abs(y - reference) / std::abs(reference)));
  }
  // The same function on 16-bit storage (each primitive rounds its float32 result), native tier;
  // the mean, as float16's sum overflows (jnp.mean also sums 16-bit values in float32).
  xj::config.jit_tier = xj::JitTier::native;
  for (xj::DType d : {xj::float16, xj::bfloat16}) {
    auto f = xj::jit([](const Array& v) { return xj::mean(xj::sin(v) * v + xj::exp(-(v * v))); });
    Array xd = x.astype(d);
    double y = 0;
    auto s = bench::time_it([&] { y = f(xd).item<float>() * static_cast<double>(n); }, 3, 15);
    row("W1 n=" + std::to_string(n) + " dtype=" + xj::dtype_name(d) + " impl=xjax_jit_native", s, h.median_ms,
        "rel_err_vs_f64=" + std::to_string(std::abs(y - reference) / std::abs(reference)));
  }
}

// W2: jit(grad(W1)) against the analytic derivative loop, checked against it in float64.
void w2(std::int64_t n) {
  std::vector<float> host(static_cast<std::size_t>(n)), g(host.size());
  for (std::int64_t i = 0; i < n; ++i)
    host[static_cast<std::size_t>(i)] = static_cast<float>(static_cast<double>(i) / static_cast<double>(n) * 4.0 - 2.0);
  auto h = bench::time_it([&] { hand::w2(host.data(), g.data(), n); bench::keep(g); }, 3, 15);
  auto worst_vs_f64 = [&](const float* got) {
    double worst = 0;
    for (std::size_t i = 0; i < host.size(); i += 97) {
      const double v = host[i], want = std::cos(v) * v + std::sin(v) - 2 * v * std::exp(-v * v);
      worst = std::max(worst, std::abs(got[i] - want));
    }
    return worst;
  };
  bench::print("W2 n=" + std::to_string(n) + " impl=hand_fused", h, "max_abs_err_vs_f64=" + std::to_string(worst_vs_f64(g.data())));
  Array x = xj::array(host, {n});
  for (xj::JitTier t : tiers) {
    xj::config.jit_tier = t;
    auto df = xj::jit(xj::grad([](const Array& v) { return xj::sum(xj::sin(v) * v + xj::exp(-(v * v))); }));
    Array out;
    auto s = bench::time_it([&] { out = df(x); }, 3, 15);
    row("W2 n=" + std::to_string(n) + " impl=xjax_jit_grad_" + tier_name(t), s, h.median_ms,
        "max_abs_err_vs_f64=" + std::to_string(worst_vs_f64(out.data<float>())));
  }
}

void softmax() {
  const std::int64_t rows = 4096, cols = 1024;
  std::vector<float> host(static_cast<std::size_t>(rows * cols)), out(host.size());
  for (std::size_t i = 0; i < host.size(); ++i) host[i] = static_cast<float>(std::sin(0.001 * static_cast<double>(i)) * 3);
  Array x = xj::array(host, {rows, cols});
  auto h = bench::time_it([&] { hand::softmax(host.data(), out.data(), rows, cols); bench::keep(out); }, 3, 15);
  double worst = 0;  // against float64
  for (std::int64_t r = 0; r < rows; r += 511) {
    double m = -INFINITY, s = 0;
    for (std::int64_t c = 0; c < cols; ++c) m = std::max(m, static_cast<double>(host[static_cast<std::size_t>(r * cols + c)]));
    for (std::int64_t c = 0; c < cols; ++c) s += std::exp(host[static_cast<std::size_t>(r * cols + c)] - m);
    for (std::int64_t c = 0; c < cols; ++c) {
      double want = std::exp(host[static_cast<std::size_t>(r * cols + c)] - m) / s;
      worst = std::max(worst, std::abs(out[static_cast<std::size_t>(r * cols + c)] - want) / want);
    }
  }
  bench::print("softmax 4096x1024 last axis impl=hand", h, "max_rel_err_vs_f64=" + std::to_string(worst));
  for (xj::JitTier t : tiers) {
    xj::config.jit_tier = t;
    auto f = xj::jit([](const Array& v) { return xj::nn::softmax(v, -1); });
    auto s = bench::time_it([&] { bench::keep(f(x)); }, 3, 15);
    row(std::string("softmax 4096x1024 last axis impl=xjax_jit_") + tier_name(t), s, h.median_ms);
  }
}

void layer_norm() {
  const std::int64_t rows = 4096, cols = 1024;
  std::vector<float> host(static_cast<std::size_t>(rows * cols)), out(host.size());
  for (std::size_t i = 0; i < host.size(); ++i) host[i] = static_cast<float>(std::sin(0.001 * static_cast<double>(i)) * 3 + 1);
  Array x = xj::array(host, {rows, cols});
  auto h = bench::time_it([&] { hand::layer_norm(host.data(), out.data(), rows, cols); bench::keep(out); }, 3, 15);
  double worst = 0;  // against float64
  for (std::int64_t r = 0; r < rows; r += 511) {
    double m = 0, q = 0;
    for (std::int64_t c = 0; c < cols; ++c) m += host[static_cast<std::size_t>(r * cols + c)];
    m /= static_cast<double>(cols);
    for (std::int64_t c = 0; c < cols; ++c) q += std::pow(host[static_cast<std::size_t>(r * cols + c)] - m, 2);
    const double inv = 1 / std::sqrt(q / static_cast<double>(cols) + 1e-5);
    for (std::int64_t c = 0; c < cols; ++c) {
      double want = (host[static_cast<std::size_t>(r * cols + c)] - m) * inv;
      worst = std::max(worst, std::abs(out[static_cast<std::size_t>(r * cols + c)] - want) / (1 + std::abs(want)));
    }
  }
  bench::print("layer_norm 4096x1024 last axis impl=hand", h, "max_err_vs_f64=" + std::to_string(worst));
  for (xj::JitTier t : tiers) {
    xj::config.jit_tier = t;
    auto f = xj::jit([](const Array& v) {
      Array m = xj::mean(v, -1, true), d = v - m;
      return d * xj::rsqrt(xj::mean(d * d, -1, true) + 1e-5f);
    });
    auto s = bench::time_it([&] { bench::keep(f(x)); }, 3, 15);
    row(std::string("layer_norm 4096x1024 last axis impl=xjax_jit_") + tier_name(t), s, h.median_ms);
  }
}

void loops() {
  const std::int64_t n = 1000000;
  double got = 0;
  auto h = bench::time_it([&] { got = hand::logistic(3.7, 0.25, n); bench::keep(got); }, 2, 11);
  bench::print("fori_loop logistic n=1e6 impl=hand", h, "x=" + std::to_string(got));
  for (xj::JitTier t : tiers) {
    xj::config.jit_tier = t;
    auto f = xj::jit([n](const Array& r, const Array& x0) {
      return xj::fori_loop(0, n, [&](const Array&, const Array& x) { return r * x * (1.0 - x); }, x0);
    });
    double y = 0;
    auto s = bench::time_it([&] { y = f(xj::array(3.7), xj::array(0.25)).item<double>(); }, 1, t == xj::JitTier::native ? 11 : 3);
    row(std::string("fori_loop logistic n=1e6 impl=xjax_jit_") + tier_name(t), s, h.median_ms, "x=" + std::to_string(y));
  }

  const std::int64_t steps = 100000;
  const double step = 0.001;
  double yh[3];
  auto hr = bench::time_it([&] { yh[0] = 1, yh[1] = 0, yh[2] = 2; hand::rk4(yh, step, steps); bench::keep(yh); }, 2, 11);
  bench::print("fori_loop rk4 3-vector n=1e5 impl=hand", hr, "y0=" + std::to_string(yh[0]));
  for (xj::JitTier t : tiers) {
    xj::config.jit_tier = t;
    auto rhs = [](const Array& y) {
      Array a = xj::slice_in_dim(y, 0, 1), b = xj::slice_in_dim(y, 1, 2), c = xj::slice_in_dim(y, 2, 3);
      return xj::concatenate({b, -xj::sin(a) - 0.1 * b, -0.5 * c});
    };
    auto f = xj::jit([&](const Array& y0) {
      return xj::fori_loop(0, steps, [&](const Array&, const Array& y) {
        Array k1 = rhs(y), k2 = rhs(y + (step / 2) * k1), k3 = rhs(y + (step / 2) * k2), k4 = rhs(y + step * k3);
        return y + (step / 6) * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
      }, y0);
    });
    Array y;
    auto s = bench::time_it([&] { y = f(xj::array({1.0, 0.0, 2.0})); }, 1, t == xj::JitTier::native ? 11 : 3);
    row(std::string("fori_loop rk4 3-vector n=1e5 impl=xjax_jit_") + tier_name(t), s, hr.median_ms,
        "y0=" + std::to_string(y[0].item<double>()));
  }

  // jax_peer.py's rk4: the Lorenz system in float32, 10^6 steps of 1e-4 (no transcendental).
  const std::int64_t lorenz_steps = 1000000;
  float sh[3];
  auto hl = bench::time_it([&] { sh[0] = sh[1] = sh[2] = 1; hand::lorenz_rk4(sh, 1e-4f, lorenz_steps); bench::keep(sh); }, 1, 7);
  bench::print("fori_loop rk4 lorenz f32 n=1e6 impl=hand", hl, "s0=" + std::to_string(sh[0]));
  {  // the native tier only: the interpreter takes tens of seconds here
    const xj::JitTier t = xj::JitTier::native;
    xj::config.jit_tier = t;
    auto lorenz = [](const Array& s) {
      Array x = xj::slice_in_dim(s, 0, 1), y = xj::slice_in_dim(s, 1, 2), z = xj::slice_in_dim(s, 2, 3);
      return xj::concatenate({10.0f * (y - x), x * (28.0f - z) - y, x * y - (8.0f / 3.0f) * z});
    };
    auto f = xj::jit([&](const Array& s0) {
      const float h = 1e-4f;
      return xj::fori_loop(0, lorenz_steps, [&](const Array&, const Array& s) {
        Array k1 = lorenz(s), k2 = lorenz(s + (0.5f * h) * k1), k3 = lorenz(s + (0.5f * h) * k2), k4 = lorenz(s + h * k3);
        return s + (h / 6.0f) * (k1 + 2.0f * k2 + 2.0f * k3 + k4);
      }, s0);
    });
    Array s;
    auto st = bench::time_it([&] { s = f(xj::array({1.0f, 1.0f, 1.0f})); }, 1, 7);
    row(std::string("fori_loop rk4 lorenz f32 n=1e6 impl=xjax_jit_") + tier_name(t), st, hl.median_ms,
        "s0=" + std::to_string(s[0].item<float>()));
  }
}

void conds() {
  Array x = xj::array(1.0);
  for (xj::JitTier t : tiers) {
    xj::config.jit_tier = t;
    auto plain = xj::jit([](const Array& v) { return v + 1.0; });
    auto branch = xj::jit([](const Array& v) {
      return xj::cond(v > 0, [](const Array& u) { return u * 2.0; }, [](const Array& u) { return -u; }, v);
    });
    auto p = bench::time_it([&] { bench::keep(plain(x)); }, 100, 21, 1000);
    auto c = bench::time_it([&] { bench::keep(branch(x)); }, 100, 21, 1000);
    std::printf("cond call tier=%s w5_call_us=%.3f cond_call_us=%.3f cond_beyond_w5_ns=%.0f\n", tier_name(t),
                p.median_ms * 1e3, c.median_ms * 1e3, (c.median_ms - p.median_ms) * 1e6);
    const std::int64_t n = 1000000;
    auto without = xj::jit([n](const Array& v) {
      return xj::fori_loop(0, n, [](const Array&, const Array& u) { return u * 0.999 + 0.5; }, v);
    });
    auto with = xj::jit([n](const Array& v) {
      return xj::fori_loop(0, n, [](const Array& i, const Array& u) {
        return xj::cond((i % 3) == 0, [](const Array& w) { return w * 0.999 + 0.5; }, [](const Array& w) { return w * 0.998 + 0.25; }, u);
      }, v);
    });
    int reps = t == xj::JitTier::native ? 11 : 1;
    auto a = bench::time_it([&] { bench::keep(without(x)); }, 1, reps);
    auto b = bench::time_it([&] { bench::keep(with(x)); }, 1, reps);
    std::printf("cond in a fori_loop n=1e6 tier=%s loop_ns_per_iter=%.2f with_cond_ns_per_iter=%.2f\n", tier_name(t),
                a.median_ms * 1e6 / n, b.median_ms * 1e6 / n);
  }
}

}  // namespace

int main() {
  bench::print_machine();
  hand::set_threads(xj::num_threads());  // XJAX_NUM_THREADS for both sides
  w1(1000000);
  w1(10000000);
  w2(1000000);
  softmax();
  layer_norm();
  loops();
  conds();
}
