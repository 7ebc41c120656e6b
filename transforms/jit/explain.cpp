// jit's cache keys in words: call signatures for the compile log, and what makes a call miss.
#include <algorithm>
#include <cxxabi.h>
#include <limits>
#include <sstream>

#include "jit/signature.hpp"

namespace xjax {

std::string demangle(const char* mangled) {
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> name(abi::__cxa_demangle(mangled, nullptr, nullptr, &status), &std::free);
  return status == 0 && name ? std::string(name.get()) : std::string(mangled);
}

std::size_t CacheKeyHash::operator()(const CacheKey& k) const {
  std::size_t h = k.def.hash();
  for (const ShapedArray& a : k.avals) {
    h = h * 31 + static_cast<std::size_t>(a.dtype) * 2 + a.weak_type;
    for (auto e : a.shape) h = h * 1000003 + static_cast<std::size_t>(e);
  }
  for (const StaticArg& s : k.statics) h = h * 131 + s.hash();
  return h;
}

std::size_t ArgumentLayout::traced_position(const CacheKey& key, std::size_t k) const {
  const std::size_t total = key.def.children.size() + key.statics.size();
  for (std::size_t pos = 0; pos < total; ++pos) {
    if (std::find(static_argnums.begin(), static_argnums.end(), pos) != static_argnums.end()) continue;
    if (k-- == 0) return pos;
  }
  return total;
}

namespace {

std::string aval_str(const ShapedArray& a) {
  std::ostringstream s;
  s << (a.weak_type ? "weak " : "") << a;
  return s.str();
}

// A tree with its leaves' avals in place of '*', as TreeDef prints: (f32[3], {'w': f32[2,2]}).
void print_tree(std::ostream& os, const TreeDef& t, const Avals& avals, std::size_t& leaf) {
  using K = TreeDef::Kind;
  if (t.kind == K::leaf) {
    os << aval_str(avals[leaf++]);
    return;
  }
  if (t.kind == K::optional) {
    if (t.children.empty()) os << "None";
    else os << "Some(", print_tree(os, t.children[0], avals, leaf), os << ')';
    return;
  }
  const bool keyed = t.kind == K::map || t.kind == K::structure;
  const char* open = t.kind == K::tuple ? "(" : t.kind == K::vector ? "[" : t.kind == K::array ? "array[" : t.kind == K::map ? "{" : "struct{";
  const char* close = t.kind == K::tuple ? ")" : keyed ? "}" : "]";
  os << open;
  for (std::size_t i = 0; i < t.children.size(); ++i) {
    os << (i ? ", " : "");
    if (keyed) os << '\'' << t.keys[i] << "': ";
    print_tree(os, t.children[i], avals, leaf);
  }
  if (t.kind == K::tuple && t.children.size() == 1) os << ',';
  os << close;
}

// The paths of a tree's leaves below `prefix`, in flattening order: argument 1['w'][0], argument 0.bias.
void leaf_paths(const TreeDef& t, const std::string& prefix, std::vector<std::string>& out) {
  using K = TreeDef::Kind;
  for (std::size_t i = 0; i < t.children.size(); ++i) {
    std::string p = t.kind == K::map         ? prefix + "['" + t.keys[i] + "']"
                    : t.kind == K::structure ? prefix + "." + t.keys[i]
                    : t.kind == K::optional  ? prefix + ".value()"
                                             : prefix + "[" + std::to_string(i) + "]";
    leaf_paths(t.children[i], p, out);
  }
  if (t.kind == K::leaf) out.push_back(prefix);
}

// What differs between a leaf's aval and the cached one (nothing: empty).
std::vector<std::string> leaf_differences(const ShapedArray& now, const ShapedArray& cached) {
  std::vector<std::string> what;
  if (now.dtype != cached.dtype)
    what.push_back(std::string("dtype ") + dtype_name(now.dtype) + " vs " + dtype_name(cached.dtype));
  if (now.ndim() != cached.ndim()) {
    what.push_back("rank " + std::to_string(now.ndim()) + " vs " + std::to_string(cached.ndim()));
  } else {
    for (std::size_t a = 0; a < now.shape.size(); ++a)
      if (now.shape[a] != cached.shape[a])
        what.push_back("extent of axis " + std::to_string(a) + " " + std::to_string(now.shape[a]) + " vs " +
                       std::to_string(cached.shape[a]));
  }
  if (now.weak_type != cached.weak_type)
    what.push_back(now.weak_type ? "weak type (a C++ scalar) vs a typed array" : "a typed array vs weak type (a C++ scalar)");
  return what;
}

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string r;
  for (const std::string& p : parts) r += (r.empty() ? "" : sep) + p;
  return r;
}

struct Comparison {
  std::size_t cost = 0;  // differing leaf properties and static values; a differing structure counts as many
  std::vector<std::string> clauses;
};

Comparison compare(const CacheKey& key, const CacheKey& cached, const ArgumentLayout& layout) {
  Comparison c;
  constexpr std::size_t structure_cost = 1000;
  if (key.def.children.size() != cached.def.children.size() || key.statics.size() != cached.statics.size()) {
    c.cost = structure_cost * 10;
    c.clauses.push_back("number of arguments " + std::to_string(key.def.children.size() + key.statics.size()) +
                        " vs " + std::to_string(cached.def.children.size() + cached.statics.size()));
    return c;
  }
  std::size_t leaf = 0, cached_leaf = 0;
  for (std::size_t k = 0; k < key.def.children.size(); ++k) {
    const TreeDef &now = key.def.children[k], &old = cached.def.children[k];
    const std::string name = "argument " + std::to_string(layout.traced_position(key, k));
    if (!(now == old)) {
      std::ostringstream s;
      std::size_t l = leaf, cl = cached_leaf;
      s << name << " is ";
      print_tree(s, now, key.avals, l);
      s << " where the cached program has ";
      print_tree(s, old, cached.avals, cl);
      s << ": structure differs";
      c.clauses.push_back(s.str());
      c.cost += structure_cost;
    } else {
      std::vector<std::string> paths;
      leaf_paths(now, name, paths);
      for (std::size_t i = 0; i < paths.size(); ++i) {
        const ShapedArray &a = key.avals[leaf + i], &b = cached.avals[cached_leaf + i];
        std::vector<std::string> what = leaf_differences(a, b);
        if (what.empty()) continue;
        c.clauses.push_back(paths[i] + " is " + aval_str(a) + " where the cached program has " + aval_str(b) + ": " +
                            join(what, ", "));
        c.cost += what.size();
      }
    }
    leaf += now.num_leaves();
    cached_leaf += old.num_leaves();
  }
  for (std::size_t k = 0; k < key.statics.size(); ++k) {
    const StaticArg &now = key.statics[k], &old = cached.statics[k];
    if (now == old) continue;
    std::string name = "static argument " + std::to_string(layout.static_argnums[k]);
    if (now.type() != old.type())
      c.clauses.push_back(name + " has type " + demangle(now.type().name()) + " where the cached program has " +
                          demangle(old.type().name()) + ": static type differs");
    else
      c.clauses.push_back(name + " is " + now.str() + " where the cached program has " + old.str() + ": static value differs");
    ++c.cost;
  }
  return c;
}

}  // namespace

std::string signature_str(const CacheKey& key, const ArgumentLayout& layout) {
  const std::size_t total = key.def.children.size() + key.statics.size();
  std::ostringstream s;
  s << '(';
  std::size_t leaf = 0, traced = 0;
  for (std::size_t pos = 0; pos < total; ++pos) {
    s << (pos ? ", " : "");
    auto it = std::find(layout.static_argnums.begin(), layout.static_argnums.end(), pos);
    if (it != layout.static_argnums.end()) s << "static " << key.statics[static_cast<std::size_t>(it - layout.static_argnums.begin())].str();
    else print_tree(s, key.def.children[traced++], key.avals, leaf);
  }
  s << ')';
  return s.str();
}

std::string explain_difference(const CacheKey& key, const std::vector<const CacheKey*>& cached,
                               const ArgumentLayout& layout) {
  Comparison best;
  best.cost = std::numeric_limits<std::size_t>::max();
  for (const CacheKey* k : cached) {
    Comparison c = compare(key, *k, layout);
    if (c.cost < best.cost) best = std::move(c);
  }
  std::string r = join(best.clauses, "; ");
  if (cached.size() > 1) r += " (closest of " + std::to_string(cached.size()) + " cached signatures)";
  return r;
}

}  // namespace xjax
