// Rich output (xjax/display.hpp): mime bundles of arrays, programs and graphs, and display().
#include "xjax/display.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <vector>

namespace xjax {

namespace {

std::string escape_html(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Arrays up to this many elements are shown whole (numpy's print threshold); bigger ones show this
// many rows and columns at each edge.
constexpr std::int64_t whole_threshold = 1000;
constexpr std::int64_t edge = 3;

std::vector<std::int64_t> shown(std::int64_t n, bool summarise) {
  std::vector<std::int64_t> out;
  if (!summarise || n <= 2 * edge) {
    for (std::int64_t i = 0; i < n; ++i) out.push_back(i);
    return out;
  }
  for (std::int64_t i = 0; i < edge; ++i) out.push_back(i);
  out.push_back(-1);  // the gap
  for (std::int64_t i = n - edge; i < n; ++i) out.push_back(i);
  return out;
}

std::string element_text(const Array& scalar) {
  std::ostringstream s;
  s << scalar;
  return s.str();
}

std::string array_html(const Array& x) {
  std::ostringstream caption;
  caption << x.aval();
  const std::string type = "<span style=\"color:#666\">" + escape_html(caption.str()) + "</span>";
  if (x.ndim() > 2 || x.ndim() == 0) return "<pre>" + escape_html(element_text(x)) + "</pre>" + type;
  const bool summarise = x.size() > whole_threshold;
  const Array m = x.ndim() == 1 ? x.reshape({1, x.shape()[0]}) : x;
  std::string html = "<table style=\"font-family:monospace;text-align:right\">";
  for (std::int64_t r : shown(m.shape()[0], summarise)) {
    html += "<tr>";
    if (x.ndim() == 2) html += "<th style=\"color:#999\">" + (r < 0 ? std::string("&#8942;") : std::to_string(r)) + "</th>";
    for (std::int64_t c : shown(m.shape()[1], summarise)) {
      if (r < 0) html += c < 0 ? "<td>&#8945;</td>" : "<td>&#8942;</td>";
      else if (c < 0) html += "<td>&#8943;</td>";
      else html += "<td>" + escape_html(element_text(m[r][c])) + "</td>";
    }
    html += "</tr>";
  }
  return html + "</table>" + type;
}

std::mutex hook_mu;
std::shared_ptr<const DisplayHook> display_hook;

}  // namespace

MimeBundle mime_bundle(const Array& x) {
  std::ostringstream text;
  text << x;
  return {{"text/plain", text.str()}, {"text/html", array_html(x)}};
}

MimeBundle mime_bundle(const ClosedJaxpr& j) { return {{"text/plain", to_string(j)}}; }

// `dot -Tsvg` on a temporary file; the graph's text when Graphviz is missing or fails.
MimeBundle mime_bundle(const Graph& g) {
  char path[] = "/tmp/xjax_graph_XXXXXX";
  int fd = ::mkstemp(path);
  std::string svg;
  if (fd >= 0) {
    ::close(fd);
    std::ofstream(path) << g.dot;
    const std::string command = "dot -Tsvg '" + std::string(path) + "' 2>/dev/null";
    if (FILE* pipe = ::popen(command.c_str(), "r")) {
      char buffer[4096];
      for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) svg.append(buffer, n);
      if (::pclose(pipe) != 0) svg.clear();
    }
    std::remove(path);
  }
  MimeBundle b{{"text/plain", g.dot}};
  if (svg.find("<svg") != std::string::npos) b["image/svg+xml"] = svg.substr(svg.find("<svg"));
  return b;
}

void display(const MimeBundle& bundle) {
  std::shared_ptr<const DisplayHook> hook;
  {
    std::lock_guard lock(hook_mu);
    hook = display_hook;
  }
  if (hook) return (*hook)(bundle);
  if (bundle.empty()) return;
  auto text = bundle.find("text/plain");
  std::cout << (text == bundle.end() ? std::string("<") + bundle.begin()->first + ">" : text->second) << '\n';
}

DisplayHook set_display_hook(DisplayHook hook) {
  auto next = hook ? std::make_shared<const DisplayHook>(std::move(hook)) : nullptr;
  std::lock_guard lock(hook_mu);
  std::shared_ptr<const DisplayHook> previous = std::exchange(display_hook, std::move(next));
  return previous ? *previous : DisplayHook();
}

}  // namespace xjax
