// FFT kernels: kissfft's mixed radix where every prime factor of n is small (split in six steps when n
// is long), Bluestein's chirp-z through a 2,3,5-smooth length otherwise; plans cached per length,
// precision and direction.
#include "kernels/fft.hpp"

#include <kissfft/kissfft.hh>

#include <algorithm>
#include <bit>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <numbers>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "kernels/thread_pool.hpp"

namespace xjax::kernels {
namespace {

template <class T>
using Cx = std::complex<T>;

// float lines run kissfft<float>, whose twiddles are computed in float: relative RMS error 3.5e-7 at
// n = 2^20 against 3.6e-8 through kissfft<double>, which takes 2.2x as long. Our own twiddles (six-step,
// Bluestein, real split) are computed in double.

// kissfft's generic radix costs O(n p) per prime factor p > 5, Bluestein about three transforms of a
// smooth length >= 2n - 1, whose cost per element grows with n as they outgrow the caches. Measured
// crossovers (p for n = p, 32 p, 1024 p, 8192 p): about 20, 30, 60 and 130, which 16 + cbrt(n) follows.
bool use_bluestein(std::int64_t n, std::int64_t largest_prime) {
  return static_cast<double>(largest_prime) > 16 + std::cbrt(static_cast<double>(n));
}

// Elements (of the transformed length) per chunk of lines handed to the thread pool: an FFT costs
// several times more per element than the elementwise kernels parallel_grain is tuned for.
constexpr std::int64_t fft_grain = 8192;

// Lengths from which the six-step split beats kissfft's own recursion: measured 1.3x (double) as fast
// at 2^19, 1.6x at 2^20 and above; float is even at 2^19.
constexpr std::int64_t split_min_length = std::int64_t{1} << 19;

std::int64_t largest_prime_factor(std::int64_t n) {
  std::int64_t largest = 1;
  for (std::int64_t p = 2; p * p <= n; ++p) {
    for (; n % p == 0; n /= p) largest = p;
  }
  return n > 1 ? n : largest;
}

// The smallest 2^a 3^b 5^c >= n: the lengths kissfft transforms with its radix 2, 3, 4 and 5 butterflies.
std::int64_t next_smooth(std::int64_t n) {
  std::int64_t best = static_cast<std::int64_t>(std::bit_ceil(static_cast<std::uint64_t>(n)));
  for (std::int64_t p5 = 1; p5 < best; p5 *= 5) {
    for (std::int64_t p35 = p5; p35 < best; p35 *= 3) {
      std::int64_t v = p35;
      while (v < n) v *= 2;
      best = std::min(best, v);
    }
  }
  return best;
}

// w_k = exp(-+ i pi k^2 / n), k < n. k^2 is reduced mod 2n exactly ((k + 1)^2 = k^2 + 2k + 1) and the
// angle taken in double, so the accuracy does not degrade with k.
std::vector<Cx<double>> chirp(std::int64_t n, bool inverse) {
  std::vector<Cx<double>> w(static_cast<std::size_t>(n));
  const double sign = inverse ? 1.0 : -1.0;
  for (std::int64_t k = 0, r = 0; k < n; ++k) {
    const double angle = std::numbers::pi * static_cast<double>(r) / static_cast<double>(n);
    w[static_cast<std::size_t>(k)] = {std::cos(angle), sign * std::sin(angle)};
    r = (r + 2 * k + 1) % (2 * n);
  }
  return w;
}

// One length and direction, immutable once built.
template <class T>
struct C2cPlan {
  std::int64_t n = 0;  // n == 1 is a copy
  std::optional<kissfft<T>> direct;
  // kissfft's generic radix (prime factors above 5) writes a scratch member inside its const
  // transform, so each chunk of lines transforms with its own copy of such a plan.
  bool generic = false;
  // Long lengths n = n1 n2 in six steps (transpose, n2 transforms of length n1, twiddle and transpose,
  // n1 of length n2, transpose): kissfft's single recursion misses the cache once n outgrows it.
  std::shared_ptr<const C2cPlan<T>> rows1, rows2;
  std::vector<Cx<T>> split_twiddle;  // [k1][j2]: exp(-+2 pi i j2 k1 / n), computed in double
  // Bluestein: out_k = w_k conj(F(conj(F(a) kernel)))_k with a_j = w_j in_j zero-padded to length m,
  // F the forward transform of length m and kernel = F(conj w, wrapped around) / m (computed in
  // double). The second F with conjugates is the inverse transform, so one plan serves both.
  std::shared_ptr<const C2cPlan<T>> fft_m;
  std::vector<Cx<T>> w, kernel;

