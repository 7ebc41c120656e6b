// jit's executor: the optimised jaxpr becomes a list of steps — fused kernels (chains of elementwise
// primitives plus trailing full reductions, run tile by tile in L1-sized scratch, no intermediate
// arrays) and calls of other primitives' eager kernels. The native tier (jit/native) compiles the
// same steps — kernels as loops, loops and small programs as register code — and takes over when
// its code is ready.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <limits>
#include <iomanip>
#include <mutex>
#include <sstream>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "array/array_impl.hpp"
#include "array/buffer_pool.hpp"
#include "trace/interrupt.hpp"
#include "jit/donation.hpp"
#include "jit/passes.hpp"
#include "jit/native/native.hpp"
#include "jit/plan.hpp"
#include "trace/lowering.hpp"
#include "trace/trace.hpp"
#include "xjax/transforms.hpp"

namespace xjax {
namespace {

using plan::Call;
using plan::FusedOp;
using plan::FusedReduce;
using plan::Kernel;
using plan::Operand;
using plan::ReduceKind;
using plan::RowKernel;
using plan::RowOp;
using plan::Step;

bool fusible(const Equation& e) { return e.prim->tile != nullptr && e.outputs.size() == 1; }

std::optional<ReduceKind> full_reduction(const Equation& e) {
  std::optional<ReduceKind> kind = plan::reduction_kind(*e.prim);
  if (!kind) return std::nullopt;
  const ShapedArray& in = atom_aval(e.inputs[0]);
  if (!is_floating(in.dtype) || e.params.get_ints("axes").size() != in.shape.size() || in.shape.empty()) return std::nullopt;
  return kind;
}

bool has_subprogram(const Equation& e) {
  for (const auto& item : e.params.items())
    if (std::holds_alternative<std::shared_ptr<const ClosedJaxpr>>(item.second)) return true;
  return false;
}

// Every value of the program fits in registers: the whole program can be one native region.
bool all_small(const Jaxpr& j) {
  auto small = [](const ShapedArray& a) { return a.size() >= 1 && a.size() <= native::max_region_elements; };
  for (const VarPtr& v : j.invars)
    if (!small(v->aval)) return false;
  for (const VarPtr& v : j.constvars)
    if (!small(v->aval)) return false;
  for (const Equation& e : j.eqns)
    for (const VarPtr& o : e.outputs)
      if (!small(o->aval)) return false;
  return true;
}

// What the native tier compiled of a plan: the whole program, or some of its steps.
struct NativeCode {
  std::unique_ptr<native::Code> code;
  native::RegionFn whole = nullptr;
  std::vector<void*> steps;  // per step: a LoopFn (kernel), a RegionFn (call) or null (interpreter)
  std::size_t loops = 0, regions = 0;
  double milliseconds = 0;
};

Arrays run_region(native::RegionFn fn, const Arrays& ins, const std::vector<ShapedArray>& out_avals) {
  std::vector<const void*> in_ptrs;
  for (const Array& a : ins) in_ptrs.push_back(buffer_of(a).data());
  Arrays outs;
  std::vector<void*> out_ptrs;
  for (const ShapedArray& a : out_avals) {
    NewBuffer b = new_buffer(a);
    out_ptrs.push_back(b.data);
    outs.push_back(b.array);
  }
  native::Status status;
  fn(in_ptrs.data(), out_ptrs.data(), &status);
  status.rethrow_if_failed();
  return outs;
}

}  // namespace

struct Executable::Impl : std::enable_shared_from_this<Executable::Impl> {
  ClosedJaxpr jaxpr;  // optimised
  int num_slots = 0;
  std::vector<int> arg_slots, const_slots;
  std::vector<Step> steps;
  std::vector<Operand> outs;
  std::unordered_map<const Var*, int> slot_of;

  // The native tier: its code once compiled (set once, read without a lock), and why not yet.
  JitTier tier = JitTier::interpreter;
  bool has_loop = false;
  std::atomic<const NativeCode*> native{nullptr};
  std::unique_ptr<NativeCode> native_owned;
  std::atomic<int> calls{0};
  std::atomic<bool> native_requested{false};
  mutable std::mutex note_mu;
  std::string note;  // the native tier's state, for as_text
  // Donation plans, per mask of donated arguments (one mask per jitted function, in practice).
  std::mutex donation_mu;
  std::vector<std::pair<std::vector<bool>, std::shared_ptr<const std::vector<plan::Reuse>>>> donation_plans;
  // The memory of this program's buffers, kept from call to call (buffer_pool.hpp).
  std::shared_ptr<BufferReserve> reserve = make_buffer_reserve();

