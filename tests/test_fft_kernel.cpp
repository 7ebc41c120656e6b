// kernels/fft: c2c, r2c and c2r against a naive DFT in long double for every length up to 64 and for
// lengths of each code path (mixed radix, generic radix, Bluestein, six-step split), in contiguous and
// strided layouts; results that do not depend on threads or on concurrent callers.
#include <doctest/doctest.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numbers>
#include <random>
#include <thread>
#include <vector>

#include "kernels/fft.hpp"
#include "xjax/config.hpp"

namespace xk = xjax::kernels;

namespace {

using cd = std::complex<double>;
using cld = std::complex<long double>;
using Index = std::int64_t;

struct Layout {
  Index outer, inner;
};
// Contiguous lines, several contiguous lines, and strided lines gathered in partial and full blocks.
constexpr Layout layouts[] = {{1, 1}, {3, 1}, {2, 5}, {1, 11}};

// Relative RMS error <= 2 eps (1 + log2 n). Measured, the worst is 0.74 eps (1 + log2 n) (a double round
// trip, n = 37); float c2c is 3.0e-7 at n = 2^20 and 4.3e-7 at n = 1000003 (0.2 eps (1 + log2 n)). The
// factor 2.7 left is for other compilers and math libraries; a wrong index or twiddle is off by far more.
template <class T>
double tolerance(Index n) {
  return 2 * std::numeric_limits<T>::epsilon() * (1 + std::log2(static_cast<double>(n)));
}

struct RelRms {
  long double err = 0, ref = 0;
  void add(cld got, cld want) {
    err += std::norm(got - want);
    ref += std::norm(want);
  }
  double value() const { return static_cast<double>(ref == 0 ? std::sqrt(err) : std::sqrt(err / ref)); }
};

// Values exactly representable in float, so that both precisions transform the same numbers.
std::vector<cd> random_signal(Index n, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<float> normal;
  std::vector<cd> x(static_cast<std::size_t>(n));
  for (cd& v : x) v = {normal(gen), normal(gen)};
  return x;
}

std::vector<cd> real_part(const std::vector<cd>& x) {
  std::vector<cd> r;
  for (const cd& v : x) r.emplace_back(v.real(), 0.0);
  return r;
}

// sum_j x_j exp(-+2 pi i j k / n) for each k of ks, in long double with j k reduced mod n exactly.
std::vector<cld> naive_dft(const std::vector<cd>& x, const std::vector<Index>& ks, bool inverse) {
  const Index n = static_cast<Index>(x.size());
  std::vector<long double> c(x.size()), s(x.size());
  for (Index r = 0; r < n; ++r) {
    const long double a = (inverse ? 2 : -2) * std::numbers::pi_v<long double> * r / n;
    c[static_cast<std::size_t>(r)] = std::cos(a);
    s[static_cast<std::size_t>(r)] = std::sin(a);
  }
  std::vector<cld> out;
  for (Index k : ks) {
    long double re = 0, im = 0;
    for (std::size_t j = 0, r = 0; j < x.size(); ++j, r = (r + static_cast<std::size_t>(k)) % x.size()) {
      re += x[j].real() * c[r] - x[j].imag() * s[r];
      im += x[j].real() * s[r] + x[j].imag() * c[r];
    }
    out.emplace_back(re, im);
  }
  return out;
}

std::vector<Index> all_up_to(Index n) {
  std::vector<Index> ks;
  for (Index k = 0; k < n; ++k) ks.push_back(k);
  return ks;
}

// Line l of a batch is the signal times a factor exact in float: layouts that mix up lines show.
cd complex_factor(Index l) {
  constexpr cd factors[] = {{1, 0}, {-2, 0}, {0, 1}, {0, -0.5}, {0.25, 0}, {0, 4}};
  return factors[l % 6];
}
double real_factor(Index l) {
  constexpr double factors[] = {1, -2, 0.5, -4, 0.25, 8};
  return factors[l % 6];
}

Index at(Layout lay, Index o, Index len, Index j, Index i) { return (o * len + j) * lay.inner + i; }

template <class T>
void check_c2c(const std::vector<cd>& x, const std::vector<Index>& ks, const std::vector<cld>& want,
               bool inverse, Layout lay) {
  const Index n = static_cast<Index>(x.size());
  std::vector<std::complex<T>> in(static_cast<std::size_t>(lay.outer * n * lay.inner)), out(in.size());
  for (Index o = 0; o < lay.outer; ++o) {
    for (Index i = 0; i < lay.inner; ++i) {
      for (Index j = 0; j < n; ++j) in[at(lay, o, n, j, i)] = std::complex<T>(complex_factor(o * lay.inner + i) * x[j]);
    }
  }
  xk::fft_c2c<T>(in.data(), out.data(), lay.outer, n, lay.inner, inverse);
  RelRms e;
  for (Index o = 0; o < lay.outer; ++o) {
    for (Index i = 0; i < lay.inner; ++i) {
      for (std::size_t q = 0; q < ks.size(); ++q) {
        e.add(cld(out[at(lay, o, n, ks[q], i)]), cld(complex_factor(o * lay.inner + i)) * want[q]);
      }
    }
  }
  CHECK(e.value() <= tolerance<T>(n));
}

// r2c of real lines against the naive spectrum at ks (all <= n / 2), then c2r of that spectrum, with
// garbage in the imaginary parts that c2r ignores, against n times the lines.
template <class T>
void check_real(const std::vector<cd>& xr, const std::vector<Index>& ks, const std::vector<cld>& want, Layout lay) {
  const Index n = static_cast<Index>(xr.size()), h = n / 2 + 1;
  std::vector<T> in(static_cast<std::size_t>(lay.outer * n * lay.inner)), back(in.size());
  std::vector<std::complex<T>> spec(static_cast<std::size_t>(lay.outer * h * lay.inner));
  for (Index o = 0; o < lay.outer; ++o) {
    for (Index i = 0; i < lay.inner; ++i) {
      const double f = real_factor(o * lay.inner + i);
      for (Index j = 0; j < n; ++j) in[at(lay, o, n, j, i)] = static_cast<T>(f * xr[j].real());
    }
  }
  xk::fft_r2c<T>(in.data(), spec.data(), lay.outer, n, lay.inner);
  RelRms e, round_trip;
  for (Index o = 0; o < lay.outer; ++o) {
    for (Index i = 0; i < lay.inner; ++i) {
      for (std::size_t q = 0; q < ks.size(); ++q) {
        e.add(cld(spec[at(lay, o, h, ks[q], i)]), static_cast<long double>(real_factor(o * lay.inner + i)) * want[q]);
      }
      spec[at(lay, o, h, 0, i)].imag(T(3));
      if (n % 2 == 0) spec[at(lay, o, h, n / 2, i)].imag(T(-5));
    }
  }
  CHECK(e.value() <= tolerance<T>(n));
  xk::fft_c2r<T>(spec.data(), back.data(), lay.outer, n, lay.inner);
  for (std::size_t j = 0; j < in.size(); ++j) round_trip.add(back[j], static_cast<long double>(n) * in[j]);
  CHECK(round_trip.value() <= tolerance<T>(n));
}

// Every transform of one signal of length n in every layout, against the naive DFT at ks.
void check_length(Index n, const std::vector<Index>& ks, const std::vector<Index>& ks_real) {
  CAPTURE(n);
  const std::vector<cd> x = random_signal(n, static_cast<unsigned>(n));
  const std::vector<cd> xr = real_part(x);
  const std::vector<cld> forward = naive_dft(x, ks, false), inverse = naive_dft(x, ks, true);
  const std::vector<cld> real = naive_dft(xr, ks_real, false);
  for (Layout lay : layouts) {
    CAPTURE(lay.outer);
    CAPTURE(lay.inner);
    check_c2c<float>(x, ks, forward, false, lay);
    check_c2c<float>(x, ks, inverse, true, lay);
    check_c2c<double>(x, ks, forward, false, lay);
    check_c2c<double>(x, ks, inverse, true, lay);
    check_real<float>(xr, ks_real, real, lay);
    check_real<double>(xr, ks_real, real, lay);
  }
}

}  // namespace

