// Distributed data parallelism over MPI: the process group, collectives over named axes (usable
// eagerly, under jit, grad and vmap), and shard_map/pmap. Link xjax::distributed to use it.
#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "xjax/transforms.hpp"

namespace xjax::distributed {

// Raised identically on every rank that takes part: use before init(), an axis name bound by
// nothing, an MPI failure. TimeoutError: a peer did not join a collective within the timeout.
class DistributedError : public Error {
 public:
  using Error::Error;
};
class TimeoutError : public DistributedError {
 public:
  using DistributedError::DistributedError;
};

struct InitOptions {
  std::chrono::milliseconds timeout{60000};  // how long a collective waits for its peers
  std::string axis_name = "ranks";          // the name collectives use for the world communicator
};

// MPI is initialised once per process (init may be called again after finalize only if MPI was
// initialised by someone else). init() accepts argc/argv as MPI_Init does; both may be null.
void init(int* argc = nullptr, char*** argv = nullptr, const InitOptions& options = {});
void finalize();
bool initialized();
int rank();  // in the world communicator
int size();
void set_timeout(std::chrono::milliseconds timeout);
std::chrono::milliseconds timeout();

// RAII: init() on construction, finalize() on destruction.
class Session {
 public:
  explicit Session(const InitOptions& options = {}) { init(nullptr, nullptr, options); }
  Session(int& argc, char**& argv, const InitOptions& options = {}) { init(&argc, &argv, options); }
  ~Session() { finalize(); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
};

// A group of ranks (an MPI communicator of its own, so its traffic never mixes with another's).
class Communicator {
 public:
  struct Impl;
  explicit Communicator(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  int rank() const;
  int size() const;
  // Ranks with equal color form a new communicator, ordered by key (MPI_Comm_split); collective.
  Communicator split(int color, int key) const;
  void barrier() const;  // waits for every rank, within the timeout
  const std::shared_ptr<Impl>& impl() const { return impl_; }

 private:
  std::shared_ptr<Impl> impl_;
};
Communicator world();

// Binds an axis name to a communicator while alive (shard_map does; init binds the world's name).
class AxisScope {
 public:
  AxisScope(std::string axis_name, Communicator comm);
  ~AxisScope();
  AxisScope(const AxisScope&) = delete;
  AxisScope& operator=(const AxisScope&) = delete;
};

// Collectives over a named axis: the ranks of the communicator bound to that name, or the examples
// of a vmap with that axis_name (the innermost wins), so the same code runs batched on one process
// and spread over ranks. Every rank must call them in the same order with equal shapes and dtypes;
// a mismatch is a ShapeError/DTypeError on every rank. Differentiating through them follows the
// per-rank convention of JAX's pmap (the VJP of psum is psum); shard_map turns it into the gradient
// of the global function.
Array psum(const Array& x, const std::string& axis_name);
Array pmean(const Array& x, const std::string& axis_name);
Array pmax(const Array& x, const std::string& axis_name);
// Every member's x, stacked along a new axis `axis`, or concatenated along `axis` when tiled.
Array all_gather(const Array& x, const std::string& axis_name, int axis = 0, bool tiled = false);
// The sum over members, split along `scatter_dimension`: member i keeps part i (reduce-scatter).
Array psum_scatter(const Array& x, const std::string& axis_name, int scatter_dimension = 0, bool tiled = false);
// Splits split_axis into one block per member, sends block j to member j, and concatenates the
// received blocks along concat_axis in member order (MPI_Alltoall; JAX's tiled=True).
Array all_to_all(const Array& x, const std::string& axis_name, int split_axis, int concat_axis);
// Member dst receives x from member src for each (src, dst) pair; members receiving nothing get zeros.
Array ppermute(const Array& x, const std::string& axis_name, const std::vector<std::pair<int, int>>& perm);
Array axis_index(const std::string& axis_name);  // int32 scalar: this member's position
std::int64_t axis_size(const std::string& axis_name);

// shard_map: how each output is assembled from the per-rank results.
struct OutSpec {
  enum class Kind { gather, replicated, sum, mean };
  Kind kind = Kind::gather;
  int axis = 0;
  OutSpec(int gather_axis = 0) : axis(gather_axis) {}  // NOLINT: concatenate the ranks' blocks
  OutSpec(std::nullopt_t) : kind(Kind::replicated) {}  // NOLINT: already equal on every rank
  static OutSpec sum() { return with_kind(Kind::sum); }
  static OutSpec mean() { return with_kind(Kind::mean); }