  // Compiling inside the constructor (the native tier) runs under the jit cache's lock of this
  // program: its log lines wait for the first run, so a log sink may call this very function.
  bool defer_logs = false;
  std::vector<std::string> deferred_logs;
  std::atomic<bool> has_deferred_logs{false};
  void log(std::string line) {
    if (!defer_logs) return config.log(line);
    std::lock_guard lock(note_mu);
    deferred_logs.push_back(std::move(line));
    has_deferred_logs = true;
  }
  void flush_logs() {
    std::vector<std::string> lines;
    {
      std::lock_guard lock(note_mu);
      lines.swap(deferred_logs);
      has_deferred_logs = false;
    }
    for (const std::string& l : lines) config.log(l);
  }

  void set_note(std::string text) {
    std::lock_guard lock(note_mu);
    note = std::move(text);
  }

  int slot(const VarPtr& v) {
    auto [it, fresh] = slot_of.try_emplace(v.get(), num_slots);
    if (fresh) ++num_slots;
    return it->second;
  }
  Operand operand(const Atom& a) {
    if (const Literal* l = std::get_if<Literal>(&a)) return {Operand::literal, -1, l->value};
    return {Operand::slot, slot(std::get<VarPtr>(a)), {}};
  }

  void build() {
    const Jaxpr& j = *jaxpr.jaxpr;
    for (const VarPtr& v : j.constvars) const_slots.push_back(slot(v));
    for (const VarPtr& v : j.invars) arg_slots.push_back(slot(v));
    // Which step reads each variable, to decide what a kernel must materialise.
    plan::Uses uses;
    for (std::size_t i = 0; i < j.eqns.size(); ++i)
      for (const Atom& a : j.eqns[i].inputs)
        if (const VarPtr* v = std::get_if<VarPtr>(&a)) uses.readers[v->get()].push_back(i);
    for (const Atom& a : j.outvars)
      if (const VarPtr* v = std::get_if<VarPtr>(&a)) uses.outputs.insert(v->get());
    const auto& readers = uses.readers;
    const auto& outputs = uses.outputs;
    std::function<int(const VarPtr&)> slot_fn = [this](const VarPtr& v) { return slot(v); };

    std::vector<std::size_t> group;  // equation indices of the kernel being formed
    std::unordered_set<const Var*> in_group, reduced_in_group;
    Shape group_shape;
    auto flush = [&] {
      if (!group.empty()) emit_kernel(j, group, group_shape, readers, outputs);
      group.clear();
      in_group.clear();
      reduced_in_group.clear();
    };
    for (std::size_t i = 0; i < j.eqns.size(); ++i) {
      const Equation& e = j.eqns[i];
      if (auto rows = plan::plan_rows(j, i, uses, slot_fn)) {
        flush();
        steps.push_back({std::move(rows->first), {}});
        i = rows->second - 1;
        continue;
      }
      bool reads_reduced = false;
      for (const Atom& a : e.inputs)
        if (const VarPtr* v = std::get_if<VarPtr>(&a)) reads_reduced = reads_reduced || reduced_in_group.count(v->get());
      if (reads_reduced) flush();  // a reduction's result exists only once its kernel has run
      auto operands_fit = [&](const Shape& s) {
        for (const Atom& a : e.inputs) {
          const ShapedArray& av = atom_aval(a);
          if (av.ndim() != 0 && av.shape != s) return false;
        }
        return true;
      };
      if (fusible(e) && shape_size(e.outputs[0]->aval.shape) > 0) {
        const Shape& s = e.outputs[0]->aval.shape;
        if (!group.empty() && s != group_shape) flush();
        if (operands_fit(s)) {
          if (group.empty()) group_shape = s;
          group.push_back(i);
          in_group.insert(e.outputs[0].get());
          continue;
        }
      } else if (std::optional<ReduceKind> r = full_reduction(e)) {
        const ShapedArray& in = atom_aval(e.inputs[0]);
        if (!group.empty() && in.shape != group_shape) flush();
        if (group.empty()) group_shape = in.shape;
        group.push_back(i);
        reduced_in_group.insert(e.outputs[0].get());
        continue;
      }
      flush();
      has_loop = has_loop || has_subprogram(e);
      Call c{&e, {}, {}};
      for (const Atom& a : e.inputs) c.ins.push_back(operand(a));
      for (const VarPtr& o : e.outputs) c.outs.push_back(slot(o));
      steps.push_back({std::move(c), {}});
    }
    flush();
    for (const Atom& a : j.outvars) outs.push_back(operand(a));
    plan_releases();
  }