TEST_CASE("fft kernel: every length up to 64 against a naive DFT") {
  for (Index n = 1; n <= 64; ++n) check_length(n, all_up_to(n), all_up_to(n / 2 + 1));
}

TEST_CASE("fft kernel: radix, generic radix and Bluestein lengths against a naive DFT") {
  // 97, 127, 4099 prime (Bluestein), 210 = 2 3 5 7 (generic radix 7), 1000 and 1024 (radix 2, 4, 5).
  for (Index n : {97, 127, 128, 210, 1000, 1024, 4099}) check_length(n, all_up_to(n), all_up_to(n / 2 + 1));
  // 65536 at 256 frequencies spread over the spectrum (the naive DFT costs n per frequency).
  const Index n = 65536;
  std::vector<Index> ks, ks_real;
  for (Index k = 0; k < n; k += 257) ks.push_back(k);
  for (Index k : {Index{1}, n / 2, n - 1}) ks.push_back(k);
  for (Index k : ks) {
    if (k <= n / 2) ks_real.push_back(k);
  }
  check_length(n, ks, ks_real);
}

TEST_CASE("fft kernel: n = 1000003 (prime) and 2^20 at five frequencies, and round trips") {
  for (Index n : {Index{1'000'003}, Index{1} << 20}) {
    CAPTURE(n);
    const std::vector<cd> x = random_signal(n, 7);
    const std::vector<Index> ks = {0, 1, 12345, n / 2, n - 1}, ks_real = {0, 1, 12345, n / 2};
    const std::vector<cld> forward = naive_dft(x, ks, false), real = naive_dft(real_part(x), ks_real, false);
    check_c2c<float>(x, ks, forward, false, {1, 1});
    check_c2c<double>(x, ks, forward, false, {1, 1});
    check_real<float>(real_part(x), ks_real, real, {1, 1});
    check_real<double>(real_part(x), ks_real, real, {1, 1});
    std::vector<cd> in(x.begin(), x.end()), spec(x.size()), back(x.size());
    xk::fft_c2c<double>(in.data(), spec.data(), 1, n, 1, false);
    xk::fft_c2c<double>(spec.data(), back.data(), 1, n, 1, true);
    RelRms e;
    for (std::size_t j = 0; j < x.size(); ++j) e.add(back[j], static_cast<long double>(n) * cld(x[j]));
    CHECK(e.value() <= tolerance<double>(n));
  }
}

