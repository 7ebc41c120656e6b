// libFuzzer target: the input bytes are decoded into a short program of public xjax calls (random
// ops with random shapes, dtypes, axes, indices and sizes, sometimes absurd ones), optionally run
// under grad / vmap / jit / jvp / vjp / jacfwd / make_jaxpr. Every failure must be a typed
// xjax::Error: anything else (a crash, a sanitizer report, another exception, a hang) is a bug.
// Eager and jit results must also agree on shape and dtype. See tests/fuzz/README.md.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "bytes.hpp"
#include "xjax/core.hpp"
#include "xjax/linalg.hpp"
#include "xjax/random.hpp"

namespace xj = xjax;
using xj::Array;
using xj::Arrays;
using xj::Ints;

namespace {

// The program's vocabulary over the input bytes.
class Bytes : public fuzz::ByteReader {
 public:
  using ByteReader::ByteReader;
  // Mostly in [-2, 5]; bytes >= 240 give boundary and absurd values.
  std::int64_t number() { return wild(u8(), 8, -2); }
  // Mostly an extent in [0, 4]; bytes >= 240 give negative or huge extents.
  std::int64_t extent() { return wild(u8(), 5, 0); }
  int axis() { return below(9) - 4; }  // in [-4, 4]
  xj::Shape shape() {
    xj::Shape s(static_cast<std::size_t>(below(5)));
    for (auto& e : s) e = extent();
    return s;
  }
  Ints ints(int max_len) {
    Ints v(static_cast<std::size_t>(below(max_len + 1)));
    for (auto& e : v) e = number();
    return v;
  }
  xj::DType dtype() { return xj::all_dtypes[below(static_cast<int>(std::size(xj::all_dtypes)))]; }
  double real() {
    static const double table[] = {0, 1, -1, 0.5, 2, -3, 7, 1e30, -1e30, 1e-40, 100, 1e300, -0.0, 3.5, 1e9, 4096};
    std::uint8_t b = u8();
    if (b == 255) return std::numeric_limits<double>::quiet_NaN();
    if (b == 254) return std::numeric_limits<double>::infinity();
    if (b == 253) return -std::numeric_limits<double>::infinity();
    return table[b % 16];
  }

