// Scalar special functions that neither libm nor xsimd provide: erf_inv, digamma, polygamma.
// Per instruction set, like kernels/loops.hpp.
#pragma once
#include <cmath>
#include <limits>

namespace xjax::kernels::XJAX_ISA {

// Inverse error function: Giles' single-precision approximation, refined by Newton steps on erf.
template <class T>
T erf_inv(T x) {
  if (x != x || x < T(-1) || x > T(1)) return std::numeric_limits<T>::quiet_NaN();
  if (x == T(1)) return std::numeric_limits<T>::infinity();
  if (x == T(-1)) return -std::numeric_limits<T>::infinity();
  double xd = x;
  double w = -std::log((1.0 - xd) * (1.0 + xd)), p;
  if (w < 5.0) {
    w -= 2.5;
    p = 2.81022636e-08;
    for (double c : {3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
                     -0.00417768164, 0.246640727, 1.50140941})
      p = c + p * w;
  } else {
    w = std::sqrt(w) - 3.0;
    p = -0.000200214257;
    for (double c : {0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
                     0.00943887047, 1.00167406, 2.83297682})
      p = c + p * w;
  }
  double r = p * xd;
  for (int i = 0; i < 2; ++i) {  // Newton: erf(r) - x = 0, erf'(r) = 2/sqrt(pi) exp(-r^2)
    double err = std::erf(r) - xd;
    double d = 1.1283791670955126 * std::exp(-r * r);
    if (d == 0) break;
    r -= err / d;
  }
  return static_cast<T>(r);
}

// psi^(n)(x) for n >= 0 (n = 0: digamma), by recurrence up to x >= 10 and the asymptotic series.
template <class T>
T polygamma(int n, T xt) {
  double x = xt;
  if (x != x) return xt;
  if (x <= 0 && x == std::floor(x)) return std::numeric_limits<T>::quiet_NaN();
  if (n == 0 && x < 0) {  // reflection: psi(1-x) - psi(x) = pi cot(pi x)
    const double pi = 3.141592653589793;
    return static_cast<T>(polygamma<double>(0, 1 - x) - pi / std::tan(pi * x));
  }
  if (n > 0 && x < 0) return std::numeric_limits<T>::quiet_NaN();  // not needed by any rule here
  double acc = 0, fact = std::tgamma(n + 1.0), sgn = (n % 2 == 1) ? 1.0 : -1.0;
  while (x < 10) {  // psi^(n)(x) = psi^(n)(x+1) + (-1)^(n+1) n! / x^(n+1)
    acc += (n == 0) ? -1.0 / x : sgn * fact / std::pow(x, n + 1);
    x += 1;
  }
  // Bernoulli numbers B2k / (2k) for the tail series.
  static const double b2k[] = {1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730, 7.0 / 6};
  double s;
  if (n == 0) {
    s = std::log(x) - 0.5 / x;
    double x2k = x * x;
    for (int k = 1; k <= 7; ++k, x2k *= x * x) s -= b2k[k - 1] / (2 * k * x2k);
  } else {
    // psi^(n)(x) ~ (-1)^(n+1) [ (n-1)!/x^n + n!/(2x^(n+1)) + sum_k B2k (2k+n-1)!/((2k)! x^(2k+n)) ]
    s = std::tgamma(n) / std::pow(x, n) + fact / (2 * std::pow(x, n + 1));
    for (int k = 1; k <= 7; ++k)
      s += b2k[k - 1] * std::tgamma(2 * k + n) / (std::tgamma(2 * k + 1.0) * std::pow(x, 2 * k + n));
    s *= sgn;
  }
  return static_cast<T>(s + acc);
}

}  // namespace xjax::kernels::XJAX_ISA
