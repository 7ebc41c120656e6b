// jit's passes: compute float16/bfloat16 in float32, fold constants, simplify x*1 / x+(-0) / x-0 / no-op conversions and reshapes, compute
// elementwise ops on broadcast scalars once (and fuse them as literals), merge chains of
// transposes, reshapes and broadcasts, share common subexpressions, drop dead equations. Each
// rewrites atoms through one substitution map.
#include "jit/passes.hpp"
#include "trace/rules.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "array/array_impl.hpp"
#include "trace/trace.hpp"
#include "trace/walk.hpp"

namespace xjax {
namespace {

// An equation with an effect of its own or in a sub-jaxpr (a debug callback inside a loop body).
bool has_effects(const Equation& e) {
  if (e.prim->effectful) return true;
  for (const auto& item : e.params.items())
    if (const auto* j = std::get_if<std::shared_ptr<const ClosedJaxpr>>(&item.second); j && *j)
      for (const Equation& inner : (*j)->jaxpr->eqns)
        if (has_effects(inner)) return true;
  return false;
}

constexpr std::int64_t fold_limit = 1 << 16;  // larger constants are cheaper to compute at run time

bool is_literal_value(const Atom& a, double v) {
  const Literal* l = std::get_if<Literal>(&a);
  return l && l->value.item<double>() == v;
}

struct Rewriter {
  const ClosedJaxpr& in;
  std::unordered_map<const Var*, Atom> subst;
  std::unordered_map<const Var*, Array> known;  // constants (given or folded)
  std::unordered_map<const Var*, std::size_t> producer;  // output -> its equation in out.eqns
  std::unordered_map<const Var*, int> uses;              // in the input jaxpr (outputs count once)
  std::unordered_map<const Var*, Array> filled;          // broadcast_in_dim of a literal scalar (too large to fold)
  Jaxpr out;
  Arrays consts;

  Atom map(const Atom& a) const {
    if (const VarPtr* v = std::get_if<VarPtr>(&a))
      if (auto it = subst.find(v->get()); it != subst.end()) return it->second;
    return a;
  }
  std::optional<Array> value(const Atom& a) const {
    if (const Literal* l = std::get_if<Literal>(&a)) return l->value;
    if (auto it = known.find(std::get<VarPtr>(a).get()); it != known.end()) return it->second;
    return std::nullopt;
  }
  // A literal with value v, or an array filled with ones when v is 1 (reverse mode seeds its
  // cotangents with broadcast ones; multiplying by one is exact, adding a zero is not for -0).
  bool is_value(const Atom& a, double v) const {
    if (is_literal_value(a, v)) return true;
    const VarPtr* var = std::get_if<VarPtr>(&a);
    auto it = var ? filled.find(var->get()) : filled.end();
    return v == 1 && it != filled.end() && it->second.item<double>() == 1;
  }