 private:
  static std::int64_t wild(std::uint8_t b, int span, int base) { return b >= 240 ? fuzz::absurd(b) : b % span + base; }
};

// An input array: shape and dtype from the bytes, values from a table with edge cases.
Array make_input(Bytes& in) {
  xj::Shape shape(static_cast<std::size_t>(in.below(4)));
  for (auto& e : shape) e = in.below(5);  // small: absurd sizes come from the ops' own parameters
  xj::DType dtype = in.dtype();
  std::int64_t n = xj::shape_size(shape);
  std::vector<double> v(static_cast<std::size_t>(n));
  for (auto& x : v) x = in.real();
  return xj::array(v, shape).astype(dtype);
}

// One instruction: an op code, three operand slots (indices into the value stack) and the
// parameter bytes it decodes when run (decoding at run time keeps the program a pure function of
// the bytes, so every transformation replays the same program).
struct Instr {
  std::uint8_t op;
  std::uint8_t operand[3];
  std::uint8_t param[12];
};
constexpr int kMaxInstrs = 12;

Array unary(int k, const Array& x, Bytes& p) {
  switch (k % 48) {
    case 0: return xj::neg(x);
    case 1: return xj::abs(x);
    case 2: return xj::sign(x);
    case 3: return xj::floor(x);
    case 4: return xj::ceil(x);
    case 5: return xj::round(x);
    case 6: return xj::exp(x);
    case 7: return xj::exp2(x);
    case 8: return xj::log(x);
    case 9: return xj::log1p(x);
    case 10: return xj::expm1(x);
    case 11: return xj::sqrt(x);
    case 12: return xj::rsqrt(x);
    case 13: return xj::cbrt(x);
    case 14: return xj::square(x);
    case 15: return xj::reciprocal(x);
    case 16: return xj::sin(x);
    case 17: return xj::cos(x);
    case 18: return xj::tan(x);
    case 19: return xj::asin(x);
    case 20: return xj::acos(x);
    case 21: return xj::atan(x);
    case 22: return xj::sinh(x);
    case 23: return xj::cosh(x);
    case 24: return xj::tanh(x);
    case 25: return xj::asinh(x);
    case 26: return xj::acosh(x);
    case 27: return xj::atanh(x);
    case 28: return xj::logistic(x);
    case 29: return xj::erf(x);
    case 30: return xj::erfc(x);
    case 31: return xj::erf_inv(x);
    case 32: return xj::lgamma(x);
    case 33: return xj::digamma(x);
    case 34: return xj::isfinite(x);
    case 35: return xj::isnan(x);
    case 36: return xj::isinf(x);
    case 37: return xj::logical_not(x);
    case 38: return xj::bitwise_not(x);
    case 39: return xj::stop_gradient(x);
    case 40: return xj::polygamma(static_cast<int>(p.number()), x);
    case 41: return xj::nn::relu(x);
    case 42: return xj::nn::gelu(x, p.flag());
    case 43: return xj::nn::softplus(x);
    case 44: return xj::nn::softmax(x, p.axis());
    case 45: return xj::nn::log_softmax(x, p.axis());
    case 46: return xj::integer_pow(x, static_cast<int>(p.number()));
    default: return x.astype(p.dtype());
  }
}

Array binary(int k, const Array& x, const Array& y) {
  switch (k % 27) {
    case 0: return x + y;
    case 1: return x - y;
    case 2: return x * y;
    case 3: return x / y;
    case 4: return xj::floor_divide(x, y);
    case 5: return x % y;
    case 6: return xj::pow(x, y);
    case 7: return xj::maximum(x, y);
    case 8: return xj::minimum(x, y);
    case 9: return xj::atan2(x, y);
    case 10: return xj::nextafter(x, y);
    case 11: return xj::logical_and(x, y);
    case 12: return xj::logical_or(x, y);
    case 13: return xj::logical_xor(x, y);
    case 14: return x & y;
    case 15: return x | y;
    case 16: return x ^ y;
    case 17: return x << y;
    case 18: return x >> y;
    case 19: return x == y;
    case 20: return x != y;
    case 21: return x < y;
    case 22: return x <= y;
    case 23: return x > y;
    case 24: return x >= y;
    case 25: return xj::logaddexp(x, y);
    default: return xj::where(x > 0, x, y);
  }
}

xj::AxisSpec axes(Bytes& p) {
  switch (p.below(3)) {
    case 0: return {};
    case 1: return xj::AxisSpec(p.axis());
    default: {
      Ints a(static_cast<std::size_t>(p.below(4)));
      for (auto& e : a) e = p.axis();
      return xj::AxisSpec(a);
    }
  }
}

std::optional<int> opt_axis(Bytes& p) {
  if (p.below(4) == 0) return std::nullopt;
  return p.axis();
}

Array reduction(int k, const Array& x, Bytes& p) {
  switch (k % 16) {
    case 0: return xj::sum(x, axes(p), p.flag());
    case 1: return xj::prod(x, axes(p), p.flag());
    case 2: return xj::max(x, axes(p), p.flag());
    case 3: return xj::min(x, axes(p), p.flag());
    case 4: return xj::any(x, axes(p), p.flag());
    case 5: return xj::all(x, axes(p), p.flag());
    case 6: return xj::mean(x, axes(p), p.flag());
    case 7: return xj::var(x, axes(p), p.flag(), static_cast<int>(p.number()));
    case 8: return xj::std(x, axes(p), p.flag(), static_cast<int>(p.number()));
    case 9: return xj::logsumexp(x, axes(p), p.flag());
    case 10: return xj::argmax(x, opt_axis(p), p.flag());
    case 11: return xj::argmin(x, opt_axis(p), p.flag());
    case 12: return xj::cumsum(x, opt_axis(p), p.flag());
    case 13: return xj::cumprod(x, opt_axis(p), p.flag());
    case 14: return xj::cummax(x, opt_axis(p), p.flag());
    default: return xj::cummin(x, opt_axis(p), p.flag());
  }
}

Array shape_op(int k, const Array& x, const Array& y, Bytes& p) {
  switch (k % 26) {
    case 0: return xj::reshape(x, p.shape());
    case 1: return xj::ravel(x);
    case 2: return xj::broadcast_to(x, p.shape());
    case 3: {
      xj::Shape s = p.shape();
      return xj::broadcast_in_dim(x, s, p.ints(4));
    }
    case 4: return xj::expand_dims(x, axes(p));
    case 5: return xj::squeeze(x, axes(p));
    case 6: return xj::transpose(x, p.ints(4));
    case 7: return xj::moveaxis(x, p.axis(), p.axis());
    case 8: return xj::swapaxes(x, p.axis(), p.axis());
    case 9: {
      Ints start = p.ints(3), stop = p.ints(3), step = p.ints(3);
      return xj::slice(x, start, stop, step);
    }
    case 10: {
      std::int64_t a = p.number(), b = p.number(), c = p.number();
      return xj::slice_in_dim(x, a, b, c, p.axis());
    }
    case 11: {
      std::vector<Array> start;
      for (int i = p.below(4); i > 0; --i) start.push_back(Array(p.number()).astype(xj::int32));
      return xj::dynamic_slice(x, start, p.ints(3));
    }
    case 12: {
      std::vector<Array> start;
      for (int i = p.below(4); i > 0; --i) start.push_back(Array(p.number()).astype(xj::int32));
      return xj::dynamic_update_slice(x, y, start);
    }
    case 13: return xj::concatenate({x, y}, p.axis());
    case 14: return xj::stack({x, y}, p.axis());
    case 15: {
      std::int64_t n = p.number();
      auto parts = xj::split(x, n, p.axis());
      return parts.empty() ? x : parts.back();
    }
    case 16: {
      Ints idx = p.ints(3);
      auto parts = xj::split(x, idx, p.axis());
      return parts.empty() ? x : parts.front();
    }
    case 17: {
      std::vector<std::pair<std::int64_t, std::int64_t>> w(static_cast<std::size_t>(p.below(4)));
      for (auto& e : w) e = {p.number(), p.number()};
      return xj::pad(x, w, y);
    }
    case 18: return xj::flip(x, axes(p));
    case 19: {
      std::int64_t off = p.number();
      return xj::diagonal(x, off, p.axis(), p.axis());
    }
    case 20: {
      std::int64_t off = p.number();
      return xj::trace(x, off, p.axis(), p.axis());
    }
    case 21: return xj::tril(x, p.number());
    case 22: return xj::triu(x, p.number());
    case 23: return x[p.number()];
    case 24: return xj::broadcast_arrays({x, y}).back();
    default: return xj::iota(p.dtype(), p.shape(), p.axis());
  }
}

Array indexing(int k, const Array& x, const Array& y, const Array& z, Bytes& p) {
  switch (k % 12) {
    case 0: return xj::take(x, y, opt_axis(p));
    case 1: return xj::take_along_axis(x, y, p.axis());
    case 2: return xj::one_hot(y, p.number(), p.dtype());
    case 3: return xj::at(x, y).set(z);
    case 4: return xj::at(x, y).add(z);
    case 5: return xj::at(x, y).multiply(z);
    case 6: return xj::at(x, y).min(z);
    case 7: return xj::at(x, y).max(z);
    case 8: return xj::at(x, y).get();
    case 9: return xj::sort(x, p.axis(), p.flag());
    case 10: return xj::argsort(x, p.axis(), p.flag());
    default: return xj::clip(x, y, z);
  }
}

Array contraction(int k, const Array& x, const Array& y, Bytes& p) {
  switch (k % 8) {
    case 0: {
      Ints cx = p.ints(2), cy = p.ints(2), bx = p.ints(1), by = p.ints(1);
      return xj::dot_general(x, y, cx, cy, bx, by);
    }
    case 1: return xj::dot(x, y);
    case 2: return xj::matmul(x, y);
    case 3: return xj::outer(x, y);
    case 4: return xj::inner(x, y);
    case 5: return xj::vdot(x, y);
    case 6: return xj::linalg::solve(x, y);
    default: {
      switch (p.below(6)) {
        case 0: return xj::linalg::inv(x);
        case 1: return xj::linalg::cholesky(x);
        case 2: return xj::linalg::det(x);
        case 3: return xj::linalg::matrix_power(x, p.number());
        case 4: return xj::linalg::eigvalsh(x);
        default: return xj::linalg::svdvals(x);
      }
    }
  }
}

Array creation(int k, const Array& x, Bytes& p) {
  switch (k % 12) {
    case 0: return xj::zeros(p.shape(), p.dtype());
    case 1: return xj::ones(p.shape(), p.dtype());
    case 2: {
      xj::Shape s = p.shape();
      return xj::full(s, x, p.flag() ? std::optional(p.dtype()) : std::nullopt);
    }
    case 3: return xj::zeros_like(x, p.dtype());
    case 4: {
      double a = p.real(), b = p.real(), c = p.real();
      return xj::arange(a, b, c, p.dtype());
    }
    case 5: {
      double a = static_cast<double>(p.number());
      return xj::arange(a, p.dtype());
    }
    case 6: {
      double a = p.real(), b = p.real();
      std::int64_t n = p.number();
      return xj::linspace(a, b, n, p.flag(), p.dtype());
    }
    case 7: {
      std::int64_t n = p.number(), m = p.number(), d = p.number();
      return xj::eye(n, m, d, p.dtype());
    }
    case 8: {
      xj::Shape s = p.shape();
      return xj::random::uniform(xj::random::key(p.number()), s, p.dtype());
    }
    case 9: return xj::random::split(xj::random::key(p.number()), p.number());
    case 10: return xj::random::permutation(xj::random::key(p.number()), p.number());
    default: return xj::random::normal(xj::random::key(p.number()), p.shape(), p.dtype());
  }
}

Array control(int k, const Array& x, const Array& y, Bytes& p) {
  switch (k % 4) {
    case 0:
      return xj::cond(
          x > 0, [](const Array& a, const Array&) { return a * 2; },
          [](const Array& a, const Array& b) { return a - b; }, x, y);
    case 1: {
      std::int64_t n = p.below(4);
      return xj::fori_loop(0, n, [](const Array& i, const Array& c) { return c + i; }, x);
    }
    case 2: {
      // A scan over 2^40 zero-size slices is a long loop by request, not a bug: keep it short.
      if (x.ndim() > 0 && x.shape()[0] > 4096) return x;
      auto [carry, ys] = xj::scan([](const Array& c, const Array& e) { return std::pair{c + e, c * e}; }, y, x);
      return p.flag() ? carry : ys;
    }
    default: {
      std::int64_t bound = p.below(5);  // bounded: a loop that never ends by design is not a bug
      return xj::while_loop([](const Array& c) { return xj::sum(c) < 10; }, [](const Array& c) { return c + 1; },
                            x.astype(xj::float32), {.max_iterations = bound});
    }
  }
}

// FUZZ_OPS_VERBOSE=1 prints each step (family, case, operand types, result type) to stderr.
const bool verbose = std::getenv("FUZZ_OPS_VERBOSE") != nullptr;

Array run_program(const std::vector<Instr>& program, const Arrays& inputs) {
  static const char* families[] = {"unary", "binary", "reduction", "shape", "indexing", "contraction", "creation", "control"};
  Arrays stack = inputs;
  for (const Instr& ins : program) {
    if (verbose) {
      std::ostringstream s;
      s << families[ins.op & 7] << " case " << (ins.op >> 3) << " on";
      for (auto o : ins.operand) s << ' ' << stack[o % stack.size()].aval();
      std::fprintf(stderr, "  %s\n", s.str().c_str());
    }
    auto arg = [&](int i) { return stack[ins.operand[i] % stack.size()]; };
    Bytes p(ins.param, sizeof ins.param);
    int k = ins.op >> 3;
    switch (ins.op & 7) {
      case 0: stack.push_back(unary(k, arg(0), p)); break;
      case 1: stack.push_back(binary(k, arg(0), arg(1))); break;
      case 2: stack.push_back(reduction(k, arg(0), p)); break;
      case 3: stack.push_back(shape_op(k, arg(0), arg(1), p)); break;
      case 4: stack.push_back(indexing(k, arg(0), arg(1), arg(2), p)); break;
      case 5: stack.push_back(contraction(k, arg(0), arg(1), p)); break;
      case 6: stack.push_back(creation(k, arg(0), p)); break;
      default: stack.push_back(control(k, arg(0), arg(1), p)); break;
    }
  }
  if (verbose) {
    std::ostringstream s;
    s << stack.back().aval();
    std::fprintf(stderr, "  -> %s\n", s.str().c_str());
  }
  return stack.back();
}

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_ops: %s\n", what);
  std::abort();
}

