// jit's compilation cache: look up under a shared lock, trace and compile outside any lock, insert
// on success, and drop the least recently used programs beyond the entry and byte bounds.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <iomanip>
#include <mutex>
#include <shared_mutex>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "array/array_impl.hpp"
#include "jit/signature.hpp"
#include "trace/rules.hpp"
#include "trace/trace.hpp"
#include "xjax/config.hpp"

namespace xjax {
namespace {

// Rough memory of an equation, its params and its executor step, beside the constants' buffers.
constexpr std::size_t bytes_per_equation = 256;

// A traced program, compiled when it first runs on concrete values. Called under an enclosing
// transformation (grad(jit(f)), or jit inside jit) it is a pjit call of `lifted` there (its consts
// as leading inputs), which that transformation transforms as a whole.
struct Entry {
  ClosedJaxpr jaxpr;
  std::shared_ptr<const ClosedJaxpr> lifted;
  TreeDef out_def;
  std::vector<std::string> donated;  // per leaf: the name a donated argument's error gives, or ""
  std::size_t bytes = 0;
  mutable std::atomic<std::uint64_t> last_use{0};

  // Compiled once; a compilation that throws is tried again by the next call (no std::call_once:
  // libstdc++'s hangs the next caller after an exception on some builds).
  std::shared_ptr<const Executable> executable(std::atomic<std::size_t>& compiles) const {
    if (ready_.load(std::memory_order_acquire)) return exe_;
    std::lock_guard lock(compile_mu_);
    if (!exe_) {
      exe_ = std::make_shared<const Executable>(jaxpr);
      ++compiles;
      ready_.store(true, std::memory_order_release);
    }
    return exe_;
  }

 private:
  mutable std::mutex compile_mu_;
  mutable std::atomic<bool> ready_{false};
  mutable std::shared_ptr<const Executable> exe_;
};

// What a cached program holds: its constants (each buffer once) and its equations, counted twice
// for the compiled form.
std::size_t program_bytes(const ClosedJaxpr& j) {
  std::unordered_set<const void*> seen;
  std::size_t bytes = 2 * j.jaxpr->eqns.size() * bytes_per_equation;
  for (const Array& c : j.consts)
    if (!c.is_tracer() && seen.insert(c.raw_data()).second) bytes += static_cast<std::size_t>(c.size()) * itemsize(c.dtype());
  return bytes;
}

// A lambda's demangled type spells out its parameter types; the log prints the signature anyway.
std::string short_name(std::string name) {
  std::size_t open = name.find("{lambda("), close = name.rfind(")#");
  if (open != std::string::npos && close != std::string::npos && close > open + 8) name.replace(open + 8, close - open - 8, "...");
  return name;
}

}  // namespace

struct JitCache::Impl {
  JitOptions options;
  ArgumentLayout layout;
  std::string name;

  mutable std::shared_mutex mu;
  std::unordered_map<CacheKey, std::shared_ptr<const Entry>, CacheKeyHash> map;  // guarded by mu
  std::size_t bytes = 0;                                                         // guarded by mu
  std::atomic<std::uint64_t> clock{0};
  std::atomic<std::size_t> hits{0}, misses{0}, evictions{0}, compiles{0};

  std::vector<std::string> donated_leaves(const Signature& sig, std::size_t num_leaves) const;

  static CacheKey key_of(const Signature& sig, const Arrays& leaves) {
    CacheKey key{sig.in_def, {}, sig.statics};
    key.avals.reserve(leaves.size());
    for (const Array& x : leaves) key.avals.push_back(x.aval());
    return key;
  }

  std::shared_ptr<const Entry> get(const Signature& sig, const Arrays& leaves, const TraceFn& trace) {
    CacheKey key = key_of(sig, leaves);
    {
      std::shared_lock lock(mu);
      if (auto it = map.find(key); it != map.end()) {
        ++hits;
        it->second->last_use.store(++clock, std::memory_order_relaxed);
        return it->second;
      }
    }
    ++misses;
    const bool log = config.log_compiles.load(std::memory_order_relaxed);
    std::string reason = log ? explain(key) : std::string();
    auto start = std::chrono::steady_clock::now();
    auto entry = std::make_shared<Entry>();
    entry->jaxpr = trace_to_jaxpr(
        [&](const Arrays& xs) {
          auto [outs, def] = trace(xs);
          entry->out_def = def;
          return outs;
        },
        key.avals);
    Jaxpr lifted = *entry->jaxpr.jaxpr;
    lifted.invars.insert(lifted.invars.begin(), lifted.constvars.begin(), lifted.constvars.end());
    lifted.constvars.clear();
    entry->lifted = std::make_shared<const ClosedJaxpr>(ClosedJaxpr{std::make_shared<Jaxpr>(std::move(lifted)), {}});
    if (!options.donate_argnums.empty()) entry->donated = donated_leaves(sig, leaves.size());
    entry->bytes = program_bytes(entry->jaxpr);
    entry->last_use = ++clock;
    if (log) {
      std::ostringstream line;
      line << "[jit] compiled " << name << " for " << signature_str(key, layout) << " in " << std::setprecision(3)
           << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count()
           << " ms: " << reason;
      config.log(line.str());
    }
    // A program that captured a value of an enclosing transformation is valid only for this call.
    for (const Array& c : entry->jaxpr.consts)
      if (c.is_tracer()) return entry;
    std::unique_lock lock(mu);
    auto [it, inserted] = map.try_emplace(std::move(key), entry);
    if (!inserted) return it->second;  // another thread compiled the same signature meanwhile
    bytes += entry->bytes;
    evict();
    return entry;
  }

