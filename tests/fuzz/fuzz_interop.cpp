// libFuzzer target for the xtensor interop: the input bytes are decoded into an xtensor container of
// one of 11 element types with arbitrary values (NaN, infinities, every integer boundary), handed
// to xjax::asarray (moved, copied, column-major or a fixed-rank xtensor), then read back with
// to_xarray<T> for each of the 11 types. Each element is checked against an independent reference
// of the rule in include/xjax/interop.hpp and docs/robustness.md ("Conversions"): to bool is != 0,
// float to integer saturates (NaN gives 0), to floating is the nearest value, and an integer that
// the target integer type cannot hold is an xjax::OverflowError, for every target type alike
// (astype wraps instead; it is not checked here). A mismatch, a crash or any other exception is a bug.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "bytes.hpp"
#include "xjax/interop.hpp"

namespace xj = xjax;
using xj::Array;

namespace {

using Bytes = fuzz::ByteReader;

using i128 = __int128;
constexpr i128 kI64Max = std::numeric_limits<std::int64_t>::max();
constexpr i128 kU64Max = std::numeric_limits<std::uint64_t>::max();

// Integer boundaries of every width, one past them, and 2^63, 2^64 - 1.
const i128 kSpecialInts[] = {0, 1, -1, 127, 128, -128, -129, 255, 256, 32767, 32768, -32768, -32769, 65535, 65536,
                             2147483647, 2147483648LL, -2147483648LL, -2147483649LL, 4294967295LL, 4294967296LL,
                             kI64Max, kI64Max + 1, -kI64Max - 1, kU64Max, 1000000007, -1000000007, 9007199254740993LL};
// Floating values at and around every integer boundary, plus NaN, infinities, -0 and tiny ones.
const double kSpecialReals[] = {std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::quiet_NaN(),
                                INFINITY, -INFINITY, -0.0, 0.5, -0.5, 0.999, -1.5, 127.5, -128.5, 255.9, -129.0, 65535.5,
                                32768.0, 2147483647.5, 2147483648.0, -2147483648.0, -2147483904.0, 2147483520.0,
                                4294967295.0, 4294967296.0, 9223372036854775807.0, -9223372036854775808.0,
                                9223371487098961920.0, 18446744073709551615.0, 1.8446744073709550e19, 3.4e38, 1e300,
                                -1e300, 1e-40, 5e-324};

// A source element: its exact value, as an integer or as a double (floats widen exactly).
struct Value {
  bool real = false;
  i128 i = 0;
  double f = 0;
};

template <class S>
Value value_of(S v) {
  if constexpr (std::is_floating_point_v<S>) return {true, 0, static_cast<double>(v)};
  else return {false, static_cast<i128>(v), 0};
}

// One element of type S: mostly small, else raw bytes (any bit pattern) or a boundary value.
template <class S>
S element(Bytes& in) {
  std::uint8_t b = in.u8();
  if constexpr (std::is_same_v<S, bool>) {
    return b & 1;
  } else if constexpr (std::is_floating_point_v<S>) {
    if (b < 128) return static_cast<S>(b % 9) - 4;
    if (b < 192) {
      S v;
      in.raw(&v, sizeof v);
      return v;
    }
    double d = kSpecialReals[b % std::size(kSpecialReals)];
    if (std::is_same_v<S, float> && std::isfinite(d) && std::fabs(d) > std::numeric_limits<float>::max())
      return d > 0 ? INFINITY : -INFINITY;  // what rounding to float gives, spelled out
    return static_cast<S>(d);
  } else {
    if (b < 128) return static_cast<S>(b % 9 - 4);  // modular: negative small values wrap for unsigned S
    if (b < 192) {
      S v;
      in.raw(&v, sizeof v);
      return v;
    }
    return static_cast<S>(kSpecialInts[b % std::size(kSpecialInts)]);  // modular
  }
}

// The reference rule, written out: std::nullopt means OverflowError.
template <class T>
std::optional<T> expected(const Value& v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v.real ? v.f != 0 : v.i != 0;
  } else if constexpr (std::is_floating_point_v<T>) {
    return v.real ? static_cast<T>(v.f) : static_cast<T>(static_cast<std::int64_t>(v.i));
  } else {
    const i128 lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
    if (!v.real) {
      if (v.i < lo || v.i > hi) return std::nullopt;
      return static_cast<T>(v.i);
    }
    // Saturation bounds as exact powers of two: [lo, 2^bits or 2^(bits-1)).
    const double lo_f = static_cast<double>(lo), top = std::ldexp(1.0, std::numeric_limits<T>::digits);
    if (std::isnan(v.f)) return T(0);
    if (v.f <= lo_f) return std::numeric_limits<T>::min();
    if (v.f >= top) return std::numeric_limits<T>::max();
    return static_cast<T>(v.f);  // truncates; in range here
  }
}

template <class T>
bool same(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
  else return a == b;
}

template <class T>
std::string str(T v) {
  std::ostringstream s;
  s.precision(17);
  if constexpr (sizeof(T) == 1) s << static_cast<int>(v);
  else s << v;
  return s.str();
}
std::string str(i128 v) {
  bool neg = v < 0;
  unsigned __int128 u = neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string s;
  do s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(u % 10))); while (u /= 10);
  return neg ? "-" + s : s;
}
std::string str(const Value& v) { return v.real ? str(v.f) : str(v.i); }

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_interop: %s\n", what.c_str());
  std::abort();
}

