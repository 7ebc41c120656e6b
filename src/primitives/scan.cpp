// The scan primitive with its rules, and scan_flat, which traces the body.
// Inputs: (consts..., carry..., xs...); outputs: (carry..., ys...), each y stacked along axis 0.
// Params: jaxpr (consts, carry, x slices) -> (carry, y slices), num_consts, num_carry, length, reverse.
#include <cstring>

#include "primitives/control_flow.hpp"
#include "trace/lowering.hpp"
#include "trace/trace.hpp"

namespace xjax {
namespace control_flow {
namespace {

const Primitive& scan_primitive();

struct ScanSig {
  JaxprPtr body;
  std::size_t consts, carry, xs, ys;
  std::int64_t length;
  bool reverse;
};
ScanSig sig_of(const Params& p) {
  ScanSig s{jaxpr_param(p, "jaxpr"), static_cast<std::size_t>(p.get_int("num_consts")),
            static_cast<std::size_t>(p.get_int("num_carry")), 0, 0, p.get_int("length"), p.get<bool>("reverse")};
  std::size_t n_in = s.body->jaxpr->invars.size(), n_out = s.body->jaxpr->outvars.size();
  if (s.consts + s.carry > n_in || s.carry > n_out || s.length < 0)
    throw ValueError("scan", "inconsistent params: ", s.consts, " consts and ", s.carry, " carries for a body of ", n_in,
                     " inputs and ", n_out, " outputs, length ", s.length);
  s.xs = n_in - s.consts - s.carry;
  s.ys = n_out - s.carry;
  return s;
}
Params params_of(const JaxprPtr& body, std::size_t consts, std::size_t carry, std::int64_t length, bool reverse) {
  return {{"jaxpr", body},
          {"num_consts", static_cast<std::int64_t>(consts)},
          {"num_carry", static_cast<std::int64_t>(carry)},
          {"length", length},
          {"reverse", reverse}};
}

ShapedArray unstacked(const ShapedArray& a) { return {Shape(a.shape.begin() + 1, a.shape.end()), a.dtype, a.weak_type}; }
ShapedArray stacked(const ShapedArray& a, std::int64_t n) {
  Shape s = a.shape;
  s.insert(s.begin(), n);
  return {s, a.dtype, a.weak_type};
}

Avals scan_shape(const Avals& in, const Params& p) {
  ScanSig s = sig_of(p);
  if (in.size() != s.consts + s.carry + s.xs)
    throw ValueError("scan", "expected ", s.consts + s.carry + s.xs, " operands, got ", in.size());
  Avals expected(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(s.consts + s.carry));
  for (std::size_t i = s.consts + s.carry; i < in.size(); ++i) {
    if (in[i].ndim() == 0 || in[i].shape[0] != s.length)
      throw ShapeError("scan", "xs must have leading extent ", s.length, ", got ", in[i]);
    expected.push_back(unstacked(in[i]));
  }
  if (!same_types(expected, s.body->in_avals()))
    throw TransformError("scan", "the body takes ", avals_str(s.body->in_avals()), " but is given ", avals_str(expected));
  Avals outs = s.body->out_avals();
  Avals carry(in.begin() + static_cast<std::ptrdiff_t>(s.consts), in.begin() + static_cast<std::ptrdiff_t>(s.consts + s.carry));
  Avals carry_out(outs.begin(), outs.begin() + static_cast<std::ptrdiff_t>(s.carry));
  if (!same_types(carry, carry_out))
    throw TransformError("scan", "the carry has type ", avals_str(carry), " but the body returns a carry of type ",
                         avals_str(carry_out));
  Avals result;
  for (std::size_t i = 0; i < s.carry; ++i)
    result.push_back({carry[i].shape, carry[i].dtype, carry[i].weak_type && carry_out[i].weak_type});
  for (std::size_t i = s.carry; i < outs.size(); ++i) result.push_back(stacked(outs[i], s.length));
  return result;
}

Arrays scan_eval(const Arrays& in, const Params& p, const Avals& out_avals) {
  ScanSig s = sig_of(p);
  std::shared_ptr<const Executable> body = compiled(s.body);
  Arrays consts = take(in, 0, s.consts);
  Arrays carry = take(in, s.consts, s.carry);
  Arrays xs = take(in, s.consts + s.carry, s.xs);
  // The stacked outputs are allocated before the first step (so a length too large for memory is an
  // AllocationError up front) and each step's slice is copied into place.
  std::vector<NewBuffer> ys;
  std::vector<std::size_t> slice_bytes;
  for (std::size_t k = 0; k < s.ys; ++k) {
    const ShapedArray& a = out_avals[s.carry + k];
    ys.push_back(new_buffer(a));
    slice_bytes.push_back(static_cast<std::size_t>(unstacked(a).size()) * itemsize(a.dtype));
  }
  for (std::int64_t step = 0; step < s.length; ++step) {
    std::int64_t i = s.reverse ? s.length - 1 - step : step;
    Arrays args = concat({consts, carry});
    for (const Array& x : xs) args.push_back(x[i]);
    Arrays outs = body->run(args);
    for (std::size_t k = 0; k < s.carry; ++k) carry[k] = std::move(outs[k]);
    for (std::size_t k = 0; k < s.ys; ++k) {
      if (!slice_bytes[k]) continue;
      Array y = convert(outs[s.carry + k], out_avals[s.carry + k].dtype, false);
      std::memcpy(ys[k].data + static_cast<std::size_t>(i) * slice_bytes[k], buffer_of(y).data(), slice_bytes[k]);
    }
  }
  Arrays result;
  for (std::size_t k = 0; k < s.carry; ++k) {
    const ShapedArray& a = out_avals[k];
    result.push_back(carry[k].weak_type() == a.weak_type ? carry[k] : convert(carry[k], a.dtype, a.weak_type));
  }
  for (const NewBuffer& y : ys) result.push_back(y.array);
  return result;
}

// Tangents: a scan of the body's forward mode carrying (primal, tangent) pairs. A carry gets a
// tangent when its initial value or the body gives it one (iterated to a fixed point).
Tangents scan_jvp(const Arrays& in, const Tangents& t, const Arrays&, const Params& p) {
  ScanSig s = sig_of(p);
  Mask nz_in = mask_of(t);
  Mask carry_nz(nz_in.begin() + static_cast<std::ptrdiff_t>(s.consts),
                nz_in.begin() + static_cast<std::ptrdiff_t>(s.consts + s.carry));
  JvpJaxpr jj;
  for (;;) {
    Mask nz = nz_in, force = carry_nz;
    std::copy(carry_nz.begin(), carry_nz.end(), nz.begin() + static_cast<std::ptrdiff_t>(s.consts));
    force.resize(s.carry + s.ys, false);
    jj = jvp_jaxpr(s.body, nz, force);
    bool grew = false;
    for (std::size_t k = 0; k < s.carry; ++k)
      if (jj.nz_out[k] && !carry_nz[k]) grew = carry_nz[k] = true;
    if (!grew) {
      nz_in = nz;
      break;
    }
  }
  auto count = [&](std::size_t from, std::size_t n) {
    return static_cast<std::size_t>(std::count(nz_in.begin() + static_cast<std::ptrdiff_t>(from),
                                               nz_in.begin() + static_cast<std::ptrdiff_t>(from + n), true));
  };
  std::size_t tc = count(0, s.consts), th = count(s.consts, s.carry), tx = count(s.consts + s.carry, s.xs);
  std::size_t ty = static_cast<std::size_t>(std::count(jj.nz_out.begin() + static_cast<std::ptrdiff_t>(s.carry), jj.nz_out.end(), true));
  // jvp_jaxpr orders (primals, tangents); scan wants consts, carry and xs each followed by their tangents.
  std::size_t P = s.consts + s.carry + s.xs, Q = s.carry + s.ys;
  JaxprPtr body = reorder(jj.jaxpr,
                          ranges({{0, s.consts}, {P, P + tc}, {s.consts, s.consts + s.carry}, {P + tc, P + tc + th},
                                  {s.consts + s.carry, P}, {P + tc + th, P + tc + th + tx}}),
                          ranges({{0, s.carry}, {Q, Q + th}, {s.carry, Q}, {Q + th, Q + th + ty}}));
  Arrays args;
  auto add = [&](std::size_t from, std::size_t n) {
    Arrays primal = take(in, from, n);
    args.insert(args.end(), primal.begin(), primal.end());
    for (std::size_t i = from; i < from + n; ++i)
      if (nz_in[i]) args.push_back(instantiate(t[i], {in[i].shape(), in[i].dtype(), false}));
  };
  add(0, s.consts);
  add(s.consts, s.carry);
  add(s.consts + s.carry, s.xs);
  Arrays r = xjax::bind(scan_primitive(), args, params_of(body, s.consts + tc, s.carry + th, s.length, s.reverse));
  Tangents result;
  std::size_t k = s.carry;
  for (std::size_t i = 0; i < s.carry; ++i) result.push_back(jj.nz_out[i] ? Tangent(r[k++]) : std::nullopt);
  k = s.carry + th + s.ys;  // past the carries, their tangents and the ys
  for (std::size_t i = s.carry; i < s.carry + s.ys; ++i) result.push_back(jj.nz_out[i] ? Tangent(r[k++]) : std::nullopt);
  return result;
}

// Transposition of a scan that is linear in some consts, carries and xs (the tangent scans made by
// scan_jvp). Non-linear carries evolve on their own: a forward scan records them at every step,
// then a scan in the opposite direction transposes the body at each step, carrying the carries'
// cotangents and accumulating the consts'.
Tangents scan_transpose(const Tangents& cts, const LinearArgs& args, const Params& p) {
  ScanSig s = sig_of(p);
  Mask linear;
  for (const LinearArg& a : args) linear.push_back(a.is_linear());
  // A carry is linear when the body makes it depend on linear inputs, even if its initial value is
  // a known constant (the instantiated zero tangents of scan_jvp): iterate to a fixed point.
  for (bool grew = true; grew;) {
    grew = false;
    Mask out = depends_on(*s.body->jaxpr, linear);
    for (std::size_t k = 0; k < s.carry; ++k)
      if (out[k] && !linear[s.consts + k]) grew = linear[s.consts + k] = true;
  }
  auto values = [&](std::size_t from, std::size_t n) {  // of the non-linear inputs
    Arrays r;
    for (std::size_t i = from; i < from + n; ++i)
      if (!linear[i]) r.push_back(*args[i].value);
    return r;
  };
  auto avals = [&](std::size_t from, std::size_t n, bool lin) {
    Avals r;
    for (std::size_t i = from; i < from + n; ++i)
      if (linear[i] == lin) r.push_back(args[i].aval);
    return r;
  };
  std::size_t c0 = 0, h0 = s.consts, x0 = s.consts + s.carry;
  Arrays C = values(c0, s.consts), H = values(h0, s.carry), X = values(x0, s.xs);
  Avals lin_c = avals(c0, s.consts, true), lin_h = avals(h0, s.carry, true), lin_x = avals(x0, s.xs, true);
  Avals H_avals = avals(h0, s.carry, false);

  // 1. The non-linear carries before every step.
  Arrays residuals;
  if (!H.empty()) {
    Mask drop(linear.begin(), linear.end());
    Mask keep(s.carry + s.ys, false);
    for (std::size_t k = 0; k < s.carry; ++k) keep[k] = !linear[h0 + k];
    JaxprPtr next = drop_inputs(keep_outputs(s.body, keep), drop);
    Avals in = avals(c0, s.consts, false);
    for (const ShapedArray& a : H_avals) in.push_back(a);
    for (const ShapedArray& a : avals(x0, s.xs, false)) in.push_back(unstacked(a));
    JaxprPtr fwd = trace_closed(
        [&](const Arrays& a) {
          Arrays out = eval_jaxpr(*next, a);
          Arrays h = take(a, C.size(), H.size());
          out.insert(out.end(), h.begin(), h.end());
          return out;
        },
        in);
    Arrays r = xjax::bind(scan_primitive(), concat({C, H, X}), params_of(fwd, C.size(), H.size(), s.length, s.reverse));
    residuals = take(r, H.size(), H.size());
  }

  // 2. Backward: carry (ct of linear carries, accumulated ct of linear consts); xs (residuals,
  // non-linear xs, cts of the ys that have one); ys: cts of the linear xs.
  Mask y_ct = mask_of(Tangents(cts.begin() + static_cast<std::ptrdiff_t>(s.carry), cts.end()));
  Arrays ct_h, acc, ct_ys;
  for (std::size_t k = 0; k < s.carry; ++k)
    if (linear[h0 + k]) ct_h.push_back(instantiate(cts[k], args[h0 + k].aval));
  for (const ShapedArray& a : lin_c) acc.push_back(zeros_for(a));
  for (std::size_t k = 0; k < s.ys; ++k)
    if (y_ct[k]) ct_ys.push_back(*cts[s.carry + k]);
  Avals in = avals(c0, s.consts, false);
  for (const Array& a : concat({ct_h, acc})) in.push_back(a.aval());
  for (const Array& a : concat({residuals, X, ct_ys})) in.push_back(unstacked(a.aval()));
  JaxprPtr bwd = trace_closed(
      [&](const Arrays& a) {
        std::size_t i = 0;
        auto next = [&](std::size_t n) {
          Arrays r = take(a, i, n);
          i += n;
          return r;
        };
        Arrays c = next(C.size()), ct_carry = next(ct_h.size()), accumulated = next(acc.size());
        Arrays h = next(residuals.size()), x = next(X.size()), ct_y = next(ct_ys.size());
        Tangents body_cts;
        std::size_t lin_k = 0;
        for (std::size_t k = 0; k < s.carry; ++k) body_cts.push_back(linear[h0 + k] ? Tangent(ct_carry[lin_k++]) : std::nullopt);
        Tangents ys_cts = with_zeros(ct_y, y_ct);
        body_cts.insert(body_cts.end(), ys_cts.begin(), ys_cts.end());
        Tangents r = transpose_jaxpr(*s.body, linear, concat({c, h, x}), body_cts);
        Arrays out;
        for (std::size_t k = 0; k < lin_h.size(); ++k) out.push_back(instantiate(r[lin_c.size() + k], lin_h[k]));
        for (std::size_t k = 0; k < lin_c.size(); ++k) out.push_back(accumulated[k] + instantiate(r[k], lin_c[k]));
        for (std::size_t k = 0; k < lin_x.size(); ++k)
          out.push_back(instantiate(r[lin_c.size() + lin_h.size() + k], unstacked(lin_x[k])));
        return out;
      },
      in);
  Arrays r = xjax::bind(scan_primitive(), concat({C, ct_h, acc, residuals, X, ct_ys}),
                        params_of(bwd, C.size(), ct_h.size() + acc.size(), s.length, !s.reverse));
  Tangents result;
  std::size_t kc = ct_h.size(), kh = 0, kx = ct_h.size() + acc.size();
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (!linear[i]) result.push_back(std::nullopt);
    else if (i < h0) result.push_back(r[kc++]);
    else if (i < x0) {
      Tangent ct = r[kh++];
      result.push_back(args[i].is_linear() ? ct : std::nullopt);  // a known initial value gets no cotangent
    }
    else result.push_back(r[kx++]);
  }
  return result;
}

// Batching: xs keep the scan axis first (batch axis 1); a carry is batched when its initial value
// or the body makes it so (iterated to a fixed point); consts and carries are batched at axis 0.
std::pair<Arrays, BatchDims> scan_batch(const Primitive& self, const Arrays& vals, const BatchDims& dims,
                                        const Params& p) {
  ScanSig s = sig_of(p);
  std::int64_t size = batch_size(vals, dims);
  Mask batched = mask_of(dims);
  Arrays args;
  for (std::size_t i = 0; i < vals.size(); ++i) {
    bool is_x = i >= s.consts + s.carry;
    args.push_back(dims[i] ? move_batch_axis(vals[i], dims[i], is_x ? 1 : 0, size) : vals[i]);
  }
  BatchedJaxpr bj;
  for (;;) {
    Mask force(batched.begin() + static_cast<std::ptrdiff_t>(s.consts),
               batched.begin() + static_cast<std::ptrdiff_t>(s.consts + s.carry));
    force.resize(s.carry + s.ys, false);
    bj = batch_jaxpr(s.body, batched, size, force);
    bool grew = false;
    for (std::size_t k = 0; k < s.carry; ++k)
      if (bj.batched_out[k] && !batched[s.consts + k]) {
        batched[s.consts + k] = grew = true;
        args[s.consts + k] = move_batch_axis(args[s.consts + k], std::nullopt, 0, size);
      }
    if (!grew) break;
  }
  Arrays outs = xjax::bind(self, args, p.with("jaxpr", bj.jaxpr));
  BatchDims out_dims;
  for (std::size_t k = 0; k < outs.size(); ++k)
    out_dims.push_back(bj.batched_out[k] ? BatchDim(k < s.carry ? 0 : 1) : std::nullopt);
  return {outs, out_dims};
}

// Native code: a counted loop with the carry in registers (fori_loop); scans over xs or stacking
// ys run on the interpreter.
lowering::Values scan_lower(lowering::Builder& b, const lowering::Values& in, const Equation& e) {
  ScanSig s = sig_of(e.params);
  if (s.xs || s.ys) throw lowering::Unsupported{"scan over xs or with ys"};
  lowering::Values consts(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(s.consts));
  lowering::Values carry(in.begin() + static_cast<std::ptrdiff_t>(s.consts), in.end());
  return b.loop(carry, s.length, nullptr, [&](const lowering::Values& c) {
    lowering::Values args = consts;
    args.insert(args.end(), c.begin(), c.end());
    return b.inline_jaxpr(*s.body, args);
  });
}

const Primitive& scan_p = def_primitive({.name = "scan",
                                         .shape = scan_shape,
                                         .eval = scan_eval,
                                         .jvp = scan_jvp,
                                         .transpose = scan_transpose,
                                         .batch = scan_batch,
                                         .lower = scan_lower});
const Primitive& scan_primitive() { return scan_p; }

}  // namespace
}  // namespace control_flow

