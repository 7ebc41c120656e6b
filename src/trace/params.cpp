// Params: a small sorted map of hashable, comparable, printable values.
#include <algorithm>
#include <functional>
#include <ostream>

#include "xjax/ir.hpp"

namespace xjax {

Params::Params(std::initializer_list<std::pair<std::string, ParamValue>> items) : items_(items) {
  std::sort(items_.begin(), items_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
}

const ParamValue& Params::at(std::string_view key) const {
  for (const auto& [k, v] : items_)
    if (k == key) return v;
  throw ValueError("params", "missing param '", key, "'");
}

bool Params::contains(std::string_view key) const {
  return std::any_of(items_.begin(), items_.end(), [&](const auto& kv) { return kv.first == key; });
}

Params Params::with(std::string key, ParamValue v) const {
  Params p = *this;
  for (auto& [k, old] : p.items_)
    if (k == key) {
      old = std::move(v);
      return p;
    }
  p.items_.emplace_back(std::move(key), std::move(v));
  std::sort(p.items_.begin(), p.items_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return p;
}

namespace {
bool value_equal(const ParamValue& a, const ParamValue& b) {
  if (a.index() != b.index()) return false;
  if (const auto* ja = std::get_if<std::shared_ptr<const ClosedJaxpr>>(&a))
    return *ja == std::get<std::shared_ptr<const ClosedJaxpr>>(b) ||
           (*ja && std::get<std::shared_ptr<const ClosedJaxpr>>(b) &&
            **ja == *std::get<std::shared_ptr<const ClosedJaxpr>>(b));
  return a == b;
}

std::size_t value_hash(const ParamValue& v) {
  return std::visit(
      [](const auto& x) -> std::size_t {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Ints>) {
          std::size_t h = 0x9e3779b9;
          for (auto i : x) h = h * 31 + std::hash<std::int64_t>{}(i);
          return h;
        } else if constexpr (std::is_same_v<T, DType>) {
          return static_cast<std::size_t>(x) + 17;
        } else if constexpr (std::is_same_v<T, std::shared_ptr<const ClosedJaxpr>>) {
          return std::hash<const void*>{}(x ? x->jaxpr.get() : nullptr);
        } else if constexpr (std::is_same_v<T, std::shared_ptr<const OpaqueParam>>) {
          return std::hash<const void*>{}(x.get());
        } else {
          return std::hash<T>{}(x);
        }
      },
      v);
}

void print_value(std::ostream& os, const ParamValue& v) {
  std::visit(
      [&](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, bool>) os << (x ? "True" : "False");
        else if constexpr (std::is_same_v<T, Ints>) os << shape_str(x);
        else if constexpr (std::is_same_v<T, std::shared_ptr<const ClosedJaxpr>>) {
          if (x) os << *x;
          else os << "None";
        } else if constexpr (std::is_same_v<T, std::shared_ptr<const OpaqueParam>>) {
          os << (x ? x->describe() : "None");
        } else os << x;
      },
      v);
}
}  // namespace

bool Params::operator==(const Params& o) const {
  if (items_.size() != o.items_.size()) return false;
  for (std::size_t i = 0; i < items_.size(); ++i)
    if (items_[i].first != o.items_[i].first || !value_equal(items_[i].second, o.items_[i].second)) return false;
  return true;
}

std::size_t Params::hash() const {
  std::size_t h = 0;
  for (const auto& [k, v] : items_) h = h * 1000003 ^ (std::hash<std::string>{}(k) + 31 * value_hash(v));
  return h;
}

std::ostream& operator<<(std::ostream& os, const Params& p) {
  if (p.empty()) return os;
  os << '[';
  bool first = true;
  auto item = [&](const std::string& k, const ParamValue& v) {
    os << (first ? "" : " ") << k << '=';
    print_value(os, v);
    first = false;
  };
  if (p.contains("name")) item("name", p.at("name"));  // first, as JAX prints pjit[name=f jaxpr=...]
  for (const auto& [k, v] : p.items())
    if (k != "name") item(k, v);
  return os << ']';
}

}  // namespace xjax
