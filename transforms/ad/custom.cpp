// User-defined derivative rules (custom_jvp, custom_vjp) and checkpoint (rematerialisation), each a
// primitive holding the function's jaxpr and the user's rule.
#include "ad/ad.hpp"

namespace xjax {
namespace {

template <class Fn>
struct FnParam final : OpaqueParam {
  FnParam(Fn f, std::string n) : fn(std::move(f)), name(std::move(n)) {}
  Fn fn;
  std::string name;
  std::string describe() const override { return name; }
};
template <class Fn>
std::shared_ptr<const OpaqueParam> fn_param(Fn f, std::string name) {
  return std::make_shared<const FnParam<Fn>>(std::move(f), std::move(name));
}
template <class Fn>
const Fn& fn_of(const Params& p, std::string_view key) {
  return static_cast<const FnParam<Fn>&>(*p.get<std::shared_ptr<const OpaqueParam>>(key)).fn;
}

using BwdFn = std::function<Arrays(const Arrays&, const Arrays&)>;
struct Backward {
  BwdFn bwd;
  Avals outs;
  std::size_t num_res;
};

const ClosedJaxpr& call_jaxpr(const Params& p) { return *p.get<std::shared_ptr<const ClosedJaxpr>>("call_jaxpr"); }
Avals call_shape(const Avals&, const Params& p) { return call_jaxpr(p).out_avals(); }
Arrays call_eval(const Arrays& in, const Params& p, const Avals&) { return eval_jaxpr(call_jaxpr(p), in); }

ClosedJaxpr trace_flat(const FlatFn& f, const Arrays& args) {
  Avals avals;
  for (const Array& a : args) avals.push_back({a.shape(), a.dtype(), false});
  return trace_to_jaxpr(f, avals);
}
std::shared_ptr<const ClosedJaxpr> traced_jaxpr(const FlatFn& f, const Arrays& args) {
  return std::make_shared<const ClosedJaxpr>(trace_flat(f, args));
}

Arrays instantiate_all(const Tangents& t, const Arrays& primals) {
  Arrays r;
  for (std::size_t i = 0; i < t.size(); ++i) r.push_back(instantiate(t[i], {primals[i].shape(), primals[i].dtype(), false}));
  return r;
}

// Batch axes to the front (unmapped operands broadcast), for rules that re-trace a batched function.
Arrays broadcast_batch_to_front(const Arrays& vals, const BatchDims& dims) {
  std::int64_t n = batch_size(vals, dims);
  Arrays r;
  for (std::size_t i = 0; i < vals.size(); ++i) r.push_back(move_batch_axis(vals[i], dims[i], 0, n));
  return r;
}
FlatFn vmapped(FlatFn f) {
  return [f = std::move(f)](const Arrays& a) { return vmap_flat(f, a, std::vector<BatchDim>(a.size(), 0), {0}); };
}

const Primitive& custom_jvp_call_p = []() -> const Primitive& {
  using Rule = std::function<std::pair<Arrays, Arrays>(const Arrays&, const Arrays&)>;
  Primitive p{.name = "custom_jvp_call", .shape = call_shape, .eval = call_eval};
  p.jvp = [](const Arrays& x, const Tangents& t, const Arrays& outs, const Params& params) -> Tangents {
    auto [rule_outs, touts] = fn_of<Rule>(params, "jvp")(x, instantiate_all(t, x));
    if (rule_outs.size() != outs.size() || touts.size() != outs.size())
      throw TransformError("custom_jvp", "the rule returned ", rule_outs.size(), " outputs and ", touts.size(),
                           " tangents for a function of ", outs.size(), " outputs");
    // As JAX: the rule's outputs have the function's types, and each tangent its output's type.
    for (std::size_t i = 0; i < outs.size(); ++i) {
      const ShapedArray want{outs[i].shape(), outs[i].dtype(), false};
      if (rule_outs[i].shape() != want.shape || rule_outs[i].dtype() != want.dtype)
        throw TransformError("custom_jvp", "the rule's output ", i, " is ", rule_outs[i].aval(), " but the function returns ",
                             want);
      if (touts[i].shape() != want.shape || (is_inexact(want.dtype) && touts[i].dtype() != want.dtype))
        throw TransformError("custom_jvp", "the rule's tangent ", i, " is ", touts[i].aval(), " for an output ", want);
    }
    return Tangents(touts.begin(), touts.end());
  };
  p.batch = [](const Primitive& self, const Arrays& vals, const BatchDims& dims, const Params& params) {
    Arrays front = broadcast_batch_to_front(vals, dims);
    const ClosedJaxpr& j = call_jaxpr(params);
    Rule rule = fn_of<Rule>(params, "jvp");
    FlatFn fun = vmapped([j](const Arrays& a) { return eval_jaxpr(j, a); });
    Rule batched_rule = [rule](const Arrays& xs, const Arrays& ts) {
      Arrays both = xs;
      both.insert(both.end(), ts.begin(), ts.end());
      std::size_t n = xs.size(), n_out = 0;
      Arrays r = vmapped([&](const Arrays& a) {
        auto [o, t] = rule(Arrays(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n)),
                           Arrays(a.begin() + static_cast<std::ptrdiff_t>(n), a.end()));
        n_out = o.size();
        o.insert(o.end(), t.begin(), t.end());
        return o;
      })(both);
      return std::pair{Arrays(r.begin(), r.begin() + static_cast<std::ptrdiff_t>(n_out)),
                       Arrays(r.begin() + static_cast<std::ptrdiff_t>(n_out), r.end())};
    };
    Params q{{"call_jaxpr", traced_jaxpr(fun, front)}, {"jvp", fn_param(batched_rule, "vmap(" + params.get<std::shared_ptr<const OpaqueParam>>("jvp")->describe() + ")")}};
    Arrays outs = xjax::bind(self, front, q);
    return std::pair{outs, BatchDims(outs.size(), 0)};
  };
  return def_primitive(std::move(p));
}();

// The linear part of a custom_vjp function: inputs are (residuals..., tangents...); transposing it
// calls the user's backward function.
const Primitive& custom_vjp_lin_p = []() -> const Primitive& {
  Primitive p{.name = "custom_vjp_lin", .shape = [](const Avals&, const Params& params) -> Avals {
                return fn_of<Backward>(params, "bwd").outs;
              }};
  auto forward_mode = [](auto&&...) -> Arrays {
    throw TransformError("custom_vjp", "forward-mode differentiation (jvp, jacfwd) of a custom_vjp function is not "
                                       "supported; define a custom_jvp rule instead");
  };
  p.eval = [forward_mode](const Arrays& a, const Params& b, const Avals& c) { return forward_mode(a, b, c); };
  p.jvp = [forward_mode](const Arrays& a, const Tangents&, const Arrays&, const Params& b) -> Tangents {
    forward_mode(a, b);
    return {};
  };
  p.transpose = [](const Tangents& cts, const LinearArgs& args, const Params& params) -> Tangents {
    const Backward& b = fn_of<Backward>(params, "bwd");
    Arrays res, ct;
    for (std::size_t i = 0; i < b.num_res; ++i) res.push_back(*args[i].value);
    for (std::size_t i = 0; i < cts.size(); ++i) ct.push_back(instantiate(cts[i], b.outs[i]));
    Arrays in_cts = b.bwd(res, ct);
    if (in_cts.size() != args.size() - b.num_res)
      throw TransformError("custom_vjp", "backward function returned ", in_cts.size(), " cotangents for ",
                           args.size() - b.num_res, " inputs");
    Tangents r(b.num_res);
    for (std::size_t i = 0; i < in_cts.size(); ++i) {
      const ShapedArray& want = args[b.num_res + i].aval;
      if (in_cts[i].shape() != want.shape || in_cts[i].dtype() != want.dtype)
        throw TransformError("custom_vjp", "backward function returned ", in_cts[i].aval(), " for input ", want,
                             ": shapes and dtypes must be equal");
      r.push_back(in_cts[i]);
    }
    return r;
  };
  p.batch = [](const Primitive& self, const Arrays& vals, const BatchDims& dims, const Params& params) {
    const Backward& b = fn_of<Backward>(params, "bwd");
    Arrays front = broadcast_batch_to_front(vals, dims);
    std::int64_t n = batch_size(vals, dims);
    BwdFn bwd = b.bwd;
    std::size_t num_res = b.num_res;
    BwdFn batched = [bwd, num_res](const Arrays& res, const Arrays& ct) {
      Arrays both = res;
      both.insert(both.end(), ct.begin(), ct.end());
      return vmapped([&](const Arrays& a) {
        return bwd(Arrays(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(num_res)),
                   Arrays(a.begin() + static_cast<std::ptrdiff_t>(num_res), a.end()));
      })(both);
    };
    Avals outs;
    for (ShapedArray a : b.outs) {
      a.shape.insert(a.shape.begin(), n);
      outs.push_back(a);
    }
    Params q{{"bwd", fn_param(Backward{batched, outs, num_res}, "vmap(bwd)")}};
    Arrays r = xjax::bind(self, front, q);
    return std::pair{r, BatchDims(r.size(), 0)};
  };
  return def_primitive(std::move(p));
}();

const Primitive& custom_vjp_call_p = []() -> const Primitive& {
  using Fwd = std::function<std::pair<Arrays, Arrays>(const Arrays&)>;
  Primitive p{.name = "custom_vjp_call", .shape = call_shape, .eval = call_eval};
  p.jvp = [](const Arrays& x, const Tangents& t, const Arrays& outs, const Params& params) -> Tangents {
    auto [fwd_outs, res] = fn_of<Fwd>(params, "fwd")(x);
    Avals out_avals;
    for (const Array& o : outs) out_avals.push_back({o.shape(), o.dtype(), false});
    Arrays ins = res;
    for (std::size_t i = 0; i < x.size(); ++i) ins.push_back(instantiate(t[i], {x[i].shape(), x[i].dtype(), false}));
    Params q{{"bwd", fn_param(Backward{fn_of<BwdFn>(params, "bwd"), out_avals, res.size()}, "bwd")}};
    Arrays touts = xjax::bind(custom_vjp_lin_p, ins, q);
    return Tangents(touts.begin(), touts.end());
  };
  p.batch = [](const Primitive& self, const Arrays& vals, const BatchDims& dims, const Params& params) {
    Arrays front = broadcast_batch_to_front(vals, dims);
    const ClosedJaxpr& j = call_jaxpr(params);
    Fwd fwd = fn_of<Fwd>(params, "fwd");
    BwdFn bwd = fn_of<BwdFn>(params, "bwd");
    FlatFn fun = vmapped([j](const Arrays& a) { return eval_jaxpr(j, a); });
    Fwd batched_fwd = [fwd](const Arrays& xs) {
      std::size_t n_out = 0;
      Arrays r = vmapped([&](const Arrays& a) {
        auto [o, res] = fwd(a);
        n_out = o.size();
        o.insert(o.end(), res.begin(), res.end());
        return o;
      })(xs);
      return std::pair{Arrays(r.begin(), r.begin() + static_cast<std::ptrdiff_t>(n_out)),
                       Arrays(r.begin() + static_cast<std::ptrdiff_t>(n_out), r.end())};
    };
    BwdFn batched_bwd = [bwd](const Arrays& res, const Arrays& ct) {
      Arrays both = res;
      both.insert(both.end(), ct.begin(), ct.end());
      std::size_t nr = res.size();
      return vmapped([&](const Arrays& a) {
        return bwd(Arrays(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(nr)),
                   Arrays(a.begin() + static_cast<std::ptrdiff_t>(nr), a.end()));
      })(both);
    };
    Params q{{"call_jaxpr", traced_jaxpr(fun, front)},
             {"fwd", fn_param(batched_fwd, "vmap(fwd)")},
             {"bwd", fn_param(batched_bwd, "vmap(bwd)")}};
    Arrays outs = xjax::bind(self, front, q);
    return std::pair{outs, BatchDims(outs.size(), 0)};
  };
  return def_primitive(std::move(p));
}();

// checkpoint: the backward pass recomputes the function's intermediates from its inputs instead of
// keeping them. remat_lin(primals..., tangents...) is the JVP of the function, linear in tangents.
const Primitive& remat_lin_p = []() -> const Primitive& {
  auto split = [](const Arrays& a) {
    std::size_t n = a.size() / 2;
    return std::pair{Arrays(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n)),
                     Arrays(a.begin() + static_cast<std::ptrdiff_t>(n), a.end())};
  };
  Primitive p{.name = "remat_lin", .shape = call_shape};
  auto jvp_of = [split](const ClosedJaxpr& j) {
    return [j, split](const Arrays& a) {
      auto [x, t] = split(a);
      auto [outs, touts] = jvp_flat([&j](const Arrays& xs) { return eval_jaxpr(j, xs); }, x, Tangents(t.begin(), t.end()));
      Arrays r;
      for (std::size_t i = 0; i < outs.size(); ++i) r.push_back(instantiate(touts[i], {outs[i].shape(), outs[i].dtype(), false}));
      return r;
    };
  };
  p.eval = [jvp_of](const Arrays& in, const Params& params, const Avals&) { return jvp_of(call_jaxpr(params))(in); };
  p.jvp = [jvp_of](const Arrays& x, const Tangents& t, const Arrays&, const Params& params) -> Tangents {
    auto [o, touts] = jvp_flat(jvp_of(call_jaxpr(params)), x, t);
    return touts;
  };
  p.transpose = [](const Tangents& cts, const LinearArgs& args, const Params& params) -> Tangents {
    const ClosedJaxpr& j = call_jaxpr(params);
    std::size_t n = args.size() / 2;
    Arrays x;
    for (std::size_t i = 0; i < n; ++i) x.push_back(*args[i].value);
    Arrays in_cts = vjp_flat([&j](const Arrays& xs) { return eval_jaxpr(j, xs); }, x).pullback(cts);  // recompute
    Tangents r(n);
    for (std::size_t i = 0; i < n; ++i) r.push_back(args[n + i].is_linear() ? Tangent(in_cts[i]) : std::nullopt);
    return r;
  };
  p.batch = [jvp_of](const Primitive&, const Arrays& vals, const BatchDims& dims, const Params& params) {
    BatchDims d(dims.begin(), dims.end());
    Arrays outs = vmap_flat(jvp_of(call_jaxpr(params)), vals, d, {0});
    return std::pair{outs, BatchDims(outs.size(), 0)};
  };
  return def_primitive(std::move(p));
}();

