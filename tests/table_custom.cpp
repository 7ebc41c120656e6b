// Rule-table rows for custom_jvp, custom_vjp and checkpoint (and their linear companions).
#include "table.hpp"

namespace xjax::test {
namespace {

auto softplus_stable = custom_jvp([](const Array& x) { return log1p(exp(x)); },
                                  [](const Arrays& p, const Arrays& t) {
                                    return std::pair{log1p(exp(p[0])), t[0] * logistic(p[0])};
                                  });
auto xsin = custom_vjp([](const Array& x, const Array& y) { return x * sin(y); },
                       [](const Array& x, const Array& y) { return std::pair{x * sin(y), Arrays{x, y}}; },
                       [](const Arrays& r, const Array& ct) { return Arrays{ct * sin(r[1]), ct * r[0] * cos(r[1])}; });
auto remat_fn = checkpoint([](const Array& x) { return sin(x) * exp(x); });

Array xs() { return array({{-1.2, 0.3, 2.5}, {0.8, -0.45, 1.7}}); }
Array ys() { return array({{0.4, -0.9, 1.1}, {2.0, 0.25, -1.3}}); }

const bool registered = add_cases({
    {"custom_jvp_call", [](const Arrays& a) { return softplus_stable(a[0]); }, {xs()}},
    {"custom_vjp_call", [](const Arrays& a) { return xsin(a[0], a[1]); }, {xs(), ys()}, true, "", 1e-6, 1e-5, {"rev"}},
    {"custom_vjp_lin",
     [](const Arrays& a) {
       return grad([](const Array& x, const Array& y) { return sum(xsin(x, y)); })(a[0], a[1]);
     },
     {xs(), ys()}, true, "", 1e-6, 1e-5, {"rev"}},
    {"checkpoint", [](const Arrays& a) { return remat_fn(a[0]); }, {xs()}},
    {"remat_lin",
     [](const Arrays& a) {
       return jvp([](const Array& x) { return remat_fn(x); }, std::tuple{a[0]}, std::tuple{ones_like(a[0])}).second;
     },
     {xs()}},
});

}  // namespace
}  // namespace xjax::test
