// expect: mark its position N with jit<N>(f)
#include <xjax/core.hpp>
int main() {
  auto f = xjax::jit([](const xjax::Array& x, double scale) { return x * scale; });
  f(xjax::array({1.0, 2.0}), 2.0);
}
