// Pytrees: nested C++ values whose leaves are arrays. The C++ type is the tree's static structure;
// a TreeDef records the dynamic part (container sizes, map keys) so trees can be rebuilt.
#pragma once
#include <array>
#include <concepts>
#include <cstddef>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

// The parts of Boost.Hana that struct pytrees use (the whole of it costs twice the parse time).
#include <boost/hana/accessors.hpp>
#include <boost/hana/adapt_struct.hpp>
#include <boost/hana/concept/struct.hpp>
#include <boost/hana/core/to.hpp>
#include <boost/hana/define_struct.hpp>
#include <boost/hana/first.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/second.hpp>
#include <boost/hana/string.hpp>

#include "xjax/array.hpp"

namespace xjax {

struct TreeDef {
  enum class Kind : std::uint8_t { leaf, tuple, vector, array, map, optional, structure };
  Kind kind = Kind::leaf;
  std::vector<std::string> keys;  // map keys / struct member names
  std::vector<TreeDef> children;
  std::size_t num_leaves() const;
  bool operator==(const TreeDef&) const = default;
  std::size_t hash() const;
};
std::ostream& operator<<(std::ostream& os, const TreeDef& t);  // PyTreeDef-like: (*, [*, *], {'a': *})

namespace tree_detail {
template <class T>
struct is_tuple_like : std::false_type {};
template <class... Ts>
struct is_tuple_like<std::tuple<Ts...>> : std::true_type {};
template <class A, class B>
struct is_tuple_like<std::pair<A, B>> : std::true_type {};
template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};
template <class T>
struct is_std_array : std::false_type {};
template <class T, std::size_t N>
struct is_std_array<std::array<T, N>> : std::true_type {};
template <class T>
struct is_map : std::false_type {};
template <class T>
struct is_map<std::map<std::string, T>> : std::true_type {};
template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
}  // namespace tree_detail

// The type a tree has once its scalar leaves became arrays (what transformations return).
template <class T>
struct array_tree {
  using type = T;
};
template <class T>
using array_tree_t = typename array_tree<std::remove_cvref_t<T>>::type;
template <Scalar T>
struct array_tree<T> {
  using type = Array;
};
// Types derived from Array (random::SplitKeys) are leaves, and transformations return them as Arrays.
template <class T>
  requires std::derived_from<T, Array>
struct array_tree<T> {
  using type = Array;
};
template <class... Ts>
struct array_tree<std::tuple<Ts...>> {
  using type = std::tuple<array_tree_t<Ts>...>;
};
template <class A, class B>
struct array_tree<std::pair<A, B>> {
  using type = std::pair<array_tree_t<A>, array_tree_t<B>>;
};
template <class T>
struct array_tree<std::vector<T>> {
  using type = std::vector<array_tree_t<T>>;
};
template <class T, std::size_t N>
struct array_tree<std::array<T, N>> {
  using type = std::array<array_tree_t<T>, N>;
};
template <class T>
struct array_tree<std::map<std::string, T>> {
  using type = std::map<std::string, array_tree_t<T>>;
};
template <class T>
struct array_tree<std::optional<T>> {
  using type = std::optional<array_tree_t<T>>;
};

template <class T>
void flatten_into(const T& x, std::vector<Array>& leaves, TreeDef& def) {
  using namespace tree_detail;
  using K = TreeDef::Kind;
  if constexpr (std::derived_from<T, Array> || std::is_arithmetic_v<T>) {
    def.kind = K::leaf;
    leaves.push_back(Array(x));
  } else if constexpr (is_tuple_like<T>::value) {
    def.kind = K::tuple;
    std::apply([&](const auto&... m) { (flatten_into(m, leaves, def.children.emplace_back()), ...); }, x);
  } else if constexpr (is_vector<T>::value || is_std_array<T>::value) {
    def.kind = is_vector<T>::value ? K::vector : K::array;
    for (const auto& m : x) flatten_into(m, leaves, def.children.emplace_back());
  } else if constexpr (is_map<T>::value) {
    def.kind = K::map;
    for (const auto& [k, m] : x) {
      def.keys.push_back(k);
      flatten_into(m, leaves, def.children.emplace_back());
    }
  } else if constexpr (is_optional<T>::value) {
    def.kind = K::optional;
    if (x) flatten_into(*x, leaves, def.children.emplace_back());
  } else if constexpr (boost::hana::Struct<T>::value) {
    def.kind = K::structure;
    boost::hana::for_each(boost::hana::accessors<T>(), [&](auto acc) {
      def.keys.push_back(boost::hana::to<const char*>(boost::hana::first(acc)));
      flatten_into(boost::hana::second(acc)(x), leaves, def.children.emplace_back());
    });
  } else {
    static_assert(sizeof(T) == 0,
                  "xjax pytree: leaves are Array and arithmetic scalars; containers are tuple, pair, vector, "
                  "array, map<string, T>, optional and BOOST_HANA_DEFINE_STRUCT/ADAPT_STRUCT structs");
  }
}

