// jit's row kernels (plan.hpp): planning a region of [rows, row_length] arrays joined by reductions
// over their trailing axes (runners.cpp runs them).
#include <algorithm>

#include "array/array_impl.hpp"
#include "jit/plan.hpp"
#include "kernels/thread_pool.hpp"
#include "trace/rules.hpp"

namespace xjax::plan {
namespace {

// Rows shorter than this run faster as whole-array kernels; longer ones would fold their tiles in
// chunks (the eager kernels' order beyond one parallel chunk).
constexpr std::int64_t min_row = 128, max_row = kernels::parallel_grain;

Shape strip_trailing_ones(Shape s) {
  while (!s.empty() && s.back() == 1) s.pop_back();
  return s;
}

// Forms the kernel: equations are taken in order while each fits the [rows, row_length] split (set by
// the first reduction); a value's level says how it covers that space.
class RowPlanner {
 public:
  RowPlanner(const Jaxpr& j, const Uses& uses, const std::function<int(const VarPtr&)>& slot)
      : j_(j), uses_(uses), slot_(slot) {}

  std::optional<std::pair<RowKernel, std::size_t>> plan(std::size_t first) {
    const Equation& e0 = j_.eqns[first];
    if (e0.outputs.size() != 1) return std::nullopt;
    shape_ = reduction_kind(*e0.prim) ? atom_aval(e0.inputs[0]).shape : e0.outputs[0]->aval.shape;
    if (shape_.size() < 1 || shape_size(shape_) == 0) return std::nullopt;
    std::size_t end = first;
    while (end < j_.eqns.size() && take(j_.eqns[end])) ++end;
    // An alias (a broadcast or reshape, which the kernel never writes) must not be read outside.
    for (;;) {
      if (!has_reduction(first, end)) return std::nullopt;
      std::size_t bad = end;
      for (std::size_t i = first; i < end && bad == end; ++i)
        if (is_alias(j_.eqns[i]) && escapes(j_.eqns[i].outputs[0].get(), first, end)) bad = i;
      if (bad == end) break;
      end = bad;
    }
    std::size_t ops = 0;
    bool reads_per_row = false;  // a reduction feeds a later op
    for (std::size_t i = first; i < end; ++i) {
      ops += is_alias(j_.eqns[i]) ? 0 : 1;
      for (const Atom& a : j_.eqns[i].inputs)
        if (const VarPtr* v = std::get_if<VarPtr>(&a))
          if (auto it = info_.find(v->get()); it != info_.end() && it->second.level == Level::per_row) reads_per_row = true;
    }
    // One row whose reductions feed nothing is a whole-array kernel's job (split across threads).
    if (ops < 2 || (shape_size(shape_) == row_length_ && !reads_per_row)) return std::nullopt;
    return std::make_pair(build(first, end), end);
  }

 private:
  struct Info {
    Level level;
    VarPtr root;  // the variable whose storage this one shares (itself unless an alias)
  };

  bool split_known() const { return split_ >= 0; }
  bool row_like(const Shape& s) const {
    return split_known() && strip_trailing_ones(s) == strip_trailing_ones(Shape(shape_.begin(), shape_.begin() + split_));
  }
  bool has_reduction(std::size_t first, std::size_t end) const {
    for (std::size_t i = first; i < end; ++i)
      if (reduction_kind(*j_.eqns[i].prim)) return true;
    return false;
  }
  bool is_alias(const Equation& e) const { return aliases_.count(e.outputs[0].get()) > 0; }
  bool escapes(const Var* v, std::size_t first, std::size_t end) const {
    if (uses_.outputs.count(v)) return true;
    if (auto it = uses_.readers.find(v); it != uses_.readers.end())
      for (std::size_t r : it->second)
        if (r < first || r >= end) return true;
    return false;
  }

