// jit: compiled programs, their per-function cache (bounded, thread-safe, explaining its misses),
// static arguments, and the jit front end.
#pragma once
#include <array>
#include <concepts>
#include <cstddef>
#include <functional>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include "xjax/config.hpp"
#include "xjax/transforms.hpp"

namespace xjax {

// A compiled program: the optimised jaxpr, its elementwise chains and trailing reductions fused into
// single-pass kernels over tiles, other primitives calling their kernels. Runs on concrete arrays.
class Executable {
 public:
  explicit Executable(const ClosedJaxpr& j);
  ~Executable();
  Executable(const Executable&) = delete;
  Executable& operator=(const Executable&) = delete;
  Arrays run(const Arrays& args) const;
  // As run, with argument i donated where donate[i] names it (for the error a later read raises):
  // its memory may hold an output, and every handle of the caller's array then throws
  // DonatedArrayError. Arguments that cannot be donated safely (see JitOptions) are kept.
  Arrays run(const Arrays& args, const std::vector<std::string>& donate) const;
  std::string as_text() const;          // the optimised program, its tier and fused kernels
  const ClosedJaxpr& jaxpr() const;     // the optimised jaxpr

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;  // shared with a background native compile
};

// What jit(f).lower(args...) returns: the traced program and its compiled form.
struct Lowered {
  ClosedJaxpr jaxpr;
  std::shared_ptr<const Executable> executable;
  std::string as_text() const { return executable->as_text(); }
  std::shared_ptr<const Executable> compile() const { return executable; }
};

// Bounds and name of one jitted function's cache: jit(f, JitOptions{.max_entries = 8}).
// The least recently used program is dropped when either bound is exceeded; max_entries = 0
// disables caching (every call traces).
struct JitOptions {
  std::size_t max_entries = 256;          // compiled signatures kept
  std::size_t max_bytes = std::size_t{1} << 30;  // estimated memory they hold (constants + program)
  std::string name;                       // in the compile log; default: f's C++ type
  // Arguments (positions, as static argnums; every leaf of a pytree) whose memory the call may reuse
  // for its results, as JAX's donate_argnums: a loop that feeds new parameters back in allocates
  // nothing for them. A donated array cannot be used afterwards (DonatedArrayError). An argument is
  // kept (not donated) when its memory is shared with another array, another argument or a
  // constant of the program, came from from_external, or while config.debug_nans/debug_infs is on.
  std::vector<std::size_t> donate_argnums;
};

// A readable C++ type name from typeid(T).name().
std::string demangle(const char* mangled);

// The value of a static argument, compared by value (std::hash and ==) in the cache key. String
// literals are kept as std::string.
template <class T>
concept StaticValue = requires(const T& a, const T& b) {
  { std::hash<T>{}(a) } -> std::convertible_to<std::size_t>;
  { a == b } -> std::convertible_to<bool>;
};
class StaticArg {
 public:
  template <class T>
  explicit StaticArg(const T& value) {
    if constexpr (std::is_convertible_v<const T&, const char*>) {
      model_ = std::make_shared<Model<std::string>>(std::string(static_cast<const char*>(value)));
    } else {
      static_assert(StaticValue<T>, "xjax::jit: a static argument needs std::hash<T> and operator==");
      model_ = std::make_shared<Model<T>>(value);
    }
  }
  std::size_t hash() const { return model_->hash; }
  bool operator==(const StaticArg& o) const { return model_->hash == o.model_->hash && model_->equals(*o.model_); }
  std::string str() const { return model_->str(); }  // the value if it can be printed, else its type
  const std::type_info& type() const { return model_->type(); }

 private:
  struct Concept {
    std::size_t hash = 0;
    virtual ~Concept() = default;
    virtual bool equals(const Concept& o) const = 0;
    virtual std::string str() const = 0;
    virtual const std::type_info& type() const = 0;
  };
  template <class T>
  struct Model final : Concept {
    T value;
    explicit Model(const T& v) : value(v) { hash = std::hash<T>{}(v); }
    bool equals(const Concept& o) const override {
      const Model* m = dynamic_cast<const Model*>(&o);
      return m && static_cast<bool>(m->value == value);
    }
    const std::type_info& type() const override { return typeid(T); }
    std::string str() const override {
      std::ostringstream s;
      if constexpr (std::is_same_v<T, std::string>) s << '"' << value << '"';
      else if constexpr (requires(std::ostream& os) { os << value; }) s << value;
      else s << "a value of type " << demangle(typeid(T).name());
      return s.str();
    }
  };
  std::shared_ptr<const Concept> model_;
};

// The compilation cache of one jitted function: (argument structure, each leaf's shape, dtype and
// weak type, static argument values) -> compiled program. Bounded (least recently used programs
// are dropped), thread-safe (lookups share a lock; tracing and compiling run outside any lock and
// an entry is inserted only once compiling succeeded), and able to say why a call missed.
class JitCache {
 public:
  struct Stats {
    std::size_t hits = 0, misses = 0, entries = 0, evictions = 0, bytes = 0;
    std::size_t compiles = 0;  // programs compiled: one replayed inside another transformation is not
  };
  // The part of a call that selects a program: in_def has one child per traced (non-static)
  // argument; statics holds the values of the static arguments, whose positions the cache knows.
  struct Signature {
    TreeDef in_def;
    std::vector<StaticArg> statics;
  };
  using TraceFn = std::function<std::pair<Arrays, TreeDef>(const Arrays&)>;

