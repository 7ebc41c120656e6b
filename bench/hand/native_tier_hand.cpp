// The hand-written loops bench/native_tier.cpp measures xjax against: what a careful C++ programmer
// writes, fused and vectorised (-O3 -march=native -ffast-math; glibc's vector sinf/expf through
// omp simd), each checked against a float64 reference by the caller. The array loops split over
// set_threads(n) OpenMP threads, so each figure compares the same thread count on both sides; the
// loops with a carried value (logistic, RK4) are serial.
#include <omp.h>

#include <cmath>
#include <cstdint>

namespace hand {

void set_threads(int n) { omp_set_num_threads(n); }

// sum(sin(x) * x + exp(-x * x)): float lanes per block of 1024, blocks added in double.
double w1(const float* x, std::int64_t n) {
  double total = 0;
#pragma omp parallel for reduction(+ : total) schedule(static)
  for (std::int64_t b = 0; b < n; b += 1024) {
    std::int64_t e = b + 1024 < n ? b + 1024 : n;
    float s = 0;
#pragma omp simd reduction(+ : s)
    for (std::int64_t i = b; i < e; ++i) s += std::sin(x[i]) * x[i] + std::exp(-x[i] * x[i]);
    total += s;
  }
  return total;
}

// W2, the gradient of W1: g = cos(x) x + sin(x) - 2 x exp(-x^2), element by element.
// (sin and cos in separate loops over a block: in one loop GCC merges them into a sincos call,
// which has no vector form, and the loop stays scalar.)
void w2(const float* x, float* g, std::int64_t n) {
#pragma omp parallel for schedule(static)
  for (std::int64_t b = 0; b < n; b += 1024) {
    const std::int64_t e = b + 1024 < n ? b + 1024 : n;
    float s[1024];
#pragma omp simd
    for (std::int64_t i = b; i < e; ++i) s[i - b] = std::sin(x[i]) - 2 * x[i] * std::exp(-x[i] * x[i]);
#pragma omp simd
    for (std::int64_t i = b; i < e; ++i) g[i] = std::cos(x[i]) * x[i] + s[i - b];
  }
}

// Row-wise softmax of a rows x cols matrix: max pass, exp-and-sum pass, scale pass.
void softmax(const float* x, float* y, std::int64_t rows, std::int64_t cols) {
#pragma omp parallel for schedule(static)
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    float m = -INFINITY;
#pragma omp simd reduction(max : m)
    for (std::int64_t c = 0; c < cols; ++c) m = xr[c] > m ? xr[c] : m;
    float s = 0;
#pragma omp simd reduction(+ : s)
    for (std::int64_t c = 0; c < cols; ++c) {
      yr[c] = std::exp(xr[c] - m);
      s += yr[c];
    }
    float inv = 1.0f / s;
#pragma omp simd
    for (std::int64_t c = 0; c < cols; ++c) yr[c] *= inv;
  }
}

// Row-wise layer norm of a rows x cols matrix (no scale or shift): mean pass, variance pass, output
// pass.
void layer_norm(const float* x, float* y, std::int64_t rows, std::int64_t cols) {
#pragma omp parallel for schedule(static)
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    float s = 0;
#pragma omp simd reduction(+ : s)
    for (std::int64_t c = 0; c < cols; ++c) s += xr[c];
    const float mean = s / static_cast<float>(cols);
    float q = 0;
#pragma omp simd reduction(+ : q)
    for (std::int64_t c = 0; c < cols; ++c) q += (xr[c] - mean) * (xr[c] - mean);
    const float inv = 1.0f / std::sqrt(q / static_cast<float>(cols) + 1e-5f);
#pragma omp simd
    for (std::int64_t c = 0; c < cols; ++c) yr[c] = (xr[c] - mean) * inv;
  }
}

// x <- r x (1 - x), n times.
double logistic(double r, double x, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) x = r * x * (1 - x);
  return x;
}

// Classic RK4 on y' = (y1, -sin(y0) - 0.1 y1, -0.5 y2), n steps of h.
void rk4(double* y, double h, std::int64_t n) {
  auto f = [](const double* v, double* d) {
    d[0] = v[1];
    d[1] = -std::sin(v[0]) - 0.1 * v[1];
    d[2] = -0.5 * v[2];
  };
  for (std::int64_t i = 0; i < n; ++i) {
    double k1[3], k2[3], k3[3], k4[3], t[3];
    f(y, k1);
    for (int j = 0; j < 3; ++j) t[j] = y[j] + h / 2 * k1[j];
    f(t, k2);
    for (int j = 0; j < 3; ++j) t[j] = y[j] + h / 2 * k2[j];
    f(t, k3);
    for (int j = 0; j < 3; ++j) t[j] = y[j] + h * k3[j];
    f(t, k4);
    for (int j = 0; j < 3; ++j) y[j] += h / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
  }
}

// RK4 on the Lorenz system (sigma 10, rho 28, beta 8/3) in float32: jax_peer.py's rk4 workload.
void lorenz_rk4(float* s, float h, std::int64_t n) {
  auto f = [](const float* v, float* d) {
    d[0] = 10.0f * (v[1] - v[0]);
    d[1] = v[0] * (28.0f - v[2]) - v[1];
    d[2] = v[0] * v[1] - 8.0f / 3.0f * v[2];
  };
  for (std::int64_t i = 0; i < n; ++i) {
    float k1[3], k2[3], k3[3], k4[3], t[3];
    f(s, k1);
    for (int j = 0; j < 3; ++j) t[j] = s[j] + 0.5f * h * k1[j];
    f(t, k2);
    for (int j = 0; j < 3; ++j) t[j] = s[j] + 0.5f * h * k2[j];
    f(t, k3);
    for (int j = 0; j < 3; ++j) t[j] = s[j] + h * k3[j];
    f(t, k4);
    for (int j = 0; j < 3; ++j) s[j] += h / 6.0f * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
  }
}

}  // namespace hand
