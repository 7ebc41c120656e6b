// The conv_general_dilated primitive: its params, shape rule and eager kernel (im2col + GEMM per
// group and batch element, or block of a large image's output lines); the rules are in conv_rules.cpp.
#include "primitives/conv.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <type_traits>

#include "kernels/blas.hpp"

namespace xjax::conv_detail {

ConvParams conv_params_of(const Params& p) {
  return {p.get_ints("window_strides"),     p.get_ints("padding_lo"),
          p.get_ints("padding_hi"),         p.get_ints("lhs_dilation"),
          p.get_ints("rhs_dilation"),       {p.get_ints("lhs_spec"), p.get_ints("rhs_spec"), p.get_ints("out_spec")},
          p.get_int("feature_group_count"), p.get_int("batch_group_count")};
}

Params params_of(const ConvParams& c) {
  return {
      {"window_strides", c.strides},        {"padding_lo", c.pad_lo},         {"padding_hi", c.pad_hi},
      {"lhs_dilation", c.lhs_dilation},     {"rhs_dilation", c.rhs_dilation}, {"lhs_spec", c.dn.lhs_spec},
      {"rhs_spec", c.dn.rhs_spec},          {"out_spec", c.dn.out_spec},      {"feature_group_count", c.feature_groups},
      {"batch_group_count", c.batch_groups}};
}

namespace {

constexpr const char* kOp = "conv_general_dilated";

std::int64_t at(const Shape& s, std::int64_t axis) { return s[static_cast<std::size_t>(axis)]; }

// A spec is a permutation of the operand's axes.
void check_spec(const char* what, const Ints& spec, const ShapedArray& x, const Params& params) {
  std::vector<bool> seen(static_cast<std::size_t>(x.ndim()), false);
  bool ok = static_cast<int>(spec.size()) == x.ndim();
  for (std::int64_t a : spec) {
    if (!ok || a < 0 || a >= x.ndim() || seen[static_cast<std::size_t>(a)]) {
      ok = false;
      break;
    }
    seen[static_cast<std::size_t>(a)] = true;
  }
  if (!ok) throw ValueError(kOp, what, " ", str(spec), " is not a permutation of the axes of ", x, " (", params, ")");
}

// The output's spatial extents: floor((padded dilated input - dilated window) / stride) + 1, at least 0.
Shape out_spatial(const Shape& in, const Shape& window, const ConvParams& c) {
  Shape out;
  for (std::size_t d = 0; d < in.size(); ++d) {
    const std::int64_t span =
        dilated(in[d], c.lhs_dilation[d]) + c.pad_lo[d] + c.pad_hi[d] - dilated(window[d], c.rhs_dilation[d]);
    out.push_back(span < 0 ? 0 : span / c.strides[d] + 1);
  }
  return out;
}

Avals conv_shape(const Avals& in, const Params& params) {
  if (in.size() != 2) throw ValueError(kOp, "takes two operands, got ", in.size());
  const ShapedArray &x = in[0], &w = in[1];
  const ConvParams c = conv_params_of(params);
  if (x.dtype != w.dtype) throw DTypeError(kOp, "operands must share a dtype, got ", x, " and ", w);
  if (x.ndim() != w.ndim()) throw ShapeError(kOp, "lhs and rhs need the same rank, got ", x, " and ", w);
  if (x.ndim() < 2) throw ShapeError(kOp, "operands need a batch and a feature axis, got ", x, " and ", w);
  check_spec("lhs_spec", c.dn.lhs_spec, x, params);
  check_spec("rhs_spec", c.dn.rhs_spec, w, params);
  check_spec("out_spec", c.dn.out_spec, x, params);
  const auto nd = static_cast<std::size_t>(x.ndim() - 2);
  for (const Ints* l : {&c.strides, &c.pad_lo, &c.pad_hi, &c.lhs_dilation, &c.rhs_dilation})
    if (l->size() != nd)
      throw ValueError(kOp, "strides, padding and dilations need one entry per spatial axis (", nd, "), got ", params);
  for (const Ints* l : {&c.strides, &c.lhs_dilation, &c.rhs_dilation})
    for (std::int64_t v : *l)
      if (v <= 0) throw ValueError(kOp, "strides and dilations must be positive, got ", params);
  const std::int64_t g = c.feature_groups, b = c.batch_groups;
  if (g <= 0 || b <= 0) throw ValueError(kOp, "group counts must be positive, got ", params);
  if (g > 1 && b > 1)
    throw ValueError(kOp, "feature_group_count ", g, " and batch_group_count ", b, " cannot both exceed 1");
  const std::int64_t n = at(x.shape, c.dn.lhs_spec[0]), ci = at(x.shape, c.dn.lhs_spec[1]);
  const std::int64_t o = at(w.shape, c.dn.rhs_spec[0]), i = at(w.shape, c.dn.rhs_spec[1]);
  if (ci % g != 0) throw ShapeError(kOp, "lhs features (", ci, ") of ", x, " not divisible by feature_group_count ", g);
  if (ci / g != i)
    throw ShapeError(kOp, "lhs features (", ci, ") of ", x, " / feature_group_count ", g,
                     " must equal the rhs input features (", i, ") of ", w);
  if (o % g != 0)
    throw ShapeError(kOp, "rhs output features (", o, ") of ", w, " not divisible by feature_group_count ", g);
  if (n % b != 0) throw ShapeError(kOp, "lhs batch (", n, ") of ", x, " not divisible by batch_group_count ", b);
  if (o % b != 0)
    throw ShapeError(kOp, "rhs output features (", o, ") of ", w, " not divisible by batch_group_count ", b);
  Shape in_sp, win;
  for (std::size_t d = 0; d < nd; ++d) {
    in_sp.push_back(at(x.shape, c.dn.lhs_spec[d + 2]));
    win.push_back(at(w.shape, c.dn.rhs_spec[d + 2]));
  }
  const Shape out_sp = out_spatial(in_sp, win, c);
  Shape out(static_cast<std::size_t>(x.ndim()));
  out[static_cast<std::size_t>(c.dn.out_spec[0])] = n / b;
  out[static_cast<std::size_t>(c.dn.out_spec[1])] = o;
  for (std::size_t d = 0; d < nd; ++d) out[static_cast<std::size_t>(c.dn.out_spec[d + 2])] = out_sp[d];
  return {ShapedArray{out, x.dtype, x.weak_type && w.weak_type}};
}

std::vector<std::int64_t> row_major(const Shape& s) {
  std::vector<std::int64_t> r(s.size(), 1);
  for (std::size_t i = s.size(); i-- > 1;) r[i - 1] = r[i] * s[i];
  return r;
}

// The operand's extents and element strides in canonical order (its spec's order).
struct Canonical {
  Shape size;
  std::vector<std::int64_t> stride;
};
Canonical canonical(const Shape& s, const Ints& spec) {
  const std::vector<std::int64_t> st = row_major(s);
  Canonical c;
  for (std::int64_t a : spec) {
    c.size.push_back(at(s, a));
    c.stride.push_back(st[static_cast<std::size_t>(a)]);
  }
  return c;
}

// Steps a row-major multi-index over the first idx.size() axes of `size`; false once it wraps around.
bool advance(std::vector<std::int64_t>& idx, const Shape& size) {
  for (std::size_t d = idx.size(); d-- > 0;) {
    if (++idx[d] < size[d]) return true;
    idx[d] = 0;
  }
  return false;
}

// The row-major multi-index of flat position q over the axes of `size`, into idx.
void unravel(std::int64_t q, const Shape& size, std::vector<std::int64_t>& idx) {
  idx.assign(size.size(), 0);
  for (std::size_t d = size.size(); d-- > 0;) {
    idx[d] = q % size[d];
    q /= size[d];
  }
}

// Elements move as unsigned integers of their width: the kernel copies, BLAS multiplies.
template <class U>
void conv_kernel(const Array& lhs, const Array& rhs, const ConvParams& c, NewBuffer& o, const ShapedArray& out_aval) {
  const Canonical x = canonical(lhs.shape(), c.dn.lhs_spec), w = canonical(rhs.shape(), c.dn.rhs_spec),
                  y = canonical(out_aval.shape, c.dn.out_spec);
  const std::size_t nd = x.size.size() - 2;
  const std::int64_t groups = c.feature_groups * c.batch_groups, n_out = y.size[0], out_feat = y.size[1];
  const std::int64_t og = out_feat / groups, in_feat = w.size[1];
  // An empty spatial list is one output position and one window position.
  Shape win(w.size.begin() + 2, w.size.end()), pos(y.size.begin() + 2, y.size.end());
  std::int64_t window = 1, positions = 1;
  for (std::size_t d = 0; d < nd; ++d) {
    window *= win[d];
    positions *= pos[d];
  }
  const std::int64_t rows = in_feat * window;
  U* out = o.as<U>();
  if (rows == 0) {
    std::memset(out, 0, static_cast<std::size_t>(out_aval.size()) * sizeof(U));
    return;
  }
  // table[d][k * pos[d] + p]: the lhs element offset along spatial axis d read by window tap k at
  // output position p, or -1 where it falls in padding or between dilated elements.
  std::vector<std::vector<std::int64_t>> table(nd);
  for (std::size_t d = 0; d < nd; ++d) {
    table[d].resize(static_cast<std::size_t>(win[d] * pos[d]));
    for (std::int64_t k = 0; k < win[d]; ++k)
      for (std::int64_t p = 0; p < pos[d]; ++p) {
        const std::int64_t X = p * c.strides[d] + k * c.rhs_dilation[d] - c.pad_lo[d];
        std::int64_t v = -1;
        if (X >= 0 && X % c.lhs_dilation[d] == 0 && X / c.lhs_dilation[d] < x.size[d + 2])
          v = X / c.lhs_dilation[d] * x.stride[d + 2];
        table[d][static_cast<std::size_t>(k * pos[d] + p)] = v;
      }
  }
  // Without lhs dilation along the last axis, a window tap reads one arithmetic run of the input
  // there for consecutive output positions (and an output position for consecutive taps), the
  // rest padding: such runs are copied without per-element lookups.
  struct Run {
    std::int64_t begin = 0, end = 0, step = 0;
    bool dense = false;
  };
  const std::int64_t last_win = nd ? win[nd - 1] : 1, last_pos = nd ? pos[nd - 1] : 1;
  // by_tap[k]: over positions p for tap k; by_pos[p]: over taps k for position p.
  std::vector<Run> by_tap(static_cast<std::size_t>(last_win)), by_pos(static_cast<std::size_t>(last_pos));
  auto find_run = [&](const std::int64_t* t, std::int64_t ts, std::int64_t len, std::int64_t step) {
    Run r;
    while (r.begin < len && t[r.begin * ts] < 0) ++r.begin;
    r.end = r.begin;
    while (r.end < len && t[r.end * ts] >= 0) ++r.end;
    r.step = step;
    r.dense = r.end > r.begin;
    return r;
  };
  if (nd && c.lhs_dilation[nd - 1] == 1) {
    const std::int64_t* t = table[nd - 1].data();
    const std::int64_t xs = x.stride[nd + 1];
    for (std::int64_t k = 0; k < last_win; ++k)
      by_tap[static_cast<std::size_t>(k)] = find_run(t + k * last_pos, 1, last_pos, c.strides[nd - 1] * xs);
    for (std::int64_t p = 0; p < last_pos; ++p)
      by_pos[static_cast<std::size_t>(p)] = find_run(t + p, last_pos, last_win, c.rhs_dilation[nd - 1] * xs);
  }
  const U* src = reinterpret_cast<const U*>(buffer_of(lhs).data());
  // One line of im2col along the last spatial axis: len elements, table entries t[q * ts].
  auto line = [&](U* dst, std::int64_t len, std::int64_t off, const std::int64_t* t, std::int64_t ts, const Run& run) {
    if (!run.dense) {
      for (std::int64_t q = 0; q < len; ++q) dst[q] = t[q * ts] < 0 ? U{0} : src[off + t[q * ts]];
      return;
    }
    std::fill(dst, dst + run.begin, U{0});
    const U* from = src + off + t[run.begin * ts];
    if (run.step == 1) {
      std::copy(from, from + (run.end - run.begin), dst + run.begin);
    } else {
      for (std::int64_t q = run.begin; q < run.end; ++q, from += run.step) dst[q] = *from;
    }
    std::fill(dst + run.end, dst + len, U{0});
  };
  const U* ker = reinterpret_cast<const U*>(buffer_of(rhs).data());
  const std::int64_t inner = nd ? pos[nd - 1] : 1;
  std::vector<U> weights(static_cast<std::size_t>(og * rows));  // one group's kernel as [o, (i, k...)]
  const Shape outer_pos(pos.begin(), pos.end() - (nd ? 1 : 0)), outer_win(win.begin(), win.end() - (nd ? 1 : 0));
  const bool by_taps = nd && last_win > last_pos;  // which axis im2col's lines run along
  std::vector<std::int64_t> kidx(nd), pidx;
  const std::int64_t lines = positions / inner;  // output lines along the last spatial axis
  // prod[o, (n, p...)] of group g, batch elements [n0, n0 + count), output lines [q0, q1), into the
  // output's layout.
  auto scatter = [&](const U* prod, std::int64_t g, std::int64_t n0, std::int64_t count, std::int64_t q0,
                     std::int64_t q1) {
    const std::int64_t step = nd ? y.stride[nd + 1] : 0, cols = count * (q1 - q0) * inner;
    for (std::int64_t oo = 0; oo < og; ++oo) {
      const U* row = prod + oo * cols;
      for (std::int64_t j = 0; j < count; ++j) {
        const std::int64_t base = (n0 + j) * y.stride[0] + (g * og + oo) * y.stride[1];
        unravel(q0, outer_pos, pidx);
        for (std::int64_t q = q0; q < q1; ++q, advance(pidx, outer_pos)) {
          std::int64_t off = base;
          for (std::size_t d = 0; d < outer_pos.size(); ++d) off += pidx[d] * y.stride[d + 2];
          if (step == 1)
            std::copy(row, row + inner, out + off);
          else
            for (std::int64_t p = 0; p < inner; ++p) out[off + p * step] = row[p];
          row += inner;
        }
      }
    }
  };
  // Lines of taps (i, k... but the last) as a block of im2col rows: col[(n, p...), rows of the block].
  const std::int64_t lines_per_feature = window / last_win;
  auto tap_lines = [&](U* col, std::int64_t g, std::int64_t n0, std::int64_t count, std::int64_t first,
                       std::int64_t end) {
    const std::int64_t width = (end - first) * last_win, c0 = c.feature_groups > 1 ? g * in_feat : 0;
    std::vector<std::int64_t> pf(nd), ko(outer_win.size());
    for (std::int64_t j = 0; j < count; ++j) {
      const std::int64_t nb = c.batch_groups > 1 ? g * n_out + n0 + j : n0 + j;
      std::fill(pf.begin(), pf.end(), 0);
      for (std::int64_t q = 0; q < positions; ++q, advance(pf, pos)) {
        U* dst = col + (j * positions + q) * width;
        for (std::int64_t l = first; l < end; ++l, dst += last_win) {
          const std::int64_t i = l / lines_per_feature;
          for (std::int64_t rest = l % lines_per_feature, d = static_cast<std::int64_t>(ko.size()); d-- > 0;) {
            ko[static_cast<std::size_t>(d)] = rest % win[static_cast<std::size_t>(d)];
            rest /= win[static_cast<std::size_t>(d)];
          }
          std::int64_t off = nb * x.stride[0] + (c0 + i) * x.stride[1];
          bool inside = true;
          for (std::size_t d = 0; d < ko.size(); ++d) {
            const std::int64_t t = table[d][static_cast<std::size_t>(ko[d] * pos[d] + pf[d])];
            if (t < 0) inside = false;
            off += t;
          }
          if (inside)
            line(dst, last_win, off, table[nd - 1].data() + pf[nd - 1], last_pos,
                 by_pos[static_cast<std::size_t>(pf[nd - 1])]);
          else
            std::fill(dst, dst + last_win, U{0});
        }
      }
    }
  };
  // Float sums of a long contraction (a kernel gradient: the window is an image) go in blocks of
  // rows, each one GEMM over every batch element, so the products stay wide.
  auto blocked_sum = [&](std::int64_t g) {
    const std::int64_t cols = n_out * positions, total = in_feat * lines_per_feature;
    const std::int64_t block = std::clamp<std::int64_t>((std::int64_t{1} << 21) / (cols * last_win), 1, total);
    std::vector<U> colb(static_cast<std::size_t>(cols * block * last_win)),
        wb(static_cast<std::size_t>(og * block * last_win)), part(static_cast<std::size_t>(og * cols)),
        acc(static_cast<std::size_t>(og * cols));
    for (std::int64_t first = 0; first < total; first += block) {
      const std::int64_t end = std::min(total, first + block), k = (end - first) * last_win;
      tap_lines(colb.data(), g, 0, n_out, first, end);
      for (std::int64_t oo = 0; oo < og; ++oo)
        std::copy_n(weights.data() + oo * rows + first * last_win, k, wb.data() + oo * k);
      kernels::batched_matmul(out_aval.dtype, wb.data(), colb.data(), first ? part.data() : acc.data(),
                              {.batch = 1, .m = og, .n = cols, .k = k, .trans_b = true});
      if (first == 0) continue;
      if constexpr (sizeof(U) == 4 || sizeof(U) == 8) {
        using F = std::conditional_t<sizeof(U) == 4, float, double>;
        for (std::size_t e = 0; e < acc.size(); ++e)
          acc[e] = std::bit_cast<U>(std::bit_cast<F>(acc[e]) + std::bit_cast<F>(part[e]));
      }
    }
    scatter(acc.data(), g, 0, n_out, 0, lines);
  };
  const bool blocked = by_taps && (out_aval.dtype == float32 || out_aval.dtype == float64);
  // Otherwise several batch elements share one GEMM (wider products), within a bounded im2col buffer.
  const std::int64_t chunk = std::clamp<std::int64_t>((std::int64_t{1} << 21) / (rows * positions), 1, n_out);
  // One image whose im2col matrix outgrows the caches goes in blocks of output lines, each block's
  // im2col rows still cached when the GEMM packs them (about 128K elements; at least 256 columns
  // keep the product wide). ResNet's 3x3 layer on 56x56 images: 5 lines of 56 per product.
  const std::int64_t span =
      chunk > 1 || by_taps
          ? lines
          : std::clamp<std::int64_t>(
                (std::max<std::int64_t>((std::int64_t{1} << 17) / rows, 256) + inner - 1) / inner, 1, lines);
  std::vector<U> col(static_cast<std::size_t>(blocked ? 0 : rows * chunk * span * inner)),
      prod(static_cast<std::size_t>(blocked ? 0 : og * chunk * span * inner));
  for (std::int64_t g = 0; g < groups; ++g) {
    // weights[o, (i, k...)] of this group, row-major.
    for (std::int64_t oo = 0; oo < og; ++oo)
      for (std::int64_t i = 0; i < in_feat; ++i) {
        std::fill(kidx.begin(), kidx.end(), 0);
        for (std::int64_t k = 0; k < window; ++k) {
          std::int64_t off = (g * og + oo) * w.stride[0] + i * w.stride[1];
          for (std::size_t d = 0; d < nd; ++d) off += kidx[d] * w.stride[d + 2];
          weights[static_cast<std::size_t>(oo * rows + i * window + k)] = ker[off];
          advance(kidx, win);
        }
      }
    if (blocked) {
      blocked_sum(g);
      continue;
    }
    const std::int64_t c0 = c.feature_groups > 1 ? g * in_feat : 0;
    for (std::int64_t n0 = 0; n0 < n_out; n0 += chunk) {
      const std::int64_t count = std::min(chunk, n_out - n0);
      for (std::int64_t q0 = 0; q0 < lines; q0 += span) {
        const std::int64_t q1 = std::min(lines, q0 + span), width = (q1 - q0) * inner, cols = count * width;
        for (std::int64_t j = 0; j < count; ++j) {
          const std::int64_t nb = c.batch_groups > 1 ? g * n_out + n0 + j : n0 + j;
          if (by_taps) {  // col[(n, p...), (i, k...)]: long windows copy runs along the taps (one block)
            tap_lines(col.data() + j * positions * rows, g, n0 + j, 1, 0, in_feat * lines_per_feature);
            continue;
          }
          // col[(i, k...), (n, p...)]: row r of batch element j starts at r * cols + j * width.
          for (std::int64_t i = 0; i < in_feat; ++i) {
            std::fill(kidx.begin(), kidx.end(), 0);
            for (std::int64_t k = 0; k < window; ++k, advance(kidx, win)) {
              U* dst = col.data() + (i * window + k) * cols + j * width;
              const std::int64_t base = nb * x.stride[0] + (c0 + i) * x.stride[1];
              unravel(q0, outer_pos, pidx);
              for (std::int64_t q = q0; q < q1; ++q, advance(pidx, outer_pos)) {
                std::int64_t off = base;
                bool inside = true;
                for (std::size_t d = 0; d < outer_pos.size(); ++d) {
                  const std::int64_t t = table[d][static_cast<std::size_t>(kidx[d] * pos[d] + pidx[d])];
                  if (t < 0) inside = false;
                  off += t;
                }
                if (!inside)
                  std::fill(dst, dst + inner, U{0});
                else if (nd == 0)
                  dst[0] = src[off];
                else
                  line(dst, inner, off, table[nd - 1].data() + kidx[nd - 1] * inner, 1,
                       by_tap[static_cast<std::size_t>(kidx[nd - 1])]);
                dst += inner;
              }
            }
          }
        }
        kernels::batched_matmul(out_aval.dtype, weights.data(), col.data(), prod.data(),
                                {.batch = 1, .m = og, .n = cols, .k = rows, .trans_b = by_taps});
        scatter(prod.data(), g, n0, count, q0, q1);
      }
    }
  }
}

Arrays conv_eval(const Arrays& in, const Params& params, const Avals& out) {
  NewBuffer o = new_buffer(out[0]);
  if (out[0].size() == 0) return {o.array};
  const ConvParams c = conv_params_of(params);
  switch (itemsize(out[0].dtype)) {
    case 1:
      conv_kernel<std::uint8_t>(in[0], in[1], c, o, out[0]);
      break;
    case 2:
      conv_kernel<std::uint16_t>(in[0], in[1], c, o, out[0]);
      break;
    case 4:
      conv_kernel<std::uint32_t>(in[0], in[1], c, o, out[0]);
      break;
    case 8:
      conv_kernel<std::uint64_t>(in[0], in[1], c, o, out[0]);
      break;
    case 16:
      conv_kernel<std::array<std::uint64_t, 2>>(in[0], in[1], c, o, out[0]);
      break;
    default:
      throw DTypeError(kOp, "no kernel for ", out[0]);
  }
  return {o.array};
}

}  // namespace

const Primitive& conv_general_dilated_p = def_primitive(Primitive{.name = "conv_general_dilated",
                                                                  .arity = 2,
                                                                  .shape = conv_shape,
                                                                  .eval = conv_eval,
                                                                  .jvp = conv_jvp,
                                                                  .transpose = conv_transpose_rule,
                                                                  .batch = conv_batch});

Array bind_conv(const Array& lhs, const Array& rhs, const ConvParams& c) {
  return bind1(conv_general_dilated_p, {lhs, rhs}, params_of(c));
}

}  // namespace xjax::conv_detail
