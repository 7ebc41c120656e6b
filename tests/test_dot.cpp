// linalg family: dot_general (eager kernel against a plain-loop reference, every rule called
// directly) and the numpy wrappers dot, matmul, outer, inner, vdot.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <string>

#include "array/array_impl.hpp"
#include "kernels/dispatch.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;
using xj::Arrays;
using xj::DType;
using xj::Ints;
using xj::Shape;

namespace {

// Deterministic inputs: small values in every dtype (ints can be negative, bools mixed).
Array make(const Shape& s, DType d, int seed) {
  std::vector<double> v(static_cast<std::size_t>(xj::shape_size(s)));
  for (std::size_t i = 0; i < v.size(); ++i) {
    const auto k = static_cast<long>(i) * 7 + seed * 3;
    if (xj::is_floating(d))
      v[i] = std::sin(0.7 * static_cast<double>(i) + seed);
    else if (d == xj::bool_)
      v[i] = (k % 3) != 0;
    else if (d == xj::uint32)
      v[i] = static_cast<double>(k % 11);
    else
      v[i] = static_cast<double>(k % 11 - 5);
  }
  return xj::array(v, s).astype(d);
}

// Element values: floats as doubles, integers and bools as their bits modulo 2^64 (signed ones
// sign-extended), so that wrapped integer arithmetic can be compared exactly.
struct Values {
  std::vector<double> f;
  std::vector<std::uint64_t> i;
};
Values values_of(const Array& x) {
  Values r;
  xj::dispatch_any_dtype(x.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* p = static_cast<const T*>(x.raw_data());
    for (std::int64_t k = 0; k < x.size(); ++k) {
      if constexpr (std::is_floating_point_v<T> || xj::is_half_v<T>)
        r.f.push_back(static_cast<double>(p[k]));
      else if constexpr (xj::is_complex_v<T>)  // the operands here have zero imaginary parts
        r.f.push_back(static_cast<double>(p[k].real()));
      else if constexpr (std::is_same_v<T, bool>)
        r.i.push_back(p[k] ? 1 : 0);
      else
        r.i.push_back(static_cast<std::uint64_t>(static_cast<std::int64_t>(p[k])));
    }
  });
  return r;
}

std::vector<std::int64_t> strides_of(const Shape& s) {
  std::vector<std::int64_t> st(s.size(), 1);
  for (std::size_t a = s.size(); a-- > 1;) st[a - 1] = st[a] * s[a];
  return st;
}

// The reference: lax.dot_general by plain loops over output and contraction indices.
Values reference_dot(const Array& x, const Array& y, const Ints& lc, const Ints& rc, const Ints& lb, const Ints& rb,
                     Shape& out_shape) {
  auto free_of = [](int nd, const Ints& c, const Ints& b) {
    Ints r;
    for (std::int64_t a = 0; a < nd; ++a)
      if (std::find(c.begin(), c.end(), a) == c.end() && std::find(b.begin(), b.end(), a) == b.end()) r.push_back(a);
    return r;
  };
  const Ints xf = free_of(x.ndim(), lc, lb), yf = free_of(y.ndim(), rc, rb);
  out_shape.clear();
  for (auto a : lb) out_shape.push_back(x.shape()[a]);
  for (auto a : xf) out_shape.push_back(x.shape()[a]);
  for (auto a : yf) out_shape.push_back(y.shape()[a]);
  Shape k_shape;
  for (auto a : lc) k_shape.push_back(x.shape()[a]);
  const auto xs = strides_of(x.shape()), ys = strides_of(y.shape()), os = strides_of(out_shape),
             ks = strides_of(k_shape);
  const Values xv = values_of(x), yv = values_of(y);
  const bool fl = xj::is_inexact(x.dtype());
  Values out;
  const std::int64_t n = xj::shape_size(out_shape), nk = xj::shape_size(k_shape);
  for (std::int64_t o = 0; o < n; ++o) {
    std::int64_t xo = 0, yo = 0, pos = 0;
    auto idx = [&](std::size_t d) { return o / os[d] % out_shape[d]; };
    for (std::size_t i = 0; i < lb.size(); ++i, ++pos) xo += idx(pos) * xs[lb[i]], yo += idx(pos) * ys[rb[i]];
    for (auto a : xf) xo += idx(pos++) * xs[a];
    for (auto a : yf) yo += idx(pos++) * ys[a];
    double f = 0;
    std::uint64_t u = 0;
    for (std::int64_t k = 0; k < nk; ++k) {
      std::int64_t xk = xo, yk = yo;
      for (std::size_t i = 0; i < lc.size(); ++i) {
        const std::int64_t ki = k / ks[i] % k_shape[i];
        xk += ki * xs[lc[i]];
        yk += ki * ys[rc[i]];
      }
      if (fl)
        f += xv.f[xk] * yv.f[yk];
      else
        u += xv.i[xk] * yv.i[yk];
    }
    if (fl)
      out.f.push_back(f);
    else
      out.i.push_back(x.dtype() == xj::bool_ ? (u != 0) : u);
  }
  return out;
}