  // The level of an operand, or nullopt if it does not fit.
  std::optional<Level> level_of(const Atom& a) const {
    const ShapedArray& av = atom_aval(a);
    if (const VarPtr* v = std::get_if<VarPtr>(&a))
      if (auto it = info_.find(v->get()); it != info_.end()) return it->second.level;
    if (av.size() == 1) return Level::scalar;
    if (av.shape == shape_) return Level::full;
    if (row_like(av.shape)) return Level::per_row;
    return std::nullopt;
  }

  // Whether equation e joins the kernel (recording its output's level).
  bool take(const Equation& e) {
    if (e.outputs.size() != 1 || e.prim->effectful) return false;
    const Var* out = e.outputs[0].get();
    const ShapedArray& oa = e.outputs[0]->aval;
    if (std::optional<ReduceKind> kind = reduction_kind(*e.prim)) {
      const ShapedArray& in = atom_aval(e.inputs[0]);
      if (!is_floating(in.dtype) || in.shape != shape_ || level_of(e.inputs[0]) != Level::full) return false;
      Ints axes = e.params.get_ints("axes");
      std::sort(axes.begin(), axes.end());
      const auto rank = static_cast<std::int64_t>(shape_.size());
      if (axes.empty() || axes.back() != rank - 1 || axes.back() - axes.front() + 1 != static_cast<std::int64_t>(axes.size()))
        return false;
      if (!split_known()) {
        std::int64_t length = 1;
        for (std::int64_t a : axes) length *= shape_[static_cast<std::size_t>(a)];
        if (length < min_row || length > max_row) return false;
        split_ = static_cast<int>(axes.front());
        row_length_ = length;
      } else if (axes.front() != split_) {
        return false;
      }
      info_[out] = {Level::per_row, e.outputs[0]};
      return true;
    }
    if (e.prim->tile) {
      std::vector<Level> levels;
      for (const Atom& a : e.inputs) {
        std::optional<Level> l = level_of(a);
        if (!l) return false;
        levels.push_back(*l);
      }
      bool all_row = std::all_of(levels.begin(), levels.end(), [](Level l) { return l == Level::per_row || l == Level::scalar; });
      if (oa.shape == shape_) {
        info_[out] = {Level::full, e.outputs[0]};
        return true;
      }
      if (row_like(oa.shape) && all_row) {
        info_[out] = {Level::per_row, e.outputs[0]};
        return true;
      }
      return false;
    }
    return take_alias(e);
  }

  // A reshape of a per-row value, or a broadcast to the kernel's shape of a per-row value, a row or a
  // scalar: no code, the output reads the input's storage.
  bool take_alias(const Equation& e) {
    const Var* out = e.outputs[0].get();
    const ShapedArray& oa = e.outputs[0]->aval;
    if (e.inputs.size() != 1) return false;
    const VarPtr* in = std::get_if<VarPtr>(&e.inputs[0]);
    if (!in) return false;
    const ShapedArray& ia = (*in)->aval;
    auto inner = info_.find(in->get());
    VarPtr root = inner != info_.end() ? inner->second.root : *in;
    if (e.prim == &prims::reshape()) {
      if (!row_like(ia.shape) || !row_like(oa.shape) || level_of(e.inputs[0]) != Level::per_row) return false;
      info_[out] = {Level::per_row, root};
    } else if (e.prim == &prims::broadcast_in_dim() && oa.shape == shape_) {
      std::optional<Level> l = broadcast_level(ia.shape, e.params.get_ints("broadcast_dimensions"));
      if (!l || (inner != info_.end() && inner->second.level != *l)) return false;
      info_[out] = {*l, root};
    } else {
      return false;
    }
    aliases_.insert(out);
    return true;
  }

  // Which level a broadcast of `in` (axes to `dims` of the kernel's shape) has: each element of the
  // output reads the input's element of the same row, of the same column, or its only element.
  std::optional<Level> broadcast_level(const Shape& in, const Ints& dims) const {
    std::int64_t size = 1, last = -1;
    bool outer = true, trailing = true;
    for (std::size_t k = 0; k < in.size(); ++k) {
      if (in[k] == 1) continue;
      const std::int64_t d = dims[k];
      if (d <= last || in[k] != shape_[static_cast<std::size_t>(d)]) return std::nullopt;
      last = d;
      size *= in[k];
      outer = outer && d < split_;
      trailing = trailing && d >= split_;
    }
    if (split_known() && outer && size == shape_size(shape_) / row_length_) return Level::per_row;
    if (size == 1) return Level::scalar;
    if (split_known() && trailing && size == row_length_) return Level::per_column;
    return std::nullopt;
  }

