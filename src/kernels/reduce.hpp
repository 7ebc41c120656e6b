// Reduction loops: sum/prod/max/min/and/or over any set of axes, argmax/argmin along one axis.
// Per instruction set, like kernels/loops.hpp.
#pragma once
#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <type_traits>
#include <vector>

#include "kernels/loops.hpp"
#include "kernels/tables.hpp"
#include "kernels/thread_pool.hpp"
#include "xjax/dtype.hpp"

namespace xjax::kernels::XJAX_ISA {

template <class V>
inline constexpr bool wrapping_int = std::is_integral_v<V> && !std::is_same_v<V, bool>;

// Reduction functors. `acc<T>` is where tile results are folded: float sums fold into double (the
// scheme of DESIGN.md: lane-wise partial sums per tile of `tile` elements, each tile into a double),
// which keeps float32 sums at ~1e-8 relative error. Integer arithmetic wraps (never signed overflow).
struct SumOp {
  static constexpr bool simd = true;
  template <class T>
  using acc = std::conditional_t<std::is_same_v<T, float>, double, T>;
  template <class T>
  static T identity() { return T(0); }
  template <class V>
  V operator()(const V& a, const V& b) const {
    if constexpr (wrapping_int<V>) return V(std::make_unsigned_t<V>(a) + std::make_unsigned_t<V>(b));
    else return a + b;
  }
};
struct ProdOp {
  static constexpr bool simd = true;
  template <class T>
  using acc = T;
  template <class T>
  static T identity() { return T(1); }
  template <class V>
  V operator()(const V& a, const V& b) const {
    if constexpr (wrapping_int<V>) return V(std::make_unsigned_t<V>(a) * std::make_unsigned_t<V>(b));
    else return a * b;
  }
};
// Max and min propagate NaN, as numpy and JAX do.
template <bool IsMax>
struct ExtremumOp {
  static constexpr bool simd = true;
  template <class T>
  using acc = T;
  template <class T>
  static T identity() {
    if constexpr (std::is_floating_point_v<T>)
      return IsMax ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::infinity();
    else return IsMax ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
  }
  template <class V>
  V operator()(const V& a, const V& b) const {
    if constexpr (std::is_floating_point_v<V>) {
      if (a != a) return a;
      if (b != b) return b;
      return (IsMax ? a > b : a < b) ? a : b;
    } else if constexpr (std::is_arithmetic_v<V>) {
      return (IsMax ? a > b : a < b) ? a : b;
    } else {
      // isnan, not a != a: xsimd 8.1's avx512f `!=` is an ordered compare, false for NaN.
      V m = IsMax ? xsimd::max(a, b) : xsimd::min(a, b);
      return xsimd::select(xsimd::isnan(a) | xsimd::isnan(b), a + b, m);
    }
  }
};
using MaxOp = ExtremumOp<true>;
using MinOp = ExtremumOp<false>;
// Logical on bool, bitwise on integers.
template <bool IsAnd>
struct LogicOp {
  static constexpr bool simd = false;
  template <class T>
  using acc = T;
  template <class T>
  static T identity() {
    if constexpr (std::is_same_v<T, bool>) return IsAnd;
    else return IsAnd ? T(~T(0)) : T(0);
  }
  template <class V>
  V operator()(const V& a, const V& b) const {
    if constexpr (std::is_same_v<V, bool>) return IsAnd ? (a && b) : (a || b);
    else return IsAnd ? V(a & b) : V(a | b);
  }
};
using AndOp = LogicOp<true>;
using OrOp = LogicOp<false>;

inline constexpr std::int64_t tile = tile_size;
static_assert(parallel_grain % tile == 0, "parallel chunks must be whole tiles");

// acc[i] = op(acc[i], x[i]) over a contiguous row.
template <class Op, class T>
void combine_row(Op op, T* acc, const T* x, std::int64_t n) {
  std::int64_t i = 0;
  if constexpr (simd_type<T> && Op::simd) {
    using B = Batch<T>;
    constexpr std::int64_t w = B::size;
    for (; i + w <= n; i += w) op(B::load_unaligned(acc + i), B::load_unaligned(x + i)).store_unaligned(acc + i);
  }
  for (; i < n; ++i) acc[i] = op(acc[i], x[i]);
}

// Virtual lanes of a tile: 256 bytes of partial results (64 floats, 32 doubles), whatever the vector
// width. Lane j combines elements j, j + lanes, j + 2 lanes, ... in order; the lanes then fold by a
// fixed halving tree (lane j with lane j + h, h = lanes / 2, ..., 1). A vector unit of w lanes runs
// exactly these operations (lanes / w registers side by side), so a reduction's bits do not depend on
// the instruction set, and the eager kernels and jit's fused kernels share this function.
template <class T>
inline constexpr std::int64_t virtual_lanes = 256 / static_cast<std::int64_t>(sizeof(T));

// One tile (n <= tile).
template <class Op, class T>
T reduce_tile(Op op, const T* x, std::int64_t n) {
  constexpr std::int64_t L = virtual_lanes<T>;
  alignas(64) T lanes[L];
  std::int64_t i = 0;
  if constexpr (simd_type<T> && Op::simd) {
    using B = Batch<T>;
    constexpr std::int64_t w = B::size, regs = L / w;
    static_assert(L % w == 0, "virtual lanes must fill whole vectors");
    if (n >= L) {
      B acc[regs];
      for (B& a : acc) a = B(Op::template identity<T>());
      for (; i + L <= n; i += L)
        for (std::int64_t r = 0; r < regs; ++r) acc[r] = op(acc[r], B::load_unaligned(x + i + r * w));
      for (std::int64_t r = 0; r < regs; ++r) acc[r].store_aligned(lanes + r * w);
    }
  }
  // Lanes that never received an element hold the identity, and op(v, identity) == v bit for bit
  // (a lane sum starts at +0 and so is never -0), so the tree skips them: short runs stay cheap.
  std::int64_t live = std::min(n, L);
  if (i == 0) std::fill(lanes, lanes + live, Op::template identity<T>());
  for (; i < n; ++i) lanes[i % L] = op(lanes[i % L], x[i]);
  for (std::int64_t h = L / 2; h >= 1; h /= 2) {
    if (live > h) combine_row(op, lanes, lanes + h, live - h);
    live = std::min(live, h);
  }
  return n > 0 ? lanes[0] : Op::template identity<T>();
}

// Tiles of a contiguous run, each tile's result folded into the accumulator type in order.
template <class Op, class T>
typename Op::template acc<T> reduce_tiles(Op op, const T* x, std::int64_t n) {
  using Acc = typename Op::template acc<T>;
  Acc total = Op::template identity<Acc>();
  for (std::int64_t s = 0; s < n; s += tile) total = op(total, Acc(reduce_tile(op, x + s, std::min(tile, n - s))));
  return total;
}

// A contiguous run of any length. Long runs are cut into chunks of parallel_grain elements (a
// multiple of the tile) reduced on several threads; their results fold in chunk order, so the
// value does not depend on the number of threads.
template <class Op, class T>
typename Op::template acc<T> reduce_run(Op op, const T* x, std::int64_t n) {
  using Acc = typename Op::template acc<T>;
  if (n <= parallel_grain) return reduce_tiles(op, x, n);
  std::unique_ptr<Acc[]> parts(new Acc[static_cast<std::size_t>(num_chunks(n, parallel_grain))]);  // not vector<bool>
  parallel_for(n, parallel_grain, [&](std::int64_t b, std::int64_t e) {
    parts[static_cast<std::size_t>(b / parallel_grain)] = reduce_tiles(op, x + b, e - b);
  });
  Acc total = Op::template identity<Acc>();
  for (std::int64_t c = 0; c < num_chunks(n, parallel_grain); ++c) total = op(total, parts[static_cast<std::size_t>(c)]);
  return total;
}

// A run of axes that are all reduced or all kept, merged into one (row-major element stride of its
// innermost axis).
struct Group {
  std::int64_t extent;
  std::int64_t stride;
  bool reduced;
};

// Merges neighbouring axes of the same role; extent-1 axes play no role and are dropped.
inline std::vector<Group> coalesce(const Shape& shape, const std::vector<bool>& reduced) {
  std::vector<Group> g;
  std::int64_t stride = 1;
  for (std::size_t i = shape.size(); i-- > 0;) {
    if (shape[i] != 1) {
      if (!g.empty() && g.back().reduced == reduced[i]) g.back().extent *= shape[i];
      else g.push_back({shape[i], stride, reduced[i]});
    }
    stride *= shape[i];
  }
  std::reverse(g.begin(), g.end());
  return g;
}

inline std::int64_t count_of(const std::vector<Group>& g) {
  std::int64_t n = 1;
  for (const Group& d : g) n *= d.extent;
  return n;
}

// f(offset) for the index combinations first..last-1 of the groups, in row-major order (the empty
// list of groups has one combination, offset 0).
template <class F>
void for_each_offset(const std::vector<Group>& g, std::int64_t first, std::int64_t last, F&& f) {
  if (first >= last) return;
  if (g.empty()) return f(std::int64_t{0});
  std::vector<std::int64_t> idx(g.size());
  std::int64_t base = 0, rest = first;
  for (std::size_t d = g.size(); d-- > 0;) {
    idx[d] = rest % g[d].extent;
    rest /= g[d].extent;
    base += idx[d] * g[d].stride;
  }
  for (std::int64_t k = first; k < last; ++k) {
    f(base);
    for (std::size_t d = g.size(); d-- > 0;) {  // odometer step
      base += g[d].stride;
      if (++idx[d] < g[d].extent) break;
      base -= g[d].stride * g[d].extent;
      idx[d] = 0;
    }
  }
}
template <class F>
void for_each_offset(const std::vector<Group>& g, F&& f) {
  for_each_offset(g, 0, count_of(g), f);
}

// Column accumulators for rows of up to `tile` elements. Float sums add blocks of `block` rows in
// float lanes and fold each block into double columns; other reductions combine in T directly.
template <class Op, class T>
class Columns {
 public:
  using Acc = typename Op::template acc<T>;
  explicit Columns(std::int64_t len) : len_(len) {
    std::fill(part_, part_ + len, Op::template identity<T>());
    if constexpr (folds) std::fill(acc_, acc_ + len, Op::template identity<Acc>());
  }
  void add(const T* row, std::int64_t n) {  // n <= len: a shorter row feeds the first n columns
    combine_row(Op{}, part_, row, n);
    if constexpr (folds)
      if (++rows_ == block) fold();
  }
  // The columns' results; call once, after the last add.
  const Acc* finish() {
    if constexpr (folds) {
      fold();
      return acc_;
    } else {
      return part_;
    }
  }

