// Shared by the examples: the command line (--csv DIR), CSV output, the data directory and the final check.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <string>

namespace example {

struct Options {
  std::string csv_dir;  // when set, curves and results are written there as CSV files
  std::string file;     // the one positional argument, for examples that take an input file
};

inline Options parse_options(int argc, char** argv, bool takes_file = false) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--csv") == 0 && i + 1 < argc) {
      o.csv_dir = argv[++i];
    } else if (takes_file && argv[i][0] != '-' && o.file.empty()) {
      o.file = argv[i];
    } else {
      std::fprintf(stderr, "usage: %s [--csv DIR]%s\n", argv[0], takes_file ? " [FILE]" : "");
      std::exit(2);
    }
  }
  return o;
}

// A CSV file in options.csv_dir, or nothing at all when no directory was given.
class Csv {
 public:
  Csv(const Options& o, const std::string& name, const char* header) {
    if (o.csv_dir.empty()) return;
    path_ = o.csv_dir + "/" + name;
    out_.open(path_);
    if (!out_) {
      std::fprintf(stderr, "cannot write %s\n", path_.c_str());
      std::exit(2);
    }
    out_ << header << '\n';
  }
  ~Csv() {
    if (out_.is_open()) std::printf("wrote %s\n", path_.c_str());
  }
  void row(std::initializer_list<double> values) {
    if (!out_.is_open()) return;
    const char* sep = "";
    for (double v : values) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.9g", v);
      out_ << sep << buf;
      sep = ",";
    }
    out_ << '\n';
  }

 private:
  std::string path_;
  std::ofstream out_;
};

// Data files shipped in examples/data, found through the source directory the build was made from.
inline std::string data_path(const char* file) { return std::string(XJAX_EXAMPLES_DATA_DIR) + "/" + file; }

// The exit status of the example's final check (the test suite runs every example): prints it and
// returns 0 when it holds.
inline int report(bool ok, const char* what) {
  std::printf("%s: %s\n", ok ? "OK" : "FAILED", what);
  return ok ? 0 : 1;
}

}  // namespace example