  // Elementwise ops on arrays filled with one value (broadcast literals too large to fold): computed
  // once on the scalars and broadcast, or, beside an operand of the full shape, given the scalar
  // itself where it has the output's dtype (fused kernels read 0-d operands as broadcast). So
  // cotangent seeds, zeros and `full` arrays fuse instead of being written to memory.
  void fill_scalars(Equation& e, std::vector<Atom>& ins) const {
    const ShapedArray& out = e.outputs[0]->aval;
    auto filled_value = [&](const Atom& a) -> const Array* {
      const VarPtr* v = std::get_if<VarPtr>(&a);
      auto it = v ? filled.find(v->get()) : filled.end();
      return it == filled.end() ? nullptr : &it->second;
    };
    bool any_filled = false, all_scalar = true, has_full = false;
    for (const Atom& a : ins) {
      const bool f = filled_value(a) != nullptr;
      any_filled = any_filled || f;
      all_scalar = all_scalar && (f || std::holds_alternative<Literal>(a));
      has_full = has_full || (!f && atom_aval(a).shape == out.shape);
    }
    if (!any_filled || out.size() == 0) return;
    if (all_scalar) {
      Arrays scalars;
      for (const Atom& a : ins) scalars.push_back(filled_value(a) ? *filled_value(a) : std::get<Literal>(a).value);
      Arrays r = eval_primitive(*e.prim, scalars, e.params);
      if (r.size() != 1 || r[0].ndim() != 0 || r[0].dtype() != out.dtype) return;
      e.prim = &prims::broadcast_in_dim();
      e.params = Params{{"shape", Ints(out.shape.begin(), out.shape.end())}, {"broadcast_dimensions", Ints{}}};
      ins = {Literal{r[0]}};
      e.inputs = ins;
      return;
    }
    if (!has_full) return;
    for (Atom& a : ins)
      if (const Array* v = filled_value(a); v && v->dtype() == out.dtype) a = Literal{*v};
    e.inputs = ins;
  }
  // x op identity -> x, when that changes neither shape nor dtype nor weak type.
  std::optional<Atom> simplify(const Equation& e, const std::vector<Atom>& ins) const {
    const Primitive* p = e.prim;
    const ShapedArray& out = e.outputs[0]->aval;
    auto same = [&](const Atom& a) { return atom_aval(a) == out; };
    auto is_literal_value = [this](const Atom& a, double v) { return is_value(a, v); };
    // x + 0 is +0 for x = -0 in floating point: only -0 (or an integer zero) adds nothing; x - 0 is x.
    auto adds_nothing = [&](const Atom& a) {
      return is_literal_value(a, 0) &&
             (!is_floating(out.dtype) || std::signbit(std::get<Literal>(a).value.item<double>()));
    };
    if ((p == &prims::mul() && is_literal_value(ins[1], 1)) || (p == &prims::add() && adds_nothing(ins[1])) ||
        (p == &prims::sub() && is_literal_value(ins[1], 0)) || (p == &prims::div() && is_literal_value(ins[1], 1)))
      if (same(ins[0])) return ins[0];
    if ((p == &prims::mul() && is_literal_value(ins[0], 1)) || (p == &prims::add() && adds_nothing(ins[0])))
      if (same(ins[1])) return ins[1];
    if ((p == &prims::convert_element_type() || p == &prims::reshape() || p == &prims::broadcast_in_dim() ||
         p == &prims::squeeze()) &&
        same(ins[0]))
      return ins[0];
    if (p == &prims::transpose() && same(ins[0])) {
      const Ints& perm = e.params.get_ints("permutation");
      bool identity = true;
      for (std::size_t i = 0; i < perm.size(); ++i) identity = identity && perm[i] == static_cast<std::int64_t>(i);
      if (identity) return ins[0];
    }
    return std::nullopt;
  }

  // Two layout changes in a row become one on the original input (the first is then dead unless
  // used elsewhere): transpose of transpose, reshape of reshape, broadcast_in_dim of broadcast_in_dim.
  void merge_chain(Equation& e) const {
    const Primitive* p = e.prim;
    if (p != &prims::transpose() && p != &prims::reshape() && p != &prims::broadcast_in_dim()) return;
    const VarPtr* v = std::get_if<VarPtr>(&e.inputs[0]);
    auto it = v ? producer.find(v->get()) : producer.end();
    if (it == producer.end()) return;
    const Equation& inner = out.eqns[it->second];
    if (p == &prims::transpose() && inner.prim == &prims::dot_general()) {
      if (auto u = uses.find(v->get()); u != uses.end() && u->second == 1) swap_product(e, inner);
      return;
    }
    if (inner.prim != e.prim) return;
    if (p == &prims::transpose()) {
      const Ints &first = inner.params.get_ints("permutation"), &second = e.params.get_ints("permutation");
      Ints composed;
      for (std::int64_t axis : second) composed.push_back(first[static_cast<std::size_t>(axis)]);
      e.params = Params{{"permutation", composed}};
    } else if (p == &prims::broadcast_in_dim()) {
      const Ints &first = inner.params.get_ints("broadcast_dimensions"), &second = e.params.get_ints("broadcast_dimensions");
      Ints composed;
      for (std::int64_t axis : first) composed.push_back(second[static_cast<std::size_t>(axis)]);
      e.params = Params{{"shape", e.params.get_ints("shape")}, {"broadcast_dimensions", composed}};
    }
    e.inputs[0] = inner.inputs[0];
  }

