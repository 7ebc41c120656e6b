// xjax-run: runs an exported program on .npy inputs, or prints its signature and program.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "xjax/export.hpp"
#include "xjax/interop.hpp"

namespace xjax::tools {

namespace {

constexpr const char* usage =
    "usage: xjax-run MODEL.xjx [IN0.npy IN1.npy ...] [--out DIR]  |  xjax-run --info MODEL.xjx";

// Failures of the command line itself (exit status 2), as opposed to failures of a run (1).
struct UsageError {
  std::string message;
};

std::string read_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw IOError("xjax-run", "cannot open '", path, "': no such file");
  if (std::filesystem::is_directory(path, ec)) throw IOError("xjax-run", "'", path, "' is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IOError("xjax-run", "cannot open '", path, "'");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw IOError("xjax-run", "error reading '", path, "'");
  return bytes;
}

Exported load_model(const std::string& path) {
  try {
    return deserialize(read_file(path));
  } catch (const DeserializeError& e) {
    // Name the file: deserialize itself only sees bytes.
    throw IOError("xjax-run", path, ": ", e.what());
  }
}

void print_signature(std::ostream& out, const Exported& e) {
  out << "format version " << e.format_version() << ", platform " << e.platform() << "\n";
  out << "inputs " << e.in_tree() << ":";
  for (const ShapedArray& a : e.in_avals()) out << ' ' << a;
  out << "\noutputs " << e.out_tree() << ":";
  for (const ShapedArray& a : e.out_avals()) out << ' ' << a;
  out << "\nprogram:\n" << e.jaxpr() << "\n";
}

int run(const std::vector<std::string>& args, std::ostream& out) {
  bool info = false;
  std::string model, out_dir = ".";
  std::vector<std::string> inputs;
  bool have_out = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      out << usage << "\n";
      return 0;
    } else if (a == "--info") {
      info = true;
    } else if (a == "--out") {
      if (i + 1 >= args.size()) throw UsageError{"--out needs a directory"};
      out_dir = args[++i];
      have_out = true;
    } else if (a.size() > 1 && a[0] == '-' && a.rfind("--", 0) == 0) {
      throw UsageError{"unknown option '" + a + "'"};
    } else if (model.empty()) {
      model = a;
    } else {
      inputs.push_back(a);
    }
  }
  if (model.empty()) throw UsageError{"no model file given"};
  if (info) {
    if (!inputs.empty() || have_out) throw UsageError{"--info takes only the model file"};
    print_signature(out, load_model(model));
    return 0;
  }
  Exported e = load_model(model);
  if (inputs.size() != e.in_avals().size())
    throw ValueError("xjax-run", model, " takes ", e.in_avals().size(), " inputs, got ", inputs.size(), " .npy files");
  Arrays in;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    Array x = load(inputs[i]);
    const ShapedArray& want = e.in_avals()[i];
    if (x.shape() != want.shape)
      throw ShapeError("xjax-run", "input ", i, " (", inputs[i], ") must be ", want, ", got ", x.aval());
    if (x.dtype() != want.dtype)
      throw DTypeError("xjax-run", "input ", i, " (", inputs[i], ") must be ", want, ", got ", x.aval());
    in.push_back(x);
  }
  Arrays res = e.call_leaves(in);
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (!std::filesystem::is_directory(out_dir, ec))
    throw IOError("xjax-run", "cannot create the output directory '", out_dir, "'");
  for (std::size_t i = 0; i < res.size(); ++i)
    save((std::filesystem::path(out_dir) / ("out_" + std::to_string(i) + ".npy")).string(), res[i]);
  return 0;
}

// One line, whatever the message holds.
std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

}  // namespace

int run_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  try {
    return run(args, out);
  } catch (const UsageError& e) {
    err << "xjax-run: " << one_line(e.message) << " (" << usage << ")\n";
    return 2;
  } catch (const std::exception& e) {
    err << "xjax-run: error: " << one_line(e.what()) << "\n";
    return 1;
  }
}

}  // namespace xjax::tools