  void emit_kernel(const Jaxpr&, const std::vector<std::size_t>& group, const Shape& shape,
                   const std::unordered_map<const Var*, std::vector<std::size_t>>& readers,
                   const std::unordered_set<const Var*>& outputs) {
    const Jaxpr& j = *jaxpr.jaxpr;
    std::unordered_set<std::size_t> members(group.begin(), group.end());
    Kernel k{shape, shape_size(shape), {}, {}, 0};
    std::unordered_map<const Var*, int> scratch_of;
    std::unordered_map<const Var*, std::size_t> last_use;  // position in the group
    for (std::size_t pos = 0; pos < group.size(); ++pos) {
      // Reductions read their input after the tile's last op: keep it alive to the end.
      const Equation& e = j.eqns[group[pos]];
      std::size_t until = full_reduction(e) && !fusible(e) ? group.size() : pos;
      for (const Atom& a : e.inputs)
        if (const VarPtr* v = std::get_if<VarPtr>(&a)) last_use[v->get()] = std::max(last_use[v->get()], until);
    }
    std::vector<int> free_scratch;
    auto kernel_operand = [&](const Atom& a) -> Operand {
      if (const VarPtr* v = std::get_if<VarPtr>(&a))
        if (auto it = scratch_of.find(v->get()); it != scratch_of.end()) return {Operand::scratch, it->second, {}};
      return operand(a);
    };
    for (std::size_t pos = 0; pos < group.size(); ++pos) {
      const Equation& e = j.eqns[group[pos]];
      std::vector<Operand> ins;
      for (const Atom& a : e.inputs) ins.push_back(kernel_operand(a));
      // Inputs dying here free their tiles once the output has one (not before: a conversion may
      // change the element size, so writing over an input tile is not safe).
      auto release_dying = [&] {
        for (const Atom& a : e.inputs)
          if (const VarPtr* v = std::get_if<VarPtr>(&a))
            if (auto it = scratch_of.find(v->get()); it != scratch_of.end() && last_use[v->get()] == pos) {
              free_scratch.push_back(it->second);
              scratch_of.erase(it);
            }
      };
      if (std::optional<ReduceKind> r = full_reduction(e); r && !fusible(e)) {
        k.reduces.push_back({&e, *r, ins[0], slot(e.outputs[0])});
        release_dying();
        continue;
      }
      const Var* out = e.outputs[0].get();
      bool escapes = outputs.count(out) > 0;
      if (auto it = readers.find(out); it != readers.end())
        for (std::size_t r : it->second) escapes = escapes || !members.count(r);
      FusedOp op{&e, std::move(ins), -1, -1};
      if (escapes) {
        op.slot_out = slot(e.outputs[0]);
      } else {
        op.scratch_out = plan::take_scratch(free_scratch, k.num_scratch);
      }
      release_dying();
      if (op.scratch_out >= 0) scratch_of[out] = op.scratch_out;
      k.ops.push_back(std::move(op));
    }
    steps.push_back({std::move(k), {}});
  }

  // Free each slot after the last step that reads it, so buffers are reused as early as possible.
  void plan_releases() {
    std::vector<int> last = plan::last_reads(steps, num_slots);
    for (const Operand& o : outs)
      if (o.kind == Operand::slot) last[static_cast<std::size_t>(o.index)] = std::numeric_limits<int>::max();
    for (std::size_t i = 0; i < last.size(); ++i)
      if (last[i] >= 0 && last[i] != std::numeric_limits<int>::max())
        steps[static_cast<std::size_t>(last[i])].release.push_back(static_cast<int>(i));
  }

