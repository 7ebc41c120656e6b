// The while primitive with its rules, and while_flat, which traces the predicate and the body.
// Inputs: (cond consts..., body consts..., carry...); outputs: the final carry. Params: cond_jaxpr
// (cond consts, carry) -> bool[], body_jaxpr (body consts, carry) -> carry, cond_nconsts,
// body_nconsts, max_iterations (-1: unbounded).
#include "primitives/control_flow.hpp"
#include "trace/lowering.hpp"
#include "xjax/control_flow.hpp"

namespace xjax {
namespace control_flow {
namespace {

const Primitive& while_primitive();

struct WhileSig {
  JaxprPtr cond, body;
  std::size_t cond_consts, body_consts, carry;
  std::int64_t max_iterations;
};
WhileSig sig_of(const Params& p) {
  WhileSig s{jaxpr_param(p, "cond_jaxpr"), jaxpr_param(p, "body_jaxpr"),
             static_cast<std::size_t>(p.get_int("cond_nconsts")), static_cast<std::size_t>(p.get_int("body_nconsts")), 0,
             p.get_int("max_iterations")};
  std::size_t n = s.body->jaxpr->invars.size();
  if (s.body_consts > n) throw ValueError("while_loop", "inconsistent params: ", s.body_consts, " consts for ", n, " inputs");
  s.carry = n - s.body_consts;
  return s;
}
Params params_of(const JaxprPtr& cond, const JaxprPtr& body, std::size_t cond_consts, std::size_t body_consts,
                 std::int64_t max_iterations) {
  return {{"cond_jaxpr", cond},
          {"body_jaxpr", body},
          {"cond_nconsts", static_cast<std::int64_t>(cond_consts)},
          {"body_nconsts", static_cast<std::int64_t>(body_consts)},
          {"max_iterations", max_iterations}};
}

Avals while_shape(const Avals& in, const Params& p) {
  WhileSig s = sig_of(p);
  if (in.size() != s.cond_consts + s.body_consts + s.carry)
    throw ValueError("while_loop", "expected ", s.cond_consts + s.body_consts + s.carry, " operands, got ", in.size());
  Avals carry(in.end() - static_cast<std::ptrdiff_t>(s.carry), in.end());
  Avals cond_in(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(s.cond_consts));
  cond_in.insert(cond_in.end(), carry.begin(), carry.end());
  Avals body_in(in.begin() + static_cast<std::ptrdiff_t>(s.cond_consts), in.end());
  if (!same_types(s.cond->in_avals(), cond_in))
    throw TransformError("while_loop", "cond_fun takes ", avals_str(s.cond->in_avals()), " but is given ", avals_str(cond_in));
  Avals pred = s.cond->out_avals();
  if (pred.size() != 1 || pred[0].ndim() != 0 || pred[0].dtype != bool_)
    throw TransformError("while_loop", "cond_fun must return a bool scalar, got ", avals_str(pred));
  if (!same_types(s.body->in_avals(), body_in))
    throw TransformError("while_loop", "body_fun takes ", avals_str(s.body->in_avals()), " but is given ", avals_str(body_in));
  Avals out = s.body->out_avals();
  if (!same_types(out, carry))
    throw TransformError("while_loop", "the carry has type ", avals_str(carry), " but body_fun returns ", avals_str(out));
  for (std::size_t i = 0; i < carry.size(); ++i) carry[i].weak_type = carry[i].weak_type && out[i].weak_type;
  return carry;
}

Arrays while_eval(const Arrays& in, const Params& p, const Avals& out_avals) {
  WhileSig s = sig_of(p);
  std::shared_ptr<const Executable> cond = compiled(s.cond), body = compiled(s.body);
  Arrays cc = take(in, 0, s.cond_consts), bc = take(in, s.cond_consts, s.body_consts);
  Arrays carry = take(in, s.cond_consts + s.body_consts, s.carry);
  for (std::int64_t n = 0; s.max_iterations < 0 || n < s.max_iterations; ++n) {
    if (!cond->run(concat({cc, carry}))[0].item<bool>()) break;
    carry = body->run(concat({bc, carry}));
  }
  for (std::size_t k = 0; k < carry.size(); ++k)
    if (carry[k].weak_type() != out_avals[k].weak_type) carry[k] = convert(carry[k], out_avals[k].dtype, out_avals[k].weak_type);
  return carry;
}

// Tangents: a while loop carrying (primal, tangent) pairs; with max_iterations, a scan of that many
// steps that each run the body only while the predicate holds, so reverse mode can transpose it.
Tangents while_jvp(const Arrays& in, const Tangents& t, const Arrays&, const Params& p) {
  WhileSig s = sig_of(p);
  std::size_t nb = s.body_consts, nc = s.carry;
  Mask nz = mask_of(Tangents(t.begin() + static_cast<std::ptrdiff_t>(s.cond_consts), t.end()));
  Mask carry_nz(nz.begin() + static_cast<std::ptrdiff_t>(nb), nz.end());
  JvpJaxpr jj;
  for (;;) {
    std::copy(carry_nz.begin(), carry_nz.end(), nz.begin() + static_cast<std::ptrdiff_t>(nb));
    jj = jvp_jaxpr(s.body, nz, carry_nz);
    bool grew = false;
    for (std::size_t k = 0; k < nc; ++k)
      if (jj.nz_out[k] && !carry_nz[k]) grew = carry_nz[k] = true;
    if (!grew) break;
  }
  std::size_t tb = static_cast<std::size_t>(std::count(nz.begin(), nz.begin() + static_cast<std::ptrdiff_t>(nb), true));
  std::size_t tc = static_cast<std::size_t>(std::count(carry_nz.begin(), carry_nz.end(), true));
  JaxprPtr body = reorder(jj.jaxpr, ranges({{0, nb}, {nb + nc, nb + nc + tb}, {nb, nb + nc}, {nb + nc + tb, nb + nc + tb + tc}}),
                          ranges({{0, nc + tc}}));
  Arrays cc = take(in, 0, s.cond_consts), bc = take(in, s.cond_consts, nb), carry = take(in, s.cond_consts + nb, nc);
  Arrays bc_t, carry_t;
  for (std::size_t k = 0; k < nb; ++k)
    if (nz[k]) bc_t.push_back(*t[s.cond_consts + k]);
  for (std::size_t k = 0; k < nc; ++k)
    if (carry_nz[k]) carry_t.push_back(instantiate(t[s.cond_consts + nb + k], {carry[k].shape(), carry[k].dtype(), false}));
  Arrays out;
  if (s.max_iterations < 0) {
    JaxprPtr cond = insert_inputs(s.cond, s.cond_consts + nc, avals_of(carry_t));
    out = xjax::bind(while_primitive(), concat({cc, bc, bc_t, carry, carry_t}),
                     params_of(cond, body, s.cond_consts, nb + tb, -1));
  } else {
    // The primal and the tangent step are separate conds, so the tangent scan's primal carry
    // visibly depends on primal values only (scan_transpose relies on that).
    Mask tangents_only(nc, false);
    tangents_only.resize(nc + tc, true);
    JaxprPtr tangent_body = keep_outputs(body, tangents_only);
    FlatFn step = [&](const Arrays& a) -> Arrays {
      Arrays c = take(a, 0, nc);
      Array active = eval_jaxpr(*s.cond, concat({cc, c}))[0];
      FlatFn same = [](const Arrays& x) { return x; };
      FlatFn primal = [&](const Arrays& x) { return eval_jaxpr(*s.body, concat({bc, x})); };
      FlatFn same_tangent = [&](const Arrays& x) { return take(x, nc, tc); };
      FlatFn tangent = [&](const Arrays& x) { return eval_jaxpr(*tangent_body, concat({bc, bc_t, x})); };
      return concat({switch_flat(active, {same, primal}, c), switch_flat(active, {same_tangent, tangent}, a)});
    };
    out = scan_flat(step, concat({carry, carry_t}), {}, {.length = s.max_iterations});
  }
  return with_zeros(take(out, nc, tc), carry_nz);
}

Tangents while_transpose(const Tangents&, const LinearArgs&, const Params&) {
  throw TransformError("while_loop",
                       "reverse-mode differentiation needs a bound on the trip count: pass "
                       "WhileOptions{.max_iterations = N} to differentiate through at most N recorded steps");
}

// Batching. An unbatched predicate keeps one loop over batched carries; a batched predicate runs
// until every example is done, with finished examples' carries frozen.
std::pair<Arrays, BatchDims> while_batch(const Primitive& self, const Arrays& vals, const BatchDims& dims,
                                         const Params& p) {
  WhileSig s = sig_of(p);
  std::int64_t size = batch_size(vals, dims);
  std::size_t ncc = s.cond_consts, nb = s.body_consts, nc = s.carry;
  Mask batched = mask_of(dims);
  Arrays args = mapped_to_front(vals, dims, size);
  BatchedJaxpr body, cond;
  bool pred_batched = false;
  for (;;) {
    Mask carry_b(batched.end() - static_cast<std::ptrdiff_t>(nc), batched.end());
    Mask body_in(batched.begin() + static_cast<std::ptrdiff_t>(ncc), batched.end());
    Mask cond_in(batched.begin(), batched.begin() + static_cast<std::ptrdiff_t>(ncc));
    cond_in.insert(cond_in.end(), carry_b.begin(), carry_b.end());
    body = batch_jaxpr(s.body, body_in, size, carry_b);
    cond = batch_jaxpr(s.cond, cond_in, size, Mask{false});
    pred_batched = cond.batched_out[0];
    bool grew = false;
    for (std::size_t k = 0; k < nc; ++k)
      if ((body.batched_out[k] || pred_batched) && !carry_b[k]) {
        std::size_t i = ncc + nb + k;
        batched[i] = grew = true;
        args[i] = move_batch_axis(args[i], std::nullopt, 0, size);
      }
    if (!grew) break;
  }
  BatchDims out_dims;
  for (std::size_t k = 0; k < nc; ++k) out_dims.push_back(batched[ncc + nb + k] ? BatchDim(0) : std::nullopt);
  Arrays cc = take(args, 0, ncc), bc = take(args, ncc, nb), carry = take(args, ncc + nb, nc);
  if (!pred_batched)
    return {xjax::bind(self, args, params_of(cond.jaxpr, body.jaxpr, ncc, nb, s.max_iterations)), out_dims};
  JaxprPtr any_cond = trace_closed([&](const Arrays& a) -> Arrays { return {any(eval_jaxpr(*cond.jaxpr, a)[0])}; },
                                   avals_of(concat({cc, carry})));
  JaxprPtr frozen_body = trace_closed(
      [&](const Arrays& a) {
        Arrays c = take(a, ncc + nb, nc);
        Array pred = eval_jaxpr(*cond.jaxpr, concat({take(a, 0, ncc), c}))[0];
        Arrays next = eval_jaxpr(*body.jaxpr, take(a, ncc, nb + nc));
        for (std::size_t k = 0; k < nc; ++k) {
          Shape s1(static_cast<std::size_t>(c[k].ndim()), 1);
          s1[0] = size;
          next[k] = where(reshape(pred, s1), next[k], c[k]);
        }
        return next;
      },
      avals_of(concat({cc, bc, carry})));
  return {xjax::bind(self, concat({cc, cc, bc, carry}), params_of(any_cond, frozen_body, ncc, ncc + nb, s.max_iterations)),
          out_dims};
}

// Native code: a loop with the carry in registers, the predicate and body inlined.
lowering::Values while_lower(lowering::Builder& b, const lowering::Values& in, const Equation& e) {
  WhileSig s = sig_of(e.params);
  auto from = [&](std::size_t at, std::size_t n) {
    return lowering::Values(in.begin() + static_cast<std::ptrdiff_t>(at), in.begin() + static_cast<std::ptrdiff_t>(at + n));
  };
  lowering::Values cc = from(0, s.cond_consts), bc = from(s.cond_consts, s.body_consts);
  auto with = [](lowering::Values front, const lowering::Values& carry) {
    front.insert(front.end(), carry.begin(), carry.end());
    return front;
  };
  return b.loop(
      from(s.cond_consts + s.body_consts, s.carry), s.max_iterations,
      [&](const lowering::Values& c) { return b.inline_jaxpr(*s.cond, with(cc, c))[0]; },
      [&](const lowering::Values& c) { return b.inline_jaxpr(*s.body, with(bc, c)); });
}

const Primitive& while_p = def_primitive({.name = "while",
                                          .shape = while_shape,
                                          .eval = while_eval,
                                          .jvp = while_jvp,
                                          .transpose = while_transpose,
                                          .batch = while_batch,
                                          .lower = while_lower});
const Primitive& while_primitive() { return while_p; }

}  // namespace
}  // namespace control_flow

Arrays while_flat(const FlatFn& cond_fn, const FlatFn& body_fn, const Arrays& init, const WhileOptions& options) {
  using namespace control_flow;
  std::int64_t max_iterations = options.max_iterations.value_or(-1);
  if (options.max_iterations && *options.max_iterations < 0)
    throw ValueError("while_loop", "max_iterations must be non-negative, got ", *options.max_iterations);
  Arrays carry = init;
  if (run_directly(init)) {
    for (std::int64_t step = 0; max_iterations < 0 || step < max_iterations; ++step) {
      Arrays pred = cond_fn(carry);
      if (pred.size() != 1 || pred[0].ndim() != 0 || pred[0].dtype() != bool_)
        throw TransformError("while_loop", "cond_fun must return a bool scalar, got ", avals_str(avals_of(pred)));
      if (!pred[0].item<bool>()) break;
      carry = next_carry("while_loop", carry, body_fn(carry), step == 0);
    }
    return carry;
  }
  Traced body = trace_loop_body(body_fn, carry, {});
  Avals in = avals_of(carry), out = body.jaxpr->out_avals();
  if (!same_types(in, out))
    throw TransformError("while_loop", "the carry has type ", avals_str(in), " but body_fun returns ", avals_str(out));
  Traced cond = trace_lifted(cond_fn, in);
  Avals pred = cond.jaxpr->out_avals();
  if (pred.size() != 1 || pred[0].ndim() != 0 || pred[0].dtype != bool_)
    throw TransformError("while_loop", "cond_fun must return a bool scalar, got ", avals_str(pred));
  return xjax::bind(while_p, concat({cond.consts, body.consts, carry}),
                    params_of(cond.jaxpr, body.jaxpr, cond.consts.size(), body.consts.size(), max_iterations));
}

}  // namespace xjax