  std::int64_t work() const { return fft_m ? 3 * fft_m->n : n; }
};

// dst[c * rows + r] = src[r * cols + c], times tw[c * rows + r] if given, in tiles that stay in cache.
template <class T>
void transpose(const Cx<T>* src, Cx<T>* dst, std::int64_t rows, std::int64_t cols, const Cx<T>* tw) {
  constexpr std::int64_t tile = 16;
  for (std::int64_t r0 = 0; r0 < rows; r0 += tile) {
    for (std::int64_t c0 = 0; c0 < cols; c0 += tile) {
      const std::int64_t r1 = std::min(rows, r0 + tile), c1 = std::min(cols, c0 + tile);
      for (std::int64_t c = c0; c < c1; ++c) {
        for (std::int64_t r = r0; r < r1; ++r) {
          dst[c * rows + r] = tw ? src[r * cols + c] * tw[c * rows + r] : src[r * cols + c];
        }
      }
    }
  }
}

// The transform of one contiguous line as one chunk of lines runs it: the chunk's scratch, and its
// own copy of a kissfft with a generic radix.
template <class T>
class C2c {
 public:
  explicit C2c(const C2cPlan<T>& plan) : p_(plan) {
    if (plan.generic) own_.emplace(*plan.direct);
    if (plan.rows1) {
      sub1_ = std::make_unique<C2c>(*plan.rows1);
      sub2_ = std::make_unique<C2c>(*plan.rows2);
      a_.resize(static_cast<std::size_t>(plan.n));
    } else if (plan.fft_m) {
      sub1_ = std::make_unique<C2c>(*plan.fft_m);
      a_.resize(static_cast<std::size_t>(plan.fft_m->n));
      b_.resize(a_.size());
    }
  }

  void operator()(const Cx<T>* in, Cx<T>* out) {
    const std::int64_t n = p_.n;
    if (n == 1) {
      *out = *in;
    } else if (p_.direct) {
      (own_ ? *own_ : *p_.direct).transform(in, out);
    } else if (p_.rows1) {  // out serves as the second scratch buffer
      const std::int64_t n1 = p_.rows1->n, n2 = p_.rows2->n;
      Cx<T>* a = a_.data();
      transpose<T>(in, out, n1, n2, nullptr);
      for (std::int64_t j2 = 0; j2 < n2; ++j2) (*sub1_)(out + j2 * n1, a + j2 * n1);
      transpose<T>(a, out, n2, n1, p_.split_twiddle.data());
      for (std::int64_t k1 = 0; k1 < n1; ++k1) (*sub2_)(out + k1 * n2, a + k1 * n2);
      transpose<T>(a, out, n1, n2, nullptr);
    } else {
      const auto sn = static_cast<std::size_t>(n);
      for (std::size_t j = 0; j < sn; ++j) a_[j] = in[j] * p_.w[j];
      std::fill(a_.begin() + n, a_.end(), Cx<T>{});
      (*sub1_)(a_.data(), b_.data());
      for (std::size_t k = 0; k < b_.size(); ++k) b_[k] = std::conj(b_[k] * p_.kernel[k]);
      (*sub1_)(b_.data(), a_.data());
      for (std::size_t k = 0; k < sn; ++k) out[k] = p_.w[k] * std::conj(a_[k]);
    }
  }