// Eager and jit must agree on the result's type when both succeed.
void check_same_type(const Array& eager, const Array& jitted) {
  if (eager.shape() != jitted.shape() || eager.dtype() != jitted.dtype()) {
    std::ostringstream s;
    s << "eager gives " << eager.aval() << " but jit gives " << jitted.aval();
    fail(s.str().c_str());
  }
}

void run(Bytes& in) {
  int mode = in.below(14);
  if (verbose) std::fprintf(stderr, "mode %d\n", mode);
  bool to_scalar = in.flag();
  std::vector<xj::BatchDim> in_axes;
  for (int i = 0; i < 3; ++i) {
    int a = in.below(5);
    in_axes.push_back(a == 4 ? xj::BatchDim(std::nullopt) : xj::BatchDim(a - 1));
  }
  Array a = make_input(in), b = make_input(in), c = make_input(in);
  std::vector<Instr> program;
  while (!in.empty() && program.size() < kMaxInstrs) {
    Instr ins{};
    ins.op = in.u8();
    for (auto& o : ins.operand) o = in.u8();
    for (auto& q : ins.param) q = in.u8();
    program.push_back(ins);
  }
  auto f = [&](const Array& x, const Array& y, const Array& z) {
    Array out = run_program(program, {x, y, z});
    return to_scalar ? xj::sum(out.astype(xj::float32)) : out;
  };
  auto g = [&](const Array& x, const Array& y, const Array& z) { return xj::sum(f(x, y, z).astype(xj::float32)); };
  std::ostringstream sink;
  switch (mode) {
    case 0: sink << f(a, b, c); break;
    case 1: {
      Array jitted = xj::jit(f)(a, b, c);
      sink << jitted;
      Array eager = f(a, b, c);
      check_same_type(eager, jitted);
      break;
    }
    case 2: sink << xj::grad(f)(a.astype(xj::float32), b, c); break;
    case 3: sink << xj::grad(g)(a, b, c); break;
    case 4: sink << xj::vmap(f, in_axes)(a, b, c); break;
    case 5: sink << xj::jit(xj::vmap(f, in_axes))(a, b, c); break;
    case 6: sink << xj::vmap(xj::grad(g), in_axes)(a, b, c); break;
    case 7: sink << xj::jit(xj::grad(g))(a, b, c); break;
    case 8: sink << xj::grad(xj::jit(g))(a, b, c); break;
    case 9: sink << xj::jacfwd(f)(a, b, c); break;
    case 10: sink << xj::jacrev(f)(a, b, c); break;
    case 11: sink << xj::make_jaxpr(f)(a, b, c); break;
    case 12: {
      auto [out, tangent] = xj::jvp(f, std::tuple{a, b, c}, std::tuple{xj::ones_like(a), xj::zeros_like(b), xj::zeros_like(c)});
      sink << out << tangent;
      break;
    }
    default: {
      auto [out, pullback] = xj::vjp(f, a, b, c);
      auto cts = pullback(xj::ones_like(out));
      sink << std::get<0>(cts);
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Buffers beyond 256 MiB are refused with xjax::AllocationError (the library's default cap is
  // the machine's memory), so absurd shapes fail fast instead of reaching libFuzzer's limits.
  setenv("XJAX_MAX_BUFFER_BYTES", "268435456", 0);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Bytes in(data, size);
  try {
    run(in);
  } catch (const xj::Error&) {
    // Typed errors are the expected outcome for bad programs.
  }
  return 0;
}