 private:
  static constexpr bool folds = !std::is_same_v<Acc, T>;
  static constexpr std::int64_t block = 64;
  void fold() {
    for (std::int64_t j = 0; j < len_; ++j) acc_[j] = Op{}(acc_[j], Acc(part_[j]));
    std::fill(part_, part_ + len_, Op::template identity<T>());
    rows_ = 0;
  }
  std::int64_t len_, rows_ = 0;
  alignas(64) T part_[tile];
  Acc acc_[folds ? tile : 1];
};

// Rows of length `inner` at the offsets of `red`, combined column-wise into out (inner of them).
template <class Op, class T>
void reduce_rows(Op op, const T* x, const std::vector<Group>& red, std::int64_t inner, T* out) {
  using Acc = typename Op::template acc<T>;
  if (red.size() == 1 && 2 * inner <= tile) {
    // Short rows that follow each other: k of them make one row of k * inner, so vector lanes stay
    // full; column j's partial results sit at j, j + inner, ... and are folded at the end.
    const std::int64_t k = tile / inner, super = k * inner, n = red[0].extent;
    Columns<Op, T> cols(super);
    std::int64_t r = 0;
    for (; r + k <= n; r += k) cols.add(x + r * inner, super);
    for (; r < n; ++r) cols.add(x + r * inner, inner);
    const Acc* acc = cols.finish();
    for (std::int64_t j = 0; j < inner; ++j) {
      Acc a = acc[j];
      for (std::int64_t m = 1; m < k; ++m) a = op(a, acc[m * inner + j]);
      out[j] = static_cast<T>(a);
    }
    return;
  }
  // Blocks of `tile` columns are independent: several threads take whole blocks.
  const std::int64_t block_grain = std::max<std::int64_t>(1, parallel_grain / (tile * count_of(red))) * tile;
  parallel_for(inner, block_grain, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t c = begin; c < end; c += tile) {
      const std::int64_t len = std::min(tile, end - c);
      Columns<Op, T> cols(len);
      for_each_offset(red, [&](std::int64_t off) { cols.add(x + off + c, len); });
      const Acc* acc = cols.finish();
      for (std::int64_t j = 0; j < len; ++j) out[c + j] = static_cast<T>(acc[j]);
    }
  });
}

