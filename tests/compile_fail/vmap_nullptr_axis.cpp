// expect: an unmapped in_axes entry is std::nullopt (JAX's None), not nullptr
#include <xjax/core.hpp>
int main() {
  auto f = xjax::vmap([](const xjax::Array& x, const xjax::Array& y) { return x * y; }, {0, nullptr});
  (void)f;
}