const Primitive& remat_p = []() -> const Primitive& {
  Primitive p{.name = "checkpoint", .shape = call_shape, .eval = call_eval};
  p.jvp = [](const Arrays& x, const Tangents& t, const Arrays&, const Params& params) -> Tangents {
    Arrays ins = x;
    for (std::size_t i = 0; i < x.size(); ++i) ins.push_back(instantiate(t[i], {x[i].shape(), x[i].dtype(), false}));
    Arrays touts = xjax::bind(remat_lin_p, ins, params);
    return Tangents(touts.begin(), touts.end());
  };
  p.batch = [](const Primitive&, const Arrays& vals, const BatchDims& dims, const Params& params) {
    const ClosedJaxpr& j = call_jaxpr(params);
    Arrays outs = vmap_flat([&j](const Arrays& a) { return eval_jaxpr(j, a); }, vals, BatchDims(dims), {0});
    return std::pair{outs, BatchDims(outs.size(), 0)};
  };
  return def_primitive(std::move(p));
}();

}  // namespace

Arrays custom_jvp_call(const FlatFn& f, const CustomJvpRule& rule, const Arrays& args) {
  return xjax::bind(custom_jvp_call_p, args, {{"call_jaxpr", traced_jaxpr(f, args)}, {"jvp", fn_param(rule, "jvp")}});
}

Arrays custom_vjp_call(const FlatFn& f, const CustomFwd& fwd, const CustomBwd& bwd, const Arrays& args) {
  return xjax::bind(custom_vjp_call_p, args,
                    {{"call_jaxpr", traced_jaxpr(f, args)}, {"fwd", fn_param(fwd, "fwd")}, {"bwd", fn_param(BwdFn(bwd), "bwd")}});
}

Arrays checkpoint_call(const FlatFn& f, const Arrays& args) {
  return xjax::bind(remat_p, args, {{"call_jaxpr", traced_jaxpr(f, args)}});
}

}  // namespace xjax
