// Traces (one interpreter per transformation level), this thread's trace stack, and bind.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "array/array_impl.hpp"
#include "xjax/ir.hpp"

namespace xjax {

class MainTrace;

// An interpreter: applies its transformation's rule to each primitive bound under it.
class Trace {
 public:
  explicit Trace(MainTrace& main) : main_(main) {}
  virtual ~Trace() = default;
  Trace(const Trace&) = delete;
  Trace& operator=(const Trace&) = delete;
  // Inputs may belong to this trace or be values from lower levels (which it treats as constants).
  virtual Arrays process(const Primitive& p, const Arrays& inputs, const Params& params) = 0;
  virtual const char* name() const = 0;
  // The name of the axis this trace maps (a named vmap), for collectives over that axis.
  virtual const std::string* axis_name() const { return nullptr; }
  MainTrace& main() const { return main_; }
  std::shared_ptr<MainTrace> main_ptr() const;
  bool owns(const Array& x) const;  // x is a tracer of this trace

 private:
  MainTrace& main_;
};

// One level of this thread's trace stack. Tracers keep it alive; once popped it is dead and any
// use of its tracers is reported as an escaped tracer.
class MainTrace : public std::enable_shared_from_this<MainTrace> {
 public:
  explicit MainTrace(int level) : level_(level) {}
  int level() const { return level_; }
  bool alive() const { return alive_; }
  Trace& trace() const { return *trace_; }
  bool has_trace() const { return trace_ != nullptr; }

 private:
  friend class TraceScope;
  friend bool register_tracer(MainTrace&, const ArrayImpl*);
  friend void unregister_tracer(MainTrace&, const ArrayImpl*);
  friend void check_tracer_leaks(const std::weak_ptr<MainTrace>&);
  friend Arrays bind(const Primitive&, const Arrays&, const Params&);
  int level_;
  bool alive_ = true;
  std::unique_ptr<Trace> trace_;
  // With config.check_tracer_leaks: live tracers and the operation that made each, and the
  // primitive this level is processing now (its new tracers come from it).
  std::mutex live_mu_;
  std::unordered_map<const ArrayImpl*, std::string> live_;
  std::int64_t operations_ = 0;
  const Primitive* processing_ = nullptr;
};

// RAII: pushes a level on entry, pops it (marking its tracers dead) on exit, even on exceptions.
// A dynamic level (make_jaxpr, jit) also receives primitives whose inputs hold no tracer at all.
class TraceScope {
 public:
  explicit TraceScope(bool dynamic = false);
  ~TraceScope();
  TraceScope(const TraceScope&) = delete;
  TraceScope& operator=(const TraceScope&) = delete;
  std::weak_ptr<MainTrace> main() const { return main_; }
  template <class T, class... Args>
  T& install(Args&&... args) {
    auto t = std::make_unique<T>(*main_, std::forward<Args>(args)...);
    T& ref = *t;
    main_->trace_ = std::move(t);
    return ref;
  }

 private:
  std::shared_ptr<MainTrace> main_;
  MainTrace* prev_dynamic_;
};

// RAII: while alive, primitives bound on concrete values run eagerly even under make_jaxpr/jit
// (kernels that evaluate sub-jaxprs on concrete inputs, e.g. control flow, use it).
class EagerScope {
 public:
  EagerScope();
  ~EagerScope();
  EagerScope(const EagerScope&) = delete;
  EagerScope& operator=(const EagerScope&) = delete;

 private:
  MainTrace* saved_;
};

// Runs a primitive's shape rule and eager kernel on concrete inputs.
Arrays eval_primitive(const Primitive& p, const Arrays& inputs, const Params& params);
// eval_primitive for a user-level eager call: also applies config.debug_nans / debug_infs.
Arrays eval_eager(const Primitive& p, const Arrays& inputs, const Params& params);

// config.debug_nans / debug_infs: throws FloatingPointError naming `op` and the input types when a
// floating output holds a NaN / an infinity.
void check_floats(const std::string& op, const Arrays& inputs, const Arrays& outputs);
bool checking_floats();
// The flat position of the first NaN (or infinity, when `infs`) of a concrete array, or -1.
std::int64_t first_bad_float(const Array& x, bool nans, bool infs);

// Call after a transformation's scope closed and its own values were dropped: with
// config.check_tracer_leaks on, throws TransformError if a tracer of that trace is still alive.
void check_tracer_leaks(const std::weak_ptr<MainTrace>& finished);
// The innermost live trace of this thread's stack for which pred holds, or null: the axis
// environment of the active transformations is read from their traces.
const Trace* innermost_trace(const std::function<bool(const Trace&)>& pred);
// The innermost live trace mapping the axis of that name (a named vmap), or null.
const Trace* axis_trace(const std::string& axis_name);
// True while any transformation is active on this thread (used by debug aids and fast paths).
bool tracing_active();

// Runs body(trace) under a new level of this thread's stack running a T made from args, and returns
// what body returns. The level is popped even on an exception; then, with config.check_tracer_leaks,
// a tracer of it still alive is reported. `dynamic` as for TraceScope.
template <class T, class Body, class... Args>
auto in_new_trace(bool dynamic, Body&& body, Args&&... args) {
  std::weak_ptr<MainTrace> finished;
  std::optional<decltype(body(std::declval<T&>()))> result;
  {
    TraceScope scope(dynamic);
    finished = scope.main();
    result.emplace(body(scope.install<T>(std::forward<Args>(args)...)));
  }
  check_tracer_leaks(finished);
  return std::move(*result);
}

}  // namespace xjax