// out = reduction of the contiguous row-major x over the axes where `reduced` is true. No copies:
// an innermost reduced run is reduced with vector lanes; otherwise whole rows are combined
// column-wise into the (contiguous) output.
template <class Op, class T>
void reduce(Op op, const T* x, const Shape& shape, const std::vector<bool>& reduced, T* out) {
  using Acc = typename Op::template acc<T>;
  std::int64_t n_out = 1, n_red = 1;
  for (std::size_t i = 0; i < shape.size(); ++i)
    if (!reduced[i]) n_out *= shape[i];
  if (n_out == 0) return;
  // An empty input may have other extents too large to multiply (strides): none is read.
  if (std::find(shape.begin(), shape.end(), 0) != shape.end()) return std::fill(out, out + n_out, Op::template identity<T>());
  for (std::size_t i = 0; i < shape.size(); ++i)
    if (reduced[i]) n_red *= shape[i];
  std::vector<Group> groups = coalesce(shape, reduced), kept, red;
  for (const Group& g : groups) (g.reduced ? red : kept).push_back(g);
  if (red.empty()) return std::copy(x, x + n_out, out), void();
  // Outputs are independent: several threads take ranges of them, each worth about a chunk of input.
  const std::int64_t outs_grain = std::max<std::int64_t>(1, parallel_grain / n_red);
  if (groups.back().reduced) {
    const std::int64_t run = red.back().extent;
    red.pop_back();
    if (red.empty()) {  // [kept..., run]: output o reduces x[o * run, (o + 1) * run)
      if (n_out == 1) return void(*out = static_cast<T>(reduce_run(op, x, run)));
      return parallel_for(n_out, outs_grain, [&](std::int64_t b, std::int64_t e) {
        for (std::int64_t i = b; i < e; ++i) out[i] = static_cast<T>(reduce_run(op, x + i * run, run));
      });
    }
    parallel_for(n_out, outs_grain, [&](std::int64_t b, std::int64_t e) {
      std::int64_t o = b;
      for_each_offset(kept, b, e, [&](std::int64_t base) {
        Acc acc = Op::template identity<Acc>();
        for_each_offset(red, [&](std::int64_t off) { acc = op(acc, reduce_run(op, x + base + off, run)); });
        out[o++] = static_cast<T>(acc);
      });
    });
  } else {
    const std::int64_t inner = kept.back().extent;
    kept.pop_back();
    parallel_for(count_of(kept), std::max<std::int64_t>(1, outs_grain / inner), [&](std::int64_t b, std::int64_t e) {
      std::int64_t o = b * inner;
      for_each_offset(kept, b, e, [&](std::int64_t base) {
        reduce_rows(op, x + base, red, inner, out + o);
        o += inner;
      });
    });
  }
}