  // Compiles what the native tier can of this plan: the whole program as one region when every
  // value is small, else each kernel as a loop and each loop or cond as a region. What it cannot
  // compile keeps running on the interpreter; an LLVM failure leaves the interpreter in charge.
  // With `cache_only`, takes the code from the compilation cache or leaves the plan alone.
  void compile_native(bool cache_only = false) {
    auto start = std::chrono::steady_clock::now();
    native::UnitBuilder unit;
    auto code = std::make_unique<NativeCode>();
    const Jaxpr& j = *jaxpr.jaxpr;
    std::optional<std::size_t> whole;
    std::vector<std::optional<std::size_t>> index(steps.size());
    if (all_small(j)) {
      std::vector<const Var*> ins;
      for (const VarPtr& v : j.invars) ins.push_back(v.get());
      std::vector<std::pair<const Var*, Array>> consts;
      for (std::size_t i = 0; i < jaxpr.consts.size(); ++i) consts.push_back({j.constvars[i].get(), jaxpr.consts[i]});
      try {
        whole = unit.add_region(ins, j.outvars, j.eqns, consts);
      } catch (const lowering::Unsupported&) {
      }
    }
    for (std::size_t i = 0; i < steps.size() && !whole; ++i) {
      try {
        if (const Kernel* k = std::get_if<Kernel>(&steps[i].body)) {
          index[i] = unit.add_loop(*k);
        } else if (const RowKernel* rk = std::get_if<RowKernel>(&steps[i].body)) {
          index[i] = unit.add_rows(*rk);
        } else if (const Call* c = std::get_if<Call>(&steps[i].body); c && c->eqn->prim->lower && has_subprogram(*c->eqn)) {
          std::vector<const Var*> ins;
          for (const Atom& a : c->eqn->inputs)
            if (const VarPtr* v = std::get_if<VarPtr>(&a)) ins.push_back(v->get());
          std::vector<Atom> outs(c->eqn->outputs.begin(), c->eqn->outputs.end());
          index[i] = unit.add_region(ins, outs, {*c->eqn}, {});
        }
      } catch (const lowering::Unsupported&) {
      }
    }
    if (unit.empty()) {
      if (!cache_only) set_note("interpreter: nothing here for native code");
      return;
    }
    native::Compiled compiled;
    try {
      compiled = unit.compile(cache_only);
    } catch (const std::exception& e) {
      set_note(std::string("interpreter: native compilation failed: ") + e.what());
      log(std::string("[jit] native compilation failed, running on the interpreter: ") + e.what());
      return;
    }
    for (std::string& line : compiled.log) log(std::move(line));
    if (!compiled.code) return;  // cache_only, and not in the cache
    code->code = std::move(compiled.code);
    const std::vector<void*>& addresses = compiled.addresses;
    if (whole) {
      code->whole = reinterpret_cast<native::RegionFn>(addresses[*whole]);
      code->regions = 1;
    } else {
      code->steps.assign(steps.size(), nullptr);
      for (std::size_t i = 0; i < steps.size(); ++i)
        if (index[i]) {
          code->steps[i] = addresses[*index[i]];
          ++(std::holds_alternative<Call>(steps[i].body) ? code->regions : code->loops);
        }
    }
    code->milliseconds = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::ostringstream line;
    line << "native: " << (whole ? std::string("the whole program in one register region")
                                 : std::to_string(code->loops) + " fused loops and " + std::to_string(code->regions) +
                                       " loop regions compiled, " +
                                       std::to_string(steps.size() - code->loops - code->regions) + " steps interpreted")
         << " (" << std::setprecision(3) << code->milliseconds << " ms"
         << (compiled.cache.empty() ? " to compile" : ", " + compiled.cache)
         << (compiled.parts > 1 ? " in " + std::to_string(compiled.parts) + " parts on as many threads" : "") << ")";
    set_note(line.str());
    if (config.log_compiles) log("[jit] " + line.str() + " for a program of " + std::to_string(j.eqns.size()) + " equations");
    native_owned = std::move(code);
    native.store(native_owned.get(), std::memory_order_release);
  }

