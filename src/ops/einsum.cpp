// einsum: parses the subscripts into axis labels, reduces each operand alone (diagonals, broadcast
// axes, letters only it has), then contracts pairs with dot_general along a chosen path.
#include "xjax/einsum.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "xjax/errors.hpp"

namespace xjax {
namespace {

// Letters are their character codes; the axes under "..." get ids from ellipsis_base on.
using Label = int;
using Labels = std::vector<Label>;
constexpr Label ellipsis_base = 1000;

struct Spec {
  std::vector<Labels> inputs;
  Labels output;
  std::map<Label, std::int64_t> sizes;  // after broadcasting extents of 1
};

std::string context(const std::string& subscripts, const std::vector<Shape>& shapes) {
  std::ostringstream s;
  s << "for subscripts '" << subscripts << "' and operand shapes ";
  for (std::size_t i = 0; i < shapes.size(); ++i) s << (i ? ", " : "") << shape_str(shapes[i]);
  return s.str();
}

// One term's letters with the ellipsis marked by -1; ValueError on other characters.
Labels parse_term(const std::string& term, const std::string& subscripts, const std::vector<Shape>& shapes) {
  Labels out;
  for (std::size_t i = 0; i < term.size(); ++i) {
    const char c = term[i];
    if (std::isalpha(static_cast<unsigned char>(c))) {
      out.push_back(static_cast<unsigned char>(c));
    } else if (c == '.' && term.compare(i, 3, "...") == 0 &&
               std::find(out.begin(), out.end(), -1) == out.end()) {
      out.push_back(-1);
      i += 2;
    } else {
      throw ValueError("einsum", "invalid subscript '", c, "' (letters and one '...' per term only) ",
                       context(subscripts, shapes));
    }
  }
  return out;
}

Spec parse(const std::string& raw, const std::vector<Shape>& shapes) {
  std::string subs;
  for (char c : raw)
    if (!std::isspace(static_cast<unsigned char>(c))) subs += c;
  const std::size_t arrow = subs.find("->");
  if (arrow != std::string::npos && subs.find("->", arrow + 2) != std::string::npos)
    throw ValueError("einsum", "more than one '->' ", context(raw, shapes));
  const std::string lhs = subs.substr(0, arrow);
  std::vector<std::string> terms(1);
  for (char c : lhs) {
    if (c == ',') terms.emplace_back();
    else terms.back() += c;
  }
  if (shapes.empty()) throw ValueError("einsum", "needs at least one operand ", context(raw, shapes));
  if (terms.size() != shapes.size())
    throw ValueError("einsum", "the subscripts name ", terms.size(), " operands but ", shapes.size(),
                     " were given ", context(raw, shapes));
  Spec spec;
  std::vector<Labels> parsed;
  std::int64_t ell = 0;  // the number of axes "..." stands for (they broadcast from the right)
  for (std::size_t k = 0; k < terms.size(); ++k) {
    parsed.push_back(parse_term(terms[k], raw, shapes));
    const bool has_ell = std::find(parsed[k].begin(), parsed[k].end(), -1) != parsed[k].end();
    const auto letters = static_cast<std::int64_t>(parsed[k].size()) - (has_ell ? 1 : 0);
    const auto ndim = static_cast<std::int64_t>(shapes[k].size());
    if (has_ell ? ndim < letters : ndim != letters)
      throw ShapeError("einsum", "operand ", k, " has ", ndim, " axes but its subscripts '", terms[k], "' name ",
                       letters, " ", context(raw, shapes));
    if (has_ell) ell = std::max(ell, ndim - letters);
  }
  auto ellipsis_labels = [&](std::int64_t n) {
    Labels r;
    for (std::int64_t j = ell - n; j < ell; ++j) r.push_back(ellipsis_base + static_cast<Label>(j));
    return r;
  };
  for (std::size_t k = 0; k < parsed.size(); ++k) {
    Labels labels;
    const auto letters =
        static_cast<std::int64_t>(std::count_if(parsed[k].begin(), parsed[k].end(), [](Label l) { return l >= 0; }));
    for (Label l : parsed[k]) {
      if (l == -1) {
        Labels e = ellipsis_labels(static_cast<std::int64_t>(shapes[k].size()) - letters);
        labels.insert(labels.end(), e.begin(), e.end());
      } else {
        labels.push_back(l);
      }
    }
    for (std::size_t a = 0; a < labels.size(); ++a) {
      const std::int64_t n = shapes[k][a];
      const auto first = static_cast<std::size_t>(std::find(labels.begin(), labels.end(), labels[a]) - labels.begin());
      auto [it, fresh] = spec.sizes.try_emplace(labels[a], n);
      // Extents of 1 broadcast across operands; within one operand a repeated letter's must agree.
      const bool clash = first < a ? shapes[k][first] != n : (it->second != n && it->second != 1 && n != 1);
      if (clash) {
        std::ostringstream what;
        if (labels[a] < ellipsis_base) what << "letter '" << static_cast<char>(labels[a]) << "'";
        else what << "an axis under '...'";
        throw ShapeError("einsum", what.str(), " has extents ", first < a ? shapes[k][first] : it->second, " and ", n,
                         " ", context(raw, shapes));
      }
      if (it->second == 1) it->second = n;
    }
    spec.inputs.push_back(labels);
  }
  if (arrow == std::string::npos) {
    // Implicit output: the ellipsis axes, then the letters written once, in character order.
    spec.output = ellipsis_labels(ell);
    for (auto [l, n] : spec.sizes) {
      std::ptrdiff_t written = 0;
      for (const Labels& in : spec.inputs) written += std::count(in.begin(), in.end(), l);
      if (l < ellipsis_base && written == 1) spec.output.push_back(l);
    }
  } else {
    for (Label l : parse_term(subs.substr(arrow + 2), raw, shapes)) {
      Labels add = l == -1 ? ellipsis_labels(ell) : Labels{l};
      for (Label a : add) {
        if (std::find(spec.output.begin(), spec.output.end(), a) != spec.output.end())
          throw ValueError("einsum", "output letter '", static_cast<char>(a), "' appears more than once ",
                           context(raw, shapes));
        if (!spec.sizes.count(a))
          throw ValueError("einsum", "output letter '", static_cast<char>(a), "' is not in any operand ",
                           context(raw, shapes));
        spec.output.push_back(a);
      }
    }
  }
  return spec;
}

bool has(const Labels& ls, Label l) { return std::find(ls.begin(), ls.end(), l) != ls.end(); }

// Letters of the remaining operands other than i and j, and of the output: these must survive.
std::set<Label> kept(const std::vector<Labels>& ops, std::size_t i, std::size_t j, const Labels& output) {
  std::set<Label> k(output.begin(), output.end());
  for (std::size_t m = 0; m < ops.size(); ++m)
    if (m != i && m != j) k.insert(ops[m].begin(), ops[m].end());
  return k;
}

// The labels of the contraction of operands i and j, and its multiply-adds.
std::pair<Labels, double> contract_labels(const std::vector<Labels>& ops, std::size_t i, std::size_t j,
                                          const Spec& spec) {
  const std::set<Label> keep = kept(ops, i, j, spec.output);
  std::set<Label> all(ops[i].begin(), ops[i].end());
  all.insert(ops[j].begin(), ops[j].end());
  double cost = 1;
  Labels out;
  for (Label l : all) {
    cost *= static_cast<double>(spec.sizes.at(l));
    if (keep.count(l)) out.push_back(l);
  }
  return {out, cost};
}

double size_of(const Labels& ls, const Spec& spec) {
  double s = 1;
  for (Label l : ls) s *= static_cast<double>(spec.sizes.at(l));
  return s;
}

using Path = std::vector<std::pair<int, int>>;

void search_optimal(std::vector<Labels> ops, const Spec& spec, double cost, Path& path, double& best, Path& best_path) {
  if (cost >= best) return;
  if (ops.size() <= 1) {
    best = cost;
    best_path = path;
    return;
  }
  for (std::size_t i = 0; i < ops.size(); ++i)
    for (std::size_t j = i + 1; j < ops.size(); ++j) {
      auto [out, c] = contract_labels(ops, i, j, spec);
      std::vector<Labels> next;
      for (std::size_t m = 0; m < ops.size(); ++m)
        if (m != i && m != j) next.push_back(ops[m]);
      next.push_back(out);
      path.emplace_back(static_cast<int>(i), static_cast<int>(j));
      search_optimal(std::move(next), spec, cost + c, path, best, best_path);
      path.pop_back();
    }
}

Path choose_path(std::vector<Labels> ops, const Spec& spec, EinsumOptimize how) {
  if (how == EinsumOptimize::automatic) how = ops.size() <= 5 ? EinsumOptimize::optimal : EinsumOptimize::greedy;
  Path path;
  if (how == EinsumOptimize::optimal) {
    Path scratch;
    double best = std::numeric_limits<double>::infinity();
    search_optimal(ops, spec, 0, scratch, best, path);
    return path;
  }
  while (ops.size() > 1) {
    std::size_t bi = 0, bj = 1;
    if (how == EinsumOptimize::greedy) {
      // The pair whose result shrinks the operands most, ties broken by cost.
      std::pair<double, double> best{std::numeric_limits<double>::infinity(), 0};
      for (std::size_t i = 0; i < ops.size(); ++i)
        for (std::size_t j = i + 1; j < ops.size(); ++j) {
          auto [out, c] = contract_labels(ops, i, j, spec);
          std::pair<double, double> key{size_of(out, spec) - size_of(ops[i], spec) - size_of(ops[j], spec), c};
          if (key < best) {
            best = key;
            bi = i;
            bj = j;
          }
        }
    }
    Labels out = contract_labels(ops, bi, bj, spec).first;
    ops.erase(ops.begin() + static_cast<std::ptrdiff_t>(bj));
    ops.erase(ops.begin() + static_cast<std::ptrdiff_t>(bi));
    ops.push_back(out);
    path.emplace_back(static_cast<int>(bi), static_cast<int>(bj));
  }
  return path;
}

// One operand reduced alone, its labels returned and x (when given) transformed alongside:
// broadcast axes of extent 1 dropped, diagonals of repeated letters taken, and letters that no
// other operand (present[m]) nor the output has summed.
Labels reduce_alone(const Labels& labels, const Shape& shape, const Spec& spec,
                    const std::vector<std::set<Label>>& present, std::size_t k, Array* x) {
  Ints drop;
  Labels ls;
  for (std::size_t a = 0; a < labels.size(); ++a) {
    if (shape[a] == 1 && spec.sizes.at(labels[a]) != 1) drop.push_back(static_cast<std::int64_t>(a));
    else ls.push_back(labels[a]);
  }
  if (x && !drop.empty()) *x = squeeze(*x, AxisSpec(drop));
  for (bool again = true; again;) {
    again = false;
    for (std::size_t a = 0; a < ls.size() && !again; ++a)
      for (std::size_t b = a + 1; b < ls.size() && !again; ++b)
        if (ls[a] == ls[b]) {  // diagonal() appends the diagonal as the last axis
          if (x) *x = diagonal(*x, 0, static_cast<int>(a), static_cast<int>(b));
          const Label l = ls[a];
          ls.erase(ls.begin() + static_cast<std::ptrdiff_t>(b));
          ls.erase(ls.begin() + static_cast<std::ptrdiff_t>(a));
          ls.push_back(l);
          again = true;
        }
  }
  Ints summed;
  Labels left;
  for (std::size_t a = 0; a < ls.size(); ++a) {
    bool elsewhere = has(spec.output, ls[a]);
    for (std::size_t m = 0; m < present.size(); ++m) elsewhere = elsewhere || (m != k && present[m].count(ls[a]));
    if (elsewhere) left.push_back(ls[a]);
    else summed.push_back(static_cast<std::int64_t>(a));
  }
  if (x && !summed.empty()) *x = sum(*x, AxisSpec(summed));
  return left;
}

struct Plan {
  Spec spec;
  std::vector<Labels> reduced;  // each operand's labels after reduce_alone
  Path path;
};

Plan make_plan(const std::string& subscripts, const std::vector<Shape>& shapes, EinsumOptimize how,
               std::vector<std::set<Label>>& present) {
  Plan p{parse(subscripts, shapes), {}, {}};
  for (std::size_t k = 0; k < shapes.size(); ++k) {
    std::set<Label> here;
    for (std::size_t a = 0; a < shapes[k].size(); ++a)
      if (shapes[k][a] != 1 || p.spec.sizes.at(p.spec.inputs[k][a]) == 1) here.insert(p.spec.inputs[k][a]);
    present.push_back(here);
  }
  for (std::size_t k = 0; k < shapes.size(); ++k)
    p.reduced.push_back(reduce_alone(p.spec.inputs[k], shapes[k], p.spec, present, k, nullptr));
  p.path = choose_path(p.reduced, p.spec, how);
  return p;
}

std::vector<Shape> shapes_of(const std::vector<Array>& xs) {
  std::vector<Shape> s;
  for (const Array& x : xs) s.push_back(x.shape());
  return s;
}

Ints positions(const Labels& of, const Labels& in) {
  Ints r;
  for (Label l : of) r.push_back(std::find(in.begin(), in.end(), l) - in.begin());
  return r;
}

}  // namespace

Array einsum(std::string_view spec, const std::vector<Array>& operands, EinsumOptimize optimize) {
  const std::string subscripts(spec);
  const std::vector<Shape> shapes = shapes_of(operands);
  std::vector<std::set<Label>> present;
  const Plan p = make_plan(subscripts, shapes, optimize, present);
  PromotedType t{operands[0].dtype(), operands[0].weak_type()};
  for (const Array& x : operands) t = promote_types(t.dtype, t.weak_type, x.dtype(), x.weak_type());
  const DType compute = t.dtype == bool_ ? int32 : t.dtype;  // a sum of products of bools is their "or"
  std::vector<Array> xs;
  std::vector<Labels> ls;
  for (std::size_t k = 0; k < operands.size(); ++k) {
    Array x = operands[k].dtype() == compute ? operands[k] : operands[k].astype(compute);
    ls.push_back(reduce_alone(p.spec.inputs[k], shapes[k], p.spec, present, k, &x));
    xs.push_back(x);
  }
  for (auto [i0, j0] : p.path) {
    const auto i = static_cast<std::size_t>(i0), j = static_cast<std::size_t>(j0);
    const std::set<Label> keep = kept(ls, i, j, p.spec.output);
    Labels batch, contracted, free_x, free_y;
    for (Label l : ls[i]) {
      if (!has(ls[j], l)) free_x.push_back(l);
      else if (keep.count(l)) batch.push_back(l);
      else contracted.push_back(l);
    }
    for (Label l : ls[j])
      if (!has(ls[i], l)) free_y.push_back(l);
    Array r = dot_general(xs[i], xs[j], positions(contracted, ls[i]), positions(contracted, ls[j]),
                          positions(batch, ls[i]), positions(batch, ls[j]));
    Labels out = batch;
    out.insert(out.end(), free_x.begin(), free_x.end());
    out.insert(out.end(), free_y.begin(), free_y.end());
    for (std::size_t m : {j, i}) {
      xs.erase(xs.begin() + static_cast<std::ptrdiff_t>(m));
      ls.erase(ls.begin() + static_cast<std::ptrdiff_t>(m));
    }
    xs.push_back(r);
    ls.push_back(out);
  }
  Array r = transpose(xs[0], positions(p.spec.output, ls[0]));
  return t.dtype == bool_ ? r != 0 : r;
}

EinsumPath einsum_path(std::string_view spec, const std::vector<Array>& operands, EinsumOptimize optimize) {
  const std::string subscripts(spec);
  const std::vector<Shape> shapes = shapes_of(operands);
  std::vector<std::set<Label>> present;
  const Plan p = make_plan(subscripts, shapes, optimize, present);
  // Letters for the description; the axes under "..." borrow unused letters.
  std::map<Label, char> name;
  std::string spare;
  for (char c = 'A'; c <= 'z'; ++c)
    if (std::isalpha(static_cast<unsigned char>(c)) && !p.spec.sizes.count(c)) spare += c;
  for (auto [l, n] : p.spec.sizes) {
    const auto e = static_cast<std::size_t>(l - ellipsis_base);
    name[l] = l < ellipsis_base ? static_cast<char>(l) : e < spare.size() ? spare[e] : '*';
  }
  auto text = [&](const Labels& ls) {
    std::string s;
    for (Label l : ls) s += name.at(l);
    return s;
  };
  EinsumPath r;
  r.naive_cost = static_cast<double>(std::max<std::size_t>(operands.size() - 1, 1));
  for (auto [l, n] : p.spec.sizes) r.naive_cost *= static_cast<double>(n);
  std::ostringstream steps;
  std::vector<Labels> ops = p.reduced;
  int step = 0;
  for (auto [i0, j0] : p.path) {
    const auto i = static_cast<std::size_t>(i0), j = static_cast<std::size_t>(j0);
    auto [out, cost] = contract_labels(ops, i, j, p.spec);
    r.optimized_cost += cost;
    r.contractions.emplace_back(i0, j0);
    steps << "  step " << ++step << ": (" << i << ", " << j << ") " << text(ops[i]) << "," << text(ops[j]) << "->"
          << text(out) << "  cost " << cost << "\n";
    ops.erase(ops.begin() + static_cast<std::ptrdiff_t>(j));
    ops.erase(ops.begin() + static_cast<std::ptrdiff_t>(i));
    ops.push_back(out);
  }
  std::ostringstream d;
  d << "  contraction: ";
  for (std::size_t k = 0; k < p.spec.inputs.size(); ++k) d << (k ? "," : "") << text(p.spec.inputs[k]);
  d << "->" << text(p.spec.output) << "\n  naive cost: " << r.naive_cost << "\n  optimized cost: " << r.optimized_cost
    << "\n" << steps.str();
  r.description = d.str();
  return r;
}

}  // namespace xjax
