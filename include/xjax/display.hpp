// Rich output for notebooks: a value's representations by mime type, xj::display(value), Graphviz
// graphs of programs and a minimal line plot. In xjax-kernel, display shows the value in the
// notebook; elsewhere it prints its text to std::cout. Where xeus-cling's JSON library is already
// included (xeus-cling), `mime_bundle_repr` overloads make the same values display there.
#pragma once
#include <functional>
#include <map>
#include <ostream>
#include <sstream>
#include <string>
#include <type_traits>

#include "xjax/array.hpp"
#include "xjax/ir.hpp"

namespace xjax {

// Representations of one value by mime type: "text/plain" always, "text/html", "image/svg+xml".
using MimeBundle = std::map<std::string, std::string>;

// An array: numpy's str as text, and an HTML table (a summary of the corners for big arrays).
MimeBundle mime_bundle(const Array& x);
// A program as text (make_jaxpr's result).
MimeBundle mime_bundle(const ClosedJaxpr& j);

// A Graphviz graph: SVG when Graphviz's `dot` is installed, else its text.
struct Graph {
  std::string dot;
};
inline Graph graph(const ClosedJaxpr& j) { return {to_dot(j)}; }  // display(graph(make_jaxpr(f)(x)))
MimeBundle mime_bundle(const Graph& g);

namespace plot {

// An SVG figure.
struct Figure {
  std::string svg;
};
struct LineOptions {
  std::string title, xlabel, ylabel;
  bool log_y = false;  // a logarithmic y axis (positive values only), for loss curves
  int width = 560, height = 320;
};
// ys against xs (1-D, equal lengths, any real dtype); NaN and infinite points are skipped. A
// ValueError names a wrong rank, lengths that differ or log_y with a value <= 0.
Figure line(const Array& xs, const Array& ys, const LineOptions& options = {});
Figure line(const Array& ys, const LineOptions& options = {});  // against 0, 1, ..., n - 1
MimeBundle mime_bundle(const Figure& f);

}  // namespace plot

// Shows a bundle: through the display hook (xjax-kernel sets one), else its text/plain on std::cout.
void display(const MimeBundle& bundle);

// Shows a value: its mime_bundle (found by argument-dependent lookup), else its operator<< text.
template <class T>
void display(const T& value) {
  if constexpr (requires { mime_bundle(value); }) {
    display(MimeBundle(mime_bundle(value)));
  } else if constexpr (requires(std::ostream& os) { os << value; }) {
    std::ostringstream text;
    text << value;
    display(MimeBundle{{"text/plain", text.str()}});
  } else {
    static_assert(!sizeof(T*), "xj::display: give the type a mime_bundle(const T&) overload or an operator<<");
  }
}

// The function display() sends bundles to (none: print); returns the previous one.
using DisplayHook = std::function<void(const MimeBundle&)>;
DisplayHook set_display_hook(DisplayHook hook);

}  // namespace xjax

#ifdef NLOHMANN_JSON_VERSION_MAJOR  // xeus-cling's convention, where its JSON library is in use
namespace xjax {
inline nlohmann::json mime_bundle_json(const MimeBundle& b) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [type, content] : b) out[type] = content;
  return out;
}
inline nlohmann::json mime_bundle_repr(const Array& x) { return mime_bundle_json(mime_bundle(x)); }
inline nlohmann::json mime_bundle_repr(const ClosedJaxpr& j) { return mime_bundle_json(mime_bundle(j)); }
inline nlohmann::json mime_bundle_repr(const Graph& g) { return mime_bundle_json(mime_bundle(g)); }
namespace plot {
inline nlohmann::json mime_bundle_repr(const Figure& f) { return mime_bundle_json(mime_bundle(f)); }
}  // namespace plot
}  // namespace xjax
#endif