// Index of the first maximum (IsMax) or minimum along the middle axis of x viewed as [outer, n, inner],
// n >= 1. A NaN counts as the extremum (the first NaN wins), as in numpy and JAX.
template <bool IsMax, class T, class I>
void arg_reduce(const T* x, std::int64_t outer, std::int64_t n, std::int64_t inner, I* out) {
  if (inner == 1) {  // contiguous rows: the extremum with vector lanes, then its first position
    for (std::int64_t o = 0; o < outer; ++o) {
      const T* xo = x + o * n;
      const T m = reduce_run(ExtremumOp<IsMax>{}, xo, n);
      std::int64_t k = 0;
      if constexpr (std::is_floating_point_v<T>)
        if (m != m)
          while (xo[k] == xo[k]) ++k;
      if (m == m)
        while (xo[k] != m) ++k;
      out[o] = static_cast<I>(k);
    }
    return;
  }
  std::unique_ptr<T[]> best(new T[static_cast<std::size_t>(inner)]);  // not vector: vector<bool>
  for (std::int64_t o = 0; o < outer; ++o) {
    const T* xo = x + o * n * inner;
    I* io = out + o * inner;
    std::copy(xo, xo + inner, best.get());
    std::fill(io, io + inner, I(0));
    for (std::int64_t k = 1; k < n; ++k) {
      const T* row = xo + k * inner;
      for (std::int64_t j = 0; j < inner; ++j) {
        const T v = row[j], b = best[static_cast<std::size_t>(j)];
        bool better = IsMax ? v > b : v < b;
        if constexpr (std::is_floating_point_v<T>) better = b == b && (better || v != v);
        if (better) {
          best[static_cast<std::size_t>(j)] = v;
          io[j] = static_cast<I>(k);
        }
      }
    }
  }
}

