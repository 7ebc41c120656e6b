// Rule-table rows for the elementwise primitives.
#include "table.hpp"

namespace xjax::test {
namespace {

Array pos() { return array({{0.3, 0.7, 1.3}, {0.9, 0.45, 2.1}}); }     // (0, inf)
Array unit() { return array({0.1, -0.4, 0.65}); }                      // (-1, 1)
Array any() { return array({{-1.2, 0.3, 2.5}, {0.8, -0.45, 1.7}}); }
Array big() { return array({1.5, 2.2, 3.7}); }                         // (1, inf)
Array ints() { return array({3, -7, 12, 0}); }

using F = std::function<Array(const Arrays&)>;
PrimCase unary(const char* prim, F f, Array x, bool grad = true) { return {prim, std::move(f), {std::move(x)}, grad}; }

const bool registered = add_cases({
    unary("neg", [](const Arrays& a) { return -a[0]; }, any()),
    unary("neg", [](const Arrays& a) { return -a[0]; }, ints(), false),
    unary("abs", [](const Arrays& a) { return abs(a[0]); }, any()),
    unary("sign", [](const Arrays& a) { return sign(a[0]); }, any(), false),
    unary("floor", [](const Arrays& a) { return floor(a[0]); }, any(), false),
    unary("ceil", [](const Arrays& a) { return ceil(a[0]); }, any(), false),
    unary("round", [](const Arrays& a) { return round(a[0]); }, any(), false),
    unary("exp", [](const Arrays& a) { return exp(a[0]); }, any()),
    unary("exp", [](const Arrays& a) { return exp(a[0]); }, array(0.5)),
    unary("exp2", [](const Arrays& a) { return exp2(a[0]); }, any()),
    unary("log", [](const Arrays& a) { return log(a[0]); }, pos()),
    unary("log1p", [](const Arrays& a) { return log1p(a[0]); }, pos()),
    unary("expm1", [](const Arrays& a) { return expm1(a[0]); }, any()),
    unary("sqrt", [](const Arrays& a) { return sqrt(a[0]); }, pos()),
    unary("rsqrt", [](const Arrays& a) { return rsqrt(a[0]); }, pos()),
    unary("cbrt", [](const Arrays& a) { return cbrt(a[0]); }, pos()),
    unary("sin", [](const Arrays& a) { return sin(a[0]); }, any()),
    unary("cos", [](const Arrays& a) { return cos(a[0]); }, any()),
    unary("tan", [](const Arrays& a) { return tan(a[0]); }, unit()),
    unary("asin", [](const Arrays& a) { return asin(a[0]); }, unit()),
    unary("acos", [](const Arrays& a) { return acos(a[0]); }, unit()),
    unary("atan", [](const Arrays& a) { return atan(a[0]); }, any()),
    unary("sinh", [](const Arrays& a) { return sinh(a[0]); }, any()),
    unary("cosh", [](const Arrays& a) { return cosh(a[0]); }, any()),
    unary("tanh", [](const Arrays& a) { return tanh(a[0]); }, any()),
    unary("asinh", [](const Arrays& a) { return asinh(a[0]); }, any()),
    unary("acosh", [](const Arrays& a) { return acosh(a[0]); }, big()),
    unary("atanh", [](const Arrays& a) { return atanh(a[0]); }, unit()),
    unary("logistic", [](const Arrays& a) { return logistic(a[0]); }, any()),
    unary("erf", [](const Arrays& a) { return erf(a[0]); }, any()),
    unary("erfc", [](const Arrays& a) { return erfc(a[0]); }, any()),
    unary("erf_inv", [](const Arrays& a) { return erf_inv(a[0]); }, unit()),
    unary("lgamma", [](const Arrays& a) { return lgamma(a[0]); }, pos()),
    unary("digamma", [](const Arrays& a) { return digamma(a[0]); }, pos()),
    unary("polygamma", [](const Arrays& a) { return polygamma(1, a[0]); }, pos()),
    unary("is_finite", [](const Arrays& a) { return isfinite(a[0] / (a[0] - 0.3)); }, any(), false),
    unary("not", [](const Arrays& a) { return logical_not(a[0] > 0); }, any(), false),
    unary("not", [](const Arrays& a) { return bitwise_not(a[0]); }, ints(), false),
    unary("stop_gradient", [](const Arrays& a) { return stop_gradient(a[0]) * 2.0; }, any(), false),
    unary("integer_pow", [](const Arrays& a) { return integer_pow(a[0], 3); }, any()),
    unary("integer_pow", [](const Arrays& a) { return integer_pow(a[0], -2); }, pos()),
    {"convert_element_type", [](const Arrays& a) { return a[0].astype(float32); }, {any()}, true, "f64 to f32", 1e-2,
     1e-3},
    unary("convert_element_type", [](const Arrays& a) { return a[0].astype(int32); }, any(), false),
    {"add", [](const Arrays& a) { return a[0] + a[1]; }, {any(), any() * 0.5}},
    {"add", [](const Arrays& a) { return a[0] + a[1]; }, {any(), array(2.5)}, true, "scalar"},
    {"sub", [](const Arrays& a) { return a[0] - a[1]; }, {any(), pos()}},
    {"sub", [](const Arrays& a) { return a[0] - a[1]; }, {array(1.5), pos()}, true, "scalar"},
    {"mul", [](const Arrays& a) { return a[0] * a[1]; }, {any(), pos()}},
    {"mul", [](const Arrays& a) { return a[0] * a[1]; }, {array(-0.7), pos()}, true, "scalar"},
    {"div", [](const Arrays& a) { return a[0] / a[1]; }, {any(), pos()}},
    {"div", [](const Arrays& a) { return a[0] / a[1]; }, {any(), array(1.7)}, true, "scalar"},
    {"rem", [](const Arrays& a) { return remainder(a[0], a[1]); }, {any(), pos() + 0.05}},
    {"pow", [](const Arrays& a) { return pow(a[0], a[1]); }, {pos(), any()}},
    {"max", [](const Arrays& a) { return maximum(a[0], a[1]); }, {any(), any() * -0.5}},
    {"min", [](const Arrays& a) { return minimum(a[0], a[1]); }, {any(), any() * -0.5}},
    {"atan2", [](const Arrays& a) { return atan2(a[0], a[1]); }, {any(), pos()}},
    {"nextafter", [](const Arrays& a) { return nextafter(a[0], a[1]); }, {any(), pos()}, false},
    {"nextafter", [](const Arrays& a) { return nextafter(a[0], a[1]); }, {any().astype(float32), array(-1e30f)}, false,
     "float32 towards a 0-d bound"},
    {"and", [](const Arrays& a) { return logical_and(a[0] > 0, a[1] > 1); }, {any(), pos()}, false},
    {"or", [](const Arrays& a) { return bitwise_or(a[0], a[1]); }, {ints(), ints() + 5}, false},
    {"xor", [](const Arrays& a) { return bitwise_xor(a[0], a[1]); }, {ints(), ints() * 3}, false},
    {"shift_left", [](const Arrays& a) { return shift_left(a[0], a[1]); }, {ints(), array({1, 2, 40, 0})}, false},
    {"shift_right_arithmetic", [](const Arrays& a) { return shift_right(a[0], a[1]); }, {ints(), array({1, 2, 3, 0})},
     false},
    {"shift_right_logical", [](const Arrays& a) { return shift_right(a[0].astype(uint32), a[1]); },
     {ints(), array({1, 2, 3, 33})}, false},
    {"eq", [](const Arrays& a) { return a[0] == a[1]; }, {any(), any() * 1.0}, false},
    {"ne", [](const Arrays& a) { return a[0] != a[1]; }, {any(), pos()}, false},
    {"lt", [](const Arrays& a) { return a[0] < a[1]; }, {any(), pos()}, false},
    {"le", [](const Arrays& a) { return a[0] <= a[1]; }, {any(), pos()}, false},
    {"gt", [](const Arrays& a) { return a[0] > a[1]; }, {any(), pos()}, false},
    {"ge", [](const Arrays& a) { return a[0] >= a[1]; }, {any(), pos()}, false},
    {"select_n", [](const Arrays& a) { return where(a[0] > 0, a[0], a[1]); }, {any(), pos()}},
});

}  // namespace
}  // namespace xjax::test
