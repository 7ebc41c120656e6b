// Exported programs: construction from a jitted function's optimised program, serialisation, and
// calls through jit (one compile per signature, cached like any jitted function).
#include <sstream>

#include "export/format.hpp"
#include "xjax/export.hpp"
#include "xjax/ops.hpp"

namespace xjax {

namespace {
// The function an Exported jits: the stored program on flat leaves. Binding each equation lets
// every trace (grad, vmap, an enclosing jit) see an ordinary program.
struct RunProgram {
  std::shared_ptr<const ClosedJaxpr> program;
  Arrays operator()(const Arrays& leaves) const { return eval_jaxpr(*program, leaves); }
};
}  // namespace

struct Exported::Impl {
  export_detail::Payload payload;
  Jitted<RunProgram> run;
  explicit Impl(export_detail::Payload p)
      : payload(std::move(p)),
        run(RunProgram{std::make_shared<const ClosedJaxpr>(payload.program)}, JitOptions{.name = "exported"}) {}
};

namespace {
std::shared_ptr<const Exported::Impl> make_impl(export_detail::Payload p) {
  return std::make_shared<const Exported::Impl>(std::move(p));
}
}  // namespace

std::string Exported::serialize() const { return export_detail::encode(impl_->payload); }
const Avals& Exported::in_avals() const { return impl_->payload.in_avals; }
const Avals& Exported::out_avals() const { return impl_->payload.out_avals; }
const TreeDef& Exported::in_tree() const { return impl_->payload.in_tree; }
const TreeDef& Exported::out_tree() const { return impl_->payload.out_tree; }
const ClosedJaxpr& Exported::jaxpr() const { return impl_->payload.program; }
const std::string& Exported::platform() const { return impl_->payload.platform; }
std::uint32_t Exported::format_version() const { return impl_->payload.version; }
JitCache::Stats Exported::cache_stats() const { return impl_->run.stats(); }

void Exported::check_tree(const TreeDef& def) const {
  if (def == in_tree()) return;
  std::ostringstream got, want;
  got << def;
  want << in_tree();
  throw ValueError("Exported::call", "the arguments have structure ", got.str(), ", the export takes ", want.str());
}

void Exported::check_single() const {
  if (out_tree().kind == TreeDef::Kind::leaf) return;
  std::ostringstream s;
  s << out_tree();
  throw ValueError("Exported::call", "the function returns ", s.str(),
                   ", not one Array: use call_as<T>(...) or call_flat(...)");
}

Arrays Exported::call_leaves(const Arrays& leaves) const {
  const Avals& want = in_avals();
  if (leaves.size() != want.size())
    throw ValueError("Exported::call", "takes ", want.size(), " input arrays, got ", leaves.size());
  Arrays in;
  in.reserve(leaves.size());
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    const Array& x = leaves[i];
    if (x.shape() != want[i].shape)
      throw ShapeError("Exported::call", "input ", i, " must be ", want[i], ", got ", x.aval());
    if (x.dtype() == want[i].dtype) in.push_back(x);
    else if (x.weak_type()) in.push_back(astype(x, want[i].dtype));  // a C++ scalar takes the recorded dtype
    else throw DTypeError("Exported::call", "input ", i, " must be ", want[i], ", got ", x.aval());
  }
  return impl_->run(in);
}

Exported deserialize(const std::string& bytes) { return Exported(make_impl(export_detail::decode(bytes))); }

namespace export_detail {
Exported make_exported(const ClosedJaxpr& program, TreeDef in_tree, TreeDef out_tree) {
  check_exportable(*program.jaxpr);
  Payload p;
  p.program = program;
  p.in_avals = program.in_avals();
  p.out_avals = program.out_avals();
  if (in_tree.num_leaves() != p.in_avals.size() || out_tree.num_leaves() != p.out_avals.size())
    throw ExportError("export", "the program has ", p.in_avals.size(), " inputs and ", p.out_avals.size(),
                      " outputs, the pytrees ", in_tree.num_leaves(), " and ", out_tree.num_leaves(), " leaves");
  p.in_tree = std::move(in_tree);
  p.out_tree = std::move(out_tree);
  return Exported(make_impl(std::move(p)));
}
}  // namespace export_detail

}  // namespace xjax
