// The sort primitive (several operands sorted by the first num_keys; stable; NaNs last, as numpy;
// complex values by real part, then imaginary part) with its kernel and rules, and the numpy-style
// sort, argsort and sort_complex.
#include <algorithm>
#include <numeric>
#include <vector>

#include "primitives/indexing.hpp"

namespace xjax {
namespace {

// A strict weak order in which NaN comes after every number (and equals other NaNs); complex
// numbers are ordered lexicographically by their parts, as numpy and JAX order them.
template <class T>
bool sort_less(T a, T b) {
  if constexpr (is_complex_v<T>)
    return sort_less(a.real(), b.real()) || (!sort_less(b.real(), a.real()) && sort_less(a.imag(), b.imag()));
  else if constexpr (std::is_floating_point_v<T>) return a < b || (b != b && a == a);
  else return a < b;
}

int dimension_param(const Params& p, int ndim) { return normalize_axis("sort", p.get_int("dimension"), ndim); }

Avals sort_shape(const Avals& in, const Params& p) {
  if (in.empty()) throw ValueError("sort", "needs at least one operand");
  for (const ShapedArray& a : in)
    if (a.shape != in[0].shape) throw ShapeError("sort", "operands must share a shape, got ", in[0], " and ", a);
  dimension_param(p, in[0].ndim());
  std::int64_t keys = p.get_int("num_keys");
  if (keys < 1 || keys > static_cast<std::int64_t>(in.size()))
    throw ValueError("sort", "num_keys is ", keys, " for ", in.size(), " operands");
  return in;
}

Arrays sort_eval(const Arrays& in, const Params& p, const Avals& out) {
  AxisSplit s = split_at_axis(in[0].shape(), dimension_param(p, in[0].ndim()));
  auto keys = static_cast<std::size_t>(p.get_int("num_keys"));
  bool descending = p.get<bool>("descending");
  Arrays results;
  std::vector<std::byte*> dst;
  std::vector<const std::byte*> src;
  for (std::size_t i = 0; i < in.size(); ++i) {
    NewBuffer b = new_buffer(out[i]);
    results.push_back(b.array);
    dst.push_back(b.data);
    src.push_back(buffer_of(in[i]).data());
  }
  std::vector<std::int64_t> perm(static_cast<std::size_t>(s.n));
  for (std::int64_t a = 0; a < s.outer; ++a)
    for (std::int64_t i = 0; i < s.inner; ++i) {
      std::int64_t base = a * s.n * s.inner + i;  // this lane's first element; its stride is s.inner
      std::iota(perm.begin(), perm.end(), std::int64_t{0});
      // Least significant key first: each stable pass keeps, among its ties, the order the
      // later keys set, which makes the whole lexicographic.
      for (std::size_t k = keys; k-- > 0;) {
        auto by_key = [&](auto tag) {
          using T = typename decltype(tag)::type;
          const T* key = reinterpret_cast<const T*>(src[k]) + base;
          if (descending)
            std::stable_sort(perm.begin(), perm.end(),
                             [&](std::int64_t l, std::int64_t r) { return sort_less(key[r * s.inner], key[l * s.inner]); });
          else
            std::stable_sort(perm.begin(), perm.end(),
                             [&](std::int64_t l, std::int64_t r) { return sort_less(key[l * s.inner], key[r * s.inner]); });
        };
        is_complex(in[k].dtype()) ? dispatch_complex(in[k].dtype(), by_key) : dispatch_dtype(in[k].dtype(), by_key);
      }
      for (std::size_t j = 0; j < in.size(); ++j)
        dispatch_bits(in[j].dtype(), [&](auto e) {
          using E = typename decltype(e)::type;
          const E* from = reinterpret_cast<const E*>(src[j]) + base;
          E* to = reinterpret_cast<E*>(dst[j]) + base;
          for (std::int64_t r = 0; r < s.n; ++r) to[r * s.inner] = from[perm[static_cast<std::size_t>(r)] * s.inner];
        });
    }
  return results;
}

// Sorting permutes: the tangents follow the primal permutation, found by sorting the keys
// together with an iota (stable, so ties resolve exactly as in the primal sort).
Tangents sort_jvp(const Arrays& x, const Tangents& t, const Arrays&, const Params& p) {
  int dim = dimension_param(p, x[0].ndim());
  auto keys = p.get_int("num_keys");
  Arrays operands(x.begin(), x.begin() + keys);
  std::int64_t n = x[0].shape()[static_cast<std::size_t>(dim)];
  operands.push_back(iota(n > index_max(int32) ? int64 : int32, x[0].shape(), dim));
  Array perm = lax::sort(operands, dim, static_cast<int>(keys), p.get<bool>("descending")).back();
  Tangents r;
  for (std::size_t i = 0; i < x.size(); ++i)
    r.push_back(t[i] && is_inexact(x[i].dtype()) ? Tangent(lax::take_along_axis(*t[i], perm, dim)) : std::nullopt);
  return r;
}

std::pair<Arrays, BatchDims> sort_batch(const Primitive& prim, const Arrays& v, const BatchDims& d, const Params& p) {
  std::int64_t size = batch_size(v, d);
  Arrays moved;
  for (std::size_t i = 0; i < v.size(); ++i) moved.push_back(move_batch_axis(v[i], d[i], 0, size));
  int dim = dimension_param(p, moved[0].ndim() - 1);
  return {xjax::bind(prim, moved, p.with("dimension", std::int64_t{dim + 1})), BatchDims(v.size(), 0)};
}

const Primitive& sort_p = def_primitive(
    {.name = "sort", .shape = sort_shape, .eval = sort_eval, .jvp = sort_jvp, .batch = sort_batch});

}  // namespace

Arrays lax::sort(const Arrays& operands, int dimension, int num_keys, bool descending) {
  if (operands.empty()) throw ValueError("sort", "needs at least one operand");
  return xjax::bind(sort_p, operands,
                    {{"dimension", std::int64_t{normalize_axis("sort", dimension, operands[0].ndim())}},
                     {"num_keys", std::int64_t{num_keys}},
                     {"descending", descending}});
}

Array sort(const Array& x, int axis, bool descending) { return lax::sort({x}, axis, 1, descending)[0]; }

// The stable order that sorts x: ties keep their original order, also when descending.
Array argsort(const Array& x, int axis, bool descending) {
  int a = normalize_axis("argsort", axis, x.ndim());
  return lax::sort({x, iota(int32, x.shape(), a)}, a, 1, descending)[1];
}

Array sort_complex(const Array& a) {
  Array sorted = sort(a, -1);
  return is_complex(a.dtype()) ? sorted : sorted.astype(complex_dtype(inexact(a).dtype()));
}

}  // namespace xjax
