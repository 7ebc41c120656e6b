// Shared machinery of the control-flow primitives: lifted sub-jaxprs, their rewrites, and the
// forward-mode, transposition and batching of whole jaxprs that the rules are made of.
#include "primitives/control_flow.hpp"

#include <algorithm>
#include <mutex>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "trace/rules.hpp"
#include "trace/walk.hpp"
#include "trace/trace.hpp"
#include "xjax/config.hpp"

namespace xjax::control_flow {

bool run_directly(const Arrays& values) {
  if (!config.disable_jit.load(std::memory_order_relaxed) || tracing_active()) return false;
  return std::none_of(values.begin(), values.end(), [](const Array& x) { return x.is_tracer(); });
}

Arrays next_carry(const char* op, const Arrays& carry, const Arrays& next, bool first_step) {
  Avals expected = avals_of(carry);
  for (std::size_t k = 0; first_step && k < std::min(carry.size(), next.size()); ++k)
    if (carry[k].weak_type() && carry[k].shape() == next[k].shape()) expected[k].dtype = next[k].dtype();
  if (!same_types(expected, avals_of(next)))
    throw TransformError(op, "the carry has type ", avals_str(avals_of(carry)), " but the body returns a carry of type ",
                         avals_str(avals_of(next)));
  return next;
}

Avals avals_of(const Arrays& xs) {
  Avals r;
  r.reserve(xs.size());
  for (const Array& x : xs) r.push_back(x.aval());
  return r;
}

std::string avals_str(const Avals& avals) {
  std::ostringstream os;
  os << '(';
  for (std::size_t i = 0; i < avals.size(); ++i) os << (i ? ", " : "") << avals[i];
  os << ')';
  return os.str();
}

bool same_types(const Avals& a, const Avals& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].shape != b[i].shape || a[i].dtype != b[i].dtype) return false;
  return true;
}

const JaxprPtr& jaxpr_param(const Params& p, const char* key) {
  const JaxprPtr& j = p.get<JaxprPtr>(key);
  if (!j) throw ValueError("control flow", "param '", key, "' holds no jaxpr");
  return j;
}

Traced trace_lifted(const FlatFn& f, const Avals& in_avals) {
  ClosedJaxpr c = trace_to_jaxpr(f, in_avals);
  auto j = std::make_shared<Jaxpr>(*c.jaxpr);
  j->invars.insert(j->invars.begin(), j->constvars.begin(), j->constvars.end());
  j->constvars.clear();
  return {std::make_shared<const ClosedJaxpr>(ClosedJaxpr{std::move(j), {}}), std::move(c.consts)};
}

Traced trace_loop_body(const FlatFn& body, Arrays& carry, const Avals& extra) {
  for (int attempt = 0;; ++attempt) {
    Avals in = avals_of(carry);
    in.insert(in.end(), extra.begin(), extra.end());
    Traced t = trace_lifted(body, in);
    Avals out = t.jaxpr->out_avals();
    bool retrace = false;
    for (std::size_t k = 0; attempt == 0 && k < std::min(out.size(), carry.size()); ++k)
      if (carry[k].weak_type() && carry[k].shape() == out[k].shape && carry[k].dtype() != out[k].dtype) {
        carry[k] = carry[k].astype(out[k].dtype);
        retrace = true;
      }
    if (!retrace) return t;
  }
}

JaxprPtr trace_closed(const FlatFn& f, const Avals& in_avals) {
  ClosedJaxpr c = trace_to_jaxpr(f, in_avals);
  for (const Array& x : c.consts)
    if (x.is_tracer()) throw TransformError("control flow", "internal: a rule's sub-function closed over a tracer");
  return std::make_shared<const ClosedJaxpr>(std::move(c));
}

Arrays eval_concrete(const ClosedJaxpr& j, const Arrays& args) {
  EagerScope eager;
  return eval_jaxpr(j, args);
}

Arrays take(const Arrays& xs, std::size_t from, std::size_t count) {
  return Arrays(xs.begin() + static_cast<std::ptrdiff_t>(from), xs.begin() + static_cast<std::ptrdiff_t>(from + count));
}

Arrays concat(std::initializer_list<Arrays> parts) {
  Arrays r;
  for (const Arrays& p : parts) r.insert(r.end(), p.begin(), p.end());
  return r;
}

Arrays pick(const Arrays& xs, const Mask& keep, bool value) {
  Arrays r;
  for (std::size_t i = 0; i < xs.size(); ++i)
    if (keep[i] == value) r.push_back(xs[i]);
  return r;
}