 private:
  const C2cPlan<T>& p_;
  std::optional<kissfft<T>> own_;
  std::unique_ptr<C2c> sub1_, sub2_;
  std::vector<Cx<T>> a_, b_;
};

template <class T>
std::shared_ptr<const C2cPlan<T>> c2c_plan(std::int64_t n, bool inverse);

// The largest divisor of n that is at most sqrt(n).
std::int64_t split_factor(std::int64_t n) {
  std::int64_t d = static_cast<std::int64_t>(std::sqrt(static_cast<double>(n)));
  while (d * d > n) --d;
  while (n % d != 0) --d;
  return d;
}

template <class T>
std::shared_ptr<const C2cPlan<T>> make_c2c_plan(std::int64_t n, bool inverse) {
  auto plan = std::make_shared<C2cPlan<T>>();
  plan->n = n;
  if (n == 1) return plan;
  if (const std::int64_t p = largest_prime_factor(n); !use_bluestein(n, p)) {
    if (const std::int64_t n1 = split_factor(n); n >= split_min_length && n1 >= 16) {
      const std::int64_t n2 = n / n1;
      plan->rows1 = c2c_plan<T>(n1, inverse);
      plan->rows2 = c2c_plan<T>(n2, inverse);
      plan->split_twiddle.resize(static_cast<std::size_t>(n));
      const double scale = (inverse ? 2 : -2) * std::numbers::pi / static_cast<double>(n);
      for (std::int64_t k1 = 0; k1 < n1; ++k1) {
        for (std::int64_t j2 = 0, r = 0; j2 < n2; ++j2, r += k1) {  // r = j2 k1 < n
          plan->split_twiddle[static_cast<std::size_t>(k1 * n2 + j2)] =
              Cx<T>(std::polar(1.0, scale * static_cast<double>(r)));
        }
      }
    } else {
      plan->direct.emplace(static_cast<std::size_t>(n), inverse);
      plan->generic = p > 5;
    }
    return plan;
  }
  const std::int64_t m = next_smooth(2 * n - 1);
  const auto sm = static_cast<std::size_t>(m);
  const std::vector<Cx<double>> w = chirp(n, inverse);
  std::vector<Cx<double>> b(sm), kernel(sm);
  b[0] = std::conj(w[0]);
  for (std::size_t k = 1; k < w.size(); ++k) b[k] = b[sm - k] = std::conj(w[k]);
  plan->fft_m = c2c_plan<T>(m, false);
  if constexpr (std::is_same_v<T, double>) {
    C2c<double>(*plan->fft_m)(b.data(), kernel.data());
  } else {
    C2c<double>(*make_c2c_plan<double>(m, false))(b.data(), kernel.data());
  }
  plan->w.assign(w.begin(), w.end());
  plan->kernel.resize(sm);
  for (std::size_t k = 0; k < sm; ++k) plan->kernel[k] = Cx<T>(kernel[k] / static_cast<double>(m));
  return std::shared_ptr<const C2cPlan<T>>(std::move(plan));
}

// Real transforms. Even n: the half-length complex transform of z_j = x_2j + i x_2j+1, split into the
// spectrum of x (and back) with the twiddles W^k = exp(-2 pi i k / n), k <= n / 4, computed in double.
// Odd n: the full-length complex transform of the real line.
template <class T>
struct RealPlan {
  std::int64_t n = 0;
  bool inverse = false;
  std::shared_ptr<const C2cPlan<T>> c2c;
  std::vector<Cx<T>> twiddle;
};

// Plans by (n, direction), built outside the lock (two threads may build the same plan; the first
// inserted wins) and handed out as shared_ptr, so an evicted plan lives on while a transform uses it.
template <class Plan>
class PlanCache {
 public:
  template <class Make>
  std::shared_ptr<const Plan> get(std::int64_t n, bool inverse, const Make& make) {
    const Key key{n, inverse};
    {
      std::lock_guard lock(mu_);
      if (auto it = plans_.find(key); it != plans_.end()) return touch(it->second);
    }
    std::shared_ptr<const Plan> plan = make();  // may throw std::bad_alloc: nothing inserted
    std::lock_guard lock(mu_);
    Entry& entry = plans_.try_emplace(key, Entry{std::move(plan), 0}).first->second;
    touch(entry);
    if (plans_.size() > max_plans) {  // drop the least recently used (never the entry just touched)
      plans_.erase(std::min_element(plans_.begin(), plans_.end(), [](const auto& x, const auto& y) {
        return x.second.last_use < y.second.last_use;
      }));
    }
    return entry.plan;
  }

 private:
  static constexpr std::size_t max_plans = 64;
  using Key = std::pair<std::int64_t, bool>;
  struct Entry {
    std::shared_ptr<const Plan> plan;
    std::uint64_t last_use;
  };