// to_xarray<T>(x) against the reference for every source element.
template <class T>
void check_to(const Array& x, const std::vector<Value>& src, const std::vector<std::size_t>& shape, const char* name) {
  bool overflow = false;
  for (const Value& v : src) overflow = overflow || !expected<T>(v);
  std::optional<xt::xarray<T>> out;
  try {
    out = xj::to_xarray<T>(x);
  } catch (const xj::OverflowError& e) {
    if (!overflow) fail(std::string("to_xarray<") + name + "> threw without an overflow: " + e.what());
    return;
  }
  if (overflow) {
    for (const Value& v : src)
      if (!expected<T>(v)) fail(std::string("to_xarray<") + name + "> accepted the integer " + str(v) + " (no OverflowError)");
  }
  if (std::vector<std::size_t>(out->shape().begin(), out->shape().end()) != shape)
    fail(std::string("to_xarray<") + name + "> changed the shape");
  for (std::size_t k = 0; k < src.size(); ++k) {
    T want = *expected<T>(src[k]), got = out->data()[k];
    if (!same(want, got))
      fail(std::string("to_xarray<") + name + "> of " + str(src[k]) + " (" + xj::dtype_name(x.dtype()) + ") gave " + str(got) +
           ", expected " + str(want));
  }
}

void check_all(const Array& x, const std::vector<Value>& src, const std::vector<std::size_t>& shape) {
  check_to<bool>(x, src, shape, "bool");
  check_to<std::int8_t>(x, src, shape, "int8_t");
  check_to<std::uint8_t>(x, src, shape, "uint8_t");
  check_to<std::int16_t>(x, src, shape, "int16_t");
  check_to<std::uint16_t>(x, src, shape, "uint16_t");
  check_to<std::int32_t>(x, src, shape, "int32_t");
  check_to<std::uint32_t>(x, src, shape, "uint32_t");
  check_to<std::int64_t>(x, src, shape, "int64_t");
  check_to<std::uint64_t>(x, src, shape, "uint64_t");
  check_to<float>(x, src, shape, "float");
  check_to<double>(x, src, shape, "double");
}

// The dtype asarray gives an S container (int8/16 and uint8/16 widen to int32, uint64 narrows to int64).
template <class S>
xj::DType dtype_for() {
  if constexpr (std::is_same_v<S, std::uint64_t>) return xj::int64;
  else if constexpr (std::is_integral_v<S> && !std::is_same_v<S, bool> && sizeof(S) < 4) return xj::int32;
  else return xj::dtype_of<S>();
}

template <class S, std::size_t N>
Array fixed_rank(const xt::xarray<S>& c) {
  xt::xtensor<S, N> t = c;
  return xj::asarray(std::move(t));
}

template <class S>
void run_type(Bytes& in) {
  std::vector<std::size_t> shape(static_cast<std::size_t>(in.below(4)));
  for (auto& e : shape) e = static_cast<std::size_t>(in.below(5));
  int form = in.below(4);
  xt::xarray<S> c = xt::xarray<S>::from_shape(shape);
  std::vector<Value> src;
  for (std::size_t k = 0; k < c.size(); ++k) {
    c.data()[k] = element<S>(in);
    src.push_back(value_of(c.data()[k]));
  }
  bool too_big = false;  // a uint64 above INT64_MAX has no int64 to become
  for (const Value& v : src) too_big = too_big || v.i > kI64Max;
  std::optional<Array> x;
  try {
    switch (form) {
      case 0: x = xj::asarray(std::move(c)); break;  // zero-copy for xjax's own element types
      case 1: x = xj::asarray(static_cast<const xt::xarray<S>&>(c)); break;
      case 2: {
        xt::xarray<S, xt::layout_type::column_major> cm = c;  // same logical elements, other memory order
        x = xj::asarray(cm);
        break;
      }
      default:
        switch (shape.size()) {
          case 0: x = fixed_rank<S, 0>(c); break;
          case 1: x = fixed_rank<S, 1>(c); break;
          case 2: x = fixed_rank<S, 2>(c); break;
          default: x = fixed_rank<S, 3>(c); break;
        }
    }
  } catch (const xj::OverflowError& e) {
    if (!too_big) fail(std::string("asarray threw without an overflow: ") + e.what());
    return;
  }
  if (too_big) fail("asarray accepted a uint64 above INT64_MAX");
  c = xt::xarray<S>();  // the source is gone: the Array must not depend on it
  std::vector<std::int64_t> want_shape(shape.begin(), shape.end());
  if (x->dtype() != dtype_for<S>() || x->shape() != want_shape) {
    std::ostringstream s;
    s << "asarray gave " << x->aval();
    fail(s.str());
  }
  check_all(*x, src, shape);
}

void run(Bytes& in) {
  for (int n = 0; n < 4 && !in.empty(); ++n) {
    switch (in.below(11)) {
      case 0: run_type<bool>(in); break;
      case 1: run_type<std::int8_t>(in); break;
      case 2: run_type<std::uint8_t>(in); break;
      case 3: run_type<std::int16_t>(in); break;
      case 4: run_type<std::uint16_t>(in); break;
      case 5: run_type<std::int32_t>(in); break;
      case 6: run_type<std::uint32_t>(in); break;
      case 7: run_type<std::int64_t>(in); break;
      case 8: run_type<std::uint64_t>(in); break;
      case 9: run_type<float>(in); break;
      default: run_type<double>(in); break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Bytes in(data, size);
  run(in);  // only the OverflowErrors the reference predicts are caught; anything else escapes
  return 0;
}
