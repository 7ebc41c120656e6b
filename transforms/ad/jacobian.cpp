// Jacobians over flat lists of arrays: one batched JVP per input element (forward) or one batched
// pullback per output element (reverse), cut into a block per (output, input) pair.
#include "xjax/transforms.hpp"

namespace xjax {
namespace {

// Rows [offset, offset + size) of an n x n identity, shaped [n] + shape: one basis block per leaf.
Arrays basis_blocks(const Arrays& leaves) {
  std::int64_t n = 0;
  for (const Array& x : leaves) n += x.size();
  DType d = float32;
  for (const Array& x : leaves)
    if (is_inexact(x.dtype())) d = promote_types(d, x.dtype());
  Array e = eye(n, std::nullopt, 0, d);
  Arrays blocks;
  std::int64_t off = 0;
  for (const Array& x : leaves) {
    Shape s{n};
    s.insert(s.end(), x.shape().begin(), x.shape().end());
    blocks.push_back(reshape(slice_in_dim(e, off, off + x.size(), 1, 1), s).astype(is_inexact(x.dtype()) ? x.dtype() : d));
    off += x.size();
  }
  return blocks;
}

// With holomorphic, every output is complex too, as JAX requires.
void check_holomorphic_outputs(const char* op, const Arrays& outs) {
  for (const Array& y : outs)
    if (!is_complex(y.dtype()))
      throw TransformError(op, "with holomorphic, every output must be complex, got ", y.aval());
}

}  // namespace

std::vector<Arrays> jacfwd_flat(const FlatFn& f, const Arrays& leaves, bool holomorphic) {
  check_grad_inputs("jacfwd", leaves, holomorphic);
  for (const Array& x : leaves)  // a real basis spans only the real directions of a complex input
    if (is_complex(x.dtype()) && !holomorphic)
      throw TransformError("jacfwd", "needs real-valued inputs, got ", x.aval(), "; use jacrev, vjp, or holomorphic");
  // Column k of the concatenated inputs is the JVP along the k-th basis vector; vmap puts it last.
  Arrays cols = vmap_flat(
      [&](const Arrays& t) -> Arrays {
        auto [outs, touts] = jvp_flat(f, leaves, Tangents(t.begin(), t.end()));
        if (holomorphic) check_holomorphic_outputs("jacfwd", outs);
        Arrays r;
        for (std::size_t j = 0; j < outs.size(); ++j) r.push_back(touts[j] ? *touts[j] : zeros_like(outs[j]));
        return r;
      },
      basis_blocks(leaves), std::vector<BatchDim>(leaves.size(), 0), {-1});
  std::vector<Arrays> blocks;
  for (const Array& c : cols) {
    Arrays row;
    std::int64_t off = 0;
    for (const Array& x : leaves) {
      Shape s(c.shape().begin(), c.shape().end() - 1);
      s.insert(s.end(), x.shape().begin(), x.shape().end());
      row.push_back(reshape(slice_in_dim(c, off, off + x.size(), 1, c.ndim() - 1), s));
      off += x.size();
    }
    blocks.push_back(row);
  }
  return blocks;
}

std::vector<Arrays> jacrev_flat(const FlatFn& f, const Arrays& leaves, bool holomorphic) {
  check_grad_inputs("jacrev", leaves, holomorphic);
  Linearized lin = vjp_flat(f, leaves);
  if (holomorphic) check_holomorphic_outputs("jacrev", lin.outs);
  for (const Array& y : lin.outs)
    if (is_complex(y.dtype()) && !holomorphic)
      throw TransformError("jacrev", "needs real-valued outputs, got ", y.aval(), "; use vjp, or holomorphic");
  // Row k of the concatenated outputs is the pullback of the k-th basis cotangent; vmap puts it first.
  Arrays rows = vmap_flat([&](const Arrays& ct) -> Arrays { return lin.pullback(Tangents(ct.begin(), ct.end())); },
                          basis_blocks(lin.outs), std::vector<BatchDim>(lin.outs.size(), 0), {0});
  std::vector<Arrays> blocks;
  std::int64_t off = 0;
  for (const Array& y : lin.outs) {
    Arrays row;
    for (std::size_t i = 0; i < leaves.size(); ++i) {
      Shape s = y.shape();
      s.insert(s.end(), leaves[i].shape().begin(), leaves[i].shape().end());
      row.push_back(reshape(slice_in_dim(rows[i], off, off + y.size(), 1, 0), s));
    }
    off += y.size();
    blocks.push_back(row);
  }
  return blocks;
}

}  // namespace xjax
