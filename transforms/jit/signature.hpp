// The key of jit's cache, and how two keys differ (for explain_miss and the compile log).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "xjax/jit.hpp"

namespace xjax {

struct CacheKey {
  TreeDef def;  // one child per traced argument
  Avals avals;  // one per leaf
  std::vector<StaticArg> statics;
  bool operator==(const CacheKey&) const = default;
};
struct CacheKeyHash {
  std::size_t operator()(const CacheKey& k) const;
};

// Where the arguments of a call sit: static_argnums are the static positions, the others traced.
struct ArgumentLayout {
  std::vector<std::size_t> static_argnums;
  // The argument position of traced argument k in a call with this key.
  std::size_t traced_position(const CacheKey& key, std::size_t k) const;
};

// "(f32[1000], static 3)": every argument in call order, trees with their leaves' avals.
std::string signature_str(const CacheKey& key, const ArgumentLayout& layout);

// The differences between key and the closest of `cached` (ordered most recently used first), one
// clause per differing argument leaf or static argument, naming it and what differs; cached must
// not be empty and must not contain key.
std::string explain_difference(const CacheKey& key, const std::vector<const CacheKey*>& cached,
                               const ArgumentLayout& layout);

}  // namespace xjax