Arrays scan_flat(const FlatFn& body, const Arrays& init, const Arrays& xs, const ScanOptions& options) {
  using namespace control_flow;
  std::optional<std::int64_t> length = options.length;
  if (length && *length < 0) throw ValueError("scan", "length must be non-negative, got ", *length);
  Avals slices;
  for (const Array& x : xs) {
    if (x.ndim() == 0) throw ShapeError("scan", "every x must have a leading axis to scan over, got ", x.aval());
    if (length && x.shape()[0] != *length)
      throw ShapeError("scan", "xs must share the leading extent ", *length, ", got ", x.aval());
    length = x.shape()[0];
    slices.push_back(unstacked(x.aval()));
  }
  if (!length) throw ValueError("scan", "needs xs or a length to know how many steps to run");
  Arrays carry = init;
  if (*length > 0 && run_directly(concat({init, xs}))) {
    std::vector<Arrays> ys(static_cast<std::size_t>(*length));
    for (std::int64_t step = 0; step < *length; ++step) {
      std::int64_t i = options.reverse ? *length - 1 - step : step;
      Arrays in = carry;
      for (const Array& x : xs) in.push_back(squeeze(slice_in_dim(x, i, i + 1), {0}));
      Arrays out = body(in);
      if (out.size() < carry.size())
        throw TransformError("scan", "the body returns ", out.size(), " values for a carry of ", carry.size());
      carry = next_carry("scan", carry, take(out, 0, carry.size()), step == 0);
      ys[static_cast<std::size_t>(i)] = take(out, carry.size(), out.size() - carry.size());
    }
    Arrays stacked;
    for (std::size_t k = 0; k < ys[0].size(); ++k) {
      Arrays slices;
      for (const Arrays& y : ys) slices.push_back(y.at(k));
      stacked.push_back(stack(slices));
    }
    return concat({carry, stacked});
  }
  Traced t = trace_loop_body(body, carry, slices);
  Avals outs = t.jaxpr->out_avals();
  if (outs.size() < carry.size())
    throw TransformError("scan", "the body returns ", outs.size(), " values for a carry of ", carry.size());
  Avals carry_out(outs.begin(), outs.begin() + static_cast<std::ptrdiff_t>(carry.size()));
  if (!same_types(avals_of(carry), carry_out))
    throw TransformError("scan", "the carry has type ", avals_str(avals_of(carry)), " but the body returns a carry of type ",
                         avals_str(carry_out));
  return xjax::bind(scan_p, concat({t.consts, carry, xs}),
                    params_of(t.jaxpr, t.consts.size(), carry.size(), *length, options.reverse));
}

}  // namespace xjax
