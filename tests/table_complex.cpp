// Rule-table rows for the complex primitives, and for the complex kernels of real ones: real float64
// arguments in, a real value out, complex values in between, so finite differences, vmap and jit
// check the complex rules (JAX's transposes: no conjugation) end to end.
#include "table.hpp"

namespace xjax::test {
namespace {

Array re() { return array({{-1.2, 0.3, 2.5}, {0.8, -0.45, 1.7}}); }
Array im() { return array({{0.3, 0.7, 1.3}, {0.9, 0.45, 2.1}}); }  // > 0: away from log's branch cut
Array z(const Arrays& a) { return complex(a[0], a[1]); }
Array w(const Arrays& a) { return complex(a[1], a[0] * 0.5); }

PrimCase row(const char* prim, std::function<Array(const Arrays&)> f, const char* label = "complex") {
  return {prim, std::move(f), {re(), im()}, true, label};
}

const bool registered = add_cases({
    row("complex", [](const Arrays& a) { return abs(z(a)); }, ""),
    row("real", [](const Arrays& a) { return real(z(a) * w(a)); }, ""),
    row("imag", [](const Arrays& a) { return imag(z(a) * w(a)); }, ""),
    row("conj", [](const Arrays& a) { return real(conj(z(a)) * w(a)) + imag(conj(w(a))); }, ""),
    row("abs", [](const Arrays& a) { return abs(z(a) * w(a)); }),
    row("add", [](const Arrays& a) { return imag(z(a) + w(a) * z(a)); }),
    row("sub", [](const Arrays& a) { return imag(z(a) - w(a) * z(a)); }),
    row("mul", [](const Arrays& a) { return real(z(a) * w(a)) + imag(z(a) * z(a)); }),
    row("div", [](const Arrays& a) { return real(z(a) / w(a)) + imag(w(a) / z(a)); }),
    row("neg", [](const Arrays& a) { return imag(-(z(a) * w(a))); }),
    row("integer_pow", [](const Arrays& a) { return real(integer_pow(z(a), 3)) + imag(integer_pow(z(a), -2)); }),
    row("pow", [](const Arrays& a) { return real(pow(z(a), w(a))); }),
    row("exp", [](const Arrays& a) { return imag(exp(z(a))); }),
    row("log", [](const Arrays& a) { return imag(log(z(a))) + real(log(w(a))); }),
    row("sqrt", [](const Arrays& a) { return real(sqrt(z(a))) * imag(sqrt(z(a))); }),
    row("sin", [](const Arrays& a) { return real(sin(z(a))) + imag(cos(z(a))); }),
    row("cos", [](const Arrays& a) { return real(cos(z(a) * 0.5)); }),
    row("tanh", [](const Arrays& a) { return imag(tanh(z(a) * 0.5)); }),
    row("reduce_sum", [](const Arrays& a) { return abs(sum(z(a) * w(a), 1)); }),
    row("reduce_prod", [](const Arrays& a) { return imag(prod(z(a), 0)); }),
    row("cumsum", [](const Arrays& a) { return real(cumsum(z(a) * w(a), 1)); }),
    row("dot_general", [](const Arrays& a) { return imag(matmul(z(a), transpose(w(a)))); }),
    row("transpose", [](const Arrays& a) { return imag(matmul(z(a), transpose(z(a)))); }),
    row("gather", [](const Arrays& a) { return real(take(z(a) * w(a), array({2, 0}), 1)); }),
    row("scatter_add", [](const Arrays& a) { return imag(z(a).at(array({1, 1})).add(w(a)[0])); }),
    row("select_n", [](const Arrays& a) { return real(where(a[0] > 0, z(a), w(a)) * z(a)); }),
    row("fft", [](const Arrays& a) { return real(fft::fft(z(a), 4)) + imag(fft::fft(w(a), 4)); }, "FFT"),
    row("fft", [](const Arrays& a) { return imag(fft::ifft(z(a) * w(a), std::nullopt, 0, "ortho")); }, "IFFT"),
    row("fft", [](const Arrays& a) { return abs(fft::rfft(a[0] * a[1])); }, "RFFT"),
    row("fft", [](const Arrays& a) { return fft::irfft(z(a), 4); }, "IRFFT even"),
    row("fft", [](const Arrays& a) { return fft::irfft(z(a), 5, 0); }, "IRFFT odd"),
    row("fft", [](const Arrays& a) { return real(fft::fftn(z(a) * w(a))) + fft::irfftn(fft::rfftn(a[0]), Shape{2, 3}); },
        "n-d"),
    row("convert_element_type", [](const Arrays& a) { return imag(a[0].astype(complex128) * w(a)) + (z(a) * w(a)).astype(float64); }),
});

}  // namespace
}  // namespace xjax::test