// Inclusive scan of x viewed as [outer, n, inner] along the middle axis (from the end if reverse).
// Float sums run in double, so each prefix is rounded once.
template <class Op, class T>
void scan(Op op, const T* x, std::int64_t outer, std::int64_t n, std::int64_t inner, bool reverse, T* out) {
  using Acc = typename Op::template acc<T>;
  const std::int64_t step = reverse ? -inner : inner;
  if (inner == 1) {
    for (std::int64_t o = 0; o < outer; ++o) {
      const std::int64_t first = o * n + (reverse ? n - 1 : 0);
      const T* src = x + first;
      T* dst = out + first;
      Acc a = Op::template identity<Acc>();
      for (std::int64_t k = 0; k < n; ++k, src += step, dst += step) {
        a = op(a, Acc(*src));
        *dst = static_cast<T>(a);
      }
    }
    return;
  }
  std::unique_ptr<Acc[]> acc(new Acc[static_cast<std::size_t>(inner)]);  // not vector: vector<bool>
  for (std::int64_t o = 0; o < outer; ++o) {
    const std::int64_t first = (o * n + (reverse ? n - 1 : 0)) * inner;
    std::fill(acc.get(), acc.get() + inner, Op::template identity<Acc>());
    for (std::int64_t k = 0; k < n; ++k) {
      const T* row = x + first + k * step;
      T* orow = out + first + k * step;
      if constexpr (std::is_same_v<Acc, T>) {
        combine_row(op, acc.get(), row, inner);
        std::copy(acc.get(), acc.get() + inner, orow);
      } else {
        for (std::int64_t j = 0; j < inner; ++j) acc[j] = op(acc[j], Acc(row[j]));
        for (std::int64_t j = 0; j < inner; ++j) orow[j] = static_cast<T>(acc[j]);
      }
    }
  }
}

}  // namespace xjax::kernels::XJAX_ISA
