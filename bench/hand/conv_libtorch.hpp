// libtorch's conv2d behind a plain C++ interface, so bench/conv.cpp needs no libtorch headers
// (bench/hand/conv_libtorch.cpp is the only file that includes them).
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>

namespace torch_side {

void set_threads(int n);  // torch::set_num_threads
std::string describe();   // version, thread count and oneDNN's state, one line

// torch::conv2d on copies of x [n, c, h, w] and k [o, c, kh, kw] (float32, or float64 when `f64`),
// stride 1, `pad` zeros on every side, no bias.
class Conv2d {
 public:
  Conv2d(const void* x, const std::array<std::int64_t, 4>& x_shape, const void* k,
         const std::array<std::int64_t, 4>& k_shape, std::int64_t pad, bool f64);
  ~Conv2d();
  void forward();           // y = conv2d(x, k)
  void forward_backward();  // y, loss = sum(y * y), dx and dk of the loss (torch::autograd::grad)
  std::string backend() const;  // the implementation ATen picks for these operands (Mkldnn, Slow2d, ...)
  // Contiguous results of the last call, in the dtype of the operands.
  const void* y() const;
  const void* dx() const;
  const void* dk() const;
  double loss() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Whether ATen may use oneDNN (at::globalContext().setUserEnabledMkldnn); on by default.
void use_onednn(bool on);

}  // namespace torch_side
