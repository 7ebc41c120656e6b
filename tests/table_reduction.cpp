// Rule-table rows for the reduction and cumulative primitives (and the ops composed from them).
#include <cmath>

#include "table.hpp"

namespace xjax::test {
namespace {

// Distinct values (no ties, so max/min/argmax derivatives are well defined) of a given shape.
Array spread(const Shape& shape, double phase = 0.4) {
  std::vector<double> v(static_cast<std::size_t>(shape_size(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = 2 * std::sin(1.3 * static_cast<double>(i) + phase);
  return array(v, shape);
}
Array cube() { return spread({2, 3, 4}); }
Array row() { return spread({5}, 1.1); }
Array scalar() { return array(0.7); }
// Factors near +-1 with exact zeros, where naive product derivatives (prod / x_k) break.
Array factors(const Shape& shape, std::initializer_list<std::size_t> zeros) {
  std::vector<double> v(static_cast<std::size_t>(shape_size(shape)));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = (0.6 + 0.05 * static_cast<double>(i)) * (i % 3 == 0 ? -1 : 1);
  for (std::size_t z : zeros) v[z] = 0;
  return array(v, shape);
}
Array ints() { return array({{3, -7, 12, 0}, {5, 5, -1, 2}}); }

using F = std::function<Array(const Arrays&)>;
PrimCase one(const char* prim, F f, Array x, const char* label, bool grad = true) {
  return {prim, std::move(f), {std::move(x)}, grad, label};
}

const bool registered = add_cases({
    one("reduce_sum", [](const Arrays& a) { return sum(a[0]); }, cube(), "all axes"),
    one("reduce_sum", [](const Arrays& a) { return sum(a[0], 1); }, cube(), "middle axis"),
    one("reduce_sum", [](const Arrays& a) { return sum(a[0], {0, 2}, true); }, cube(), "outer+inner, keepdims"),
    one("reduce_sum", [](const Arrays& a) { return sum(a[0], -1); }, row(), "1-d"),
    one("reduce_sum", [](const Arrays& a) { return sum(a[0]); }, scalar(), "0-d"),
    one("reduce_sum", [](const Arrays& a) { return sum(a[0], 0); }, ints(), "int32", false),
    one("reduce_sum", [](const Arrays& a) { return mean(a[0], {1, 2}); }, cube(), "mean"),
    one("reduce_sum", [](const Arrays& a) { return var(a[0], 1, false, 1); }, cube(), "var ddof=1"),
    one("reduce_sum", [](const Arrays& a) { return std(a[0], {0, 2}); }, cube(), "std"),
    one("reduce_max", [](const Arrays& a) { return max(a[0], 1); }, cube(), "middle axis"),
    one("reduce_max", [](const Arrays& a) { return max(a[0], {0, 2}, true); }, cube(), "outer+inner, keepdims"),
    one("reduce_max", [](const Arrays& a) { return max(a[0]); }, row(), "1-d"),
    one("reduce_max", [](const Arrays& a) { return max(a[0]); }, scalar(), "0-d"),
    one("reduce_max", [](const Arrays& a) { return logsumexp(a[0], 2); }, cube(), "logsumexp"),
    one("reduce_max", [](const Arrays& a) { return nn::softmax(a[0], 1); }, cube(), "softmax"),
    one("reduce_max", [](const Arrays& a) { return nn::log_softmax(a[0]); }, cube(), "log_softmax"),
    one("reduce_min", [](const Arrays& a) { return min(a[0], 0); }, cube(), "outer axis"),
    one("reduce_min", [](const Arrays& a) { return min(a[0]); }, cube(), "all axes"),
    one("reduce_min", [](const Arrays& a) { return min(a[0], 0); }, ints(), "int32", false),
    one("reduce_prod", [](const Arrays& a) { return prod(a[0], 2); }, factors({2, 3, 4}, {}), "inner axis"),
    one("reduce_prod", [](const Arrays& a) { return prod(a[0], 1); }, factors({2, 3, 4}, {5}), "one zero"),
    one("reduce_prod", [](const Arrays& a) { return prod(a[0], {0, 2}); }, factors({2, 3, 4}, {4, 13}), "two zeros"),
    one("reduce_prod", [](const Arrays& a) { return prod(a[0]); }, factors({5}, {2}), "1-d with a zero"),
    one("reduce_prod", [](const Arrays& a) { return prod(a[0]); }, scalar(), "0-d"),
    one("reduce_and", [](const Arrays& a) { return all(a[0] > -1.5, 1); }, cube(), "all", false),
    one("reduce_or", [](const Arrays& a) { return any(a[0] > 1.5, {0, 2}); }, cube(), "any", false),
    one("argmax", [](const Arrays& a) { return argmax(a[0], 1); }, cube(), "middle axis", false),
    one("argmax", [](const Arrays& a) { return argmax(a[0]); }, cube(), "flattened", false),
    one("argmin", [](const Arrays& a) { return argmin(a[0], -1, true); }, cube(), "last axis, keepdims", false),
    one("cumsum", [](const Arrays& a) { return cumsum(a[0], 1); }, cube(), "middle axis"),
    one("cumsum", [](const Arrays& a) { return cumsum(a[0], 2, true); }, cube(), "reverse"),
    one("cumsum", [](const Arrays& a) { return cumsum(a[0]); }, scalar(), "0-d flattened"),
    one("cumprod", [](const Arrays& a) { return cumprod(a[0], 2); }, factors({2, 3, 4}, {1, 14}), "zeros"),
    one("cumprod", [](const Arrays& a) { return cumprod(a[0], 0, true); }, factors({5, 2}, {4}), "reverse"),
    one("cumprod", [](const Arrays& a) { return cumprod(a[0]); }, factors({7}, {}), "flattened"),
    one("cummax", [](const Arrays& a) { return cummax(a[0], 2); }, cube(), "inner axis"),
    one("cummax", [](const Arrays& a) { return cummax(a[0], 1, true); }, cube(), "reverse"),
    one("cummin", [](const Arrays& a) { return cummin(a[0], 2); }, cube(), "inner axis"),
    one("cummin", [](const Arrays& a) { return cummin(a[0], 0, true); }, row(), "1-d reverse"),
    // jax.nn activations are elementwise compositions; each row names the primitive it leans on.
    one("log1p", [](const Arrays& a) { return nn::softplus(a[0]); }, cube(), "nn::softplus"),
    one("log1p", [](const Arrays& a) { return logaddexp(a[0], a[0] * 0.5 - 0.3); }, cube(), "logaddexp"),
    one("tanh", [](const Arrays& a) { return nn::gelu(a[0]); }, cube(), "nn::gelu approximate"),
    one("erf", [](const Arrays& a) { return nn::gelu(a[0], false); }, cube(), "nn::gelu exact"),
    one("select_n", [](const Arrays& a) { return nn::relu(a[0]); }, cube(), "nn::relu"),
});

}  // namespace
}  // namespace xjax::test
