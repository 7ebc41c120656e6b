// Export and import of compiled functions (as jax.export): export_(jit(f))(args...) records f's
// optimised program, its argument and result structure and avals; serialize() turns it into bytes
// (the format is in docs/export.md) and deserialize() back into a callable that needs no source.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "xjax/errors.hpp"
#include "xjax/ir.hpp"
#include "xjax/jit.hpp"
#include "xjax/pytree.hpp"

namespace xjax {

// A program that cannot be stored: it holds a C++ function (custom_jvp, custom_vjp, a debug callback).
class ExportError : public ValueError {
 public:
  using ValueError::ValueError;
};
// Bytes that are not a readable export. The subclasses say why.
class DeserializeError : public IOError {
 public:
  using IOError::IOError;
};
class TruncatedError : public DeserializeError {  // fewer bytes than the header announces
 public:
  using DeserializeError::DeserializeError;
};
class ChecksumError : public DeserializeError {  // bytes changed after they were written (or not an export)
 public:
  using DeserializeError::DeserializeError;
};
class VersionError : public DeserializeError {  // written by a newer xjax in a format this one cannot read
 public:
  using DeserializeError::DeserializeError;
};
class UnknownPrimitiveError : public DeserializeError {  // the program uses a primitive this library lacks
 public:
  using DeserializeError::DeserializeError;
};
class InvalidProgramError : public DeserializeError {  // inconsistent avals, references or fields
 public:
  using DeserializeError::DeserializeError;
};

// The format version serialize() writes; deserialize() reads this and every older version.
inline constexpr std::uint32_t export_format_version = 1;

// A stored program: callable like the function it came from, printable, serialisable.
// Arguments are the jitted function's non-static arguments (static ones are fixed at export), with
// the structure, shapes and dtypes they had at export; a weakly typed C++ scalar is converted to the
// recorded dtype. Results:
//   call(args...)        the result when the function returned one Array (ValueError otherwise);
//   call_as<T>(args...)  the result rebuilt as the pytree type T (e.g. std::tuple<Array, Array>);
//   call_flat(args...)   the result's leaves in pytree order;
//   call_leaves(leaves)  flat argument leaves in, flat result leaves out (what xjax-run uses).
// Each runs through jit (compiled once per signature, then cached) and composes with grad, vmap and
// jit like any function of Arrays: the stored program is an ordinary ClosedJaxpr.
class Exported {
 public:
  struct Impl;
  explicit Exported(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}  // made by export_, deserialize

  std::string serialize() const;
  const Avals& in_avals() const;      // one per argument leaf
  const Avals& out_avals() const;     // one per result leaf
  const TreeDef& in_tree() const;     // a tuple with one child per argument
  const TreeDef& out_tree() const;
  const ClosedJaxpr& jaxpr() const;   // the stored program (`std::cout << e.jaxpr()` prints it)
  const std::string& platform() const;         // "cpu"
  std::uint32_t format_version() const;         // of the bytes it was read from (current when exported)
  JitCache::Stats cache_stats() const;          // of the jit cache that calls run through

  Arrays call_leaves(const Arrays& leaves) const;
  template <class... A>
  Arrays call_flat(const A&... args) const {
    auto [leaves, def] = tree_flatten(std::make_tuple(args...));
    check_tree(def);
    return call_leaves(leaves);
  }
  template <class... A>
  Array call(const A&... args) const {
    check_single();
    return call_flat(args...)[0];
  }
  template <class T, class... A>
  array_tree_t<T> call_as(const A&... args) const {
    return tree_unflatten<T>(out_tree(), call_flat(args...));
  }

 private:
  void check_tree(const TreeDef& def) const;  // ValueError unless the arguments have the export's structure
  void check_single() const;                  // ValueError unless the result is one Array
  std::shared_ptr<const Impl> impl_;
};

// Reads bytes written by Exported::serialize (of this or an older format version). Throws a
// DeserializeError subclass for anything else; the program's shapes are checked again on load.
Exported deserialize(const std::string& bytes);

namespace export_detail {
// An Exported of `program` (ExportError if it holds an opaque C++ function).
Exported make_exported(const ClosedJaxpr& program, TreeDef in_tree, TreeDef out_tree);
}  // namespace export_detail

// export_(jit(f))(args...): traces and compiles f for these arguments and records the optimised
// program (with the constants it closes over, e.g. trained weights).
template <class F, std::size_t... Static>
auto export_(const Jitted<F, Static...>& jf) {
  return [jf](const auto&... raw) -> Exported {
    using namespace transform_detail;
    auto args = std::forward_as_tuple(raw...);
    auto sel = traced_indices<sizeof...(raw), Static...>();
    FlatArgs fa = flatten_selected(args, sel);
    Avals avals;
    for (const Array& x : fa.leaves) avals.push_back(x.aval());
    TreeDef out_def;
    trace_to_jaxpr(  // only to learn the result's structure
        [&](const Arrays& leaves) -> Arrays {
          auto [r, d] = tree_flatten(call_with(jf, args, fa, leaves, sel));
          out_def = d;
          return r;
        },
        avals);
    Lowered low = jf.lower(raw...);
    return export_detail::make_exported(low.executable->jaxpr(), TreeDef{TreeDef::Kind::tuple, {}, fa.defs},
                                        std::move(out_def));
  };
}

template <class F>
auto export_(const F&) {
  static_assert(sizeof(F) == 0, "xjax::export_ takes a jitted function: export_(xj::jit(f))(args...)");
}

namespace tools {
// The xjax-run program: `xjax-run MODEL.xjx IN0.npy ... [--out DIR]` and `xjax-run --info MODEL.xjx`.
// Returns the exit status; a failure writes one line to `err`.
int run_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
}  // namespace tools

}  // namespace xjax
