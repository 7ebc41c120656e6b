// bind: dispatch each primitive to the innermost trace among its inputs, or run it eagerly.
#include "trace/trace.hpp"

#include <algorithm>
#include <deque>
#include <new>
#include <sstream>
#include <utility>
#include <variant>
#include <vector>

#include "trace/interrupt.hpp"
#include "trace/rules.hpp"
#include "xjax/config.hpp"

namespace xjax {
namespace {
struct TraceState {
  std::vector<std::shared_ptr<MainTrace>> stack;
  MainTrace* dynamic = nullptr;
};
thread_local TraceState state;
}  // namespace

bool register_tracer(MainTrace& main, const ArrayImpl* tracer) {
  if (!config.check_tracer_leaks.load(std::memory_order_relaxed)) return false;
  std::ostringstream origin;
  origin << tracer->aval();
  if (main.processing_) origin << " made by '" << main.processing_->name << "' (operation " << main.operations_ << " under it)";
  else origin << " made as an input of it";
  std::lock_guard lock(main.live_mu_);
  main.live_.emplace(tracer, origin.str());
  return true;
}

void unregister_tracer(MainTrace& main, const ArrayImpl* tracer) {
  std::lock_guard lock(main.live_mu_);
  main.live_.erase(tracer);
}

void check_tracer_leaks(const std::weak_ptr<MainTrace>& finished) {
  std::shared_ptr<MainTrace> main = finished.lock();  // tracers keep their trace alive
  if (!main || !config.check_tracer_leaks.load(std::memory_order_relaxed)) return;
  std::vector<std::string> origins;
  {
    std::lock_guard lock(main->live_mu_);
    for (const auto& [tracer, origin] : main->live_) origins.push_back(origin);
  }
  if (origins.empty()) return;  // alive through tracers made before the check was switched on
  std::sort(origins.begin(), origins.end());
  std::ostringstream s;
  s << origins.size() << (origins.size() == 1 ? " tracer" : " tracers") << " outlived the transformation: ";
  for (std::size_t i = 0; i < origins.size() && i < 5; ++i) s << (i ? "; " : "") << origins[i];
  if (origins.size() > 5) s << "; ...";
  s << ". A traced value was kept in a global, a static, or a variable captured by reference; return it instead";
  throw TransformError(main->trace().name(), s.str());
}

std::shared_ptr<MainTrace> Trace::main_ptr() const { return main_.shared_from_this(); }
bool Trace::owns(const Array& x) const {
  const Tracer* t = tracer_of(x);
  return t && t->main().get() == &main_;
}

TraceScope::TraceScope(bool dynamic)
    : main_(std::make_shared<MainTrace>(static_cast<int>(state.stack.size()) + 1)),
      prev_dynamic_(state.dynamic) {
  state.stack.push_back(main_);
  if (dynamic) state.dynamic = main_.get();
}

TraceScope::~TraceScope() {
  main_->alive_ = false;
  state.stack.pop_back();
  state.dynamic = prev_dynamic_;
}

EagerScope::EagerScope() : saved_(state.dynamic) { state.dynamic = nullptr; }
EagerScope::~EagerScope() { state.dynamic = saved_; }

bool tracing_active() { return !state.stack.empty(); }

bool has_subprogram(const Params& params) {
  for (const auto& item : params.items())
    if (std::holds_alternative<std::shared_ptr<const ClosedJaxpr>>(item.second) ||
        std::holds_alternative<std::shared_ptr<const OpaqueParam>>(item.second))
      return true;
  return false;
}

bool computes_in_float32(const Primitive& p, const Avals& in, const Avals& out, const Params& params) {
  auto half = [](const ShapedArray& a) { return is_half(a.dtype); };
  if (p.handles_half || p.effectful || (std::none_of(in.begin(), in.end(), half) && std::none_of(out.begin(), out.end(), half)))
    return false;
  return !has_subprogram(params);
}

Params float32_params(const Params& params) {
  Params r = params;
  for (const auto& [key, value] : params.items())
    if (const DType* d = std::get_if<DType>(&value); d && is_half(*d)) r = r.with(key, float32);
  return r;
}

namespace {
// Outputs without elements need no kernel, and skipping it keeps kernels from looping over the
// extents of an empty operand (a (2^40, 0) array would cost 2^40 empty iterations). Not for effects
// or sub-programs (loops, callbacks), which may do more than fill their outputs.
bool has_no_elements(const Primitive& p, const Params& params, const Avals& out_avals) {
  if (p.effectful || out_avals.empty()) return false;
  for (const ShapedArray& a : out_avals)
    if (a.size() != 0) return false;
  return !has_subprogram(params);
}

Array converted(const Array& x, DType d, bool weak_type) {
  return eval_primitive(prims::convert_element_type(), {x}, Params{{"new_dtype", d}, {"weak_type", weak_type}})[0];
}

// The float32 evaluation of an equation on float16/bfloat16 values, rounded back.
Arrays eval_in_float32(const Primitive& p, const Arrays& inputs, const Params& params, const Avals& out_avals) {
  Arrays wide;
  for (const Array& x : inputs) wide.push_back(is_half(x.dtype()) ? converted(x, float32, x.weak_type()) : x);
  Arrays outs = eval_primitive(p, wide, float32_params(params));
  for (std::size_t k = 0; k < outs.size(); ++k)
    if (is_half(out_avals[k].dtype)) outs[k] = converted(outs[k], out_avals[k].dtype, out_avals[k].weak_type);
  return outs;
}
}  // namespace

Arrays eval_primitive(const Primitive& p, const Arrays& inputs, const Params& params) {
  Avals in_avals;
  in_avals.reserve(inputs.size());
  for (const Array& x : inputs) in_avals.push_back(x.aval());
  Avals out_avals = p.shape(in_avals, params);
  if (!p.eval) throw TransformError(p.name, "primitive has no eager kernel");
  if (computes_in_float32(p, in_avals, out_avals, params)) return eval_in_float32(p, inputs, params, out_avals);
  if (has_no_elements(p, params, out_avals)) {
    Arrays outs;
    for (const ShapedArray& a : out_avals) outs.push_back(new_buffer(a).array);
    return outs;
  }
  try {
    return p.eval(inputs, params, out_avals);
  } catch (const std::bad_alloc&) {  // a kernel's own scratch (sort's permutation, LAPACK's workspace)
    throw AllocationError(p.name, "out of memory in the kernel for ", inputs.empty() ? ShapedArray{} : inputs[0].aval());
  }
}

Arrays eval_eager(const Primitive& p, const Arrays& inputs, const Params& params) {
  Arrays outs = eval_primitive(p, inputs, params);
  if (checking_floats()) check_floats(p.name, inputs, outs);
  return outs;
}

const Trace* innermost_trace(const std::function<bool(const Trace&)>& pred) {
  for (auto it = state.stack.rbegin(); it != state.stack.rend(); ++it)
    if ((*it)->has_trace() && pred((*it)->trace())) return &(*it)->trace();
  return nullptr;
}

const Trace* axis_trace(const std::string& axis_name) {
  return innermost_trace([&](const Trace& t) {
    const std::string* name = t.axis_name();
    return name && *name == axis_name;
  });
}

Arrays bind(const Primitive& p, const Arrays& inputs, const Params& params) {
  check_interrupt();
  MainTrace* top = state.dynamic;
  for (const Array& x : inputs) {
    if (!x.defined()) throw ValueError(p.name, "use of an empty (default-constructed) Array");
    const Tracer* t = tracer_of(x);
    if (!t) continue;
    MainTrace& m = *t->main();
    if (!m.alive())
      throw TransformError(p.name, "a tracer of a finished ", m.trace().name(), " transformation (", x.aval(),
                           ") was used: it escaped the function being transformed (kept in a global, captured "
                           "by reference, or returned through a side channel)");
    if (!top || m.level() > top->level()) top = &m;
  }
  // A collective over a named vmap axis is that trace's business even when no input is mapped
  // (psum of an unmapped value, axis_index): the innermost trace of that name takes part.
  if (p.collective_axis)
    if (const Trace* t = axis_trace(p.collective_axis(params)))
      if (!top || t->main().level() > top->level()) top = &t->main();
  if (!top) return eval_eager(p, inputs, params);
  if (!config.check_tracer_leaks.load(std::memory_order_relaxed)) return top->trace().process(p, inputs, params);
  // Remember which operation makes the tracers created now, for the leak report.
  ++top->operations_;
  struct Restore {
    MainTrace& main;
    const Primitive* saved;
    ~Restore() { main.processing_ = saved; }
  } restore{*top, std::exchange(top->processing_, &p)};
  return top->trace().process(p, inputs, params);
}

Array bind1(const Primitive& p, const Arrays& inputs, const Params& params) {
  Arrays outs = bind(p, inputs, params);
  return std::move(outs.at(0));
}

const Primitive& def_primitive(Primitive p) {
  static std::deque<Primitive> registry;  // deque: stable addresses
  if (p.arity >= 0 && p.shape)
    p.shape = [rule = std::move(p.shape), arity = static_cast<std::size_t>(p.arity), name = p.name](
                  const Avals& in, const Params& params) {
      if (in.size() != arity) throw ValueError(name, "takes ", arity, " operand(s), got ", in.size());
      return rule(in, params);
    };
  registry.push_back(std::move(p));
  const_cast<std::vector<const Primitive*>&>(all_primitives()).push_back(&registry.back());
  return registry.back();
}

const std::vector<const Primitive*>& all_primitives() {
  static std::vector<const Primitive*> list;
  return list;
}

const Primitive* find_primitive(std::string_view name) {
  for (const Primitive* p : all_primitives())
    if (p->name == name) return p;
  return nullptr;
}

}  // namespace xjax