// Compares an integer result with the reference modulo the dtype's width (wrap-around).
bool same_bits(std::uint64_t a, std::uint64_t b, DType d) {
  const std::uint64_t mask = xj::itemsize(d) == 8 ? ~0ULL : (1ULL << (8 * xj::itemsize(d))) - 1;
  return (a & mask) == (b & mask);
}

void check_against_reference(const Array& got, const Array& x, const Array& y, const Ints& lc, const Ints& rc,
                             const Ints& lb, const Ints& rb) {
  Shape want_shape;
  const Values want = reference_dot(x, y, lc, rc, lb, rb, want_shape);
  REQUIRE(got.shape() == want_shape);
  REQUIRE(got.dtype() == x.dtype());
  const Values v = values_of(got);
  // float16 and bfloat16 accumulate in float32 and round once.
  const double tol = x.dtype() == xj::float32 ? 1e-5 : xj::is_half(x.dtype()) ? xj::finfo(x.dtype()).eps : 1e-12;
  for (std::size_t k = 0; k < want.f.size(); ++k)
    CHECK(std::abs(v.f[k] - want.f[k]) <= tol * (1 + std::abs(want.f[k])));
  for (std::size_t k = 0; k < want.i.size(); ++k) CHECK(same_bits(v.i[k], want.i[k], x.dtype()));
}

struct Config {
  Shape xs, ys;
  Ints lc, rc, lb, rb;
  const char* label;
};

const std::vector<Config>& configs() {
  static const std::vector<Config> c = {
      {{3, 4}, {4, 5}, {1}, {0}, {}, {}, "matrix product"},
      {{4, 3}, {5, 4}, {0}, {1}, {}, {}, "both operands read transposed"},
      {{3, 4}, {5, 4}, {1}, {1}, {}, {}, "rhs transposed"},
      {{2, 3, 4}, {2, 4, 5}, {2}, {1}, {0}, {0}, "batched"},
      {{3, 2, 4}, {4, 2, 5}, {2}, {0}, {1}, {1}, "batch axes not leading (copies)"},
      {{2, 3, 4}, {4, 3, 5}, {1, 2}, {1, 0}, {}, {}, "two contracting axes, crossed"},
      {{2, 3, 4}, {3, 5}, {1}, {0}, {}, {}, "free axes around the contracted one"},
      {{3, 4}, {4}, {1}, {0}, {}, {}, "matrix-vector"},
      {{4, 3}, {4}, {0}, {0}, {}, {}, "transposed matrix-vector"},
      {{4}, {4, 5}, {0}, {0}, {}, {}, "vector-matrix"},
      {{4}, {5, 4}, {0}, {1}, {}, {}, "vector-transposed matrix"},
      {{5}, {5}, {0}, {0}, {}, {}, "vector dot"},
      {{3}, {4}, {}, {}, {}, {}, "outer product"},
      {{}, {}, {}, {}, {}, {}, "0-d product"},
      {{}, {2, 3}, {}, {}, {}, {}, "0-d times matrix"},
      {{1, 4}, {4, 1}, {1}, {0}, {}, {}, "unit extents"},
      {{2, 1, 3}, {2, 3, 1}, {2}, {1}, {0}, {0}, "batched unit extents"},
      {{0, 4}, {4, 5}, {1}, {0}, {}, {}, "zero rows"},
      {{3, 0}, {0, 5}, {1}, {0}, {}, {}, "empty contraction gives zeros"},
      {{0, 3, 4}, {0, 4, 2}, {2}, {1}, {0}, {0}, "zero batch"},
      {{2, 3, 4, 5}, {5, 2, 4, 3}, {2, 3}, {2, 0}, {0}, {1}, "4-d mixed"},
  };
  return c;
}

