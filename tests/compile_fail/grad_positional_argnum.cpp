// expect: grad<1>(f) differentiates argument 1
#include <xjax/core.hpp>
int main() {
  auto g = xjax::grad([](const xjax::Array& x, const xjax::Array& y) { return xjax::sum(x * y); }, 1);
  (void)g;
}
