// A first tour of xjax: arrays, numpy-style ops, grad, vmap, jit and the jaxpr of a function.
#include <iostream>

#include <xjax/core.hpp>

namespace xj = xjax;

int main() {
  xj::Array x = xj::array({1.f, 2.f, 3.f});
  auto f = [](const xj::Array& v) { return xj::sum(xj::sin(v) * v + xj::exp(-(v * v))); };

  std::cout << "x                 = " << x << "\n";
  std::cout << "f(x)              = " << f(x) << "   (sum(sin(x)*x + exp(-x*x)))\n";
  std::cout << "grad(f)(x)        = " << xj::grad(f)(x) << "\n";
  std::cout << "hessian(f)(x)     =\n" << xj::hessian(f)(x) << "\n";

  // Per-example gradients: vmap over the rows of X, no loop.
  xj::Array X = xj::linspace(-1.f, 1.f, 6).reshape({2, 3});
  std::cout << "vmap(grad(f))(X)  =\n" << xj::vmap(xj::grad(f))(X) << "\n";

  // jit traces once per input signature and runs a fused, compiled program afterwards.
  auto fast = xj::jit(f);
  std::cout << "jit(f)(x)         = " << fast(x) << "\n";
  std::cout << "\nThe jaxpr of f:\n" << xj::make_jaxpr(f)(x) << "\n";
  std::cout << "\nThe compiled program:\n" << fast.lower(x).as_text() << "\n";
  return 0;
}