Array slice_axis(const Array& x, int axis, std::int64_t i) {  // x[..., i, ...] by plain loops
  Shape s = x.shape();
  const std::int64_t n = s[axis];
  s.erase(s.begin() + axis);
  const std::int64_t inner = xj::shape_size(Shape(x.shape().begin() + axis + 1, x.shape().end()));
  const std::int64_t outer = xj::shape_size(Shape(x.shape().begin(), x.shape().begin() + axis));
  const std::size_t item = xj::itemsize(x.dtype());
  std::vector<std::byte> buf(static_cast<std::size_t>(outer * inner) * item + 1);
  const auto* src = static_cast<const std::byte*>(x.raw_data());
  for (std::int64_t o = 0; o < outer; ++o)
    std::memcpy(buf.data() + o * inner * item, src + ((o * n + i) * inner) * item, inner * item);
  return xj::from_data(buf.data(), x.dtype(), s);
}

double inner_product(const Array& a, const Array& b) {
  const Values u = values_of(a), v = values_of(b);
  double s = 0;
  for (std::size_t k = 0; k < u.f.size(); ++k) s += u.f[k] * v.f[k];
  return s;
}

const xj::Primitive& dot_p() { return *xj::find_primitive("dot_general"); }
xj::Params params_for(const Config& c) {
  return {{"lhs_contracting_dimensions", c.lc},
          {"rhs_contracting_dimensions", c.rc},
          {"lhs_batch_dimensions", c.lb},
          {"rhs_batch_dimensions", c.rb}};
}

}  // namespace

TEST_CASE("linalg: dot_general matches the loop reference for every layout and dtype") {
  for (const Config& c : configs())
    for (DType d : xj::all_dtypes) {
      CAPTURE(c.label);
      CAPTURE(d);
      const Array x = make(c.xs, d, 1), y = make(c.ys, d, 2);
      check_against_reference(xj::dot_general(x, y, c.lc, c.rc, c.lb, c.rb), x, y, c.lc, c.rc, c.lb, c.rb);
    }
}

TEST_CASE("linalg: dot_general through BLAS on larger operands") {
  for (DType d : {xj::float32, xj::float64}) {
    const Array x = make({3, 37, 65}, d, 3), y = make({3, 65, 29}, d, 4);
    check_against_reference(xj::dot_general(x, y, {2}, {1}, {0}, {0}), x, y, {2}, {1}, {0}, {0});
    const Array xt = make({65, 37}, d, 5), yt = make({29, 65}, d, 6);
    check_against_reference(xj::dot_general(xt, yt, {0}, {1}), xt, yt, {0}, {1}, {}, {});
  }
}

// float32 products of over 2^20 multiply-adds go to oneDNN where the build has it (docs/threads.md),
// on one thread and on more; every transposition the kernel maps to a memory layout, with and without
// a batch, must match the loop, and the thread count may change only the rounding.
TEST_CASE("linalg: large float32 products in every layout, on 1 and 2 threads") {
  const int saved = xj::num_threads();
  struct Layout {
    Shape xs, ys;
    Ints lc, rc, lb, rb;
  };
  const std::int64_t m = 128, n = 96, k = 96;  // 1.18e6 multiply-adds
  const std::vector<Layout> layouts = {{{m, k}, {k, n}, {1}, {0}, {}, {}},          {{k, m}, {k, n}, {0}, {0}, {}, {}},
                                       {{m, k}, {n, k}, {1}, {1}, {}, {}},          {{k, m}, {n, k}, {0}, {1}, {}, {}},
                                       {{3, m, k}, {3, k, n}, {2}, {1}, {0}, {0}}, {{3, k, m}, {3, k, n}, {1}, {1}, {0}, {0}},
                                       {{3, m, k}, {3, n, k}, {2}, {2}, {0}, {0}}, {{3, k, m}, {3, n, k}, {1}, {2}, {0}, {0}}};
  for (const Layout& l : layouts) {
    const Array x = make(l.xs, xj::float32, 7), y = make(l.ys, xj::float32, 8);
    Arrays results;
    for (int threads : {1, 2}) {
      xj::set_num_threads(threads);
      results.push_back(xj::dot_general(x, y, l.lc, l.rc, l.lb, l.rb));
      check_against_reference(results.back(), x, y, l.lc, l.rc, l.lb, l.rb);
    }
    CHECK(xj::allclose(results[0], results[1], 1e-5, 1e-5));
  }
  // More shapes than the library keeps made products for (256): the oldest are dropped, results stay right.
  xj::set_num_threads(2);
  for (std::int64_t rows = 2; rows < 300; ++rows) {
    const Array x = make({rows, 9}, xj::float32, 9), y = make({9, 5}, xj::float32, 10);
    check_against_reference(xj::dot_general(x, y, {1}, {0}), x, y, {1}, {0}, {}, {});
  }
  xj::set_num_threads(saved);
}