  // Drops least recently used entries while a bound is exceeded (mu held exclusively). An entry
  // larger than max_bytes alone is dropped too; the call that compiled it still runs it.
  void evict() {
    while (!map.empty() && (map.size() > options.max_entries || bytes > options.max_bytes)) {
      auto oldest = std::min_element(map.begin(), map.end(), [](const auto& a, const auto& b) {
        return a.second->last_use.load(std::memory_order_relaxed) < b.second->last_use.load(std::memory_order_relaxed);
      });
      bytes -= oldest->second->bytes;
      map.erase(oldest);
      ++evictions;
    }
  }

  // debug_nans/debug_infs: a NaN or infinity in the compiled program's outputs is traced to the
  // primitive that made it by running the traced program again without jit, equation by equation.
  void find_bad_floats(const Entry& e, const Arrays& leaves, const Arrays& outs) const {
    const bool nans = config.debug_nans.load(std::memory_order_relaxed);
    const bool infs = config.debug_infs.load(std::memory_order_relaxed);
    std::size_t bad = outs.size();
    for (std::size_t k = 0; k < outs.size() && bad == outs.size(); ++k)
      if (first_bad_float(outs[k], nans, infs) >= 0) bad = k;
    if (bad == outs.size()) return;
    const Jaxpr& j = *e.jaxpr.jaxpr;
    std::unordered_map<const Var*, Array> env;
    for (std::size_t i = 0; i < j.constvars.size(); ++i) env[j.constvars[i].get()] = e.jaxpr.consts[i];
    for (std::size_t i = 0; i < j.invars.size(); ++i) env[j.invars[i].get()] = leaves[i];
    for (std::size_t n = 0; n < j.eqns.size(); ++n) {
      const Equation& eq = j.eqns[n];
      Arrays ins;
      for (const Atom& a : eq.inputs)
        ins.push_back(std::holds_alternative<VarPtr>(a) ? env.at(std::get<VarPtr>(a).get()) : std::get<Literal>(a).value);
      try {
        Arrays r = eval_eager(*eq.prim, ins, eq.params);
        for (std::size_t k = 0; k < r.size(); ++k) env[eq.outputs[k].get()] = std::move(r[k]);
      } catch (const FloatingPointError& err) {
        throw FloatingPointError(err.op(), std::string(err.what()).substr(err.op().size() + 3), "; found by running the jitted ",
                                 name, " again without jit: equation ", n + 1, " of ", j.eqns.size(),
                                 " of its program (print it with jit(f).lower(args...).as_text() or make_jaxpr)");
      }
    }
    throw FloatingPointError("jit", "the compiled ", name, " returned ", outs[bad].aval(), " with a ",
                             nans && first_bad_float(outs[bad], true, false) >= 0 ? "NaN" : "infinity", " in output ", bad,
                             ", but running it without jit gave none (the compiled and eager arithmetic differ)");
  }

