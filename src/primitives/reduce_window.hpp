// The windowed-reduction primitives' shared pieces: their canonical params, the shape rule, the
// per-window input offsets their kernels walk, and lax-style entry points.
#pragma once
#include <algorithm>
#include <vector>

#include "primitives/common.hpp"
#include "xjax/pooling.hpp"

namespace xjax::window {

// Canonical window params: one entry per dimension of the operand.
struct Config {
  Ints window, strides, lo, hi, base_dilation, window_dilation;
};
Params to_params(const Config& c);
Config from_params(const Params& p);
// Checks c against an operand of rank ndim (typed errors naming op) and returns the output shape.
Shape output_shape(const char* op, const Shape& in, const Config& c);
// c with a window dimension of size 1 inserted at `axis` (a batch axis).
Config with_unit_dim(const Config& c, int axis);

// The input positions of every window. The trailing dimensions the window leaves alone (extent 1,
// stride 1, no padding or dilation) form contiguous blocks of `inner` elements; visit gives, for each
// output block, the first element of each window position's input block (-1: padding or a hole).
struct Plan {
  std::int64_t inner = 1, out_blocks = 1, per_window = 1;
  Ints out, window, in_stride;               // the leading (windowed) dimensions only
  std::vector<Ints> table;                   // per dimension: [o * window + k] -> input index or -1
};
Plan plan(const Shape& in, const Shape& out, const Config& c);

// f(o, offsets) for every output block o, with the per_window input offsets of its window.
template <class F>
void visit(const Plan& p, F&& f) {
  if (p.inner == 0) return;
  const std::size_t m = p.out.size();
  Ints o(m, 0), k(m, 0), offsets(static_cast<std::size_t>(p.per_window));
  for (std::int64_t ob = 0; ob < p.out_blocks; ++ob) {
    std::fill(k.begin(), k.end(), 0);
    for (std::int64_t w = 0; w < p.per_window; ++w) {
      std::int64_t off = 0;
      for (std::size_t d = 0; d < m && off >= 0; ++d) {
        const std::int64_t i = p.table[d][static_cast<std::size_t>(o[d] * p.window[d] + k[d])];
        off = i < 0 ? -1 : off + i * p.in_stride[d];
      }
      offsets[static_cast<std::size_t>(w)] = off < 0 ? -1 : off * p.inner;
      for (std::size_t d = m; d-- > 0;) {
        if (++k[d] < p.window[d]) break;
        k[d] = 0;
      }
    }
    f(ob, offsets.data());
    for (std::size_t d = m; d-- > 0;) {
      if (++o[d] < p.out[d]) break;
      o[d] = 0;
    }
  }
}

// The primitives through bind (the operand's dtype is kept).
Array reduce(WindowOp op, const Array& x, const Config& c);
// The tangent t at the first max (min) of each window of x: an array of the output's shape.
Array select_and_gather_add(const Array& t, const Array& x, bool maximum, const Config& c);
// The transpose: each element of s added at the first max (min) of its window of x.
Array select_and_scatter_add(const Array& s, const Array& x, bool maximum, const Config& c);

}  // namespace xjax::window
