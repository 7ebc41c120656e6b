// check_grads: JVPs against central finite differences, VJPs against JVPs, to any order.
#include <cmath>
#include <sstream>

#include "xjax/transforms.hpp"

namespace xjax {
namespace {

// Deterministic directions in [-1, 1], so a failure reproduces.
class Directions {
 public:
  Array like(const Array& x) {
    std::vector<double> v(static_cast<std::size_t>(x.size()));
    for (double& e : v) {
      state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
      e = static_cast<double>(state_ >> 11) / static_cast<double>(1ULL << 53) * 2 - 1;
    }
    return array(v, x.shape()).astype(x.dtype());
  }

 private:
  std::uint64_t state_ = 0x9e3779b97f4a7c15ULL;
};

struct Tolerance {
  double eps, rtol, atol;
};

std::vector<double> values(const Array& x) {
  Array d = x.astype(float64);
  const double* p = d.data<double>();
  return {p, p + d.size()};
}

void expect_close(const Array& got, const Array& want, const Tolerance& tol, const char* what, std::size_t out) {
  if (got.shape() != want.shape())
    throw TransformError("check_grads", what, ": output ", out, " has shape ", shape_str(got.shape()), " vs ",
                         shape_str(want.shape()));
  std::vector<double> a = values(got), b = values(want);
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) && std::isnan(b[i])) continue;
    if (a[i] == b[i] || std::abs(a[i] - b[i]) <= tol.atol + tol.rtol * std::abs(b[i])) continue;
    throw TransformError("check_grads", what, ": output ", out, " element ", i, " is ", a[i], ", expected ", b[i]);
  }
}

Array tangent_or_zero(const Tangent& t, const Array& like) { return t ? *t : zeros_like(like); }

void check_order(const FlatFn& f, const Arrays& args, int order, bool fwd, bool rev, const Tolerance& tol,
                 Directions& dirs) {
  Tangents v;
  for (const Array& x : args) v.push_back(is_inexact(x.dtype()) ? Tangent(dirs.like(x)) : std::nullopt);
  auto shifted = [&](double h) {
    Arrays r;
    for (std::size_t i = 0; i < args.size(); ++i) r.push_back(v[i] ? args[i] + *v[i] * h : args[i]);
    return f(r);
  };
  Arrays plus = shifted(tol.eps), minus = shifted(-tol.eps), ys = f(args);
  Arrays jv;  // J v: from the JVP in "fwd" mode (checked against differences), else the differences
  if (fwd) {
    Tangents ts = jvp_flat(f, args, v).second;
    for (std::size_t i = 0; i < ys.size(); ++i) {
      jv.push_back(tangent_or_zero(ts[i], ys[i]));
      if (is_inexact(ys[i].dtype()))
        expect_close(jv[i], (plus[i] - minus[i]) / (2 * tol.eps), tol, "JVP vs finite differences", i);
    }
  } else {
    for (std::size_t i = 0; i < ys.size(); ++i) jv.push_back((plus[i] - minus[i]) / (2 * tol.eps));
  }
  Tangents cts;
  for (const Array& y : ys) cts.push_back(is_inexact(y.dtype()) ? Tangent(dirs.like(y)) : std::nullopt);
  if (rev) {
    Arrays in_cts = vjp_flat(f, args).pullback(cts);
    double lhs = 0, rhs = 0;
    for (std::size_t i = 0; i < ys.size(); ++i)
      if (cts[i]) lhs += sum(*cts[i] * jv[i]).item<double>();
    for (std::size_t i = 0; i < args.size(); ++i)
      if (v[i]) rhs += sum(in_cts[i] * *v[i]).item<double>();
    if (std::abs(lhs - rhs) > tol.atol + tol.rtol * std::max(std::abs(lhs), std::abs(rhs)))
      throw TransformError("check_grads", "VJP does not match ", fwd ? "the JVP" : "finite differences",
                           ": <ct, J v> = ", lhs, " but <J^T ct, v> = ", rhs);
  }
  if (order <= 1) return;
  if (fwd) {
    FlatFn jvp_of_f = [&f, v](const Arrays& a) {
      auto [o, t] = jvp_flat(f, a, v);
      Arrays r;
      for (std::size_t i = 0; i < o.size(); ++i) r.push_back(tangent_or_zero(t[i], o[i]));
      return r;
    };
    check_order(jvp_of_f, args, order - 1, fwd, rev, tol, dirs);
  }
  if (rev) {
    FlatFn vjp_of_f = [&f, cts](const Arrays& a) { return vjp_flat(f, a).pullback(cts); };
    check_order(vjp_of_f, args, order - 1, fwd, rev, tol, dirs);
  }
}

}  // namespace

void check_grads_flat(const FlatFn& f, const Arrays& args, int order, const std::vector<std::string>& modes,
                      double eps, double rtol, double atol) {
  bool fwd = false, rev = false;
  for (const std::string& m : modes) {
    if (m == "fwd") fwd = true;
    else if (m == "rev") rev = true;
    else throw ValueError("check_grads", "unknown mode '", m, "' (expected \"fwd\" or \"rev\")");
  }
  if (order < 1) throw ValueError("check_grads", "order must be >= 1, got ", order);
  Arrays wide;
  for (const Array& a : args) wide.push_back(is_inexact(a.dtype()) ? a.astype(float64) : a);
  Directions dirs;
  check_order(f, wide, order, fwd, rev, {eps, rtol, atol}, dirs);
}

}  // namespace xjax