TEST_CASE("linalg: dot_general integers wrap and bools are any(and)") {
  const Array x = xj::array(std::vector<std::int32_t>{1 << 30, 1 << 30}),
              y = xj::array(std::vector<std::int32_t>{4, 3});
  CHECK(xj::dot_general(x, y, {0}, {0}).item<std::int32_t>() == -(1 << 30));  // 7 * 2^30 mod 2^32
  const Array xl = xj::array(std::vector<std::int64_t>{INT64_MAX, 2}), yl = xj::array(std::vector<std::int64_t>{2, 1});
  CHECK(xj::dot_general(xl, yl, {0}, {0}).item<std::int64_t>() == 0);  // 2^64 - 2 + 2
  const Array xu = xj::array(std::vector<std::uint32_t>{0xffffffffu}), yu = xj::array(std::vector<std::uint32_t>{2});
  CHECK(xj::dot_general(xu, yu, {0}, {0}).item<std::uint32_t>() == 0xfffffffeu);
  const Array p = xj::array(std::vector<bool>{true, false, true}), q = xj::array(std::vector<bool>{false, false, true});
  CHECK(xj::dot_general(p, q, {0}, {0}).item<bool>());
  CHECK_FALSE(xj::dot_general(p, xj::array(std::vector<bool>{false, true, false}), {0}, {0}).item<bool>());
}

TEST_CASE("linalg: dot_general negative axes and the jaxpr-visible params") {
  const Array x = make({2, 3}, xj::float64, 1), y = make({3, 4}, xj::float64, 2);
  check_against_reference(xj::dot_general(x, y, {-1}, {-2}), x, y, {1}, {0}, {}, {});
  xj::Avals out = dot_p().shape({x.aval(), y.aval()}, params_for({{}, {}, {1}, {0}, {}, {}, ""}));
  CHECK(out[0] == xj::ShapedArray{{2, 4}, xj::float64, false});
}

TEST_CASE("linalg: dot_general errors") {
  const Array x = make({2, 3}, xj::float32, 1), y = make({4, 5}, xj::float32, 2);
  CHECK_THROWS_AS(xj::dot_general(x, y, {1}, {0}), xj::ShapeError);
  CHECK_THROWS_AS(xj::dot_general(x, make({3, 2}, xj::float64, 1), {1}, {0}), xj::DTypeError);
  CHECK_THROWS_AS(xj::dot_general(x, y, {2}, {0}), xj::IndexError);
  CHECK_THROWS_AS(xj::dot_general(x, y, {-3}, {0}), xj::IndexError);
  CHECK_THROWS_AS(xj::dot_general(x, make({3, 3}, xj::float32, 1), {1, 1}, {0, 1}), xj::ValueError);
  CHECK_THROWS_AS(xj::dot_general(x, make({3, 2}, xj::float32, 1), {1}, {0}, {0}, {}), xj::ValueError);
  CHECK_THROWS_AS(xj::dot_general(make({2, 3, 4}, xj::float32, 1), make({3, 4, 5}, xj::float32, 1), {2}, {1}, {0}, {0}),
                  xj::ShapeError);  // batch extents 2 vs 3
  CHECK_THROWS_AS(xj::dot_general(Array(), y, {}, {}), xj::ValueError);
  try {
    xj::dot_general(x, y, {1}, {0});
  } catch (const xj::ShapeError& e) {
    CHECK(std::string(e.what()).find("f32[2,3]") != std::string::npos);
    CHECK(std::string(e.what()).find("f32[4,5]") != std::string::npos);
  }
}