  // automatic: compile in the background once a program is called again or holds a loop.
  void maybe_tier_up() {
    if (tier != JitTier::automatic || native_requested.load(std::memory_order_relaxed)) return;
    if (calls.fetch_add(1, std::memory_order_relaxed) < 1 && !has_loop) return;
    if (native_requested.exchange(true)) return;
    if (!native::available()) {  // makes the JIT here, once per process, before any background compile
      set_note("interpreter: LLVM does not support this CPU");
      return;
    }
    set_note("interpreter: native code is being compiled in the background");
    std::weak_ptr<Impl> self = weak_from_this();
    native::compile_in_background([self] {
      if (std::shared_ptr<Impl> impl = self.lock()) impl->compile_native();
    });
  }

  std::shared_ptr<const std::vector<plan::Reuse>> donation_plan(const std::vector<std::string>& donate) {
    std::vector<bool> mask(arg_slots.size(), false);
    for (std::size_t i = 0; i < mask.size() && i < donate.size(); ++i) mask[i] = !donate[i].empty();
    std::lock_guard lock(donation_mu);
    for (const auto& [m, p] : donation_plans)
      if (m == mask) return p;
    std::vector<ShapedArray> avals;
    for (const VarPtr& v : jaxpr.jaxpr->invars) avals.push_back(v->aval);
    auto p = std::make_shared<const std::vector<plan::Reuse>>(plan::plan_donation(steps, num_slots, arg_slots, outs, avals, mask));
    donation_plans.emplace_back(mask, p);
    return p;
  }

  Arrays run(const Arrays& given, const std::vector<std::string>* donate) {
    if (has_deferred_logs.load(std::memory_order_relaxed)) flush_logs();
    maybe_tier_up();
    ReserveScope scope(reserve.get());
    // Donated arguments: their memory is the program's now, and some outputs are written into it.
    Arrays taken_args;
    std::vector<bool> taken;
    std::shared_ptr<const std::vector<plan::Reuse>> reuse;
    if (donate) {
      std::tie(taken_args, taken) = take_donations(given, *donate, jaxpr.consts);
      reuse = donation_plan(*donate);
    }
    const Arrays& args = donate ? taken_args : given;
    const NativeCode* nc = native.load(std::memory_order_acquire);
    if (nc && nc->whole) {
      check_interrupt();
      std::vector<ShapedArray> avals;
      for (const Atom& a : jaxpr.jaxpr->outvars) avals.push_back(atom_aval(a));
      return run_region(nc->whole, args, avals);
    }
    std::vector<Array> env(static_cast<std::size_t>(num_slots));
    for (std::size_t i = 0; i < const_slots.size(); ++i) env[static_cast<std::size_t>(const_slots[i])] = jaxpr.consts[i];
    for (std::size_t i = 0; i < arg_slots.size(); ++i) env[static_cast<std::size_t>(arg_slots[i])] = args[i];
    auto value = [&](const Operand& o) { return o.kind == Operand::literal ? o.value : env[static_cast<std::size_t>(o.index)]; };
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const Step& s = steps[i];
      if (reuse)  // the kernel writes these outputs into donated memory (run_kernel allocates the rest)
        for (const plan::Reuse& r : *reuse)
          if (r.step == i && taken[r.arg]) {
            const Buffer& b = buffer_of(args[r.arg]);
            env[static_cast<std::size_t>(r.slot)] = Array(std::make_shared<Buffer>(r.aval, b.owner(), b.data(), true));
          }
      void* fn = nc ? nc->steps[i] : nullptr;
      check_interrupt();  // also once per iteration of a loop whose body is this program
      if (const Kernel* k = std::get_if<Kernel>(&s.body)) {
        plan::run_kernel(*k, env, num_slots, fn);
      } else if (const RowKernel* rk = std::get_if<RowKernel>(&s.body)) {
        plan::run_rows(*rk, env, fn);
      } else {
        const Call& c = std::get<Call>(s.body);
        Arrays ins;
        for (const Operand& o : c.ins)
          if (!fn || o.kind == Operand::slot) ins.push_back(value(o));  // regions embed literals
        Arrays outs;
        if (fn) {
          std::vector<ShapedArray> avals;
          for (const VarPtr& o : c.eqn->outputs) avals.push_back(o->aval);
          outs = run_region(reinterpret_cast<native::RegionFn>(fn), ins, avals);
        } else {
          outs = eval_primitive(*c.eqn->prim, ins, c.eqn->params);
        }
        for (std::size_t k = 0; k < outs.size(); ++k) env[static_cast<std::size_t>(c.outs[k])] = std::move(outs[k]);
      }
      for (int r : s.release) env[static_cast<std::size_t>(r)] = Array();
    }
    Arrays result;
    for (const Operand& o : outs) result.push_back(value(o));
    return result;
  }
};

