// Rule-table rows for the windowed reductions (reduce_window_sum/max/min) and the derivative
// primitives of max/min pooling (select_and_gather_add, select_and_scatter_add).
#include <cmath>

#include "table.hpp"
#include "xjax/pooling.hpp"

namespace xjax::test {
namespace {

// Distinct values (no ties: the windows' arg-max is stable under finite-difference steps).
Array spread(const Shape& shape, double phase = 0.3) {
  std::vector<double> v(static_cast<std::size_t>(shape_size(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = 2 * std::sin(1.3 * static_cast<double>(i) + phase);
  return array(v, shape);
}

using F = std::function<Array(const Arrays&)>;
PrimCase one(const char* prim, F f, Arrays x, const char* label, bool grad = true) {
  return {prim, std::move(f), std::move(x), grad, label};
}

// The tangent of a 2x2 max pool along t, and its pullback of s: what the derivative primitives compute.
Array pool_jvp(const Array& t, const Array& x) {
  auto f = [](const Arrays& a) -> Arrays { return {nn::max_pool(a[0], {2, 2}, {1, 2}, "SAME")}; };
  return *jvp_flat(f, {x}, {t}).second[0];
}
Array pool_vjp(const Array& s, const Array& x) {
  auto f = [](const Arrays& a) -> Arrays { return {reduce_window(a[0], INFINITY, WindowOp::min, {2, 3}, {1, 2}, {{1, 0}, {1, 1}})}; };
  return vjp_flat(f, {x}).pullback({s})[0];
}

const bool registered = add_cases({
    one("reduce_window_sum",
        [](const Arrays& a) { return reduce_window(a[0], 0.0, WindowOp::sum, {2, 3}, {2, 1}, {{1, 0}, {2, 1}}, {1, 2}, {2, 1}); },
        {spread({5, 4})}, "2-d strides, padding, dilations"),
    one("reduce_window_sum", [](const Arrays& a) { return nn::avg_pool(a[0], {2, 2}, {2, 2}); }, {spread({2, 4, 4, 3})},
        "avg_pool NHWC"),
    one("reduce_window_sum", [](const Arrays& a) { return reduce_window(a[0], 0.0, WindowOp::sum, {3}, {1}, "SAME", {2}); },
        {spread({5})}, "1-d base dilation"),
    one("reduce_window_sum", [](const Arrays& a) { return reduce_window(a[0], 0, WindowOp::sum, {2, 2}); },
        {spread({3, 4}).astype(int32)}, "int32", false),
    one("reduce_window_max", [](const Arrays& a) { return nn::max_pool(a[0], {2, 2}, {2, 2}); }, {spread({2, 4, 4, 3})},
        "max_pool NHWC"),
    one("reduce_window_max",
        [](const Arrays& a) { return reduce_window(a[0], -INFINITY, WindowOp::max, {2, 2}, {1, 2}, {{1, 1}, {0, 1}}, {2, 1}, {1, 2}); },
        {spread({4, 5})}, "2-d padding, dilations"),
    one("reduce_window_max", [](const Arrays& a) { return reduce_window(a[0], 0.0, WindowOp::max, {3}, {2}, "SAME"); },
        {spread({7})}, "init 0 (relu-like)"),
    one("reduce_window_max", [](const Arrays& a) { return nn::max_pool(a[0], {2}, {1}); }, {spread({5, 2}).astype(int32)},
        "int32", false),
    one("reduce_window_min", [](const Arrays& a) { return reduce_window(a[0], INFINITY, WindowOp::min, {3, 2}, {1, 1}, "SAME"); },
        {spread({4, 4})}, "2-d SAME"),
    one("select_and_gather_add", [](const Arrays& a) { return pool_jvp(a[0], a[1]); },
        {spread({1, 4, 5, 2}, 1.1), spread({1, 4, 5, 2})}, "jvp of max_pool"),
    one("select_and_scatter_add", [](const Arrays& a) { return pool_vjp(a[0], a[1]); },
        {spread({4, 4}, 0.9), spread({4, 7})}, "vjp of a strided min window"),
});

}  // namespace
}  // namespace xjax::test