  // transpose(dot_general(a, b)) that swaps the two operands' free axes is dot_general(b, a): reverse
  // mode produces it for every weight gradient, and the product then needs no transposed copy.
  static void swap_product(Equation& e, const Equation& product) {
    const Params& p = product.params;
    if (!p.get_ints("lhs_batch_dimensions").empty()) return;
    std::int64_t lhs_free = atom_aval(product.inputs[0]).ndim() - static_cast<std::int64_t>(p.get_ints("lhs_contracting_dimensions").size());
    std::int64_t rhs_free = atom_aval(product.inputs[1]).ndim() - static_cast<std::int64_t>(p.get_ints("rhs_contracting_dimensions").size());
    Ints swapped;
    for (std::int64_t i = 0; i < rhs_free; ++i) swapped.push_back(lhs_free + i);
    for (std::int64_t i = 0; i < lhs_free; ++i) swapped.push_back(i);
    if (e.params.get_ints("permutation") != swapped) return;
    e.prim = product.prim;
    e.params = Params{{"lhs_contracting_dimensions", p.get_ints("rhs_contracting_dimensions")},
                      {"rhs_contracting_dimensions", p.get_ints("lhs_contracting_dimensions")},
                      {"lhs_batch_dimensions", Ints{}},
                      {"rhs_batch_dimensions", Ints{}}};
    e.inputs = {product.inputs[1], product.inputs[0]};
  }

  void run() {
    for (const Equation& e : in.jaxpr->eqns)
      for (const Atom& a : e.inputs)
        if (const Var* v = var_of(a)) ++uses[v];
    for (const Atom& a : in.jaxpr->outvars)
      if (const Var* v = var_of(a)) ++uses[v];
    for (std::size_t i = 0; i < in.consts.size(); ++i) {
      out.constvars.push_back(in.jaxpr->constvars[i]);
      consts.push_back(in.consts[i]);
      if (!in.consts[i].is_tracer()) known[in.jaxpr->constvars[i].get()] = in.consts[i];
    }
    out.invars = in.jaxpr->invars;
    std::unordered_multimap<std::size_t, std::size_t> seen;  // CSE: hash -> index into out.eqns
    for (const Equation& original : in.jaxpr->eqns) {
      Equation e{original.prim, original.params, {}, original.outputs};
      for (const Atom& a : original.inputs) e.inputs.push_back(map(a));
      merge_chain(e);
      std::vector<Atom> ins = e.inputs;
      if (has_effects(e)) {
        out.eqns.push_back({e.prim, e.params, std::move(ins), e.outputs});
        continue;
      }
      if (e.outputs.size() == 1 && e.prim->tile) fill_scalars(e, ins);
      if (e.outputs.size() == 1)
        if (std::optional<Atom> s = simplify(e, ins)) {
          subst[e.outputs[0].get()] = *s;
          continue;
        }
      bool all_known = !ins.empty();
      Arrays vals;
      for (const Atom& a : ins) {
        std::optional<Array> v = value(a);
        all_known = all_known && v.has_value();
        if (v) vals.push_back(*v);
      }
      std::int64_t out_size = 0;
      for (const VarPtr& o : e.outputs) out_size += o->aval.size();
      if (all_known && out_size <= fold_limit) {
        Arrays r = eval_primitive(*e.prim, vals, e.params);
        for (std::size_t k = 0; k < r.size(); ++k) {
          if (r[k].ndim() == 0) {
            subst[e.outputs[k].get()] = Literal{r[k]};
          } else {
            known[e.outputs[k].get()] = r[k];
            out.constvars.push_back(e.outputs[k]);
            consts.push_back(r[k]);
          }
        }
        continue;
      }
      std::size_t h = reinterpret_cast<std::size_t>(e.prim) ^ e.params.hash();
      for (const Atom& a : ins) {
        if (const VarPtr* v = std::get_if<VarPtr>(&a)) h = h * 31 + std::hash<const void*>{}(v->get());
        else h = h * 31 + std::hash<double>{}(std::get<Literal>(a).value.item<double>());
      }
      bool reused = false;
      auto [lo, hi] = seen.equal_range(h);
      for (auto it = lo; it != hi && !reused; ++it) {
        const Equation& prev = out.eqns[it->second];
        if (prev.prim != e.prim || !(prev.params == e.params) || prev.inputs.size() != ins.size()) continue;
        bool same = true;
        for (std::size_t k = 0; k < ins.size() && same; ++k) {
          const Atom &a = prev.inputs[k], &b = ins[k];
          if (a.index() != b.index()) same = false;
          else if (const VarPtr* va = std::get_if<VarPtr>(&a)) same = va->get() == std::get<VarPtr>(b).get();
          else {
            const Array &x = std::get<Literal>(a).value, &y = std::get<Literal>(b).value;
            same = x.aval() == y.aval() && x.item<double>() == y.item<double>();
          }
        }
        if (!same) continue;
        for (std::size_t k = 0; k < e.outputs.size(); ++k) subst[e.outputs[k].get()] = prev.outputs[k];
        reused = true;
      }
      if (reused) continue;
      seen.emplace(h, out.eqns.size());
      for (const VarPtr& o : e.outputs) producer[o.get()] = out.eqns.size();
      if (e.prim == &prims::broadcast_in_dim())
        if (const Literal* l = std::get_if<Literal>(&ins[0])) filled[e.outputs[0].get()] = l->value;
      out.eqns.push_back({e.prim, e.params, std::move(ins), e.outputs});
    }
    for (const Atom& a : in.jaxpr->outvars) out.outvars.push_back(map(a));
    eliminate_dead_code();
  }

