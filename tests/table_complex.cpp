// Rule-table rows for the complex primitives, and for the complex kernels of real ones: real float64
// arguments in, a real value out, complex values in between, so finite differences, vmap and jit
// check the complex rules (JAX's transposes: no conjugation) end to end.
#include "table.hpp"
#include "xjax/transforms.hpp"

namespace xjax::test {
namespace {

Array re() { return array({{-1.2, 0.3, 2.5}, {0.8, -0.45, 1.7}}); }
Array im() { return array({{0.3, 0.7, 1.3}, {0.9, 0.45, 2.1}}); }  // > 0: away from log's branch cut
Array z(const Arrays& a) { return complex(a[0], a[1]); }
Array w(const Arrays& a) { return complex(a[1], a[0] * 0.5); }

PrimCase row(const char* prim, std::function<Array(const Arrays&)> f, const char* label = "complex") {
  return {prim, std::move(f), {re(), im()}, true, label};
}

// Square complex matrices for the linalg rows: m(a) = complex(a0, a1), diagonally dominant, so
// solves are well conditioned and eigen- and singular values are distinct.
Array mre() { return array({{1.2, -0.4, 0.7}, {0.3, 0.9, -0.6}, {-0.8, 0.5, 1.1}}); }
Array mim() { return array({{0.2, 0.6, -0.3}, {-0.7, 0.1, 0.4}, {0.5, -0.2, 0.3}}); }
Array m(const Arrays& a) { return complex(a[0], a[1]) + eye(3, std::nullopt, 0, float64) * 2.0; }
Array mH(const Array& x) { return conj(swapaxes(x, -1, -2)); }
Array parts(const Array& x) { return real(x) + imag(x) * 0.5; }  // both parts of a complex result
Array hermitian(const Array& x) { return matmul(x, mH(x)) + eye(3, std::nullopt, 0, float64); }

PrimCase matrix_row(const char* prim, std::function<Array(const Arrays&)> f, const char* label) {
  return {prim, std::move(f), {mre(), mim()}, true, label};
}
PrimCase tri_row(const char* label, linalg::TriangularSolveOptions o) {
  return matrix_row(
      "triangular_solve",
      [o](const Arrays& a) { return parts(linalg::triangular_solve(m(a), complex(a[1], a[0]), o)); }, label);
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
    matrix_row("cholesky", [](const Arrays& a) { return parts(linalg::cholesky(hermitian(m(a)))); }, "complex"),
    matrix_row("cholesky_tangent",
               [](const Arrays& a) {
                 auto f = [](const Arrays& x) -> Arrays { return {linalg::cholesky(x[0])}; };
                 return parts(*jvp_flat(f, {hermitian(m(a))}, {complex(a[1], a[0])}).second[0]);
               },
               "complex"),
    matrix_row("cholesky_cotangent",
               [](const Arrays& a) {
                 auto f = [](const Arrays& x) -> Arrays { return {linalg::cholesky(x[0])}; };
                 return parts(vjp_flat(f, {hermitian(m(a))}).pullback({complex(a[1], a[0])})[0]);
               },
               "complex"),
    matrix_row("cholesky_cotangent",
               [](const Arrays& a) {
                 auto f = [](const Arrays& x) -> Arrays { return {linalg::cholesky(x[0])}; };
                 Array c = diag(complex(square(diagonal(a[1])) + 0.5, diagonal(a[0])));
                 return parts(vjp_flat(f, {hermitian(m(a))}).pullback({c})[0]);
               },
               "complex diagonal"),
    matrix_row("solve", [](const Arrays& a) { return parts(linalg::solve(m(a), complex(a[1], a[0]))); }, "complex"),
    matrix_row("solve_factored",
               [](const Arrays& a) {
                 auto f = [](const Arrays& x) -> Arrays { return {linalg::solve(x[0], x[1])}; };
                 return parts(vjp_flat(f, {m(a), complex(a[1], a[0])}).pullback({complex(a[0], a[1])})[0]);
               },
               "complex"),
    tri_row("complex", {}),
    tri_row("complex upper right", {.left_side = false, .lower = false}),
    tri_row("complex a^T", {.transpose_a = true}),
    tri_row("complex conj(a)", {.lower = false, .conjugate_a = true}),
    tri_row("complex a^H right", {.left_side = false, .transpose_a = true, .conjugate_a = true}),
    matrix_row("lu", [](const Arrays& a) { return parts(linalg::lu(m(a)).lu); }, "complex"),
    matrix_row("eigh", [](const Arrays& a) { return linalg::eigvalsh(m(a)); }, "complex eigenvalues"),
    // |v|^2 and the spectral projectors do not depend on the eigenvectors' phases.
    matrix_row("eigh", [](const Arrays& a) { return square(abs(linalg::eigh(m(a)).eigenvectors)); }, "complex |v|"),
    matrix_row("eigh", [](const Arrays& a) {
      auto [w, v] = linalg::eigh(m(a));
      return parts(matmul(v * exp(w * 0.3), mH(v)));
    }, "complex projectors"),
    matrix_row("eig", [](const Arrays& a) { return parts(linalg::eigvals(m(a))); }, "complex eigenvalues"),
    matrix_row("eig", [](const Arrays& a) { return square(abs(linalg::eig(m(a), true).eigenvectors)); }, "complex |v|"),
    matrix_row("qr", [](const Arrays& a) { return parts(linalg::qr(m(a)).q) + parts(linalg::qr(m(a)).r); }, "complex square"),
    matrix_row("qr", [](const Arrays& a) {
      // The complement column's phase is a convention: its projector is not.
      auto [q, r] = linalg::qr(slice_in_dim(m(a), 0, 2, 1, 1), linalg::QrMode::complete);
      Array complement = slice_in_dim(q, 2, 3, 1, 1);
      return concatenate({parts(slice_in_dim(q, 0, 2, 1, 1)), parts(matmul(complement, mH(complement))), parts(r)}, 1);
    }, "complex tall complete"),
    matrix_row("qr", [](const Arrays& a) { return parts(linalg::qr(slice_in_dim(m(a), 0, 2, 1, 0)).r); }, "complex wide"),
    matrix_row("svd", [](const Arrays& a) { return linalg::svdvals(m(a)); }, "complex values"),
    matrix_row("svd", [](const Arrays& a) {
      auto [u, s, vh] = linalg::svd(m(a), false);
      return parts(matmul(u * square(s), vh)) + square(abs(u)) + square(abs(vh));
    }, "complex vectors"),
    matrix_row("svd", [](const Arrays& a) {
      auto [u, s, vh] = linalg::svd(slice_in_dim(m(a), 0, 2, 1, 1), true);
      Array uk = slice_in_dim(u, 0, 2, 1, 1), complement = slice_in_dim(u, 2, 3, 1, 1);
      return concatenate({parts(matmul(uk * sqrt(s), vh)), parts(matmul(complement, mH(complement)))}, 1);
    }, "complex tall full"),
    row("convert_element_type", [](const Arrays& a) { return imag(a[0].astype(complex128) * w(a)) + (z(a) * w(a)).astype(float64); }),
});

}  // namespace
}  // namespace xjax::test
