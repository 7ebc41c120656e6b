// plot::line (xjax/display.hpp): a line plot as a small self-contained SVG (axes, "nice" ticks,
// labels), enough to watch a loss curve in a notebook.
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

#include "xjax/display.hpp"
#include "xjax/errors.hpp"
#include "xjax/ops.hpp"

namespace xjax::plot {

namespace {

std::vector<double> values_of(const Array& a, const char* name) {
  if (a.ndim() != 1) throw ValueError("plot.line", name, " must be 1-D, got ", a.aval());
  if (!is_floating(a.dtype()) && a.dtype() != int32 && a.dtype() != int64 && a.dtype() != uint32)
    throw DTypeError("plot.line", name, " must be real numbers, got ", a.aval());
  const Array d = a.astype(float64);
  const double* p = d.data<double>();
  return {p, p + d.size()};
}

// About five round tick values covering [lo, hi].
std::vector<double> ticks(double lo, double hi) {
  const double span = hi - lo, raw = span / 5;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double step = raw / magnitude < 1.5 ? magnitude : raw / magnitude < 3.5 ? 2 * magnitude : raw / magnitude < 7.5 ? 5 * magnitude : 10 * magnitude;
  std::vector<double> out;
  for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push_back(std::abs(t) < step * 1e-9 ? 0 : t);
  return out;
}

std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", v);
  return buffer;
}

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : std::string(1, c);
  return out;
}

}  // namespace

Figure line(const Array& xs, const Array& ys, const LineOptions& o) {
  std::vector<double> x = values_of(xs, "xs"), y = values_of(ys, "ys");
  if (x.size() != y.size()) throw ValueError("plot.line", "xs has ", x.size(), " points but ys has ", y.size());
  if (o.width < 100 || o.height < 80) throw ValueError("plot.line", "a figure of ", o.width, "x", o.height, " is too small");
  std::vector<std::pair<double, double>> points;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (o.log_y && y[i] <= 0) throw ValueError("plot.line", "log_y needs positive values, ys[", i, "] = ", y[i]);
    double v = o.log_y ? std::log10(y[i]) : y[i];
    if (std::isfinite(x[i]) && std::isfinite(v)) points.push_back({x[i], v});
  }
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  if (!points.empty()) {
    x0 = x1 = points[0].first;
    y0 = y1 = points[0].second;
    for (const auto& [px, py] : points) {
      x0 = std::min(x0, px), x1 = std::max(x1, px);
      y0 = std::min(y0, py), y1 = std::max(y1, py);
    }
  }
  if (x1 == x0) x0 -= 0.5, x1 += 0.5;
  if (y1 == y0) y0 -= 0.5, y1 += 0.5;
  const double left = 64, right = 16, top = o.title.empty() ? 16 : 34, bottom = o.xlabel.empty() ? 36 : 52;
  const double w = o.width - left - right, h = o.height - top - bottom;
  auto sx = [&](double v) { return left + (v - x0) / (x1 - x0) * w; };
  auto sy = [&](double v) { return top + (1 - (v - y0) / (y1 - y0)) * h; };

  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(o.width) + "\" height=\"" +
                    std::to_string(o.height) + "\" font-family=\"sans-serif\" font-size=\"11\">";
  svg += "<rect x=\"" + number(left) + "\" y=\"" + number(top) + "\" width=\"" + number(w) + "\" height=\"" + number(h) +
         "\" fill=\"none\" stroke=\"#888\"/>";
  for (double t : ticks(x0, x1))
    svg += "<line x1=\"" + number(sx(t)) + "\" x2=\"" + number(sx(t)) + "\" y1=\"" + number(top + h) + "\" y2=\"" +
           number(top + h + 4) + "\" stroke=\"#888\"/><text x=\"" + number(sx(t)) + "\" y=\"" + number(top + h + 16) +
           "\" text-anchor=\"middle\">" + number(t) + "</text>";
  for (double t : ticks(y0, y1))
    svg += "<line x1=\"" + number(left - 4) + "\" x2=\"" + number(left) + "\" y1=\"" + number(sy(t)) + "\" y2=\"" +
           number(sy(t)) + "\" stroke=\"#888\"/><text x=\"" + number(left - 6) + "\" y=\"" + number(sy(t) + 4) +
           "\" text-anchor=\"end\">" + (o.log_y ? "1e" + number(t) : number(t)) + "</text>";
  std::string path;
  for (const auto& [px, py] : points) {
    if (!path.empty()) path += ' ';
    path += number(sx(px));
    path += ',';
    path += number(sy(py));
  }
  svg += "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"" + path + "\"/>";
  if (!o.title.empty())
    svg += "<text x=\"" + number(left + w / 2) + "\" y=\"20\" text-anchor=\"middle\" font-size=\"13\">" + escape(o.title) + "</text>";
  if (!o.xlabel.empty())
    svg += "<text x=\"" + number(left + w / 2) + "\" y=\"" + number(o.height - 8) + "\" text-anchor=\"middle\">" +
           escape(o.xlabel) + "</text>";
  if (!o.ylabel.empty())
    svg += "<text transform=\"translate(14," + number(top + h / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
           escape(o.ylabel) + "</text>";
  return {svg + "</svg>"};
}

Figure line(const Array& ys, const LineOptions& o) {
  return line(arange(static_cast<double>(ys.ndim() == 1 ? ys.shape()[0] : 0)), ys, o);
}

MimeBundle mime_bundle(const Figure& f) {
  return {{"image/svg+xml", f.svg}, {"text/plain", "<figure>"}};
}

}  // namespace xjax::plot
