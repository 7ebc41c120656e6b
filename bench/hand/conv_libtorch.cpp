// The libtorch side of bench/conv.cpp: torch::conv2d forward, and forward + backward through
// autograd, as a C++ user of libtorch writes them (no bias, contiguous NCHW tensors).
#include "conv_libtorch.hpp"

#include <ATen/native/ConvUtils.h>
#include <torch/torch.h>

namespace torch_side {

void set_threads(int n) { torch::set_num_threads(n); }

void use_onednn(bool on) { at::globalContext().setUserEnabledMkldnn(on); }

std::string describe() {
  return std::string("libtorch ") + TORCH_VERSION + ", " + std::to_string(at::get_num_threads()) +
         " threads, oneDNN " + (at::hasMKLDNN() ? "built in" : "absent") +
         (at::globalContext().userEnabledMkldnn() ? " and enabled" : " but disabled");
}

struct Conv2d::Impl {
  torch::Tensor x, k, y, dx, dk, loss;
  std::int64_t pad;
};

namespace {
torch::Tensor copy_of(const void* data, const std::array<std::int64_t, 4>& shape, bool f64) {
  const auto dtype = f64 ? torch::kFloat64 : torch::kFloat32;
  return torch::from_blob(const_cast<void*>(data), {shape[0], shape[1], shape[2], shape[3]}, dtype).clone();
}
}  // namespace

Conv2d::Conv2d(const void* x, const std::array<std::int64_t, 4>& x_shape, const void* k,
               const std::array<std::int64_t, 4>& k_shape, std::int64_t pad, bool f64)
    : impl_(std::make_unique<Impl>()) {
  impl_->x = copy_of(x, x_shape, f64);
  impl_->k = copy_of(k, k_shape, f64);
  impl_->pad = pad;
}

Conv2d::~Conv2d() = default;

void Conv2d::forward() {
  torch::NoGradGuard no_grad;
  impl_->y = torch::conv2d(impl_->x, impl_->k, {}, 1, impl_->pad).contiguous();
}

void Conv2d::forward_backward() {
  Impl& m = *impl_;
  m.x.set_requires_grad(true);
  m.k.set_requires_grad(true);
  m.y = torch::conv2d(m.x, m.k, {}, 1, m.pad);
  m.loss = (m.y * m.y).sum();
  m.y = m.y.contiguous();
  auto grads = torch::autograd::grad({m.loss}, {m.x, m.k});
  m.dx = grads[0].contiguous();
  m.dk = grads[1].contiguous();
  m.x.set_requires_grad(false);
  m.k.set_requires_grad(false);
}

std::string Conv2d::backend() const {
  using B = at::native::ConvBackend;
  const std::int64_t p = impl_->pad;
  const B b = at::native::select_conv_backend(impl_->x, impl_->k, c10::nullopt, {1, 1}, {p, p}, {1, 1}, false,
                                              {0, 0}, 1);
  switch (b) {
    case B::Mkldnn:
      return "Mkldnn (oneDNN)";
    case B::Slow2d:
      return "Slow2d (im2col + BLAS gemm)";
    case B::NnpackSpatial:
      return "NnpackSpatial";
    case B::Xnnpack2d:
      return "Xnnpack2d";
    default:
      return "ConvBackend " + std::to_string(static_cast<int>(b));
  }
}

const void* Conv2d::y() const { return impl_->y.data_ptr(); }
const void* Conv2d::dx() const { return impl_->dx.data_ptr(); }
const void* Conv2d::dk() const { return impl_->dk.data_ptr(); }
double Conv2d::loss() const { return impl_->loss.item<double>(); }

}  // namespace torch_side
