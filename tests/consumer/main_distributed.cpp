// Downstream smoke test of the installed component xjax::distributed: a collective over a named vmap
// axis (one process, no MPI run needed).
#include <xjax/distributed.hpp>

#include <iostream>

int main() {
    auto total = xjax::vmap([](const xjax::Array& v) { return xjax::distributed::psum(v, "i"); },
                            {.axis_name = "i"})(xjax::array({1.f, 2.f, 3.f}));
    const float v = total[0].item<float>();
    std::cout << "psum over a named vmap axis = " << v << '\n';
    return v == 6.f ? 0 : 1;
}