 private:
  static OutSpec with_kind(Kind k) {
    OutSpec s;
    s.kind = k;
    return s;
  }
};

struct ShardMapOptions {
  std::vector<BatchDim> in_specs;     // per argument: the axis split across ranks (nullopt: whole); empty: 0
  std::vector<OutSpec> out_specs{0};  // one for every output leaf, or one per output leaf
  std::string axis_name = "ranks";    // the name collectives inside use for the ranks
  std::optional<Communicator> comm;   // default: world()
};

// Every rank calls it with the same full arguments; each runs f on its block of the sharded ones
// and gets the assembled outputs. grad through it is the gradient of the global function.
Arrays shard_map_flat(const FlatFn& f, const Arrays& args, const std::vector<BatchDim>& in_specs,
                      const std::vector<OutSpec>& out_specs, const std::string& axis_name, const Communicator& comm);
// pmap: every argument has a leading axis of one entry per rank; rank i runs f on entry i (the axis
// removed) and the outputs are stacked along a new leading axis.
Arrays pmap_flat(const FlatFn& f, const Arrays& args, const std::string& axis_name, const Communicator& comm);

namespace detail {
// Flattens the arguments (one spec per argument, applied to its every leaf), runs `run` on the leaves
// and rebuilds f's result type.
template <class F, class Run, class... Raw>
auto run_flat(const F& f, const std::vector<BatchDim>& specs, const char* op, const Run& run, const Raw&... raw) {
  using namespace transform_detail;
  auto args = std::forward_as_tuple(raw...);
  auto sel = std::make_index_sequence<sizeof...(raw)>{};
  if (!specs.empty() && specs.size() != sizeof...(raw))
    throw TransformError(op, "in_specs has ", specs.size(), " entries for ", sizeof...(raw), " arguments");
  FlatArgs fa = flatten_selected(args, sel);
  std::vector<BatchDim> leaf_specs;
  for (std::size_t k = 0; k < fa.defs.size(); ++k)
    leaf_specs.insert(leaf_specs.end(), fa.defs[k].num_leaves(), specs.empty() ? BatchDim(0) : specs[k]);
  using Out = std::remove_cvref_t<decltype(f(std::declval<array_tree_t<Raw>>()...))>;
  TreeDef out_def;
  Arrays outs = run(
      [&](const Arrays& leaves) -> Arrays {
        auto [r, d] = tree_flatten(call_with(f, args, fa, leaves, sel));
        out_def = d;
        return r;
      },
      fa.leaves, leaf_specs);
  return tree_unflatten<Out>(out_def, outs);
}
}  // namespace detail

template <class F>
auto shard_map(F f, ShardMapOptions options = {}) {
  return [f, options](const auto&... raw) {
    Communicator comm = options.comm ? *options.comm : world();
    auto run = [&](const FlatFn& g, const Arrays& leaves, const std::vector<BatchDim>& specs) {
      return shard_map_flat(g, leaves, specs, options.out_specs, options.axis_name, comm);
    };
    return detail::run_flat(f, options.in_specs, "shard_map", run, raw...);
  };
}

template <class F>
auto pmap(F f, std::string axis_name = "ranks") {
  return [f, axis_name](const auto&... raw) {
    auto run = [&](const FlatFn& g, const Arrays& leaves, const std::vector<BatchDim>&) {
      return pmap_flat(g, leaves, axis_name, world());
    };
    return detail::run_flat(f, {}, "pmap", run, raw...);
  };
}

}  // namespace xjax::distributed
