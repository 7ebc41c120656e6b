// A first tour of xjax: arrays, numpy-style ops, and the jaxpr of a function.
#include <iostream>

#include <xjax/core.hpp>

namespace xj = xjax;

int main() {
  xj::Array x = xj::array({1.f, 2.f, 3.f});
  xj::Array y = xj::sin(x) * x + xj::exp(-(x * x));
  std::cout << "x = " << x << "\ny = sin(x) * x + exp(-x*x) = " << y << "\n";
  return 0;
}
