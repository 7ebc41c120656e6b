// expect: jacrev<1>(f) differentiates argument 1
#include <xjax/core.hpp>
int main() {
  auto j = xjax::jacrev([](const xjax::Array& x, const xjax::Array& y) { return x * y; }, 1);
  (void)j;
}
