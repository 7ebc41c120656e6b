// dtype names, sizes, shape helpers and JAX's type-promotion lattice.
#include "xjax/dtype.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <ostream>
#include <sstream>

#include "xjax/errors.hpp"

namespace xjax {

std::size_t itemsize(DType d) {
  switch (d) {
    case bool_: return 1;
    case float16: case bfloat16: return 2;
    case int32: case uint32: case float32: return 4;
    case int64: case float64: case complex64: return 8;
    case complex128: return 16;
  }
  return 0;
}

const char* dtype_name(DType d) {
  static const char* names[] = {"bool", "int32", "int64", "uint32", "float32", "float64", "float16", "bfloat16", "complex64", "complex128"};
  return names[static_cast<int>(d)];
}

const char* short_name(DType d) {
  static const char* names[] = {"bool", "i32", "i64", "u32", "f32", "f64", "f16", "bf16", "c64", "c128"};
  return names[static_cast<int>(d)];
}

std::ostream& operator<<(std::ostream& os, DType d) { return os << dtype_name(d); }

FloatInfo finfo(DType d) {
  auto info = [d](int bits, int nexp, int nmant, int precision) {
    const int maxexp = 1 << (nexp - 1), minexp = 2 - maxexp;
    FloatInfo f{.dtype = d, .bits = bits, .nexp = nexp, .nmant = nmant, .minexp = minexp, .maxexp = maxexp,
                .precision = precision};
    f.eps = std::ldexp(1.0, -nmant);
    f.max = std::ldexp(2.0 - f.eps, maxexp - 1);
    f.min = -f.max;
    f.smallest_normal = std::ldexp(1.0, minexp);
    f.smallest_subnormal = std::ldexp(1.0, minexp - nmant);
    f.resolution = std::pow(10.0, -precision);
    return f;
  };
  switch (d) {
    case float16: return info(16, 5, 10, 3);
    case bfloat16: return info(16, 8, 7, 2);
    case float32: return info(32, 8, 23, 6);
    case float64: return info(64, 11, 52, 15);
    default: throw DTypeError("finfo", "needs a floating dtype, got ", d);
  }
}

std::int64_t shape_size(const Shape& s) {
  if (s.size() > max_rank) throw ShapeError("shape", "rank ", s.size(), " exceeds the maximum of ", max_rank);
  // As numpy: the product of the non-zero extents must fit, wherever a zero extent sits.
  std::int64_t n = 1;
  bool empty = false;
  for (std::int64_t e : s) {
    if (e < 0) throw ValueError("shape", "negative extent in ", shape_str(s));
    if (e == 0) {
      empty = true;
      continue;
    }
    if (n > std::numeric_limits<std::int64_t>::max() / e) throw ShapeError("shape", "size of ", shape_str(s), " overflows int64");
    n *= e;
  }
  return empty ? 0 : n;
}

std::string shape_str(const Shape& s) {
  std::ostringstream os;
  os << '(';
  for (std::size_t i = 0; i < s.size(); ++i) os << (i ? ", " : "") << s[i];
  if (s.size() == 1) os << ',';
  os << ')';
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const ShapedArray& a) {
  os << short_name(a.dtype) << '[';
  for (std::size_t i = 0; i < a.shape.size(); ++i) os << (i ? "," : "") << a.shape[i];
  return os << ']';
}

namespace {
// Lattice nodes: the ten dtypes plus the weak "any int" (i*), "any float" (f*) and "any complex" (c*) types.
enum Node { B, I32, I64, U32, F32, F64, F16, BF16, C64, C128, IW, FW, CW, N };
constexpr std::array<std::array<bool, N>, N> lattice_edges() {
  std::array<std::array<bool, N>, N> e{};
  e[B][IW] = true;
  e[IW][U32] = e[IW][I32] = true;
  e[U32][I64] = e[I32][I64] = true;
  e[I64][FW] = true;
  e[FW][F16] = e[FW][BF16] = true;
  e[F16][F32] = e[BF16][F32] = true;
  e[F32][F64] = e[F32][C64] = true;
  e[FW][CW] = true;
  e[CW][C64] = true;
  e[C64][C128] = e[F64][C128] = true;
  return e;
}
using UpperSet = std::array<bool, N>;
UpperSet upper_bounds(Node n) {
  static constexpr auto edges = lattice_edges();
  UpperSet up{};
  up[n] = true;
  for (bool grew = true; grew;) {  // transitive closure; the lattice has 13 nodes
    grew = false;
    for (int a = 0; a < N; ++a)
      for (int b = 0; b < N; ++b)
        if (up[a] && edges[a][b] && !up[b]) up[b] = grew = true;
  }
  return up;
}
Node node_of(DType d, bool weak) {
  if (weak && is_integer(d)) return IW;
  if (weak && is_floating(d)) return FW;
  if (weak && is_complex(d)) return CW;
  switch (d) {
    case bool_: return B;
    case int32: return I32;
    case int64: return I64;
    case uint32: return U32;
    case float32: return F32;
    case float64: return F64;
    case float16: return F16;
    case bfloat16: return BF16;
    case complex64: return C64;
    case complex128: return C128;
  }
  return B;
}
}  // namespace

PromotedType promote_types(DType a, bool weak_a, DType b, bool weak_b) {
  UpperSet ua = upper_bounds(node_of(a, weak_a)), ub = upper_bounds(node_of(b, weak_b));
  for (int c = 0; c < N; ++c) {
    if (!(ua[c] && ub[c])) continue;
    UpperSet uc = upper_bounds(static_cast<Node>(c));
    bool least = true;  // c is below every other common upper bound
    for (int o = 0; o < N; ++o)
      if (ua[o] && ub[o] && !uc[o]) least = false;
    if (!least) continue;
    switch (c) {
      case B: return {bool_, false};
      case I32: return {int32, false};
      case I64: return {int64, false};
      case U32: return {uint32, false};
      case F32: return {float32, false};
      case F64: return {float64, false};
      case F16: return {float16, false};
      case BF16: return {bfloat16, false};
      case IW: return {int64, true};
      case FW: return {float64, true};
      case C64: return {complex64, false};
      case C128: return {complex128, false};
      case CW: return {complex128, true};
    }
  }
  throw DTypeError("promote_types", "no common type for ", a, " and ", b);
}

}  // namespace xjax