[[noreturn]] void tree_mismatch(const TreeDef& def, const char* expected);

template <class T>
array_tree_t<T> unflatten_from(const TreeDef& def, const Array*& it, const Array* end) {
  using namespace tree_detail;
  using K = TreeDef::Kind;
  auto expect = [&](K k, const char* what) {
    if (def.kind != k) tree_mismatch(def, what);
  };
  if constexpr (std::derived_from<T, Array> || std::is_arithmetic_v<T>) {
    expect(K::leaf, "a leaf");
    if (it == end) tree_mismatch(def, "more leaves");
    return *it++;
  } else if constexpr (is_tuple_like<T>::value) {
    expect(K::tuple, "a tuple");
    if (def.children.size() != std::tuple_size_v<T>) tree_mismatch(def, "a tuple of another size");
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return array_tree_t<T>{unflatten_from<std::tuple_element_t<I, T>>(def.children[I], it, end)...};
    }(std::make_index_sequence<std::tuple_size_v<T>>{});
  } else if constexpr (is_vector<T>::value) {
    expect(K::vector, "a vector");
    array_tree_t<T> out;
    for (const TreeDef& c : def.children) out.push_back(unflatten_from<typename T::value_type>(c, it, end));
    return out;
  } else if constexpr (is_std_array<T>::value) {
    expect(K::array, "a std::array");
    if (def.children.size() != std::tuple_size_v<T>) tree_mismatch(def, "a std::array of another size");
    array_tree_t<T> out;
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = unflatten_from<typename T::value_type>(def.children[i], it, end);
    return out;
  } else if constexpr (is_map<T>::value) {
    expect(K::map, "a map");
    array_tree_t<T> out;
    for (std::size_t i = 0; i < def.keys.size(); ++i)
      out.emplace(def.keys[i], unflatten_from<typename T::mapped_type>(def.children[i], it, end));
    return out;
  } else if constexpr (is_optional<T>::value) {
    expect(K::optional, "an optional");
    if (def.children.empty()) return std::nullopt;
    return unflatten_from<typename T::value_type>(def.children[0], it, end);
  } else if constexpr (boost::hana::Struct<T>::value) {
    expect(K::structure, "a struct");
    T out{};
    std::size_t i = 0;
    boost::hana::for_each(boost::hana::accessors<T>(), [&](auto acc) {
      auto& member = boost::hana::second(acc)(out);
      using M = std::remove_cvref_t<decltype(member)>;
      if constexpr (std::is_arithmetic_v<M>) member = unflatten_from<M>(def.children[i++], it, end).template item<M>();
      else member = unflatten_from<M>(def.children[i++], it, end);
    });
    return out;
  }
}