Tangents with_zeros(const Arrays& nonzero, const Mask& nz) {
  Tangents r;
  std::size_t k = 0;
  for (bool b : nz) r.push_back(b ? Tangent(nonzero.at(k++)) : std::nullopt);
  return r;
}

Mask mask_of(const Tangents& ts) {
  Mask m;
  for (const Tangent& t : ts) m.push_back(t.has_value());
  return m;
}

Mask mask_of(const BatchDims& dims) {
  Mask m;
  for (const BatchDim& d : dims) m.push_back(d.has_value());
  return m;
}

namespace {
std::int64_t next_var_id(const Jaxpr& j) {
  std::int64_t id = 0;
  auto see = [&](const VarPtr& v) { id = std::max(id, v->id + 1); };
  for (const VarPtr& v : j.constvars) see(v);
  for (const VarPtr& v : j.invars) see(v);
  for (const Equation& e : j.eqns)
    for (const VarPtr& v : e.outputs) see(v);
  return id;
}
JaxprPtr rebuild(const JaxprPtr& from, Jaxpr j) {
  return std::make_shared<const ClosedJaxpr>(ClosedJaxpr{std::make_shared<const Jaxpr>(std::move(j)), from->consts});
}
}  // namespace

JaxprPtr insert_inputs(const JaxprPtr& j, std::size_t at, const Avals& extra) {
  Jaxpr r = *j->jaxpr;
  std::int64_t id = next_var_id(r);
  std::vector<VarPtr> vars;
  for (const ShapedArray& a : extra) vars.push_back(std::make_shared<const Var>(Var{id++, a}));
  r.invars.insert(r.invars.begin() + static_cast<std::ptrdiff_t>(at), vars.begin(), vars.end());
  return rebuild(j, std::move(r));
}

JaxprPtr reorder(const JaxprPtr& j, const std::vector<std::size_t>& inputs, const std::vector<std::size_t>& outputs) {
  Jaxpr r = *j->jaxpr;
  r.invars.clear();
  r.outvars.clear();
  for (std::size_t i : inputs) r.invars.push_back(j->jaxpr->invars.at(i));
  for (std::size_t i : outputs) r.outvars.push_back(j->jaxpr->outvars.at(i));
  return rebuild(j, std::move(r));
}

std::vector<std::size_t> ranges(std::initializer_list<std::pair<std::size_t, std::size_t>> rs) {
  std::vector<std::size_t> r;
  for (auto [a, b] : rs)
    for (std::size_t i = a; i < b; ++i) r.push_back(i);
  return r;
}

JaxprPtr keep_outputs(const JaxprPtr& j, const Mask& keep) {
  if (keep.size() != j->jaxpr->outvars.size())
    throw ValueError("control flow", "internal: output mask of ", keep.size(), " for ", j->jaxpr->outvars.size(), " outputs");
  Jaxpr r = *j->jaxpr;
  r.outvars.clear();
  std::unordered_set<const Var*> live;
  for (std::size_t i = 0; i < keep.size(); ++i)
    if (keep[i]) {
      r.outvars.push_back(j->jaxpr->outvars[i]);
      if (const Var* v = var_of(r.outvars.back())) live.insert(v);
    }
  r.eqns = needed_equations(r.eqns, live);
  return rebuild(j, std::move(r));
}

JaxprPtr drop_inputs(const JaxprPtr& j, const Mask& drop) {
  Jaxpr r = *j->jaxpr;
  std::unordered_set<const Var*> dropped;
  r.invars.clear();
  for (std::size_t i = 0; i < drop.size(); ++i) {
    if (drop[i]) dropped.insert(j->jaxpr->invars[i].get());
    else r.invars.push_back(j->jaxpr->invars[i]);
  }
  auto check = [&](const Atom& a) {
    if (dropped.count(var_of(a))) throw TransformError("control flow", "internal: a dropped input is still used");
  };
  for (const Equation& e : r.eqns)
    for (const Atom& a : e.inputs) check(a);
  for (const Atom& a : r.outvars) check(a);
  return rebuild(j, std::move(r));
}

TransposeCall::TransposeCall(const LinearArgs& args, const Tangents& cts) : ct_nz(mask_of(cts)) {
  for (const LinearArg& a : args) {
    linear.push_back(a.is_linear());
    if (a.is_linear()) {
      linear_avals.push_back(a.aval);
    } else {
      nonlinear.push_back(*a.value);
      in_avals.push_back(a.aval);
    }
  }
  for (const Tangent& c : cts)
    if (c) {
      ct_values.push_back(*c);
      in_avals.push_back(c->aval());
    }
}

