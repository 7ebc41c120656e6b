// The matrix products of the W3 training step (MLP 784-512-512-10, tanh, softmax cross-entropy)
// at batch 64, 256 and 1024 on OpenBLAS's sgemm (what dot_general calls) and on oneDNN's matmul
// (AVX-512, AMX where the CPU has them), at one and two threads: which library to call per shape
// class. Each product is checked against the other library's result.
#include <cblas.h>
#include <omp.h>

#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "bench_util.hpp"

namespace {

// c[m, n] = op(a) op(b), row-major; op transposes a [k, m] or b [n, k].
struct Gemm {
  const char* name;
  int m, n, k;
  bool trans_a, trans_b;
};

std::vector<Gemm> step_gemms(int batch) {
  const int d0 = 784, d1 = 512, d2 = 512, d3 = 10;
  return {{"x w1 (forward)", batch, d1, d0, false, false},   {"h1 w2", batch, d2, d1, false, false},
          {"h2 w3", batch, d3, d2, false, false},            {"h2^T dz3 (grad w3)", d2, d3, batch, true, false},
          {"dz3 w3^T (grad h2)", batch, d2, d3, false, true}, {"h1^T dh2 (grad w2)", d1, d2, batch, true, false},
          {"dh2 w2^T (grad h1)", batch, d1, d2, false, true}, {"x^T dh1 (grad w1)", d0, d1, batch, true, false}};
}

std::vector<float> values(std::size_t n, unsigned seed) {
  std::vector<float> v(n);
  for (float& e : v) {
    seed = seed * 1664525u + 1013904223u;
    e = static_cast<float>(seed >> 8) / static_cast<float>(1u << 24) - 0.5f;
  }
  return v;
}

}  // namespace

int main() {
  bench::print_machine();
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  using tag = dnnl::memory::format_tag;
  using dt = dnnl::memory::data_type;
  for (int threads : {1, 2}) {
    openblas_set_num_threads(threads);
    omp_set_num_threads(threads);
    for (int batch : {64, 256, 1024}) {
      double total_blas = 0, total_dnnl = 0;
      for (const Gemm& g : step_gemms(batch)) {
        const std::vector<float> a = values(static_cast<std::size_t>(g.m) * g.k, 1), b = values(static_cast<std::size_t>(g.k) * g.n, 2);
        std::vector<float> c_blas(static_cast<std::size_t>(g.m) * g.n), c_dnnl(c_blas.size());
        const int lda = g.trans_a ? g.m : g.k, ldb = g.trans_b ? g.k : g.n;
        auto blas = bench::time_it(
            [&] {
              cblas_sgemm(CblasRowMajor, g.trans_a ? CblasTrans : CblasNoTrans, g.trans_b ? CblasTrans : CblasNoTrans, g.m,
                          g.n, g.k, 1.0f, a.data(), lda, b.data(), ldb, 0.0f, c_blas.data(), g.n);
              bench::keep(c_blas);
            },
            3, 30);
        // oneDNN: a transposed operand is the same memory described column-major (tag ba).
        dnnl::memory::desc a_md({g.m, g.k}, dt::f32, g.trans_a ? tag::ba : tag::ab);
        dnnl::memory::desc b_md({g.k, g.n}, dt::f32, g.trans_b ? tag::ba : tag::ab);
        dnnl::memory::desc c_md({g.m, g.n}, dt::f32, tag::ab);
        dnnl::matmul product(dnnl::matmul::primitive_desc(dnnl::matmul::desc(a_md, b_md, c_md), engine));  // made once, as a cache would
        dnnl::memory am(a_md, engine, const_cast<float*>(a.data())), bm(b_md, engine, const_cast<float*>(b.data())),
            cm(c_md, engine, c_dnnl.data());
        auto onednn = bench::time_it(
            [&] {
              product.execute(stream, {{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, bm}, {DNNL_ARG_DST, cm}});
              stream.wait();
              bench::keep(c_dnnl);
            },
            3, 30);
        double worst = 0;
        for (std::size_t i = 0; i < c_blas.size(); ++i) worst = std::max(worst, static_cast<double>(std::abs(c_blas[i] - c_dnnl[i])));
        total_blas += blas.median_ms;
        total_dnnl += onednn.median_ms;
        std::printf("threads=%d batch=%d %-20s m=%4d n=%4d k=%4d openblas_ms=%.4f onednn_ms=%.4f onednn/openblas=%.2f "
                    "max_abs_diff=%.1e\n",
                    threads, batch, g.name, g.m, g.n, g.k, blas.median_ms, onednn.median_ms,
                    onednn.median_ms / blas.median_ms, worst);
      }
      std::printf("threads=%d batch=%d all eight: openblas_ms=%.3f onednn_ms=%.3f onednn/openblas=%.2f\n", threads, batch,
                  total_blas, total_dnnl, total_dnnl / total_blas);
      std::fflush(stdout);
    }
  }
}