  std::string explain(const CacheKey& key) const {
    std::shared_lock lock(mu);
    if (map.count(key)) return "cache hit";
    if (map.empty())
      return evictions ? "cache miss: the cache is empty (entries were evicted)" : "cache miss: the cache is empty";
    std::vector<std::pair<std::uint64_t, const CacheKey*>> recent;
    for (const auto& [k, e] : map) recent.emplace_back(e->last_use.load(std::memory_order_relaxed), &k);
    std::sort(recent.begin(), recent.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<const CacheKey*> cached;
    for (const auto& r : recent) cached.push_back(r.second);
    return "cache miss: " + explain_difference(key, cached, layout);
  }
};

// The compiled programs that primitives call (loop bodies at every iteration, branches, pjit): keyed
// by the jaxpr while it lives, under the same bounds as a jitted function's cache, least recently
// used dropped first, each compile logged with config.log_compiles.
std::shared_ptr<const Executable> compiled(const std::shared_ptr<const ClosedJaxpr>& j) {
  struct Program {
    std::weak_ptr<const ClosedJaxpr> jaxpr;
    std::shared_ptr<const Executable> exe;
    std::size_t bytes = 0;
    std::uint64_t last_use = 0;
  };
  static std::mutex mu;
  static std::unordered_map<const ClosedJaxpr*, Program> programs;
  static std::size_t total_bytes = 0;
  static std::uint64_t clock = 0;
  static const JitOptions bounds;
  {
    std::lock_guard lock(mu);
    auto it = programs.find(j.get());
    if (it != programs.end() && it->second.jaxpr.lock() == j) {
      it->second.last_use = ++clock;
      return it->second.exe;
    }
  }
  auto start = std::chrono::steady_clock::now();
  std::shared_ptr<const Executable> exe;
  {
    EagerScope eager;  // compiling folds constants: concretely, even under an enclosing trace
    exe = std::make_shared<const Executable>(*j);
  }
  if (config.log_compiles.load(std::memory_order_relaxed)) {
    std::ostringstream line;
    line << "[jit] compiled a called program (loop body, branch or pjit) of " << j->jaxpr->eqns.size() << " equations in "
         << std::setprecision(3) << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count()
         << " ms: cache miss: its first run";
    config.log(line.str());
  }
  std::lock_guard lock(mu);
  std::erase_if(programs, [](const auto& kv) {
    if (!kv.second.jaxpr.expired()) return false;
    total_bytes -= kv.second.bytes;
    return true;
  });
  Program& p = programs[j.get()];
  total_bytes -= p.bytes;
  p = Program{j, exe, program_bytes(*j), ++clock};
  total_bytes += p.bytes;
  while (!programs.empty() && (programs.size() > bounds.max_entries || total_bytes > bounds.max_bytes)) {
    auto oldest = std::min_element(programs.begin(), programs.end(),
                                   [](const auto& a, const auto& b) { return a.second.last_use < b.second.last_use; });
    total_bytes -= oldest->second.bytes;
    programs.erase(oldest);
  }
  return exe;
}

JitCache::JitCache(JitOptions options, std::vector<std::size_t> static_argnums, const char* type_name)
    : impl_(std::make_unique<Impl>()) {
  impl_->name = options.name.empty() ? short_name(demangle(type_name)) : options.name;
  impl_->options = std::move(options);
  impl_->layout.static_argnums = std::move(static_argnums);
  for (std::size_t d : impl_->options.donate_argnums)
    if (std::count(impl_->layout.static_argnums.begin(), impl_->layout.static_argnums.end(), d))
      throw ValueError("jit", "argument ", d, " of ", impl_->name, " is both static and donated (donate_argnums): a static argument has no buffer to donate");
}

// The name of each donated leaf ("argument 0 (leaf 2 of 6) of step"), empty for the others.
std::vector<std::string> JitCache::Impl::donated_leaves(const Signature& sig, std::size_t num_leaves) const {
  std::vector<std::string> names(num_leaves);
  const auto& statics = layout.static_argnums;
  const std::size_t num_args = sig.in_def.children.size() + statics.size();
  for (std::size_t d : options.donate_argnums) {
    if (d >= num_args)
      throw ValueError("jit", "donate_argnums names argument ", d, ", but ", name, " was called with ", num_args, " arguments");
    const std::size_t traced = d - static_cast<std::size_t>(std::count_if(statics.begin(), statics.end(), [&](std::size_t s) { return s < d; }));
    std::size_t first = 0;
    for (std::size_t k = 0; k < traced; ++k) first += sig.in_def.children[k].num_leaves();
    const std::size_t count = sig.in_def.children[traced].num_leaves();
    for (std::size_t l = 0; l < count && first + l < num_leaves; ++l) {
      std::ostringstream s;
      s << "argument " << d;
      if (count > 1) s << " (leaf " << l << " of " << count << ")";
      s << " of " << name;
      names[first + l] = s.str();
    }
  }
  return names;
}
JitCache::~JitCache() = default;

Arrays JitCache::call(const Signature& sig, const Arrays& leaves, const TraceFn& trace, TreeDef& out_def) {
  std::shared_ptr<const Entry> e = impl_->get(sig, leaves, trace);
  out_def = e->out_def;
  // Under an enclosing transformation (traced arguments, or a closure over traced values) the call is
  // a pjit equation of it; the compiled form runs on concrete values only.
  auto traced = [](const Arrays& xs) {
    return std::any_of(xs.begin(), xs.end(), [](const Array& x) { return x.is_tracer(); });
  };
  if (traced(leaves) || traced(e->jaxpr.consts)) {
    Arrays args = e->jaxpr.consts;
    args.insert(args.end(), leaves.begin(), leaves.end());
    return jit_call(impl_->name, e->lifted, args);
  }
  // debug_nans/debug_infs replay a bad call op by op on its arguments: those are not donated then.
  const bool checking = checking_floats();
  Arrays outs = impl_->options.donate_argnums.empty() || checking
                    ? e->executable(impl_->compiles)->run(leaves)
                    : e->executable(impl_->compiles)->run(leaves, e->donated);
  if (checking) impl_->find_bad_floats(*e, leaves, outs);
  return outs;
}

Lowered JitCache::lower(const Signature& sig, const Arrays& leaves, const TraceFn& trace) {
  std::shared_ptr<const Entry> e = impl_->get(sig, leaves, trace);
  return {e->jaxpr, e->executable(impl_->compiles)};
}

std::string JitCache::explain_miss(const Signature& sig, const Arrays& leaves) const {
  return impl_->explain(Impl::key_of(sig, leaves));
}

JitCache::Stats JitCache::stats() const {
  std::shared_lock lock(impl_->mu);
  return {impl_->hits, impl_->misses, impl_->map.size(), impl_->evictions, impl_->bytes, impl_->compiles};
}

}  // namespace xjax
