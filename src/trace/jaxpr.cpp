// Jaxpr printing (JAX's text form), Graphviz output and evaluation by binding each equation.
#include <ostream>
#include <sstream>
#include <unordered_map>

#include "array/array_impl.hpp"
#include "xjax/ir.hpp"

namespace xjax {

const ShapedArray& atom_aval(const Atom& a) {
  if (const VarPtr* v = std::get_if<VarPtr>(&a)) return (*v)->aval;
  return std::get<Literal>(a).value.aval();
}

Avals ClosedJaxpr::in_avals() const {
  Avals r;
  for (const VarPtr& v : jaxpr->invars) r.push_back(v->aval);
  return r;
}
Avals ClosedJaxpr::out_avals() const {
  Avals r;
  for (const Atom& a : jaxpr->outvars) r.push_back(atom_aval(a));
  return r;
}

namespace {
// Names variables a, b, ..., z, ba, bb, ... in order of first appearance, as JAX does.
class Namer {
 public:
  std::string operator()(const Var* v) {
    auto [it, fresh] = names_.try_emplace(v);
    if (fresh) {
      std::int64_t n = next_++;
      std::string s;
      do {
        s.insert(s.begin(), static_cast<char>('a' + n % 26));
        n /= 26;
      } while (n);
      it->second = s;
    }
    return it->second;
  }

 private:
  std::unordered_map<const Var*, std::string> names_;
  std::int64_t next_ = 0;
};

// Literals print as Python would (2.0, not numpy's 2.) followed by their type.
std::string literal_str(const Array& x) {
  std::ostringstream v;
  v << x;
  std::string t = v.str();
  if (!t.empty() && t.back() == '.') t += '0';
  return t + ':' + [&] { std::ostringstream a; a << x.aval(); return a.str(); }();
}

void print_jaxpr(std::ostream& os, const Jaxpr& j, int indent) {
  Namer name;
  std::string pad(static_cast<std::size_t>(indent), ' ');
  auto atom = [&](const Atom& a) {
    if (const VarPtr* v = std::get_if<VarPtr>(&a)) return name(v->get());
    return literal_str(std::get<Literal>(a).value);
  };
  auto binders = [&](const std::vector<VarPtr>& vs) {
    std::string s;
    for (std::size_t i = 0; i < vs.size(); ++i) {
      std::ostringstream t;
      t << (i ? " " : "") << name(vs[i].get()) << ':' << vs[i]->aval;
      s += t.str();
    }
    return s;
  };
  os << "{ lambda " << binders(j.constvars) << "; " << binders(j.invars) << ". let";
  for (const Equation& e : j.eqns) {
    os << '\n' << pad << "    " << binders(e.outputs) << " = " << e.prim->name;
    std::ostringstream ps;
    ps << e.params;
    std::string p = ps.str();
    for (std::size_t k = 0; (k = p.find('\n', k)) != std::string::npos; k += pad.size() + 7)  // indent sub-jaxprs
      p.insert(k + 1, pad + "      ");
    os << p;
    for (const Atom& a : e.inputs) os << ' ' << atom(a);
  }
  os << '\n' << pad << "  in (";
  for (std::size_t i = 0; i < j.outvars.size(); ++i) os << (i ? ", " : "") << atom(j.outvars[i]);
  os << (j.outvars.size() == 1 ? ",) }" : ") }");
}
}  // namespace

std::ostream& operator<<(std::ostream& os, const Jaxpr& j) {
  print_jaxpr(os, j, 0);
  return os;
}
std::ostream& operator<<(std::ostream& os, const ClosedJaxpr& j) { return os << *j.jaxpr; }

std::string to_string(const ClosedJaxpr& j) {
  std::ostringstream s;
  s << j;
  return s.str();
}

std::string to_dot(const ClosedJaxpr& cj) {
  const Jaxpr& j = *cj.jaxpr;
  Namer name;
  std::ostringstream s;
  s << "digraph jaxpr {\n  rankdir=TB;\n  node [fontname=\"monospace\"];\n";
  auto var_node = [&](const Var* v, const char* shape) {
    s << "  " << name(v) << " [shape=" << shape << ", label=\"" << name(v) << ":" << v->aval << "\"];\n";
  };
  for (const VarPtr& v : j.constvars) var_node(v.get(), "box");
  for (const VarPtr& v : j.invars) var_node(v.get(), "invhouse");
  for (std::size_t i = 0; i < j.eqns.size(); ++i) {
    const Equation& e = j.eqns[i];
    s << "  eqn" << i << " [shape=ellipse, label=\"" << e.prim->name << "\"];\n";
    for (const Atom& a : e.inputs) {
      if (const VarPtr* v = std::get_if<VarPtr>(&a)) s << "  " << name(v->get()) << " -> eqn" << i << ";\n";
      else s << "  lit" << i << " [shape=plaintext, label=\"" << literal_str(std::get<Literal>(a).value)
             << "\"];\n  lit" << i << " -> eqn" << i << ";\n";
    }
    for (const VarPtr& v : e.outputs) {
      var_node(v.get(), "box");
      s << "  eqn" << i << " -> " << name(v.get()) << ";\n";
    }
  }
  for (std::size_t i = 0; i < j.outvars.size(); ++i)
    if (const VarPtr* v = std::get_if<VarPtr>(&j.outvars[i]))
      s << "  out" << i << " [shape=house, label=\"out " << i << "\"];\n  " << name(v->get()) << " -> out" << i
        << ";\n";
  s << "}\n";
  return s.str();
}

Arrays eval_jaxpr(const Jaxpr& j, const Arrays& consts, const Arrays& args) {
  if (consts.size() != j.constvars.size() || args.size() != j.invars.size())
    throw ValueError("eval_jaxpr", "expected ", j.constvars.size(), " consts and ", j.invars.size(),
                     " arguments, got ", consts.size(), " and ", args.size());
  std::unordered_map<const Var*, Array> env;
  auto write = [&](const VarPtr& v, const Array& x, const char* what) {
    if (!x.defined() || x.aval().shape != v->aval.shape || x.dtype() != v->aval.dtype)
      throw ShapeError("eval_jaxpr", what, " has type ", x.defined() ? x.aval() : ShapedArray{}, ", expected ",
                       v->aval);
    env[v.get()] = x;
  };
  auto read = [&](const Atom& a) -> Array {
    if (const VarPtr* v = std::get_if<VarPtr>(&a)) return env.at(v->get());
    return std::get<Literal>(a).value;
  };
  for (std::size_t i = 0; i < consts.size(); ++i) write(j.constvars[i], consts[i], "a constant");
  for (std::size_t i = 0; i < args.size(); ++i) write(j.invars[i], args[i], "an argument");
  for (const Equation& e : j.eqns) {
    Arrays ins;
    ins.reserve(e.inputs.size());
    for (const Atom& a : e.inputs) ins.push_back(read(a));
    Arrays outs = xjax::bind(*e.prim, ins, e.params);
    for (std::size_t k = 0; k < outs.size(); ++k) env[e.outputs[k].get()] = std::move(outs[k]);
  }
  Arrays outs;
  for (const Atom& a : j.outvars) outs.push_back(read(a));
  return outs;
}

Arrays eval_jaxpr(const ClosedJaxpr& j, const Arrays& args) { return eval_jaxpr(*j.jaxpr, j.consts, args); }

}  // namespace xjax
