// Rule-table rows for the linalg family: dot_general in its layouts, directly and through the numpy wrappers.
#include <cmath>

#include "table.hpp"

namespace xjax::test {
namespace {

// Deterministic float64 values of a given shape (distinct, of both signs).
Array vals(const Shape& s, int seed) {
  std::vector<double> v(static_cast<std::size_t>(shape_size(s)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = std::sin(0.9 * static_cast<double>(i) + 0.37 * seed) + 0.1 * seed;
  return array(v, s);
}

PrimCase dg(const char* label, Shape xs, Shape ys, Ints lc, Ints rc, Ints lb = {}, Ints rb = {}) {
  return {"dot_general",
          [lc, rc, lb, rb](const Arrays& a) { return dot_general(a[0], a[1], lc, rc, lb, rb); },
          {vals(xs, 1), vals(ys, 2)},
          true,
          label};
}

const bool registered = add_cases({
    dg("matrix product", {3, 4}, {4, 2}, {1}, {0}),
    dg("both transposed", {4, 3}, {2, 4}, {0}, {1}),
    dg("batched", {2, 3, 4}, {2, 4, 2}, {2}, {1}, {0}, {0}),
    dg("batch axes not leading", {3, 2, 4}, {4, 2, 2}, {2}, {0}, {1}, {1}),
    dg("two contracting axes", {2, 3, 4}, {4, 3, 2}, {1, 2}, {1, 0}),
    dg("matrix-vector", {3, 4}, {4}, {1}, {0}),
    dg("vector dot", {5}, {5}, {0}, {0}),
    dg("outer", {3}, {2}, {}, {}),
    dg("0-d", {}, {}, {}, {}),
    dg("0-d times matrix", {}, {2, 3}, {}, {}),
    dg("empty contraction", {2, 0}, {0, 3}, {1}, {0}),
    {"dot_general",
     [](const Arrays& a) { return dot_general(a[0], a[1], {1}, {0}); },
     {array(std::vector<std::int32_t>{1, -2, 3, 4, 5, -6}, {2, 3}),
      array(std::vector<std::int32_t>{2, 0, -1, 1, 3, 2}, {3, 2})},
     false,
     "int32"},
    {"dot_general",
     [](const Arrays& a) { return matmul(a[0], a[1]); },
     {vals({2, 1, 3, 4}, 3), vals({2, 4, 2}, 4)},
     true,
     "matmul broadcasting batch"},
    {"dot_general",
     [](const Arrays& a) { return matmul(a[0], a[1]); },
     {vals({3, 4}, 5), vals({2, 4, 2}, 6)},
     true,
     "matmul matrix @ stack"},
    {"dot_general",
     [](const Arrays& a) { return dot(a[0], a[1]); },
     {vals({2, 3, 4}, 7), vals({3, 4, 2}, 8)},
     true,
     "numpy dot N-d"},
    {"dot_general",
     [](const Arrays& a) { return vdot(a[0], a[1]); },
     {vals({2, 3}, 9), vals({3, 2}, 10)},
     true,
     "vdot"},
    {"dot_general",
     [](const Arrays& a) { return outer(a[0], a[1]); },
     {vals({2, 2}, 11), vals({3}, 12)},
     true,
     "outer"},
});

}  // namespace
}  // namespace xjax::test