  RowKernel build(std::size_t first, std::size_t end) {
    RowKernel k;
    k.shape = shape_;
    k.row_length = row_length_;
    k.rows = shape_size(shape_) / row_length_;
    // The last op reading each storage (aliases read their root's).
    std::unordered_map<const Var*, std::size_t> last_use;
    auto root_of = [&](const Var* v) {
      auto it = info_.find(v);
      return it != info_.end() ? it->second.root.get() : v;
    };
    for (std::size_t i = first; i < end; ++i)
      for (const Atom& a : j_.eqns[i].inputs)
        if (const VarPtr* v = std::get_if<VarPtr>(&a)) last_use[root_of(v->get())] = i;
    std::unordered_map<const Var*, int> scratch_of;
    std::vector<int> free_scratch;
    auto operand = [&](const Atom& a) -> Operand {
      Level level = *level_of(a);
      if (const Literal* l = std::get_if<Literal>(&a)) return {Operand::literal, -1, l->value, Level::scalar};
      const VarPtr& v = std::get<VarPtr>(a);
      const Var* root = root_of(v.get());
      if (auto it = scratch_of.find(root); it != scratch_of.end()) return {Operand::scratch, it->second, {}, level};
      auto it = info_.find(v.get());  // an alias reads its root's slot, at its own level
      return {Operand::slot, slot_(it != info_.end() ? it->second.root : v), {}, level};
    };
    for (std::size_t i = first; i < end; ++i) {
      const Equation& e = j_.eqns[i];
      if (is_alias(e)) continue;
      RowOp op{&e, {}, {}, info_.at(e.outputs[0].get()).level, reduction_kind(*e.prim)};
      for (const Atom& a : e.inputs) op.ins.push_back(operand(a));
      const Var* out = e.outputs[0].get();
      // Outputs read outside the kernel (directly or through an alias) are written to memory.
      op.out = escapes(out, first, end) ? Operand{Operand::slot, slot_(e.outputs[0]), {}, op.level}
                                        : Operand{Operand::scratch, take_scratch(free_scratch, k.num_scratch), {}, op.level};
      // Inputs dying here free their buffers after the output has one (a conversion may change the
      // element size, so writing over an input buffer is not safe).
      for (const Atom& a : e.inputs)
        if (const VarPtr* v = std::get_if<VarPtr>(&a))
          if (auto it = scratch_of.find(root_of(v->get())); it != scratch_of.end() && last_use[it->first] == i) {
            free_scratch.push_back(it->second);
            scratch_of.erase(it);
          }
      if (op.out.kind == Operand::scratch) scratch_of[out] = op.out.index;
      k.ops.push_back(std::move(op));
    }
    return k;
  }

  const Jaxpr& j_;
  const Uses& uses_;
  const std::function<int(const VarPtr&)>& slot_;
  Shape shape_;
  int split_ = -1;
  std::int64_t row_length_ = 0;
  std::unordered_map<const Var*, Info> info_;
  std::unordered_set<const Var*> aliases_;
};

}  // namespace

std::optional<ReduceKind> reduction_kind(const Primitive& p) {
  if (&p == &prims::reduce_sum()) return ReduceKind::sum;
  if (&p == &prims::reduce_max()) return ReduceKind::max;
  if (&p == &prims::reduce_min()) return ReduceKind::min;
  return std::nullopt;
}

std::optional<std::pair<RowKernel, std::size_t>> plan_rows(const Jaxpr& j, std::size_t first, const Uses& uses,
                                                           const std::function<int(const VarPtr&)>& slot) {
  return RowPlanner(j, uses, slot).plan(first);
}

}  // namespace xjax::plan