  // static_argnums: positions of the static arguments; type_name: f's C++ type for the log.
  JitCache(JitOptions options, std::vector<std::size_t> static_argnums, const char* type_name);
  ~JitCache();
  // Runs the cached program for these leaves, tracing and compiling `trace` on a miss.
  Arrays call(const Signature& sig, const Arrays& leaves, const TraceFn& trace, TreeDef& out_def);
  Lowered lower(const Signature& sig, const Arrays& leaves, const TraceFn& trace);
  // Why a call with this signature would miss: each argument leaf (or static argument) that differs
  // from the closest cached signature, and how (structure, dtype, rank, extent, weak type, value).
  std::string explain_miss(const Signature& sig, const Arrays& leaves) const;
  Stats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

namespace transform_detail {
// The argument positions 0..N-1 that are not static, in order.
template <std::size_t N, std::size_t... Static>
constexpr auto traced_positions() {
  static_assert(((Static < N) && ...), "xjax::jit: a static argument index is beyond the arguments");
  std::array<std::size_t, N> r{};
  std::size_t k = 0;
  for (std::size_t i = 0; i < N; ++i)
    if (!((i == Static) || ...)) r[k++] = i;
  return std::pair{r, k};
}
template <std::size_t N, std::size_t... Static>
auto traced_indices() {
  constexpr auto p = traced_positions<N, Static...>();
  static_assert(p.second + sizeof...(Static) == N, "xjax::jit: a static argument index is repeated");
  return [&]<std::size_t... K>(std::index_sequence<K...>) {
    return std::index_sequence<p.first[K]...>{};
  }(std::make_index_sequence<p.second>{});
}
}  // namespace transform_detail

// jit(f): a callable that traces f once per argument signature and runs the cached program after.
// Arguments at the positions Static... are static: passed to f as the C++ values, part of the cache
// key by value (jit<1>(f)(x, 3) traces again for jit<1>(f)(x, 4)).
template <class F, std::size_t... Static>
class Jitted {
 public:
  explicit Jitted(F f, JitOptions options = {})
      : f_(std::move(f)),
        cache_(std::make_shared<JitCache>(std::move(options), std::vector<std::size_t>{Static...}, typeid(F).name())) {}
  template <class... A>
  auto operator()(const A&... raw) const {
    using namespace transform_detail;
    auto args = std::forward_as_tuple(raw...);
    auto sel = traced_indices<sizeof...(A), Static...>();
    static_assert(traced_invocable<F, decltype(args), decltype(sel)>::value,
                  "xjax::jit: f cannot take its arguments as jit passes them: while tracing, every argument is an "
                  "Array (or a pytree of Arrays). A C++ value parameter (double, int, bool, a string) must be "
                  "static: mark its position N with jit<N>(f)");
    using Out = std::remove_cvref_t<decltype(call_with(f_, args, std::declval<const FlatArgs&>(), Arrays{}, sel))>;
    FlatArgs fa = flatten_selected(args, sel);
    if (config.disable_jit.load(std::memory_order_relaxed)) return array_tree_t<Out>(call_with(f_, args, fa, fa.leaves, sel));
    TreeDef out_def;
    Call<decltype(args), decltype(sel)> call{this, args, fa};
    Arrays outs = cache_->call(signature(args, fa), fa.leaves, call.trace(), out_def);
    return tree_unflatten<Out>(out_def, outs);
  }
  // The traced and compiled program for these arguments (`.as_text()` prints it).
  template <class... A>
  Lowered lower(const A&... raw) const {
    using namespace transform_detail;
    auto args = std::forward_as_tuple(raw...);
    FlatArgs fa = flatten_selected(args, traced_indices<sizeof...(A), Static...>());
    Call<decltype(args), decltype(traced_indices<sizeof...(A), Static...>())> call{this, args, fa};
    return cache_->lower(signature(args, fa), fa.leaves, call.trace());
  }
  // Why calling with these arguments would trace again ("cache hit" if it would not).
  template <class... A>
  std::string explain_miss(const A&... raw) const {
    using namespace transform_detail;
    auto args = std::forward_as_tuple(raw...);
    FlatArgs fa = flatten_selected(args, traced_indices<sizeof...(A), Static...>());
    return cache_->explain_miss(signature(args, fa), fa.leaves);
  }
  JitCache::Stats stats() const { return cache_->stats(); }

 private:
  // One call's arguments, referenced by the trace function the cache runs (during the call) on a miss.
  template <class Args, class Sel>
  struct Call {
    const Jitted* self;
    const Args& args;
    const transform_detail::FlatArgs& fa;
    JitCache::TraceFn trace() const {
      return [this](const Arrays& leaves) {
        return tree_flatten(transform_detail::call_with(self->f_, args, fa, leaves, Sel{}));
      };
    }
  };
  template <class Args>
  static JitCache::Signature signature(const Args& args, const transform_detail::FlatArgs& fa) {
    static_assert(sizeof...(Static) == 0 || std::tuple_size_v<Args> > 0, "xjax::jit: static arguments need arguments");
    return {TreeDef{TreeDef::Kind::tuple, {}, fa.defs}, {StaticArg(std::get<Static>(args))...}};
  }
  F f_;
  std::shared_ptr<JitCache> cache_;
};
template <std::size_t... Static, class F>
Jitted<F, Static...> jit(F f, JitOptions options = {}) {
  return Jitted<F, Static...>(std::move(f), std::move(options));
}

}  // namespace xjax
