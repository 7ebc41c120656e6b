// jit's compilation cache: look up under a shared lock, trace outside any lock, insert on success.
#include <algorithm>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "array/array_impl.hpp"
#include "xjax/transforms.hpp"

namespace xjax {
namespace {
struct Key {
  TreeDef def;
  Avals avals;
  bool operator==(const Key&) const = default;
};
struct KeyHash {
  std::size_t operator()(const Key& k) const {
    std::size_t h = k.def.hash();
    for (const ShapedArray& a : k.avals) {
      h = h * 31 + static_cast<std::size_t>(a.dtype) * 2 + a.weak_type;
      for (auto e : a.shape) h = h * 1000003 + static_cast<std::size_t>(e);
    }
    return h;
  }
};
struct Entry {
  ClosedJaxpr jaxpr;
  TreeDef out_def;
  std::shared_ptr<const Executable> exe;
};
}  // namespace

struct JitCache::Impl {
  mutable std::shared_mutex mu;
  std::unordered_map<Key, std::shared_ptr<const Entry>, KeyHash> map;
  Stats stats;

  std::shared_ptr<const Entry> get(const TreeDef& in_def, const Arrays& leaves, const TraceFn& trace) {
    Key key{in_def, {}};
    for (const Array& x : leaves) key.avals.push_back(x.aval());
    {
      std::shared_lock lock(mu);
      if (auto it = map.find(key); it != map.end()) {
        ++stats.hits;  // relaxed bookkeeping: counters are advisory
        return it->second;
      }
    }
    TreeDef out_def;
    ClosedJaxpr jaxpr = trace_to_jaxpr(
        [&](const Arrays& xs) {
          auto [outs, def] = trace(xs);
          out_def = def;
          return outs;
        },
        key.avals);
    auto exe = std::make_shared<const Executable>(jaxpr);
    auto entry = std::make_shared<const Entry>(Entry{std::move(jaxpr), std::move(out_def), std::move(exe)});
    std::unique_lock lock(mu);
    ++stats.misses;
    // A program that captured a value of an enclosing transformation is valid only for this call.
    for (const Array& c : entry->jaxpr.consts)
      if (c.is_tracer()) return entry;
    return map.try_emplace(std::move(key), entry).first->second;
  }
};

JitCache::JitCache() : impl_(std::make_unique<Impl>()) {}
JitCache::~JitCache() = default;

Arrays JitCache::call(const TreeDef& in_def, const Arrays& leaves, const TraceFn& trace, TreeDef& out_def) {
  std::shared_ptr<const Entry> e = impl_->get(in_def, leaves, trace);
  out_def = e->out_def;
  // Under an enclosing transformation (traced arguments, or a closure over traced values), replay the
  // program through it; the compiled form runs on concrete values only.
  auto traced = [](const Arrays& xs) {
    return std::any_of(xs.begin(), xs.end(), [](const Array& x) { return x.is_tracer(); });
  };
  if (traced(leaves) || traced(e->jaxpr.consts)) return eval_jaxpr(e->jaxpr, leaves);
  return e->exe->run(leaves);
}

Lowered JitCache::lower(const TreeDef& in_def, const Arrays& leaves, const TraceFn& trace) {
  std::shared_ptr<const Entry> e = impl_->get(in_def, leaves, trace);
  return {e->jaxpr, e->exe};
}

JitCache::Stats JitCache::stats() const {
  std::shared_lock lock(impl_->mu);
  Stats s = impl_->stats;
  s.entries = impl_->map.size();
  return s;
}

}  // namespace xjax