bool has_native_jit() { return native::available(); }

Executable::Executable(const ClosedJaxpr& j) : impl_(std::make_shared<Impl>()) {
  if (!config.bad_jit_tier.empty())
    throw ValueError("jit", "XJAX_JIT_TIER=", config.bad_jit_tier, " names no tier: use interpreter, native or auto");
  impl_->jaxpr = optimize(j);
  impl_->build();
  impl_->tier = config.jit_tier.load();
  if ((impl_->tier == JitTier::automatic && !native::built()) || (impl_->tier == JitTier::native && !native::available())) {
    impl_->tier = JitTier::interpreter;
    impl_->set_note("interpreter: this build has no native tier (LLVM)");
  } else if (impl_->tier == JitTier::interpreter) {
    impl_->set_note("interpreter (XJAX_JIT_TIER / config.jit_tier)");
  } else if (impl_->tier == JitTier::native) {
    impl_->defer_logs = true;
    impl_->compile_native();
    impl_->defer_logs = false;
  } else {
    impl_->set_note("interpreter: native code is compiled when the program is called again");
    // Code in the compilation cache costs a file read: it runs from the first call.
    if (!config.compilation_cache_dir().empty() && native::available()) {
      impl_->defer_logs = true;
      impl_->compile_native(/*cache_only=*/true);
      impl_->defer_logs = false;
      if (impl_->native.load()) impl_->native_requested = true;
    }
  }
}
Executable::~Executable() = default;

Arrays Executable::run(const Arrays& args) const { return run(args, {}); }

Arrays Executable::run(const Arrays& args, const std::vector<std::string>& donate) const {
  const Jaxpr& j = *impl_->jaxpr.jaxpr;
  if (args.size() != j.invars.size())
    throw ValueError("jit", "compiled program takes ", j.invars.size(), " arguments, got ", args.size());
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i].dtype() != j.invars[i]->aval.dtype)
      throw DTypeError("jit", "argument ", i, " is ", args[i].aval(), " but the program was compiled for ", j.invars[i]->aval);
    if (args[i].shape() != j.invars[i]->aval.shape)
      throw ShapeError("jit", "argument ", i, " is ", args[i].aval(), " but the program was compiled for ", j.invars[i]->aval);
  }
  const bool donating = std::any_of(donate.begin(), donate.end(), [](const std::string& d) { return !d.empty(); });
  return impl_->run(args, donating ? &donate : nullptr);
}

const ClosedJaxpr& Executable::jaxpr() const { return impl_->jaxpr; }

std::string Executable::as_text() const {
  // The optimised jaxpr, with each fused kernel's equations grouped under one header.
  std::ostringstream body;
  body << impl_->jaxpr;
  std::string text = body.str();
  std::ostringstream s;
  s << text << "\n";
  std::size_t k = 0;
  for (const Step& st : impl_->steps) {
    if (const RowKernel* rows = std::get_if<RowKernel>(&st.body)) {
      s << "fused kernel " << k++ << " over " << shape_str(rows->shape) << " row by row (" << rows->rows << " rows of "
        << rows->row_length << "): ";
      for (std::size_t i = 0; i < rows->ops.size(); ++i)
        s << (i ? ", " : "") << rows->ops[i].eqn->prim->name << (rows->ops[i].out.kind == Operand::slot ? "*" : "");
      s << "\n";
    }
    if (const Kernel* kernel = std::get_if<Kernel>(&st.body)) {
      s << "fused kernel " << k++ << " over " << shape_str(kernel->shape) << ": ";
      bool first = true;
      for (const FusedOp& op : kernel->ops) {
        s << (first ? "" : ", ") << op.eqn->prim->name << (op.slot_out >= 0 ? "*" : "");
        first = false;
      }
      for (const FusedReduce& r : kernel->reduces) {
        s << (first ? "" : ", ") << r.eqn->prim->name;
        first = false;
      }
      s << "\n";
    }
  }
  s << "(" << k << " fused kernels; * marks values written to memory)\n";
  std::lock_guard lock(impl_->note_mu);
  s << "tier: " << impl_->note;
  return s.str();
}

}  // namespace xjax
