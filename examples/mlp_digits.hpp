// The digits MLP shared by mlp_digits.cpp and mlp_digits_distributed.cpp: the data set, the model,
// its loss, and one step of xjax::optim's Adam given the loss's value and gradient.
#pragma once
#include <zlib.h>

#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <xjax/core.hpp>
#include <xjax/optim.hpp>

namespace xj = xjax;
namespace xr = xjax::random;
using xj::Array;

struct Mlp {
  BOOST_HANA_DEFINE_STRUCT(Mlp, (Array, w1), (Array, b1), (Array, w2), (Array, b2));
};

// The optimizer's state (Adam's step count and moments, nested as optim::chain keeps them).
using Adam = xj::optim::State<Mlp>;

// Adam (Kingma and Ba, 2015) whose learning rate warms up over 50 steps to 5e-3 and then decays
// along a cosine to 1e-4 at step 660 (30 epochs of 22 minibatches).
inline const xj::optim::GradientTransformation& optimizer() {
  static const xj::optim::GradientTransformation adam =
      xj::optim::adam(xj::optim::warmup_cosine_decay_schedule(0.0, 5e-3, 50, 660, 1e-4));
  return adam;
}

// digits.csv.gz: 1797 lines of 64 pixels (0..16) and the label.
inline std::pair<Array, Array> load_digits(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + path);
  std::vector<float> pixels;
  std::vector<int> labels;
  char line[1024];
  while (gzgets(f, line, sizeof line)) {
    std::vector<int> v;
    for (char* p = line; *p && *p != '\n';) {
      v.push_back(static_cast<int>(std::strtol(p, &p, 10)));
      if (*p == ',') ++p;
    }
    if (v.size() != 65) throw std::runtime_error("bad line in " + path);
    for (int i = 0; i < 64; ++i) pixels.push_back(static_cast<float>(v[static_cast<std::size_t>(i)]) / 16.f);
    labels.push_back(v[64]);
  }
  gzclose(f);
  const auto n = static_cast<std::int64_t>(labels.size());
  return {xj::array(pixels, {n, 64}), xj::array(labels)};
}

inline Mlp init(const Array& key, std::int64_t hidden) {
  Array k = xr::split(key, 2);
  // He initialisation for the ReLU layer, Glorot-like for the output layer.
  return {xr::normal(k[0], {64, hidden}) * std::sqrt(2.0 / 64), xj::zeros({hidden}),
          xr::normal(k[1], {hidden, 10}) * std::sqrt(1.0 / static_cast<double>(hidden)), xj::zeros({10})};
}

inline Array logits(const Mlp& p, const Array& x) {
  return xj::matmul(xj::nn::relu(xj::matmul(x, p.w1) + p.b1), p.w2) + p.b2;
}

// Mean cross-entropy of integer labels.
inline Array loss(const Mlp& p, const Array& x, const Array& y) {
  Array logp = xj::nn::log_softmax(logits(p, x));
  return -xj::mean(xj::take_along_axis(logp, xj::expand_dims(y, 1), 1));
}

inline Array accuracy(const Mlp& p, const Array& x, const Array& y) {
  return xj::mean((xj::argmax(logits(p, x), 1) == y).astype(xj::float32));
}

inline Adam adam_init(const Mlp& p) { return optimizer().init(p); }

// One optimizer step given the loss and its gradient (the loss is passed through for reporting).
inline std::tuple<Mlp, Adam, Array> adam_step(const Mlp& p, const Adam& s, const Array& value, const Mlp& g) {
  auto [updates, next] = optimizer().update(g, s, p);
  return {xj::optim::apply_updates(p, updates), next, value};
}

// The training step of one process: the loss of a minibatch, its gradient, and the update.
inline std::tuple<Mlp, Adam, Array> train_step(const Mlp& p, const Adam& s, const Array& x, const Array& y) {
  auto [value, g] = xj::value_and_grad(loss)(p, x, y);
  return adam_step(p, s, value, g);
}
