// xjax::linalg norms: vector p-norms, matrix norms (induced 1, 2, inf and their minima, Frobenius,
// nuclear) and numpy's norm choosing between them from ord and axis.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>
#include <string>

#include "primitives/linalg.hpp"
#include "xjax/linalg.hpp"
#include "xjax/numpy.hpp"

namespace xjax::linalg {
namespace {

std::string describe(const NormOrd& ord) {
  if (ord.kind() == NormOrd::Kind::fro) return "'fro'";
  if (ord.kind() == NormOrd::Kind::nuc) return "'nuc'";
  std::ostringstream s;
  s << ord.p();
  return s.str();
}

// sqrt of the sum of squared moduli (real for complex x).
Array frobenius(const Array& x, AxisSpec axes, bool keepdims) {
  const Array squared = is_complex(x.dtype()) ? real(x * conj(x)) : square(x);
  return sqrt(sum(squared, std::move(axes), keepdims));
}

}  // namespace

NormOrd::NormOrd(const char* name) : kind_(Kind::fro) {
  if (std::strcmp(name, "fro") == 0) return;
  if (std::strcmp(name, "nuc") == 0) {
    kind_ = Kind::nuc;
    return;
  }
  throw ValueError("norm", "unknown ord '", name, "' (use a number, \"fro\" or \"nuc\")");
}

Array vector_norm(const Array& x, double ord, AxisSpec axis, bool keepdims) {
  Array v = inexact(x);
  if (std::isinf(ord)) return ord > 0 ? max(abs(v), std::move(axis), keepdims) : min(abs(v), std::move(axis), keepdims);
  if (ord == 0) return sum((v != 0).astype(real_dtype(v.dtype())), std::move(axis), keepdims);
  if (ord == 1) return sum(abs(v), std::move(axis), keepdims);
  if (ord == 2) return frobenius(v, std::move(axis), keepdims);
  return pow(sum(pow(abs(v), ord), std::move(axis), keepdims), 1.0 / ord);
}

Array matrix_norm(const Array& x, NormOrd ord, bool keepdims) {
  if (x.ndim() < 2) throw ShapeError("matrix_norm", "needs a stack of matrices [..., m, n], got ", x.aval());
  Array m = inexact(x);
  Array r = [&] {
    switch (ord.kind()) {
      case NormOrd::Kind::fro: return frobenius(m, {-2, -1}, false);
      case NormOrd::Kind::nuc: return sum(svdvals(m), -1);
      case NormOrd::Kind::number: break;
    }
    const double p = ord.p();
    if (p == 2) return max(svdvals(m), -1);
    if (p == -2) return min(svdvals(m), -1);
    if (std::abs(p) == 1) {  // the largest (smallest) column sum
      Array sums = sum(abs(m), -2);
      return p > 0 ? max(sums, -1) : min(sums, -1);
    }
    if (std::isinf(p)) {  // the largest (smallest) row sum
      Array sums = sum(abs(m), -1);
      return p > 0 ? max(sums, -1) : min(sums, -1);
    }
    throw ValueError("matrix_norm", "invalid ord ", describe(ord), " for matrices (use 1, -1, 2, -2, inf, -inf, "
                     "\"fro\" or \"nuc\")");
  }();
  return keepdims ? expand_dims(r, {r.ndim(), r.ndim() + 1}) : r;
}

Array norm(const Array& x, std::optional<NormOrd> ord, AxisSpec axis, bool keepdims) {
  Array v = inexact(x);
  const std::optional<Ints>& given = axis.given();
  if (!given && !ord) return frobenius(v, {}, keepdims);
  Ints axes;
  if (given) {
    for (std::int64_t a : *given) axes.push_back(normalize_axis("norm", a, v.ndim()));
  } else if (v.ndim() == 1 || v.ndim() == 2) {
    for (std::int64_t a = 0; a < v.ndim(); ++a) axes.push_back(a);
  } else {
    throw ShapeError("norm", "without axis, ord needs a 1-d or 2-d array, got ", x.aval());
  }
  if (axes.size() == 1) {
    if (ord && ord->kind() != NormOrd::Kind::number)
      throw ValueError("norm", "invalid ord ", describe(*ord), " for vectors");
    return vector_norm(v, ord ? ord->p() : 2.0, axes, keepdims);
  }
  if (axes.size() != 2) throw ValueError("norm", "axis needs one or two axes, got ", axes.size());
  if (axes[0] == axes[1]) throw ValueError("norm", "the two axes must differ, got ", axes[0], " twice");
  Ints perm;  // the other axes, then the matrix's rows and columns
  for (std::int64_t a = 0; a < v.ndim(); ++a)
    if (a != axes[0] && a != axes[1]) perm.push_back(a);
  perm.push_back(axes[0]);
  perm.push_back(axes[1]);
  Array r = matrix_norm(transpose(v, perm), ord.value_or(NormOrd("fro")), false);
  if (!keepdims) return r;
  return expand_dims(r, {std::min(axes[0], axes[1]), std::max(axes[0], axes[1])});
}

}  // namespace xjax::linalg