  std::shared_ptr<const Plan> touch(Entry& e) {
    e.last_use = ++clock_;
    return e.plan;
  }

  std::mutex mu_;
  std::map<Key, Entry> plans_;
  std::uint64_t clock_ = 0;
};

template <class T>
std::shared_ptr<const C2cPlan<T>> c2c_plan(std::int64_t n, bool inverse) {
  static PlanCache<C2cPlan<T>> cache;
  return cache.get(n, inverse, [&] { return make_c2c_plan<T>(n, inverse); });
}

template <class T>
std::shared_ptr<const RealPlan<T>> real_plan(std::int64_t n, bool inverse) {
  static PlanCache<RealPlan<T>> cache;
  return cache.get(n, inverse, [&] {
    auto plan = std::make_shared<RealPlan<T>>();
    plan->n = n;
    plan->inverse = inverse;
    plan->c2c = c2c_plan<T>(n % 2 == 0 ? n / 2 : n, inverse);
    if (n % 2 == 0) {
      for (std::int64_t k = 0; k <= n / 4; ++k) {
        const double angle = -2 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(n);
        plan->twiddle.emplace_back(std::cos(angle), std::sin(angle));
      }
    }
    return std::shared_ptr<const RealPlan<T>>(std::move(plan));
  });
}

// Real lines, either way, through one complex transform each.
template <class T>
class Real {
 public:
  explicit Real(const RealPlan<T>& plan)
      : p_(plan), c2c_(*plan.c2c), z_(static_cast<std::size_t>(plan.c2c->n)),
        y_(plan.n % 2 == 0 && !plan.inverse ? 0 : z_.size()) {}

  void operator()(const T* in, Cx<T>* out) {
    const std::int64_t n = p_.n, h = n / 2;
    if (n % 2 == 1) {
      for (std::int64_t j = 0; j < n; ++j) z_[j] = in[j];
      c2c_(z_.data(), y_.data());
      std::copy_n(y_.data(), h + 1, out);
      return;
    }
    for (std::int64_t j = 0; j < h; ++j) z_[j] = {in[2 * j], in[2 * j + 1]};
    c2c_(z_.data(), out);  // Z_0..Z_h-1 in place of the spectrum, then split pairwise
    const Cx<T> z0 = out[0];
    out[0] = z0.real() + z0.imag();
    out[h] = z0.real() - z0.imag();
    for (std::int64_t k = 1; 2 * k <= h; ++k) {
      const Cx<T> a = out[k], b = std::conj(out[h - k]);
      const Cx<T> even = (a + b) * T(0.5), d = (a - b) * T(0.5);
      const Cx<T> t = p_.twiddle[k] * Cx<T>(d.imag(), -d.real());  // W^k (a - b) / 2i
      out[k] = even + t;
      out[h - k] = std::conj(even - t);
    }
  }

  void operator()(const Cx<T>* in, T* out) {
    const std::int64_t n = p_.n, h = n / 2;
    if (n % 2 == 1) {
      z_[0] = in[0].real();
      for (std::int64_t k = 1; k <= h; ++k) {
        z_[k] = in[k];
        z_[n - k] = std::conj(in[k]);
      }
      c2c_(z_.data(), y_.data());
      for (std::int64_t j = 0; j < n; ++j) out[j] = y_[j].real();
      return;
    }
    // Z_k = (X_k + conj X_h-k) + i conj(W^k) (X_k - conj X_h-k): twice the spectrum of z.
    const T x0 = in[0].real(), xh = in[h].real();
    z_[0] = {x0 + xh, x0 - xh};
    for (std::int64_t k = 1; 2 * k <= h; ++k) {
      const Cx<T> a = in[k], b = std::conj(in[h - k]);
      const Cx<T> even = a + b, d = std::conj(p_.twiddle[k]) * (a - b);
      const Cx<T> t(-d.imag(), d.real());  // i d
      z_[k] = even + t;
      z_[h - k] = std::conj(even - t);
    }
    c2c_(z_.data(), y_.data());
    for (std::int64_t j = 0; j < h; ++j) {
      out[2 * j] = y_[j].real();
      out[2 * j + 1] = y_[j].imag();
    }
  }