// Leaves in a fixed order (tuple/struct order, map keys sorted) and the tree's structure.
template <class T>
std::pair<std::vector<Array>, TreeDef> tree_flatten(const T& tree) {
  std::pair<std::vector<Array>, TreeDef> r;
  flatten_into(tree, r.first, r.second);
  return r;
}
template <class T>
std::vector<Array> tree_leaves(const T& tree) {
  return tree_flatten(tree).first;
}
// Rebuilds a tree of type T (scalar leaves become arrays) from its structure and leaves.
template <class T>
array_tree_t<T> tree_unflatten(const TreeDef& def, const std::vector<Array>& leaves) {
  const Array* it = leaves.data();
  const Array* end = it + leaves.size();
  auto out = unflatten_from<T>(def, it, end);
  if (it != end) tree_mismatch(def, "fewer leaves");
  return out;
}
// The type of tree T with each leaf replaced by an L (tuples, pairs, vectors, arrays, maps and
// optionals of leaves; a struct's members are arrays, so structs cannot hold other leaves).
template <class T, class L>
struct replace_leaves {
  static_assert(!boost::hana::Struct<T>::value,
                "xjax: this result nests a tree in each leaf, which a BOOST_HANA struct cannot hold; "
                "return a tuple, vector or map instead");
  using type = L;
};
template <class T, class L>
using replace_leaves_t = typename replace_leaves<std::remove_cvref_t<T>, L>::type;
template <class... Ts, class L>
struct replace_leaves<std::tuple<Ts...>, L> {
  using type = std::tuple<replace_leaves_t<Ts, L>...>;
};
template <class A, class B, class L>
struct replace_leaves<std::pair<A, B>, L> {
  using type = std::pair<replace_leaves_t<A, L>, replace_leaves_t<B, L>>;
};
template <class T, class L>
struct replace_leaves<std::vector<T>, L> {
  using type = std::vector<replace_leaves_t<T, L>>;
};
template <class T, std::size_t N, class L>
struct replace_leaves<std::array<T, N>, L> {
  using type = std::array<replace_leaves_t<T, L>, N>;
};
template <class T, class L>
struct replace_leaves<std::map<std::string, T>, L> {
  using type = std::map<std::string, replace_leaves_t<T, L>>;
};
template <class T, class L>
struct replace_leaves<std::optional<T>, L> {
  using type = std::optional<replace_leaves_t<T, L>>;
};

// Rebuilds the structure of a tree of type T with leaves of any type L (in flattening order).
template <class T, class L>
replace_leaves_t<T, L> unflatten_as(const TreeDef& def, typename std::vector<L>::const_iterator& it) {
  using namespace tree_detail;
  using R = replace_leaves_t<T, L>;
  if constexpr (is_tuple_like<T>::value) {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return R{unflatten_as<std::tuple_element_t<I, T>, L>(def.children.at(I), it)...};
    }(std::make_index_sequence<std::tuple_size_v<T>>{});
  } else if constexpr (is_vector<T>::value || is_std_array<T>::value) {
    R out{};
    for (std::size_t i = 0; i < def.children.size(); ++i) {
      auto v = unflatten_as<typename T::value_type, L>(def.children[i], it);
      if constexpr (is_vector<T>::value) out.push_back(std::move(v));
      else out.at(i) = std::move(v);
    }
    return out;
  } else if constexpr (is_map<T>::value) {
    R out;
    for (std::size_t i = 0; i < def.keys.size(); ++i)
      out.emplace(def.keys[i], unflatten_as<typename T::mapped_type, L>(def.children[i], it));
    return out;
  } else if constexpr (is_optional<T>::value) {
    if (def.children.empty()) return R{};
    return unflatten_as<typename T::value_type, L>(def.children[0], it);
  } else {
    return *it++;
  }
}
template <class T, class L>
replace_leaves_t<T, L> tree_unflatten_as(const TreeDef& def, const std::vector<L>& leaves) {
  if (def.num_leaves() != leaves.size()) tree_mismatch(def, "as many leaves as the structure");
  auto it = leaves.cbegin();
  return unflatten_as<std::remove_cvref_t<T>, L>(def, it);
}

// Applies f to every leaf of the first tree (and the matching leaves of the others).
template <class F, class T, class... Rest>
array_tree_t<T> tree_map(F&& f, const T& tree, const Rest&... rest) {
  Arrays leaves;  // not a structured binding: clang 14 cannot capture those in lambdas
  TreeDef def;
  std::tie(leaves, def) = tree_flatten(tree);
  std::vector<std::vector<Array>> others{tree_flatten(rest).first...};
  for (const auto& o : others)
    if (o.size() != leaves.size()) tree_mismatch(def, "trees with the same structure");
  std::vector<Array> out;
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    if constexpr (sizeof...(Rest) == 0) out.push_back(f(leaves[i]));
    else
      out.push_back([&]<std::size_t... I>(std::index_sequence<I...>) {
        return f(leaves[i], others[I][i]...);
      }(std::index_sequence_for<Rest...>{}));
  }
  return tree_unflatten<T>(def, out);
}

}  // namespace xjax
