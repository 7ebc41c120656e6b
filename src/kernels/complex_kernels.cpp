// Complex elementwise kernels and reductions (kernels/complex_kernels.hpp).
#include "kernels/complex_kernels.hpp"

#include <cmath>
#include <complex>
#include <numbers>

#include "kernels/copy.hpp"
#include "kernels/dispatch.hpp"
#include "kernels/thread_pool.hpp"

namespace xjax::kernels {
namespace {

// The element of operand k at i, where a 0-d operand (size 1) broadcasts.
template <class T>
struct Operand {
  const T* p;
  std::int64_t step;
  Operand(const TileArgs& a, int k) : p(reinterpret_cast<const T*>(a.in[k])), step(a.in_size[k] == 1 ? 0 : 1) {}
  T operator[](std::int64_t i) const { return p[i * step]; }
};

template <class F>
void unary(const TileArgs& a, F f) {
  dispatch_complex(a.in_dtype[0], [&](auto tag) {
    using C = typename decltype(tag)::type;
    Operand<C> x(a, 0);
    using Out = decltype(f(C{}));
    Out* o = reinterpret_cast<Out*>(a.out);
    for (std::int64_t i = 0; i < a.n; ++i) o[i] = f(x[i]);
  });
}
template <class F>
void binary(const TileArgs& a, F f) {
  dispatch_complex(a.in_dtype[0], [&](auto tag) {
    using C = typename decltype(tag)::type;
    Operand<C> x(a, 0), y(a, 1);
    using Out = decltype(f(C{}, C{}));
    Out* o = reinterpret_cast<Out*>(a.out);
    for (std::int64_t i = 0; i < a.n; ++i) o[i] = f(x[i], y[i]);
  });
}

// The textbook product, as XLA computes it (std::complex's operator* adds C99 Annex G's inf/nan
// recovery, a library call per element).
template <class C>
C mul(C x, C y) {
  return {x.real() * y.real() - x.imag() * y.imag(), x.real() * y.imag() + x.imag() * y.real()};
}

// log(1 + z) without cancellation for small |z|: log|1 + z| = log1p(2x + x^2 + y^2) / 2.
template <class C>
C log1p(C z) {
  using R = typename C::value_type;
  const R x = z.real(), y = z.imag();
  if (std::abs(x) < R(0.5) && std::abs(y) < R(0.5))
    return {std::log1p(x * (R(2) + x) + y * y) / R(2), std::atan2(y, R(1) + x)};
  return std::log(C(R(1) + x, y));
}
// exp(z) - 1 without cancellation: Re = expm1(x) cos y - 2 sin^2(y/2), Im = e^x sin y.
template <class C>
C expm1(C z) {
  using R = typename C::value_type;
  const R x = z.real(), y = z.imag(), s = std::sin(y / R(2));
  return {std::expm1(x) * std::cos(y) - R(2) * s * s, std::exp(x) * std::sin(y)};
}

template <class C>
C ipow(C base, std::int64_t n) {
  C acc(1);
  for (std::uint64_t e = n < 0 ? static_cast<std::uint64_t>(-n) : static_cast<std::uint64_t>(n); e; e >>= 1) {
    if (e & 1) acc = mul(acc, base);
    if (e > 1) base = mul(base, base);
  }
  return n < 0 ? C(1) / acc : acc;
}

void make_complex(const TileArgs& a) {
  auto run = [&](auto tag) {
    using R = typename decltype(tag)::type;
    Operand<R> re(a, 0), im(a, 1);
    auto* o = reinterpret_cast<std::complex<R>*>(a.out);
    for (std::int64_t i = 0; i < a.n; ++i) o[i] = {re[i], im[i]};
  };
  if (a.in_dtype[0] == float64) run(TypeTag<double>{});
  else run(TypeTag<float>{});
}

}  // namespace

const ComplexKernels complex_kernels{
    .neg = [](const TileArgs& a) { unary(a, [](auto z) { return -z; }); },
    .abs = [](const TileArgs& a) { unary(a, [](auto z) { return std::abs(z); }); },
    .sign = [](const TileArgs& a) { unary(a, [](auto z) { return z == decltype(z)(0) ? z : z / std::abs(z); }); },
    .exp = [](const TileArgs& a) { unary(a, [](auto z) { return std::exp(z); }); },
    .exp2 = [](const TileArgs& a) {
      unary(a, [](auto z) { return std::exp(z * typename decltype(z)::value_type(std::numbers::ln2)); });
    },
    .log = [](const TileArgs& a) { unary(a, [](auto z) { return std::log(z); }); },
    .log1p = [](const TileArgs& a) { unary(a, [](auto z) { return log1p(z); }); },
    .expm1 = [](const TileArgs& a) { unary(a, [](auto z) { return expm1(z); }); },
    .sqrt = [](const TileArgs& a) { unary(a, [](auto z) { return std::sqrt(z); }); },
    .rsqrt = [](const TileArgs& a) { unary(a, [](auto z) { return decltype(z)(1) / std::sqrt(z); }); },
    .sin = [](const TileArgs& a) { unary(a, [](auto z) { return std::sin(z); }); },
    .cos = [](const TileArgs& a) { unary(a, [](auto z) { return std::cos(z); }); },
    .tan = [](const TileArgs& a) { unary(a, [](auto z) { return std::tan(z); }); },
    .asin = [](const TileArgs& a) { unary(a, [](auto z) { return std::asin(z); }); },
    .acos = [](const TileArgs& a) { unary(a, [](auto z) { return std::acos(z); }); },
    .atan = [](const TileArgs& a) { unary(a, [](auto z) { return std::atan(z); }); },
    .sinh = [](const TileArgs& a) { unary(a, [](auto z) { return std::sinh(z); }); },
    .cosh = [](const TileArgs& a) { unary(a, [](auto z) { return std::cosh(z); }); },
    .tanh = [](const TileArgs& a) { unary(a, [](auto z) { return std::tanh(z); }); },
    .asinh = [](const TileArgs& a) { unary(a, [](auto z) { return std::asinh(z); }); },
    .acosh = [](const TileArgs& a) { unary(a, [](auto z) { return std::acosh(z); }); },
    .atanh = [](const TileArgs& a) { unary(a, [](auto z) { return std::atanh(z); }); },
    .logistic = [](const TileArgs& a) {
      unary(a, [](auto z) { return decltype(z)(1) / (decltype(z)(1) + std::exp(-z)); });
    },
    .identity = [](const TileArgs& a) { unary(a, [](auto z) { return z; }); },
    .add = [](const TileArgs& a) { binary(a, [](auto x, auto y) { return x + y; }); },
    .sub = [](const TileArgs& a) { binary(a, [](auto x, auto y) { return x - y; }); },
    .mul = [](const TileArgs& a) { binary(a, [](auto x, auto y) { return mul(x, y); }); },
    .div = [](const TileArgs& a) { binary(a, [](auto x, auto y) { return x / y; }); },
    // 0 ** 0 is 1 and 0 ** y is 0 for Re(y) > 0, as numpy (std::pow goes through log(0)).
    .pow = [](const TileArgs& a) {
      binary(a, [](auto x, auto y) {
        using C = decltype(x);
        if (x == C(0)) return y == C(0) ? C(1) : y.imag() == 0 && y.real() > 0 ? C(0) : std::pow(x, y);
        return std::pow(x, y);
      });
    },
    .eq = [](const TileArgs& a) { binary(a, [](auto x, auto y) { return x == y; }); },
    .ne = [](const TileArgs& a) { binary(a, [](auto x, auto y) { return x != y; }); },
    .real = [](const TileArgs& a) { unary(a, [](auto z) { return z.real(); }); },
    .imag = [](const TileArgs& a) { unary(a, [](auto z) { return z.imag(); }); },
    .conj = [](const TileArgs& a) { unary(a, [](auto z) { return std::conj(z); }); },
    .make_complex = make_complex,
    .integer_pow = [](const TileArgs& a) {
      const std::int64_t n = a.params->get_int("y");
      unary(a, [n](auto z) { return ipow(z, n); });
    },
};

namespace {
// Sum or product of n contiguous elements; sums pairwise over tiles, in complex<double>.
template <class C>
C fold(bool prod, const C* x, std::int64_t n) {
  if (prod) {
    C acc(1);
    for (std::int64_t i = 0; i < n; ++i) acc = mul(acc, x[i]);
    return acc;
  }
  constexpr std::int64_t tile = 1024;
  if (n > tile) {
    const std::int64_t half = (n / tile + 1) / 2 * tile;
    return fold(false, x, half) + fold(false, x + half, n - half);
  }
  std::complex<double> acc(0);
  for (std::int64_t i = 0; i < n; ++i) acc += std::complex<double>(x[i]);
  return C(acc);
}
}  // namespace

void complex_reduce(bool prod, DType d, const void* x, const Shape& shape, const std::vector<bool>& reduced, void* out) {
  dispatch_complex(d, [&](auto tag) {
    using C = typename decltype(tag)::type;
    // Move the reduced axes last (kept axes first, in order): each output is one contiguous row.
    const std::vector<std::int64_t> strides = row_major_strides(shape);
    std::vector<CopyDim> dims;
    std::int64_t rows = 1, row = 1;
    for (int pass = 0; pass < 2; ++pass)
      for (std::size_t k = 0; k < shape.size(); ++k)
        if (reduced[k] == (pass == 1)) {
          dims.push_back({shape[k], strides[k], 0});
          (pass ? row : rows) *= shape[k];
        }
    std::int64_t dst_stride = 1;
    for (auto it = dims.rbegin(); it != dims.rend(); ++it) {
      it->dst_stride = dst_stride;
      dst_stride *= it->size;
    }
    std::vector<C> moved(static_cast<std::size_t>(rows * row));
    if (!moved.empty())
      strided_copy(dims, sizeof(C), static_cast<const std::byte*>(x), reinterpret_cast<std::byte*>(moved.data()));
    C* o = static_cast<C*>(out);
    parallel_for(rows, std::max<std::int64_t>(1, parallel_grain / std::max<std::int64_t>(row, 1)),
                 [&](std::int64_t b, std::int64_t e) {
                   for (std::int64_t r = b; r < e; ++r) o[r] = fold(prod, moved.data() + r * row, row);
                 });
  });
}

void complex_scan(bool prod, DType d, const void* x, std::int64_t outer, std::int64_t n, std::int64_t inner,
                  bool reverse, void* out) {
  dispatch_complex(d, [&](auto tag) {
    using C = typename decltype(tag)::type;
    const C* in = static_cast<const C*>(x);
    C* o = static_cast<C*>(out);
    for (std::int64_t a = 0; a < outer; ++a)
      for (std::int64_t b = 0; b < inner; ++b) {
        C acc = prod ? C(1) : C(0);
        for (std::int64_t k = 0; k < n; ++k) {
          const std::int64_t i = (a * n + (reverse ? n - 1 - k : k)) * inner + b;
          acc = prod ? mul(acc, in[i]) : acc + in[i];
          o[i] = acc;
        }
      }
  });
}

}  // namespace xjax::kernels
