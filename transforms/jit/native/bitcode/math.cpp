// Not part of the library: compiled by clang to LLVM bitcode once per instruction set (see
// CMakeLists.txt) and embedded. Each function applies one of the eager kernels' unary functors to
// one xsimd batch; the native tier links the ones a program uses into its code and inlines them, so
// generated code computes sin, exp, tanh, ... with the eager kernels' operations and bits.
#include "kernels/unary_math.hpp"

namespace xjax::kernels::XJAX_ISA {
namespace {
template <class F, class T>
inline void on_batch(const T* x, T* y) {
  F{}(Batch<T>::load_unaligned(x)).store_unaligned(y);
}
}  // namespace
}  // namespace xjax::kernels::XJAX_ISA

#define XJAX_EXPORT(name, F)                                                          \
  extern "C" void xjax_math_##name##_f32(const float* x, float* y) {                 \
    xjax::kernels::XJAX_ISA::on_batch<xjax::kernels::XJAX_ISA::F, float>(x, y);     \
  }                                                                                   \
  extern "C" void xjax_math_##name##_f64(const double* x, double* y) {               \
    xjax::kernels::XJAX_ISA::on_batch<xjax::kernels::XJAX_ISA::F, double>(x, y);    \
  }
XJAX_EXPORT(floor, Floor)
XJAX_EXPORT(ceil, Ceil)
XJAX_EXPORT(round, Round)
XJAX_EXPORT(exp, Exp)
XJAX_EXPORT(exp2, Exp2)
XJAX_EXPORT(log, Log)
XJAX_EXPORT(log1p, Log1p)
XJAX_EXPORT(expm1, Expm1)
XJAX_EXPORT(rsqrt, Rsqrt)
XJAX_EXPORT(cbrt, Cbrt)
XJAX_EXPORT(sin, Sin)
XJAX_EXPORT(cos, Cos)
XJAX_EXPORT(tan, Tan)
XJAX_EXPORT(asin, Asin)
XJAX_EXPORT(acos, Acos)
XJAX_EXPORT(atan, Atan)
XJAX_EXPORT(sinh, Sinh)
XJAX_EXPORT(cosh, Cosh)
XJAX_EXPORT(tanh, Tanh)
XJAX_EXPORT(asinh, Asinh)
XJAX_EXPORT(acosh, Acosh)
XJAX_EXPORT(atanh, Atanh)
XJAX_EXPORT(logistic, Logistic)