TEST_CASE("fft kernel: empty transforms do nothing") {
  xk::fft_c2c<float>(nullptr, nullptr, 3, 0, 2, false);
  xk::fft_c2c<double>(nullptr, nullptr, 0, 8, 1, true);
  xk::fft_r2c<float>(nullptr, nullptr, 2, 8, 0);
  xk::fft_c2r<double>(nullptr, nullptr, 2, 0, 1);
}

TEST_CASE("fft kernel: concurrent calls give the same bits as one thread") {
  // Generic radix (1001 = 7 11 13, whose kissfft writes its scratch), Bluestein (4111 prime), six-step
  // (600000), even and odd real lengths, strided; lengths no other test uses, so plans are built in
  // the race.
  struct Case {
    Index outer, n, inner;
  };
  const Case cases[] = {{40, 1001, 1}, {7, 4111, 3}, {1, 600000, 1}, {30, 2002, 2}, {25, 1785, 1}};
  auto run_all = [&] {
    std::vector<std::vector<double>> results;
    for (const Case& c : cases) {
      const std::vector<cd> x = random_signal(c.outer * c.n * c.inner, 11);
      std::vector<cd> y(x.size());
      xk::fft_c2c<double>(x.data(), y.data(), c.outer, c.n, c.inner, c.n % 2 == 0);
      std::vector<float> xr(x.size());
      for (std::size_t j = 0; j < x.size(); ++j) xr[j] = static_cast<float>(x[j].real());
      std::vector<std::complex<float>> spec(static_cast<std::size_t>(c.outer * (c.n / 2 + 1) * c.inner));
      std::vector<float> back(xr.size());
      xk::fft_r2c<float>(xr.data(), spec.data(), c.outer, c.n, c.inner);
      xk::fft_c2r<float>(spec.data(), back.data(), c.outer, c.n, c.inner);
      const double* yd = reinterpret_cast<const double*>(y.data());
      results.emplace_back(yd, yd + 2 * y.size());
      results.emplace_back(back.begin(), back.end());
    }
    return results;
  };
  struct ThreadsGuard {
    int saved = xjax::num_threads();
    ~ThreadsGuard() { xjax::set_num_threads(saved); }
  } guard;
  xjax::set_num_threads(3);
  std::vector<std::vector<std::vector<double>>> concurrent(4);
  {
    std::vector<std::thread> threads;
    for (auto& r : concurrent) threads.emplace_back([&r, &run_all] { r = run_all(); });
    for (auto& t : threads) t.join();
  }
  xjax::set_num_threads(1);
  const std::vector<std::vector<double>> serial = run_all();
  for (const auto& r : concurrent) {
    REQUIRE(r.size() == serial.size());
    for (std::size_t i = 0; i < r.size(); ++i) {
      CAPTURE(i);
      CHECK(std::memcmp(r[i].data(), serial[i].data(), r[i].size() * sizeof(double)) == 0);
    }
  }
}
