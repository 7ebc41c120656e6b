// The batching interpreter: one batched primitive per primitive, never a loop over the batch.
#include "batching/batching.hpp"

#include <utility>


namespace xjax {

Array BatchTrace::wrap(Array value, BatchDim dim) {
  if (!dim) return value;  // unmapped values need no tracer
  Shape s = value.shape();
  if (*dim < 0 || *dim >= value.ndim() || s[static_cast<std::size_t>(*dim)] != size_)
    throw TransformError("vmap", "batching rule produced ", value.aval(), " with batch axis ", *dim,
                         " for batch size ", size_);
  s.erase(s.begin() + *dim);
  ShapedArray aval{s, value.dtype(), value.weak_type()};
  return Array(std::make_shared<BatchTracer>(main_ptr(), std::move(aval), std::move(value), *dim));
}

std::pair<Array, BatchDim> BatchTrace::unwrap(const Array& x) const {
  if (!owns(x)) return {x, std::nullopt};
  const auto& t = static_cast<const BatchTracer&>(*x.impl());
  return {t.value(), t.dim()};
}

Arrays BatchTrace::process(const Primitive& p, const Arrays& inputs, const Params& params) {
  Arrays vals;
  BatchDims dims;
  bool any = false;
  for (const Array& x : inputs) {
    auto [v, d] = unwrap(x);
    any = any || d.has_value();
    vals.push_back(std::move(v));
    dims.push_back(d);
  }
  // A collective over this trace's own axis is batched even with no mapped input, by the rule that
  // receives the axis.
  const bool own_axis = p.collective_axis && !axis_name_.empty() && p.collective_axis(params) == axis_name_;
  if (!any && !own_axis) return xjax::bind(p, vals, params);
  if (!(own_axis ? bool(p.collective_batch) : bool(p.batch)))
    throw TransformError("vmap", "no batching rule for primitive '", p.name, "'");
  ++rules_running_;
  struct Done {
    int& running;
    ~Done() { --running; }
  } done{rules_running_};
  auto [outs, out_dims] = own_axis ? p.collective_batch(p, vals, dims, params, AxisFrame{axis_name_, size_})
                                   : p.batch(p, vals, dims, params);
  Arrays result;
  for (std::size_t i = 0; i < outs.size(); ++i) result.push_back(wrap(std::move(outs[i]), out_dims.at(i)));
  return result;
}

std::optional<std::int64_t> vmap_axis_size(const std::string& axis_name) {
  const auto* t = dynamic_cast<const BatchTrace*>(axis_trace(axis_name));
  if (!t) return std::nullopt;
  return t->size();
}

namespace {
std::pair<Arrays, BatchDims> batch_named(const FlatFn& f, const Arrays& vals, const BatchDims& dims, std::int64_t size,
                                         const std::string& axis_name) {
  return in_new_trace<BatchTrace>(
      false,
      [&](BatchTrace& trace) {
        Arrays ins;
        for (std::size_t i = 0; i < vals.size(); ++i) ins.push_back(trace.wrap(vals[i], dims[i]));
        std::pair<Arrays, BatchDims> out;
        for (const Array& y : f(ins)) {
          auto [v, d] = trace.unwrap(y);
          out.first.push_back(std::move(v));
          out.second.push_back(d);
        }
        return out;
      },
      size, axis_name);
}
}  // namespace

std::pair<Arrays, BatchDims> batch_flat(const FlatFn& f, const Arrays& vals, const BatchDims& dims, std::int64_t size) {
  // The axis environment: the innermost vmap whose rule is running names the sub-function's axis.
  const Trace* running = innermost_trace([](const Trace& t) {
    const auto* b = dynamic_cast<const BatchTrace*>(&t);
    return b && b->running_rule();
  });
  const std::string* name = running ? running->axis_name() : nullptr;
  return batch_named(f, vals, dims, size, name ? *name : std::string());
}

namespace {
// Runs vmap over consecutive chunks of the batch and concatenates the results.
Arrays vmap_chunked(const FlatFn& f, const Arrays& args, const std::vector<BatchDim>& axes,
                    const std::vector<BatchDim>& out_axes, std::int64_t size, std::int64_t chunk) {
  std::vector<Arrays> parts;
  for (std::int64_t start = 0; start < size; start += chunk) {
    std::int64_t stop = std::min(size, start + chunk);
    Arrays sliced;
    for (std::size_t i = 0; i < args.size(); ++i)
      sliced.push_back(axes[i] ? slice_in_dim(args[i], start, stop, 1, *axes[i]) : args[i]);
    parts.push_back(vmap_flat(f, sliced, axes, out_axes));
  }
  Arrays outs;
  for (std::size_t k = 0; k < parts[0].size(); ++k) {
    BatchDim want = out_axes.size() == 1 ? out_axes[0] : out_axes[k];
    if (!want) {
      outs.push_back(parts[0][k]);
      continue;
    }
    Arrays pieces;
    for (const Arrays& p : parts) pieces.push_back(p[k]);
    outs.push_back(concatenate(pieces, *want));
  }
  return outs;
}
}  // namespace

Arrays vmap_flat(const FlatFn& f, const Arrays& args, const std::vector<BatchDim>& in_axes,
                 const std::vector<BatchDim>& out_axes, std::optional<std::int64_t> chunk_size,
                 const std::string& axis_name) {
  if (in_axes.size() != args.size())
    throw TransformError("vmap", "in_axes has ", in_axes.size(), " entries for ", args.size(), " arguments");
  std::optional<std::int64_t> size;
  std::size_t first = 0;
  std::vector<BatchDim> axes(args.size());
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (!in_axes[i]) continue;
    int nd = args[i].ndim();
    if (*in_axes[i] < -nd || *in_axes[i] >= nd)
      throw TransformError("vmap", "in_axes ", *in_axes[i], " is out of range for argument ", i, " of type ",
                           args[i].aval());
    axes[i] = *in_axes[i] < 0 ? *in_axes[i] + nd : *in_axes[i];
    std::int64_t n = args[i].shape()[static_cast<std::size_t>(*axes[i])];
    if (size && *size != n)
      throw TransformError("vmap", "mapped axes have different sizes: argument ", first, " has ", *size,
                           " and argument ", i, " has ", n);
    if (!size) first = i;
    size = n;
  }
  if (!size) throw TransformError("vmap", "no argument is mapped (all in_axes are None)");
  if (chunk_size && *chunk_size <= 0) throw ValueError("vmap", "chunk_size must be positive, got ", *chunk_size);
  if (chunk_size && !axis_name.empty())
    throw TransformError("vmap", "chunk_size cannot be combined with axis_name '", axis_name,
                         "': a collective must see the whole axis");
  // Chunks bound the memory of the inputs' slices; when the mapped inputs hold no elements at all
  // there is nothing to bound, and a chunk per example could mean 2^62 empty iterations.
  bool empty_inputs = true;
  for (std::size_t i = 0; i < args.size(); ++i) empty_inputs = empty_inputs && (!axes[i] || args[i].size() == 0);
  if (chunk_size && *chunk_size < *size && !empty_inputs) return vmap_chunked(f, args, axes, out_axes, *size, *chunk_size);
  auto [vals, dims] = batch_named(f, args, axes, *size, axis_name);
  if (out_axes.size() != vals.size() && out_axes.size() != 1)
    throw TransformError("vmap", "out_axes has ", out_axes.size(), " entries for ", vals.size(), " outputs");
  Arrays outs;
  for (std::size_t i = 0; i < vals.size(); ++i) {
    BatchDim want = out_axes.size() == 1 ? out_axes[0] : out_axes[i];
    if (!want) {
      if (dims[i]) throw TransformError("vmap", "output ", i, " depends on the mapped axis but out_axes is None");
      outs.push_back(vals[i]);
      continue;
    }
    int nd = vals[i].ndim() + (dims[i] ? 0 : 1);
    if (*want < -nd || *want >= nd) throw TransformError("vmap", "out_axes ", *want, " is out of range for output ", i);
    int to = *want < 0 ? *want + nd : *want;
    outs.push_back(move_batch_axis(vals[i], dims[i], to, *size));
  }
  return outs;
}

}  // namespace xjax
