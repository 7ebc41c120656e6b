// Rule-table rows for the creation (iota), gather, scatter and sort primitives.
#include "table.hpp"

namespace xjax::test {
namespace {

Array mat() { return array({{0.3, -1.2, 0.8}, {2.1, 0.45, -0.6}, {1.7, -0.9, 0.05}, {-0.35, 1.1, 0.65}}); }  // 4 x 3
Array cube() {
  return array({{{0.3, -1.2}, {0.8, 2.1}, {0.45, -0.6}}, {{1.7, -0.9}, {0.05, -0.35}, {1.1, 0.65}}});  // 2 x 3 x 2
}
Array vec() { return array({0.7, -0.2, 1.4, 0.1, -1.3}); }
Array ivec(std::initializer_list<int> v) { return array(v); }
Array rows3() { return array({{1.5, -0.7, 2.2}, {0.9, 1.8, -1.6}, {-0.4, 0.6, 1.2}}); }  // updates for 3 rows of mat()

using F = std::function<Array(const Arrays&)>;

const bool registered = add_cases({
    // iota, directly and through the creation functions built on it
    {"iota", [](const Arrays& a) { return a[0] * iota(float64, a[0].shape(), 1); }, {mat()}, true, "2-d dim 1"},
    {"iota", [](const Arrays& a) { return a[0] + iota(float64, a[0].shape(), 0); }, {vec()}, true, "1-d"},
    {"iota", [](const Arrays& a) { return iota(int32, {2, 3}, 0) * a[0]; }, {array(3)}, false, "int, 0-d arg"},
    {"iota", [](const Arrays& a) { return a[0] * eye(4, 3, 1, float64); }, {mat()}, true, "eye"},
    {"iota", [](const Arrays& a) { return tril(a[0], -1); }, {mat()}, true, "tril"},
    {"iota", [](const Arrays& a) { return triu(a[0], 1); }, {cube()}, true, "triu 3-d"},
    {"iota", [](const Arrays& a) { return a[0] * arange(1, 6, 1, float64) + linspace(0, 1, 5, true, float64); },
     {vec()}, true, "arange/linspace"},
    {"iota", [](const Arrays& a) { return one_hot(a[0], 4, float64); }, {ivec({2, 0, 5, -1})}, false, "one_hot"},

    // gather: take (clamped, negative indices wrapped), at().get, diagonal
    {"gather", [](const Arrays& a) { return take(a[0], a[1], 0); }, {mat(), ivec({2, 0, 3, 3})}, true, "rows"},
    {"gather", [](const Arrays& a) { return take(a[0], a[1], 1); }, {mat(), array({{2, -1}, {5, 0}})}, true,
     "2-d indices, clamped and wrapped"},
    {"gather", [](const Arrays& a) { return take(a[0], a[1]); }, {vec(), array(3)}, true, "0-d index, flattened"},
    {"gather", [](const Arrays& a) { return take(a[0], a[1], 1); }, {cube(), ivec({1, 2, 1})}, true, "3-d middle"},
    {"gather", [](const Arrays& a) { return at(a[0], a[1]).get(); }, {mat(), array(-1)}, true, "at get"},
    {"gather", [](const Arrays& a) { return diagonal(a[0], 1, 0, 2); }, {cube()}, true, "diagonal"},
    {"gather", [](const Arrays& a) { return take(a[0], a[1], 0); }, {array({4, -2, 7}), ivec({1, 1, 0})}, false,
     "int operand"},

    // take_along_axis (numpy broadcasting of the non-axis extents)
    {"take_along_axis", [](const Arrays& a) { return take_along_axis(a[0], a[1], 1); },
     {mat(), array({{2, 0}, {1, 1}, {0, 2}, {2, 2}})}, true, "2-d"},
    {"take_along_axis", [](const Arrays& a) { return take_along_axis(a[0], a[1], 2); },
     {cube(), array({{{1}, {0}, {1}}, {{0}, {0}, {1}}})}, true, "3-d last axis"},
    {"take_along_axis", [](const Arrays& a) { return take_along_axis(a[0], a[1], 0); },
     {mat(), array({{3, 0, -1}})}, true, "axis 0, negative"},
    {"take_along_axis", [](const Arrays& a) { return take_along_axis(a[0], a[1], 1); },
     {mat(), array({{1, 0}})}, true, "broadcast indices"},

    // scatter family through at(); duplicates and dropped (out-of-range) indices included
    {"scatter", [](const Arrays& a) { return at(a[0], a[1]).set(a[2]); }, {mat(), ivec({1, 3, 1}), rows3()}, true,
     "duplicates"},
    {"scatter", [](const Arrays& a) { return at(a[0], a[1]).set(a[2]); }, {mat(), ivec({-1, 7, 0}), rows3()}, true,
     "negative and dropped"},
    {"scatter", [](const Arrays& a) { return at(a[0], a[1]).set(a[2]); }, {vec(), array(2), array(0.25)}, true, "0-d"},
    {"scatter_add", [](const Arrays& a) { return at(a[0], a[1]).add(a[2]); }, {mat(), ivec({2, 0, 2}), rows3()},
     true, "duplicates"},
    {"scatter_add", [](const Arrays& a) { return at(a[0], a[1]).add(a[2]); }, {vec(), ivec({4, -9}), array(1.5)},
     true, "broadcast value, dropped"},
    {"scatter_add", [](const Arrays& a) { return at(a[0], a[1]).add(a[2]); }, {cube(), array({{1, 0}}), cube()},
     true, "2-d indices"},
    {"scatter_mul", [](const Arrays& a) { return at(a[0], a[1]).multiply(a[2]); }, {mat(), ivec({3, 1, 3}), rows3()},
     true, "duplicates"},
    {"scatter_mul", [](const Arrays& a) { return at(a[0], a[1]).multiply(a[2]); }, {vec(), ivec({0, 4}), array({2.5, -0.5})},
     true, "unique"},
    {"scatter_min", [](const Arrays& a) { return at(a[0], a[1]).min(a[2]); }, {mat(), ivec({1, 2, 1}), rows3()}, true,
     "duplicates"},
    {"scatter_min", [](const Arrays& a) { return at(a[0], a[1]).min(a[2]); }, {vec(), array(1), array(-0.8)}, true,
     "0-d"},
    {"scatter_max", [](const Arrays& a) { return at(a[0], a[1]).max(a[2]); }, {mat(), ivec({0, 3, 0}), rows3()}, true,
     "duplicates"},
    {"scatter_max", [](const Arrays& a) { return at(a[0], a[1]).max(a[2]); }, {mat(), ivec({8, 2, 3}), rows3()}, true,
     "dropped"},

    // sort (one operand), argsort (two operands, integer output)
    {"sort", [](const Arrays& a) { return sort(a[0]); }, {vec()}, true, "1-d"},
    {"sort", [](const Arrays& a) { return sort(a[0], 0); }, {mat()}, true, "axis 0"},
    {"sort", [](const Arrays& a) { return sort(a[0], 1, true); }, {cube()}, true, "descending middle"},
    {"sort", [](const Arrays& a) { return argsort(a[0], -1); }, {mat()}, false, "argsort"},
    {"sort", [](const Arrays& a) { return take_along_axis(a[0], argsort(a[1], 0, true), 0); },
     {mat(), array({{3, 1, 2}, {0, 1, 5}, {3, 3, 2}, {1, 2, 0}})}, true, "argsort of ints, ties"},
});

}  // namespace
}  // namespace xjax::test
