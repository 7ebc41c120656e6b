// Nonlinear least squares by Levenberg-Marquardt: fits y = a exp(-b t) + c to the points of a text
// file (examples/data/decay.txt by default, or the file given) with xjax::optimize::least_squares
// (the Jacobian of the residuals from forward-mode autodiff). Reports the parameters, their
// standard errors and the residual.
//   levenberg_marquardt [--csv DIR] [FILE]             fit FILE's "t y" lines ('#' starts a comment)
//   levenberg_marquardt --generate                      print the shipped data set, from its recipe
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <xjax/core.hpp>
#include <xjax/optimize.hpp>

#include "common.hpp"

namespace xj = xjax;
namespace xr = xjax::random;
namespace la = xjax::linalg;
using xj::Array;

Array model(const Array& p, const Array& t) { return p[0] * xj::exp(-p[1] * t) + p[2]; }

// The recipe of decay.txt: a = 2.5, b = 1.3, c = 0.4 at t = 0, 0.1, ..., 5, plus Gaussian noise of
// standard deviation 0.03 drawn by xjax::random from key 2024; values written with 6 decimals.
void generate() {
  Array t = xj::linspace(0.0, 5.0, 51, true, xj::float64);
  Array y = model(xj::array({2.5, 1.3, 0.4}), t) + 0.03 * xr::normal(xr::key(2024), {51}, xj::float64);
  std::printf("# y = a exp(-b t) + c with a = 2.5, b = 1.3, c = 0.4 at t = 0, 0.1, ..., 5, plus Gaussian noise\n"
              "# of standard deviation 0.03: xjax::random::normal(xjax::random::key(2024), {51}, float64).\n"
              "# Written by `levenberg_marquardt --generate > decay.txt`.\n# t y\n");
  for (std::int64_t i = 0; i < 51; ++i) std::printf("%.6f %.6f\n", t[i].item<double>(), y[i].item<double>());
}

std::pair<Array, Array> read_points(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::vector<double> ts, ys;
  for (std::string line; std::getline(in, line);) {
    line = line.substr(0, line.find('#'));
    std::istringstream fields(line);
    double t, y;
    if (fields >> t >> y) ts.push_back(t), ys.push_back(y);
    else if (line.find_first_not_of(" \t\r") != std::string::npos) throw std::runtime_error("bad line: " + line);
  }
  return {xj::array(ts), xj::array(ys)};
}

double value(const Array& a) { return a.item<double>(); }

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "--generate") == 0) return generate(), 0;
  example::Options opt = example::parse_options(argc, argv, true);
  const std::string shipped = example::data_path("decay.txt"), file = opt.file.empty() ? shipped : opt.file;

  auto [t, y] = read_points(file);
  const std::int64_t m = t.shape()[0];
  std::printf("%lld points from %s\n", static_cast<long long>(m), file.c_str());
  auto residual = [t = t, y = y](const Array& p) { return model(p, t) - y; };

  // xjax::optimize::least_squares: Levenberg-Marquardt with Marquardt's scaled damping, solving
  // (J^T J + lambda diag(J^T J)) step = -J^T r with J from forward-mode autodiff, plus a geodesic
  // acceleration term; the whole loop is one while_loop, compiled here by jit.
  auto solve = xj::jit([&](const Array& p0) { return xj::optimize::least_squares(residual, p0); });
  const xj::optimize::LeastSquaresResult result = solve(xj::array({1.0, 0.1, 0.0}));
  const Array p = result.x;
  const double cost = value(result.cost);
  std::printf("Levenberg-Marquardt: %d iterations, status %d, cost %.6f\n", result.nit.item<std::int32_t>(),
              result.status.item<std::int32_t>(), cost);

  // Standard errors from the covariance s^2 (J^T J)^-1, s^2 = |r|^2 / (m - 3).
  const Array& jac = result.jac;
  const double s2 = 2 * cost / static_cast<double>(m - 3);
  Array se = xj::sqrt(s2 * xj::diagonal(la::inv(xj::matmul(jac.T(), jac))));
  const double truth[3] = {2.5, 1.3, 0.4};
  const char* names[3] = {"a", "b", "c"};
  std::printf("\nfit: y = a exp(-b t) + c\n");
  bool ok = result.success.item<bool>();
  const bool ours = file == shipped;  // other data: no known answer to compare with
  for (int i = 0; i < 3; ++i) {
    std::printf("  %s = %.5f +- %.5f", names[i], value(p[i]), value(se[i]));
    if (ours) std::printf("   (the data were made with %s = %.1f)", names[i], truth[i]);
    std::printf("\n");
    ok = ok && std::abs(value(p[i]) - truth[i]) < 4 * value(se[i]);
  }
  std::printf("residual: |r| = %.5f, rms %.5f%s\n", std::sqrt(2 * cost), std::sqrt(2 * cost / static_cast<double>(m)),
              ours ? " (the noise added had standard deviation 0.03)" : "");
  example::Csv csv(opt, "levenberg_marquardt.csv", "t,y,fit");
  Array fit = model(p, t);
  for (std::int64_t i = 0; i < m; ++i) csv.row({value(t[i]), value(y[i]), value(fit[i])});
  if (!ours) return 0;
  return example::report(ok, "parameters within 4 standard errors of the values the data were made with");
}