 private:
  const RealPlan<T>& p_;
  C2c<T> c2c_;
  std::vector<Cx<T>> z_, y_;
};

// Runs Line (built once per chunk) over the outer * inner lines [o, :, i] of in ([outer, n_in, inner])
// and out ([outer, n_out, inner]). Strided lines are gathered a few at a time, so that each row of
// the gather reads neighbouring elements, and scattered back the same way.
template <class Line, class Plan, class In, class Out>
void run_lines(const Plan& plan, std::int64_t work, const In* in, Out* out, std::int64_t outer,
               std::int64_t n_in, std::int64_t n_out, std::int64_t inner) {
  const std::int64_t grain = std::max<std::int64_t>(1, fft_grain / work);
  parallel_for(outer * inner, grain, [&](std::int64_t begin, std::int64_t end) {
    Line line(plan);
    if (inner == 1) {
      for (std::int64_t l = begin; l < end; ++l) line(in + l * n_in, out + l * n_out);
      return;
    }
    // Up to 8 lines (a cache line of complex<float>) and 16384 elements at a time: measured, larger
    // blocks fall out of the cache and are slower.
    const std::int64_t block = std::clamp<std::int64_t>(16384 / std::max(n_in, n_out), 1, 8);
    std::vector<In> src(static_cast<std::size_t>(block * n_in));
    std::vector<Out> dst(static_cast<std::size_t>(block * n_out));
    for (std::int64_t l = begin; l < end;) {
      const std::int64_t o = l / inner, i = l % inner, b = std::min({block, end - l, inner - i});
      const In* from = in + o * n_in * inner + i;
      for (std::int64_t j = 0; j < n_in; ++j) {
        for (std::int64_t t = 0; t < b; ++t) src[t * n_in + j] = from[j * inner + t];
      }
      for (std::int64_t t = 0; t < b; ++t) line(src.data() + t * n_in, dst.data() + t * n_out);
      Out* to = out + o * n_out * inner + i;
      for (std::int64_t k = 0; k < n_out; ++k) {
        for (std::int64_t t = 0; t < b; ++t) to[k * inner + t] = dst[t * n_out + k];
      }
      l += b;
    }
  });
}

}  // namespace

template <class T>
void fft_c2c(const Cx<T>* in, Cx<T>* out, std::int64_t outer, std::int64_t n, std::int64_t inner, bool inverse) {
  if (n <= 0 || outer <= 0 || inner <= 0) return;
  const auto plan = c2c_plan<T>(n, inverse);
  run_lines<C2c<T>>(*plan, plan->work(), in, out, outer, n, n, inner);
}

template <class T>
void fft_r2c(const T* in, Cx<T>* out, std::int64_t outer, std::int64_t n, std::int64_t inner) {
  if (n <= 0 || outer <= 0 || inner <= 0) return;
  const auto plan = real_plan<T>(n, false);
  run_lines<Real<T>>(*plan, plan->c2c->work(), in, out, outer, n, n / 2 + 1, inner);
}

template <class T>
void fft_c2r(const Cx<T>* in, T* out, std::int64_t outer, std::int64_t n, std::int64_t inner) {
  if (n <= 0 || outer <= 0 || inner <= 0) return;
  const auto plan = real_plan<T>(n, true);
  run_lines<Real<T>>(*plan, plan->c2c->work(), in, out, outer, n / 2 + 1, n, inner);
}

template void fft_c2c<float>(const Cx<float>*, Cx<float>*, std::int64_t, std::int64_t, std::int64_t, bool);
template void fft_c2c<double>(const Cx<double>*, Cx<double>*, std::int64_t, std::int64_t, std::int64_t, bool);
template void fft_r2c<float>(const float*, Cx<float>*, std::int64_t, std::int64_t, std::int64_t);
template void fft_r2c<double>(const double*, Cx<double>*, std::int64_t, std::int64_t, std::int64_t);
template void fft_c2r<float>(const Cx<float>*, float*, std::int64_t, std::int64_t, std::int64_t);
template void fft_c2r<double>(const Cx<double>*, double*, std::int64_t, std::int64_t, std::int64_t);

}  // namespace xjax::kernels