  void eliminate_dead_code() {
    std::unordered_set<const Var*> live;
    for (const Atom& a : out.outvars)
      if (const Var* v = var_of(a)) live.insert(v);
    out.eqns = needed_equations(out.eqns, live, has_effects);  // pure primitives: unused results go
    std::vector<VarPtr> cv;
    Arrays cs;
    for (std::size_t i = 0; i < out.constvars.size(); ++i)
      if (live.count(out.constvars[i].get())) {
        cv.push_back(out.constvars[i]);
        cs.push_back(consts[i]);
      }
    out.constvars = std::move(cv);
    consts = std::move(cs);
  }
};

// pjit equations (jitted functions called inside this one) replaced by their programs' equations,
// with fresh variables, so the passes and fusion see across the call as XLA does.
struct Inliner {
  const Primitive* pjit = &prims::pjit();
  std::unordered_map<const Var*, Atom> subst;
  Jaxpr out;
  Arrays consts;
  std::int64_t next_id = 1 << 30;

  Atom map(const Atom& a) const {
    if (const VarPtr* v = std::get_if<VarPtr>(&a))
      if (auto it = subst.find(v->get()); it != subst.end()) return it->second;
    return a;
  }
  void add(const Equation& e, bool fresh) {
    std::vector<Atom> ins;
    for (const Atom& a : e.inputs) ins.push_back(map(a));
    if (e.prim == pjit) {
      const ClosedJaxpr& body = *e.params.get<std::shared_ptr<const ClosedJaxpr>>("jaxpr");
      for (std::size_t i = 0; i < body.consts.size(); ++i) {
        VarPtr v = std::make_shared<const Var>(Var{next_id++, body.jaxpr->constvars[i]->aval});
        out.constvars.push_back(v);
        consts.push_back(body.consts[i]);
        subst[body.jaxpr->constvars[i].get()] = v;
      }
      for (std::size_t i = 0; i < ins.size(); ++i) subst[body.jaxpr->invars[i].get()] = ins[i];
      for (const Equation& inner : body.jaxpr->eqns) add(inner, true);
      for (std::size_t k = 0; k < e.outputs.size(); ++k) subst[e.outputs[k].get()] = map(body.jaxpr->outvars[k]);
      return;
    }
    std::vector<VarPtr> outs = e.outputs;
    if (fresh)  // the same program may be inlined twice
      for (VarPtr& o : outs) {
        VarPtr v = std::make_shared<const Var>(Var{next_id++, o->aval});
        subst[o.get()] = v;
        o = v;
      }
    out.eqns.push_back({e.prim, e.params, std::move(ins), std::move(outs)});
  }
};

ClosedJaxpr inline_calls(const ClosedJaxpr& j) {
  Inliner in;
  if (std::none_of(j.jaxpr->eqns.begin(), j.jaxpr->eqns.end(), [&](const Equation& e) { return e.prim == in.pjit; }))
    return j;
  in.out.constvars = j.jaxpr->constvars;
  in.consts = j.consts;
  in.out.invars = j.jaxpr->invars;
  for (const Equation& e : j.jaxpr->eqns) in.add(e, false);
  for (const Atom& a : j.jaxpr->outvars) in.out.outvars.push_back(in.map(a));
  return ClosedJaxpr{std::make_shared<Jaxpr>(std::move(in.out)), std::move(in.consts)};
}

// Every equation that computes on float16/bfloat16 values (computes_in_float32) becomes its float32
// form between conversions, as eager evaluation runs it: fused kernels then only meet float32, and
// the conversions, which handle both formats.
ClosedJaxpr widen_half(const ClosedJaxpr& j) {
  auto avals_of = [](const auto& atoms) {
    Avals r;
    for (const auto& a : atoms) r.push_back(atom_aval(Atom(a)));
    return r;
  };
  auto widened = [&](const Equation& e) {
    return computes_in_float32(*e.prim, avals_of(e.inputs), avals_of(e.outputs), e.params);
  };
  if (std::none_of(j.jaxpr->eqns.begin(), j.jaxpr->eqns.end(), widened)) return j;
  std::int64_t next_id = 0;
  auto see = [&](const VarPtr& v) { next_id = std::max(next_id, v->id + 1); };
  std::for_each(j.jaxpr->constvars.begin(), j.jaxpr->constvars.end(), see);
  std::for_each(j.jaxpr->invars.begin(), j.jaxpr->invars.end(), see);
  for (const Equation& e : j.jaxpr->eqns) std::for_each(e.outputs.begin(), e.outputs.end(), see);
  Jaxpr out{j.jaxpr->constvars, j.jaxpr->invars, {}, j.jaxpr->outvars};
  auto convert = [&](const Atom& x, DType to, bool weak_type) -> Atom {
    const Params params{{"new_dtype", to}, {"weak_type", weak_type}};
    if (const Literal* l = std::get_if<Literal>(&x))
      return Literal{eval_primitive(prims::convert_element_type(), {l->value}, params)[0]};
    VarPtr v = std::make_shared<const Var>(Var{next_id++, ShapedArray{atom_aval(x).shape, to, weak_type}});
    out.eqns.push_back({&prims::convert_element_type(), params, {x}, {v}});
    return v;
  };
  for (const Equation& e : j.jaxpr->eqns) {
    if (!widened(e)) {
      out.eqns.push_back(e);
      continue;
    }
    Equation wide{e.prim, float32_params(e.params), {}, {}};
    for (const Atom& a : e.inputs) {
      const ShapedArray& aval = atom_aval(a);
      wide.inputs.push_back(is_half(aval.dtype) ? convert(a, float32, aval.weak_type) : a);
    }
    std::vector<std::pair<VarPtr, VarPtr>> narrowed;  // (float32 result, the equation's own output)
    for (const VarPtr& o : e.outputs) {
      if (!is_half(o->aval.dtype)) {
        wide.outputs.push_back(o);
        continue;
      }
      wide.outputs.push_back(std::make_shared<const Var>(Var{next_id++, ShapedArray{o->aval.shape, float32, o->aval.weak_type}}));
      narrowed.emplace_back(wide.outputs.back(), o);
    }
    out.eqns.push_back(std::move(wide));
    for (const auto& [w, o] : narrowed)
      out.eqns.push_back({&prims::convert_element_type(),
                          Params{{"new_dtype", o->aval.dtype}, {"weak_type", o->aval.weak_type}}, {w}, {o}});
  }
  return ClosedJaxpr{std::make_shared<Jaxpr>(std::move(out)), j.consts};
}

}  // namespace

ClosedJaxpr optimize(const ClosedJaxpr& program) {
  ClosedJaxpr j = widen_half(inline_calls(program));
  Rewriter r{j, {}, {}, {}, {}};
  r.run();
  return ClosedJaxpr{std::make_shared<Jaxpr>(std::move(r.out)), std::move(r.consts)};
}

}  // namespace xjax
