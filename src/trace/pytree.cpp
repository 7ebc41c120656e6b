// TreeDef printing, hashing and mismatch errors.
#include <functional>
#include <ostream>
#include <sstream>

#include "xjax/pytree.hpp"

namespace xjax {

std::size_t TreeDef::num_leaves() const {
  if (kind == Kind::leaf) return 1;
  std::size_t n = 0;
  for (const TreeDef& c : children) n += c.num_leaves();
  return n;
}

std::size_t TreeDef::hash() const {
  std::size_t h = static_cast<std::size_t>(kind) * 1000003;
  for (const std::string& k : keys) h = h * 31 + std::hash<std::string>{}(k);
  for (const TreeDef& c : children) h = h * 131 + c.hash();
  return h;
}

std::ostream& operator<<(std::ostream& os, const TreeDef& t) {
  using K = TreeDef::Kind;
  auto list = [&](const char* open, const char* close, bool keyed) {
    os << open;
    for (std::size_t i = 0; i < t.children.size(); ++i) {
      if (i) os << ", ";
      if (keyed) os << '\'' << t.keys[i] << "': ";
      os << t.children[i];
    }
    if (t.kind == K::tuple && t.children.size() == 1) os << ',';
    os << close;
  };
  switch (t.kind) {
    case K::leaf: return os << '*';
    case K::tuple: list("(", ")", false); break;
    case K::vector: list("[", "]", false); break;
    case K::array: list("array[", "]", false); break;
    case K::map: list("{", "}", true); break;
    case K::optional: t.children.empty() ? os << "None" : (os << "Some(" << t.children[0] << ')'); break;
    case K::structure: list("struct{", "}", true); break;
  }
  return os;
}

void tree_mismatch(const TreeDef& def, const char* expected) {
  std::ostringstream s;
  s << def;
  throw ValueError("tree_unflatten", "tree structure ", s.str(), " does not match: expected ", expected);
}

}  // namespace xjax
