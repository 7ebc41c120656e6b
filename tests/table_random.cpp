// Rule-table rows for the threefry2x32 primitive, through the public xjax::random functions.
#include "table.hpp"

namespace xjax::test {
namespace {

Array key_of(std::uint32_t a, std::uint32_t b) { return array(std::vector<std::uint32_t>{a, b}); }
Array counts(const Shape& s) { return reshape(iota(uint32, {shape_size(s)}) * 7919u, s); }
Array weights() { return array({{0.4, -0.9, 1.1}, {2.0, 0.25, -1.3}}); }

const bool registered = add_cases({
    {"threefry2x32", [](const Arrays& a) { return random::threefry2x32(a[0], a[1]); }, {key_of(0, 42), counts({2, 3})},
     false, "even count"},
    {"threefry2x32", [](const Arrays& a) { return random::threefry2x32(a[0], a[1]); }, {key_of(7, 1), counts({5})},
     false, "odd count, padded"},
    {"threefry2x32", [](const Arrays& a) { return random::threefry2x32(a[0], a[1]); }, {key_of(3, 9), array(5u)}, false,
     "0-d count"},
    {"threefry2x32", [](const Arrays& a) { return random::threefry2x32(a[0], a[1]); }, {key_of(3, 9), counts({0, 4})},
     false, "zero-size counts"},
    {"threefry2x32", [](const Arrays& a) { return random::split(a[0], 3); }, {key_of(0, 1701)}, false, "split"},
    {"threefry2x32", [](const Arrays& a) { return random::bits(a[0], {2, 2}); }, {key_of(1, 2)}, false, "bits"},
    {"threefry2x32", [](const Arrays& a) { return random::fold_in(a[0], a[1]); }, {key_of(5, 6), array(17)}, false,
     "fold_in"},
    // Differentiable through the float arithmetic around the draws; the draws themselves are constant.
    {"threefry2x32", [](const Arrays& a) { return random::uniform(a[0], {2, 3}, float64) * a[1]; },
     {key_of(0, 3), weights()}, true, "uniform times x"},
    {"threefry2x32", [](const Arrays& a) { return random::normal(a[0], {2, 3}, float64) * sin(a[1]); },
     {key_of(0, 4), weights()}, true, "normal times sin x"},
});

}  // namespace
}  // namespace xjax::test