TEST_CASE("linalg: dot_general jvp rule is the product rule") {
  for (const Config& c : configs()) {
    CAPTURE(c.label);
    const Array x = make(c.xs, xj::float64, 1), y = make(c.ys, xj::float64, 2);
    const Array tx = make(c.xs, xj::float64, 3), ty = make(c.ys, xj::float64, 4);
    const xj::Params p = params_for(c);
    const Array out = xj::dot_general(x, y, c.lc, c.rc, c.lb, c.rb);
    xj::Tangents t = dot_p().jvp({x, y}, {tx, ty}, {out}, p);
    REQUIRE(t[0]);
    Shape s;
    const Values a = reference_dot(tx, y, c.lc, c.rc, c.lb, c.rb, s),
                 b = reference_dot(x, ty, c.lc, c.rc, c.lb, c.rb, s);
    const Values got = values_of(*t[0]);
    for (std::size_t k = 0; k < a.f.size(); ++k) CHECK(got.f[k] == doctest::Approx(a.f[k] + b.f[k]));
    xj::Tangents only_y = dot_p().jvp({x, y}, {std::nullopt, ty}, {out}, p);
    const Values gy = values_of(*only_y[0]);
    for (std::size_t k = 0; k < b.f.size(); ++k) CHECK(gy.f[k] == doctest::Approx(b.f[k]));
  }
  const Array i = make({2, 3}, xj::int32, 1), j = make({3, 2}, xj::int32, 2);
  CHECK_FALSE(dot_p().jvp({i, j}, {i, std::nullopt}, {xj::dot_general(i, j, {1}, {0})}, params_for(configs()[0]))[0]);
}

TEST_CASE("linalg: dot_general transpose rules satisfy <ct, f(x)> = <f^T(ct), x>") {
  for (const Config& c : configs()) {
    CAPTURE(c.label);
    const Array x = make(c.xs, xj::float64, 1), y = make(c.ys, xj::float64, 2);
    const xj::Params p = params_for(c);
    const Array out = xj::dot_general(x, y, c.lc, c.rc, c.lb, c.rb);
    const Array ct = make(out.shape(), xj::float64, 5);
    xj::Tangents lhs = dot_p().transpose({ct}, {{std::nullopt, x.aval()}, {y, y.aval()}}, p);
    REQUIRE(lhs[0]);
    CHECK_FALSE(lhs[1]);
    CHECK(lhs[0]->aval() == x.aval());
    CHECK(inner_product(ct, out) == doctest::Approx(inner_product(*lhs[0], x)));
    xj::Tangents rhs = dot_p().transpose({ct}, {{x, x.aval()}, {std::nullopt, y.aval()}}, p);
    REQUIRE(rhs[1]);
    CHECK_FALSE(rhs[0]);
    CHECK(rhs[1]->aval() == y.aval());
    CHECK(inner_product(ct, out) == doctest::Approx(inner_product(*rhs[1], y)));
    CHECK_FALSE(dot_p().transpose({std::nullopt}, {{std::nullopt, x.aval()}, {y, y.aval()}}, p)[0]);
  }
  const Array x = make({2, 2}, xj::float64, 1);
  CHECK_THROWS_AS(
      dot_p().transpose({x}, {{std::nullopt, x.aval()}, {std::nullopt, x.aval()}}, params_for(configs()[0])),
      xj::TransformError);
}

TEST_CASE("linalg: dot_general batching rule matches a loop over examples") {
  const std::int64_t n = 3;
  for (const Config& c : configs())
    for (int which = 0; which < 3; ++which)  // both mapped, lhs only, rhs only
      for (int at = 0; at < 2; ++at) {       // batch axis first or last
        CAPTURE(c.label);
        CAPTURE(which);
        CAPTURE(at);
        const bool mx = which != 2, my = which != 1;
        auto batched_shape = [&](Shape s, int axis) {
          s.insert(s.begin() + axis, n);
          return s;
        };
        const int ax = at == 0 ? 0 : static_cast<int>(c.xs.size()), ay = at == 0 ? 0 : static_cast<int>(c.ys.size());
        const Array x = mx ? make(batched_shape(c.xs, ax), xj::float64, 1) : make(c.xs, xj::float64, 1);
        const Array y = my ? make(batched_shape(c.ys, ay), xj::float64, 2) : make(c.ys, xj::float64, 2);
        const xj::BatchDims dims{mx ? xj::BatchDim(ax) : std::nullopt, my ? xj::BatchDim(ay) : std::nullopt};
        auto [outs, out_dims] = dot_p().batch(dot_p(), {x, y}, dims, params_for(c));
        REQUIRE(out_dims[0]);
        for (std::int64_t i = 0; i < n; ++i) {
          const Array xi = mx ? slice_axis(x, ax, i) : x, yi = my ? slice_axis(y, ay, i) : y;
          Shape s;
          const Values want = reference_dot(xi, yi, c.lc, c.rc, c.lb, c.rb, s);
          const Array got = slice_axis(outs[0], *out_dims[0], i);
          REQUIRE(got.shape() == s);
          const Values g = values_of(got);
          for (std::size_t k = 0; k < want.f.size(); ++k) CHECK(g.f[k] == doctest::Approx(want.f[k]));
        }
      }
}