JaxprPtr TransposeCall::trace(const ClosedJaxpr& j) const {
  return trace_closed(
      [&](const Arrays& a) {
        Tangents r = transpose_jaxpr(j, linear, take(a, 0, nonlinear.size()),
                                     with_zeros(take(a, nonlinear.size(), ct_values.size()), ct_nz));
        Arrays out;
        for (std::size_t k = 0; k < r.size(); ++k) out.push_back(instantiate(r[k], linear_avals[k]));
        return out;
      },
      in_avals);
}

Tangents TransposeCall::cotangents(const Arrays& outs) const {
  Tangents result;
  std::size_t k = 0;
  for (bool lin : linear) result.push_back(lin ? Tangent(outs[k++]) : std::nullopt);
  return result;
}

Tangents transpose_jaxpr(const ClosedJaxpr& j, const Mask& linear, const Arrays& nonlinear, const Tangents& cts) {
  Jaxpr split = *j.jaxpr;
  split.invars.clear();
  Arrays consts = j.consts;
  for (std::size_t i = 0; i < linear.size(); ++i) {
    if (linear[i]) split.invars.push_back(j.jaxpr->invars[i]);
    else split.constvars.push_back(j.jaxpr->invars[i]);
  }
  consts.insert(consts.end(), nonlinear.begin(), nonlinear.end());
  return backward_pass(split, consts, cts);
}

JvpJaxpr jvp_jaxpr(const JaxprPtr& j, const Mask& nz_in, const Mask& force) {
  Avals in = j->in_avals();
  Avals out = j->out_avals();
  Avals avals = in;
  for (std::size_t i = 0; i < in.size(); ++i)
    if (nz_in[i]) avals.push_back({in[i].shape, in[i].dtype, false});
  Mask nz_out(out.size(), false);
  JaxprPtr traced = trace_closed(
      [&](const Arrays& a) {
        Arrays primals = take(a, 0, in.size());
        auto [outs, touts] = jvp_flat([&](const Arrays& x) { return eval_jaxpr(*j, x); }, primals,
                                      with_zeros(take(a, in.size(), a.size() - in.size()), nz_in));
        for (std::size_t k = 0; k < out.size(); ++k) {
          bool floating = is_inexact(out[k].dtype);
          nz_out[k] = floating && (touts[k].has_value() || force[k]);
          if (nz_out[k]) outs.push_back(instantiate(touts[k], {out[k].shape, out[k].dtype, false}));
        }
        return outs;
      },
      avals);
  // Effects (debug callbacks) already happened in the primal computation.
  Jaxpr pure = *traced->jaxpr;
  std::erase_if(pure.eqns, [](const Equation& e) { return e.prim->effectful; });
  return {std::make_shared<const ClosedJaxpr>(ClosedJaxpr{std::make_shared<const Jaxpr>(std::move(pure)), traced->consts}),
          nz_out};
}

BatchedJaxpr batch_jaxpr(const JaxprPtr& j, const Mask& batched_in, std::int64_t size, const Mask& force) {
  Avals in = j->in_avals();
  BatchDims dims;
  for (std::size_t i = 0; i < in.size(); ++i) {
    dims.push_back(batched_in[i] ? BatchDim(0) : std::nullopt);
    if (batched_in[i]) in[i].shape.insert(in[i].shape.begin(), size);
  }
  Mask batched_out;
  JaxprPtr traced = trace_closed(
      [&](const Arrays& a) {
        auto [outs, out_dims] = batch_flat([&](const Arrays& x) { return eval_jaxpr(*j, x); }, a, dims, size);
        batched_out.assign(outs.size(), false);
        for (std::size_t k = 0; k < outs.size(); ++k)
          if (out_dims[k] || force[k]) {
            outs[k] = move_batch_axis(outs[k], out_dims[k], 0, size);
            batched_out[k] = true;
          }
        return outs;
      },
      in);
  return {traced, batched_out};
}

Arrays mapped_to_front(const Arrays& vals, const BatchDims& dims, std::int64_t size) {
  Arrays r;
  for (std::size_t i = 0; i < vals.size(); ++i) r.push_back(dims[i] ? move_batch_axis(vals[i], dims[i], 0, size) : vals[i]);
  return r;
}

}  // namespace xjax::control_flow
