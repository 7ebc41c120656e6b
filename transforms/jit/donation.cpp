// Buffer donation: a training step that feeds its new parameters back in writes them over the old
// ones instead of allocating (see donation.hpp).
#include "jit/donation.hpp"

#include <algorithm>
#include <limits>
#include <unordered_set>

#include "array/array_impl.hpp"

namespace xjax::plan {
namespace {

bool reads(const std::vector<Operand>& ins, int slot) {
  return std::any_of(ins.begin(), ins.end(), [&](const Operand& o) { return o.kind == Operand::slot && o.index == slot; });
}

// Within kernel k, slot `arg` is read only by ops up to `writer` (which writes the output), never by
// a reduction (those read after the tile's ops).
bool read_before_written(const Kernel& k, std::size_t writer, int arg) {
  for (std::size_t i = writer + 1; i < k.ops.size(); ++i)
    if (reads(k.ops[i].ins, arg)) return false;
  return std::none_of(k.reduces.begin(), k.reduces.end(),
                      [&](const FusedReduce& r) { return r.src.kind == Operand::slot && r.src.index == arg; });
}

}  // namespace

std::vector<Reuse> plan_donation(const std::vector<Step>& steps, int num_slots, const std::vector<int>& arg_slots,
                                 const std::vector<Operand>& outs, const std::vector<ShapedArray>& arg_avals,
                                 const std::vector<bool>& donated) {
  const std::vector<int> last = last_reads(steps, num_slots);
  std::unordered_set<int> output_slots, taken_outputs;
  for (const Operand& o : outs)
    if (o.kind == Operand::slot) output_slots.insert(o.index);
  std::vector<bool> used(arg_slots.size(), false);
  std::vector<Reuse> plan;
  for (std::size_t s = 0; s < steps.size(); ++s) {
    const Kernel* k = std::get_if<Kernel>(&steps[s].body);
    if (!k) continue;
    for (std::size_t w = 0; w < k->ops.size(); ++w) {
      const FusedOp& op = k->ops[w];
      if (op.slot_out < 0 || !output_slots.count(op.slot_out) || taken_outputs.count(op.slot_out)) continue;
      const ShapedArray& aval = op.eqn->outputs[0]->aval;
      for (std::size_t a = 0; a < arg_slots.size(); ++a) {
        const int sa = arg_slots[a];
        if (!donated[a] || used[a] || output_slots.count(sa)) continue;
        if (arg_avals[a].shape != aval.shape || arg_avals[a].dtype != aval.dtype) continue;
        const int l = last[static_cast<std::size_t>(sa)];
        if (l > static_cast<int>(s)) continue;
        if (l == static_cast<int>(s) && !read_before_written(*k, w, sa)) continue;
        used[a] = true;
        taken_outputs.insert(op.slot_out);
        plan.push_back({a, op.slot_out, s, aval});
        break;
      }
    }
  }
  return plan;
}

}  // namespace xjax::plan

namespace xjax {

std::pair<Arrays, std::vector<bool>> take_donations(const Arrays& args, const std::vector<std::string>& donate,
                                                    const Arrays& consts) {
  Arrays in = args;
  std::vector<bool> taken(args.size(), false);
  auto shared_with = [](const Array& x, const Arrays& others, std::size_t skip) {
    for (std::size_t j = 0; j < others.size(); ++j)
      if (j != skip && others[j].impl() == x.impl()) return true;
    return false;
  };
  for (std::size_t i = 0; i < args.size() && i < donate.size(); ++i) {
    if (donate[i].empty() || !args[i].impl() || args[i].is_tracer()) continue;
    const Buffer& b = buffer_of(args[i]);
    // One Buffer holds the memory (no view of it elsewhere), xjax allocated it, and it is not also
    // another argument or a constant of the program: nothing else can observe it being overwritten.
    if (!b.owned() || b.owner().use_count() != 1) continue;
    if (shared_with(args[i], args, i) || shared_with(args[i], consts, consts.size())) continue;
    const std::byte* data = b.data();
    std::shared_ptr<const void> owner = b.donate(donate[i]);
    in[i] = Array(std::make_shared<Buffer>(b.aval(), std::move(owner), data, true));
    taken[i] = true;
  }
  return {std::move(in), std::move(taken)};
}

}  // namespace xjax
