// Rule-table rows for the control-flow primitives: cond (cond, switch_), scan (scan, map,
// fori_loop with static bounds) and while (while_loop, fori_loop with Array bounds), pjit (jit
// inside a transformation), and for the effectful debug_callback.
#include <cmath>

#include "table.hpp"

namespace xjax::test {
namespace {

Array vals(const Shape& s, int seed) {
  std::vector<double> v(static_cast<std::size_t>(shape_size(s)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = std::sin(0.9 * static_cast<double>(i) + 0.37 * seed) + 0.1 * seed;
  return array(v, s);
}

const bool registered = add_cases({
    // cond: the predicate depends on the arguments, so under vmap it is batched (select path) or not.
    {"cond",
     [](const Arrays& a) {
       return cond(sum(a[0]) > 0, [](const Array& x, const Array& y) { return sin(x) * y; },
                   [](const Array& x, const Array& y) { return x * x - y; }, a[0], a[1]);
     },
     {vals({3}, 1), vals({3}, 2)},
     true,
     "true branch"},
    {"cond",
     [](const Arrays& a) {
       return cond(sum(a[0]) > 10.0, [](const Array& x) { return exp(x); }, [](const Array& x) { return tanh(x) * 3.0; },
                   a[0]);
     },
     {vals({2, 3}, 3)},
     true,
     "false branch"},
    {"cond",
     [](const Arrays& a) {  // branches closing over another argument
       const Array& w = a[1];
       return cond(a[0][0] < 100.0, [&](const Array& x) { return x * w; }, [&](const Array& x) { return x + w; }, a[0]);
     },
     {vals({4}, 4), vals({4}, 5)},
     true,
     "closure"},
    {"cond",
     [](const Arrays& a) {
       auto branches = std::tuple{[](const Array& x) { return x * 2.0; }, [](const Array& x) { return sin(x); },
                                  [](const Array& x) { return x * x * x; }};
       return switch_(a[1], branches, a[0]);
     },
     {vals({3}, 6), array(std::vector<std::int32_t>{2}, {})},
     true,
     "switch, integer index"},
    {"cond",
     [](const Arrays& a) { return cond(a[0] > 0, [](const Array& x) { return x; }, [](const Array& x) { return -x; }, a[0]); },
     {array(0.5)},
     true,
     "0-d"},
    // scan
    {"scan",
     [](const Arrays& a) {
       auto step = [&](const Array& c, const Array& x) { return std::pair{c * 0.9 + sin(x) * a[1], c * x}; };
       auto [c, ys] = scan(step, a[1], a[0]);
       return sum(ys, 0) + c;
     },
     {vals({5, 3}, 1), vals({3}, 2)},
     true,
     "carry and ys"},
    {"scan",
     [](const Arrays& a) {
       auto step = [](const Array& c, const Array& x) { return std::pair{c + x * c, c}; };
       return scan(step, a[1], a[0], {.reverse = true}).second;
     },
     {vals({4, 2}, 3) * 0.5, vals({2}, 4)},
     true,
     "reverse, ys are carries"},
    {"scan",
     [](const Arrays& a) {
       auto step = [](const Array& c, std::tuple<>) { return std::pair{sin(c) * 1.1, std::tuple<>{}}; };
       return scan(step, a[0], std::tuple<>{}, {.length = 6}).first;
     },
     {vals({2, 2}, 5)},
     true,
     "no xs"},
    {"scan",
     [](const Arrays& a) { return map([&](const Array& x) { return x * a[1] + cos(x); }, a[0]); },
     {vals({3, 2}, 6), array(1.5)},
     true,
     "map, closure"},
    {"scan",
     [](const Arrays& a) {
       return fori_loop(0, 4, [](const Array& i, const Array& c) { return c * 0.5 + sin(c) * i.astype(float64); }, a[0]);
     },
     {vals({3}, 7)},
     true,
     "fori_loop"},
    {"scan",
     [](const Arrays& a) {
       auto step = [](const Array& c, const Array& x) { return std::pair{c + x, c * 2.0}; };
       auto [c, ys] = scan(step, a[1], a[0]);
       return c + sum(ys);
     },
     {zeros({0, 2}, float64), vals({2}, 8)},
     true,
     "zero steps"},
    // while: the trip count depends on the values but not on small perturbations of them.
    {"while",
     [](const Arrays& a) {
       auto out = while_loop([](const std::pair<Array, Array>& s) { return s.first < 5; },
                             [](const std::pair<Array, Array>& s) { return std::pair{s.first + 1, sin(s.second) + s.second}; },
                             std::pair{array(std::int64_t{0}), a[0]});
       return out.second;
     },
     {vals({3}, 1)},
     true,
     "counter",
     1e-6,
     1e-5,
     {"fwd"}},
    {"while",
     [](const Arrays& a) {
       auto out = while_loop([](const std::pair<Array, Array>& s) { return s.first < 4; },
                             [&](const std::pair<Array, Array>& s) { return std::pair{s.first + 1, s.second * a[1] + 0.1}; },
                             std::pair{array(std::int64_t{0}), a[0]}, {.max_iterations = 10});
       return out.second;
     },
     {vals({3}, 2), vals({3}, 3)},
     true,
     "bounded, reverse mode"},
    {"while",
     [](const Arrays& a) {
       return fori_loop(array(std::int64_t{1}), array(std::int64_t{4}),
                        [](const Array& i, const Array& c) { return c * c * 0.5 + i.astype(float64); }, a[0],
                        {.max_iterations = 8});
     },
     {vals({2}, 4) * 0.3},
     true,
     "fori_loop with Array bounds"},
    {"while",
     [](const Arrays& a) {  // the predicate depends on the carry's value: batched under vmap
       auto out = while_loop([](const std::pair<Array, Array>& s) { return (sum(s.second) < 3.0) & (s.first < 50); },
                             [](const std::pair<Array, Array>& s) { return std::pair{s.first + 1, s.second * 1.3}; },
                             std::pair{array(std::int64_t{0}), a[0]});
       return out.second;
     },
     {abs(vals({3}, 5)) + 0.2},
     true,
     "value-dependent trip count",
     1e-6,
     1e-5,
     {"fwd"}},
    // pjit: a jitted function called inside a transformation stays one call equation.
    {"pjit",
     [](const Arrays& a) {
       static auto inner = jit([](const Array& x, const Array& w) { return sin(x) * w + x * x; });
       return inner(a[0], a[1]) * 2.0;
     },
     {vals({2, 3}, 7), vals({3}, 8)},
     true,
     "two arguments"},
    {"pjit",
     [](const Arrays& a) {  // closes over a constant and calls another jitted function
       static const Array scale = vals({3}, 9);
       static auto square = jit([](const Array& x) { return x * x; });
       static auto outer = jit([](const Array& x) { return square(tanh(x) * scale) + x; });
       return outer(a[0]);
     },
     {vals({3}, 10)},
     true,
     "constant and nested"},
    // debug_callback has no outputs; the row's function also returns a value built from its input.
    {"debug_callback",
     [](const Arrays& a) {
       debug::callback([](const Array& v) { (void)v.size(); }, a[0]);
       return sin(a[0]) * 2.0;
     },
     {vals({2, 3}, 6)},
     true,
     "callback"},
});

}  // namespace
}  // namespace xjax::test
