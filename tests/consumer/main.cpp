// Downstream smoke test: built against an *installed* xjax via find_package(xjax).
#include <xjax/core.hpp>

#include <iostream>

int main() {
    auto x = xjax::array({1.f, 2.f, 3.f});
    auto y = xjax::sum(x * x);
    const float v = y.item<float>();
    std::cout << "sum(x * x) = " << v << '\n';
    return v == 14.f ? 0 : 1;
}