namespace {
// numpy.matmul by loops (float64): 1-d operands promoted then squeezed, batch axes broadcast.
std::pair<Shape, std::vector<double>> reference_matmul(const Array& x, const Array& y) {
  Shape xs = x.shape(), ys = y.shape();
  const bool vx = xs.size() == 1, vy = ys.size() == 1;
  if (vx) xs.insert(xs.begin(), 1);
  if (vy) ys.push_back(1);
  const Shape bx(xs.begin(), xs.end() - 2), by(ys.begin(), ys.end() - 2);
  const Shape batch = xj::broadcast_shapes(bx, by);
  const std::int64_t m = xs[xs.size() - 2], k = xs.back(), n = ys.back();
  const Values xv = values_of(x.astype(xj::float64)), yv = values_of(y.astype(xj::float64));
  std::vector<double> out;
  const std::int64_t nb = xj::shape_size(batch);
  auto offset = [&](std::int64_t b, const Shape& own) {  // broadcast batch index -> operand matrix index
    std::int64_t off = 0, mul = 1, rest = b;
    for (std::size_t d = batch.size(); d-- > 0;) {
      const std::int64_t i = rest % batch[d];
      rest /= batch[d];
      const std::size_t od = d + own.size() - batch.size();
      if (d + own.size() >= batch.size()) {
        off += (own[od] == 1 ? 0 : i) * mul;
        mul *= own[od];
      }
    }
    return off;
  };
  for (std::int64_t b = 0; b < nb; ++b)
    for (std::int64_t i = 0; i < m; ++i)
      for (std::int64_t j = 0; j < n; ++j) {
        double s = 0;
        for (std::int64_t q = 0; q < k; ++q)
          s += xv.f[(offset(b, bx) * m + i) * k + q] * yv.f[(offset(b, by) * k + q) * n + j];
        out.push_back(s);
      }
  Shape shape = batch;
  if (!vx) shape.push_back(m);
  if (!vy) shape.push_back(n);
  return {shape, out};
}

void check_matmul(const Shape& xs, const Shape& ys, DType d = xj::float64) {
  CAPTURE(xj::shape_str(xs));
  CAPTURE(xj::shape_str(ys));
  const Array x = make(xs, d, 1), y = make(ys, d, 2);
  const Array got = xj::matmul(x, y);
  auto [shape, want] = reference_matmul(x, y);
  if (d == xj::bool_)
    for (double& w : want) w = w != 0;  // any(and)
  REQUIRE(got.shape() == shape);
  CHECK(got.dtype() == d);
  const Values g = values_of(got.astype(xj::float64));
  const double tol = xj::is_half(d) ? xj::finfo(d).eps : 1e-5;  // one rounding of the float32 sum
  for (std::size_t k = 0; k < want.size(); ++k) CHECK(g.f[k] == doctest::Approx(want[k]).epsilon(tol));
}
}  // namespace

TEST_CASE("linalg: matmul follows numpy.matmul") {
  check_matmul({3, 4}, {4, 5});
  check_matmul({4}, {4});
  check_matmul({3, 4}, {4});
  check_matmul({4}, {4, 5});
  check_matmul({2, 3, 4}, {4});
  check_matmul({4}, {2, 4, 5});
  check_matmul({2, 3, 4}, {4, 5});
  check_matmul({3, 4}, {2, 4, 5});
  check_matmul({2, 3, 4}, {2, 4, 5});
  check_matmul({2, 1, 3, 4}, {5, 4, 2});
  check_matmul({1, 3, 4}, {2, 4, 5});
  check_matmul({0, 3, 4}, {4, 5});
  check_matmul({3, 0}, {0, 5});
  check_matmul({512, 64}, {64, 48}, xj::float32);
  for (DType d : xj::all_dtypes) check_matmul({2, 3, 4}, {2, 4, 2}, d);
}

