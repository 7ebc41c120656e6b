// Rule-table rows for the shape primitives.
#include "primitives/shape.hpp"
#include "table.hpp"

namespace xjax::test {
namespace {

Array s0() { return array(0.75); }
Array v4() { return array({0.1, -0.7, 1.3, 2.2}); }
Array m23() { return array({{0.5, -1.2, 2.0}, {0.3, 1.7, -0.8}}); }
Array m13() { return array({{-0.4, 0.9, 1.1}}); }
Array t234() {
  std::vector<double> v;
  for (int i = 0; i < 24; ++i) v.push_back(0.1 * i - 1.0 + 0.03 * (i % 5));
  return array(v, {2, 3, 4});
}
Array i32(std::int32_t v) { return array(v); }

using F = std::function<Array(const Arrays&)>;
PrimCase row(const char* prim, const char* label, F f, Arrays args, bool grad = true) {
  return {prim, std::move(f), std::move(args), grad, label};
}

const bool registered = add_cases({
    row("reshape", "2x3 -> 3x2", [](const Arrays& a) { return reshape(a[0], {3, 2}); }, {m23()}),
    row("reshape", "3-d, -1", [](const Arrays& a) { return reshape(a[0], {-1, 4}); }, {t234()}),
    row("reshape", "0-d -> 1x1", [](const Arrays& a) { return reshape(a[0], {1, 1}); }, {s0()}),
    row("reshape", "int", [](const Arrays& a) { return ravel(a[0]); }, {array({{1, 2}, {3, 4}})}, false),
    row("squeeze", "all 1s", [](const Arrays& a) { return squeeze(a[0]); }, {m13()}),
    row("squeeze", "to 0-d", [](const Arrays& a) { return squeeze(reshape(a[0], {1, 1})); }, {s0()}),
    row("squeeze", "axis 1", [](const Arrays& a) { return squeeze(reshape(a[0], {2, 1, 3}), {1}); }, {m23()}),
    row("broadcast_in_dim", "row to matrix", [](const Arrays& a) { return broadcast_to(a[0], {3, 4}); }, {v4()}),
    row("broadcast_in_dim", "extent 1 expands",
        [](const Arrays& a) { return broadcast_in_dim(a[0], {4, 2, 3}, {1, 2}); }, {m13()}),
    row("broadcast_in_dim", "0-d", [](const Arrays& a) { return broadcast_to(a[0], {2, 3}); }, {s0()}),
    row("transpose", "2-d", [](const Arrays& a) { return transpose(a[0]); }, {m23()}),
    row("transpose", "int", [](const Arrays& a) { return transpose(a[0]); }, {array({{1, 2, 3}, {4, 5, 6}})}, false),
    row("transpose", "3-d", [](const Arrays& a) { return transpose(a[0], {1, 2, 0}); }, {t234()}),
    row("slice", "strided 3-d", [](const Arrays& a) { return slice(a[0], {0, 1, 1}, {2, 3, 4}, {1, 1, 2}); }, {t234()}),
    row("slice", "row x[1]", [](const Arrays& a) { return a[0][1]; }, {m23()}),
    row("slice", "negative step", [](const Arrays& a) { return slice(a[0], {-1}, {-5}, {-2}); }, {v4()}),
    row("pad", "edges, padding value",
        [](const Arrays& a) { return pad(a[0], {{1, 2}, {0, 1}}, a[1]); }, {m23(), array(-0.25)}),
    row("pad", "interior and cropping",
        [](const Arrays& a) { return lax::pad(a[0], a[1], {-1, 2}, {1, -2}, {1, 2}); }, {m23(), array(0.5)}),
    row("pad", "0-d operand", [](const Arrays& a) { return lax::pad(a[0], a[1], {}, {}, {}); }, {s0(), array(1.5)}),
    row("concatenate", "axis 0", [](const Arrays& a) { return concatenate({a[0], a[1]}); }, {m23(), m13()}),
    row("concatenate", "axis 1, three operands",
        [](const Arrays& a) { return concatenate({a[0], a[1], a[0]}, 1); }, {m13(), array({{2.5}})}),
    row("concatenate", "stack of 0-d", [](const Arrays& a) { return stack({a[0], a[1]}); }, {s0(), array(-0.5)}),
    row("rev", "axes 0 and 2", [](const Arrays& a) { return flip(a[0], {0, 2}); }, {t234()}),
    row("rev", "1-d", [](const Arrays& a) { return flip(a[0]); }, {v4()}),
    row("dynamic_slice", "3-d, one index clamped",
        [](const Arrays& a) { return dynamic_slice(a[0], {a[1], a[2], a[3]}, {1, 2, 3}); },
        {t234(), i32(1), i32(2), i32(0)}),
    row("dynamic_slice", "1-d, negative index",
        [](const Arrays& a) { return dynamic_slice(a[0], {a[1]}, {2}); }, {v4(), i32(-3)}),
    row("dynamic_update_slice", "2-d, one index clamped",
        [](const Arrays& a) { return dynamic_update_slice(a[0], a[1], {a[2], a[3]}); },
        {m23(), array({{4.0, -3.0}}), i32(1), i32(5)}),
    row("dynamic_slice", "0-d operand", [](const Arrays& a) { return dynamic_slice(a[0], {}, {}); }, {s0()}),
    row("dynamic_update_slice", "int", [](const Arrays& a) { return dynamic_update_slice(a[0], a[1], {a[2]}); },
        {array({1, 2, 3, 4}), array({7, 8}), i32(3)}, false),
    row("dynamic_update_slice", "1-d", [](const Arrays& a) { return dynamic_update_slice(a[0], a[1], {a[2]}); },
        {v4(), array({9.5, 8.5}), i32(1)}),
});

}  // namespace
}  // namespace xjax::test
