// debug_callback: a primitive with no outputs whose kernel calls a host function on its inputs.
// It is effectful, so jit keeps it; under vmap it is called once per example.
#include <iostream>
#include <sstream>

#include "primitives/common.hpp"
#include "xjax/debug.hpp"

namespace xjax::debug {
namespace {

struct Callback final : OpaqueParam {
  explicit Callback(std::function<void(const Arrays&)> f) : fn(std::move(f)) {}
  std::function<void(const Arrays&)> fn;
  std::string describe() const override { return "<callback>"; }
};
const Callback& callback_of(const Params& p) {
  return static_cast<const Callback&>(*p.get<std::shared_ptr<const OpaqueParam>>("callback"));
}

const Primitive& debug_callback_p = def_primitive({
    .name = "debug_callback",
    .shape = [](const Avals&, const Params&) { return Avals{}; },
    .eval =
        [](const Arrays& in, const Params& p, const Avals&) {
          callback_of(p).fn(in);
          return Arrays{};
        },
    .jvp = [](const Arrays&, const Tangents&, const Arrays&, const Params&) { return Tangents{}; },
    .batch =
        [](const Primitive& self, const Arrays& vals, const BatchDims& dims, const Params& p) {
          std::int64_t n = batch_size(vals, dims);
          for (std::int64_t i = 0; i < n; ++i) {
            Arrays example;
            for (std::size_t k = 0; k < vals.size(); ++k)
              example.push_back(dims[k] ? squeeze(slice_in_dim(vals[k], i, i + 1, 1, *dims[k]), {*dims[k]}) : vals[k]);
            xjax::bind(self, example, p);
          }
          return std::pair{Arrays{}, BatchDims{}};
        },
    .effectful = true,
});

}  // namespace

void callback_flat(std::function<void(const Arrays&)> f, const Arrays& arrays) {
  if (!f) throw ValueError("debug.callback", "empty function");
  xjax::bind(debug_callback_p, arrays, {{"callback", std::make_shared<const Callback>(std::move(f))}});
}

std::string format(const std::string& fmt, const Arrays& values) {
  std::ostringstream os;
  std::size_t next = 0, pos = 0;
  for (std::size_t at; (at = fmt.find("{}", pos)) != std::string::npos; pos = at + 2) {
    if (next == values.size())
      throw ValueError("debug.print", "the format has more {} than the ", values.size(), " values: ", fmt);
    os << fmt.substr(pos, at - pos) << values[next++];
  }
  if (next != values.size())
    throw ValueError("debug.print", "the format has ", next, " {} for ", values.size(), " values: ", fmt);
  os << fmt.substr(pos);
  return os.str();
}

void print_flat(const std::string& fmt, const Arrays& arrays) {
  format(fmt, Arrays(arrays.size(), Array(0)));  // a bad format is an error now, not at run time
  callback_flat([fmt](const Arrays& a) { std::cout << format(fmt, a) << '\n'; }, arrays);
}

}  // namespace xjax::debug