TEST_CASE("linalg: matmul promotes dtypes and reports bad shapes") {
  const Array i = make({2, 3}, xj::int32, 1), f = make({3, 2}, xj::float32, 2);
  CHECK(xj::matmul(i, f).dtype() == xj::float32);
  CHECK(xj::matmul(make({2, 3}, xj::bool_, 1), make({3, 2}, xj::bool_, 2)).dtype() == xj::bool_);
  CHECK(xj::matmul(make({2, 3}, xj::uint32, 1), make({3, 2}, xj::int32, 2)).dtype() == xj::int64);
  CHECK_THROWS_AS(xj::matmul(make({2, 3}, xj::float32, 1), make({4, 5}, xj::float32, 2)), xj::ShapeError);
  try {
    xj::matmul(make({2, 3}, xj::float32, 1), make({4, 5}, xj::float32, 2));
  } catch (const xj::ShapeError& e) {
    const std::string m = e.what();
    CHECK(m.find("matmul") != std::string::npos);
    CHECK(m.find("f32[2,3]") != std::string::npos);
    CHECK(m.find("f32[4,5]") != std::string::npos);
  }
  CHECK_THROWS_AS(xj::matmul(xj::array(2.0), make({2}, xj::float64, 1)), xj::ShapeError);
  CHECK_THROWS_AS(xj::matmul(make({2}, xj::float64, 1), 2.0), xj::ShapeError);
  CHECK_THROWS_AS(xj::matmul(make({2, 3, 4}, xj::float64, 1), make({3, 4, 5}, xj::float64, 2)), xj::ShapeError);
  CHECK_THROWS_AS(xj::matmul(make({4}, xj::float64, 1), make({3}, xj::float64, 2)), xj::ShapeError);
}

TEST_CASE("linalg: dot, inner, outer and vdot follow numpy") {
  const Array a = make({2, 3}, xj::float64, 1), b = make({3, 4}, xj::float64, 2), v = make({3}, xj::float64, 3);
  check_against_reference(xj::dot(a, b), a, b, {1}, {0}, {}, {});
  check_against_reference(xj::dot(a, v), a, v, {1}, {0}, {}, {});
  check_against_reference(xj::dot(v, v), v, v, {0}, {0}, {}, {});
  const Array t = make({2, 3, 4}, xj::float64, 4), u = make({5, 4, 6}, xj::float64, 5);
  check_against_reference(xj::dot(t, u), t, u, {2}, {1}, {}, {});  // (2,3,5,6)
  CHECK(xj::dot(a, 2.0).shape() == Shape{2, 3});
  CHECK(xj::dot(xj::array(3.0), xj::array(2.0)).item<double>() == 6.0);
  CHECK(xj::dot(make({3}, xj::int32, 1), make({3}, xj::float32, 1)).dtype() == xj::float32);
  CHECK_THROWS_AS(xj::dot(a, a), xj::ShapeError);

  const Array w = make({5, 3}, xj::float64, 6);
  check_against_reference(xj::inner(a, w), a, w, {1}, {1}, {}, {});
  check_against_reference(xj::inner(t, make({4}, xj::float64, 2)), t, make({4}, xj::float64, 2), {2}, {0}, {}, {});
  CHECK(xj::inner(a, xj::array(2.0)).shape() == Shape{2, 3});
  CHECK_THROWS_AS(xj::inner(a, b), xj::ShapeError);

  const Array o = xj::outer(a, v);
  CHECK(o.shape() == Shape{6, 3});
  const Values ov = values_of(o), av = values_of(a), vv = values_of(v);
  for (std::size_t i = 0; i < 6; ++i)
    for (std::size_t j = 0; j < 3; ++j) CHECK(ov.f[i * 3 + j] == doctest::Approx(av.f[i] * vv.f[j]));
  CHECK(xj::outer(make({0}, xj::float32, 1), make({2}, xj::float32, 1)).shape() == Shape{0, 2});
  CHECK(xj::outer(make({2}, xj::bool_, 1), make({3}, xj::bool_, 2)).dtype() == xj::bool_);

  const Array c = make({3, 2}, xj::float64, 7);
  double want = 0;
  const Values cv = values_of(c);
  for (std::size_t i = 0; i < 6; ++i) want += av.f[i] * cv.f[i];
  CHECK(xj::vdot(a, c).item<double>() == doctest::Approx(want));
  CHECK(xj::vdot(a, c).ndim() == 0);
  CHECK_THROWS_AS(xj::vdot(a, v), xj::ShapeError);
}
