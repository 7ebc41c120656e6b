// Helpers of the tests that check xjax against numpy's and jax's values: golden literals (written by
// the scripts/make_*_golden.py scripts through scripts/golden_cpp.py), numpy-written fixture files
// and typed errors.
#pragma once
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "testing.hpp"
#include "xjax/core.hpp"

namespace xjax::test {

// The names the generated literals use for NaN and infinity.
inline constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kInf = std::numeric_limits<double>::infinity();

// One golden array: its shape and its row-major values as doubles.
struct Golden {
  Shape shape;
  std::vector<double> data;
};
using GoldenTable = std::map<std::string, Golden>;

// The entry `name` of table; a missing entry fails the test and names it.
inline const Golden& golden_entry(const GoldenTable& table, const std::string& name) {
  auto it = table.find(name);
  REQUIRE_MESSAGE(it != table.end(), "no golden entry ", name);
  return it->second;
}

// A golden entry as an array of dtype d (an input of the function under test).
inline Array golden_array(const Golden& g, DType d = float64) { return array(g.data, g.shape).astype(d); }

// What check_close's rtol is relative to.
enum class Scale {
  plus_one,      // |want| + 1 per element: relative for large values, absolute near zero
  at_least_one,  // max(|want|, 1) per element
  largest,       // the largest finite |want| of the entry: for values that span many magnitudes
};

// got has want's shape and each value lies within rtol * scale of want's (rtol 0: equal). A NaN must
// meet a NaN and an infinity the same infinity.
inline void check_close(const Array& got, const Golden& want, double rtol, Scale scale = Scale::plus_one) {
  REQUIRE(got.shape() == want.shape);
  std::vector<double> g = values(got);
  double largest = 0;
  for (double w : want.data)
    if (std::isfinite(w)) largest = std::max(largest, std::abs(w));
  for (std::size_t i = 0; i < g.size(); ++i) {
    CAPTURE(i);
    const double w = want.data[i];
    if (std::isnan(w)) {
      CHECK(std::isnan(g[i]));
    } else if (std::isinf(w) || rtol == 0) {
      CHECK(g[i] == w);
    } else {
      const double s = scale == Scale::largest        ? std::max(largest, 1e-300)
                       : scale == Scale::at_least_one ? std::max(std::abs(w), 1.0)
                                                      : std::abs(w) + 1;
      CHECK(std::abs(g[i] - w) <= rtol * s);
    }
  }
}
inline void check_equal(const Array& got, const Golden& want) { check_close(got, want, 0); }

// got has want's shape and dtype, and values close to want's (check_close).
inline void check_same(const Array& got, const Array& want, double rtol = 1e-12, Scale scale = Scale::plus_one) {
  REQUIRE(got.shape() == want.shape());
  CHECK(got.dtype() == want.dtype());
  check_close(got, Golden{want.shape(), values(want)}, rtol, scale);
}
// got has want's shape, dtype and values, compared in their own dtype (NaN equal to NaN, -0 to 0).
inline void check_equal(const Array& got, const Array& want) {
  REQUIRE(got.shape() == want.shape());
  CHECK(got.dtype() == want.dtype());
  CHECK(array_equal(got, want, true).item<bool>());
}

// The op named by the xjax::Error that f throws, or "no error".
template <class F>
std::string op_of(F f) {
  try {
    f();
  } catch (const Error& err) {
    return err.op();
  }
  return "no error";
}

// The path of a numpy-written file under tests/data.
inline std::string fixture(const std::string& name) { return std::string(XJAX_TEST_DATA_DIR) + "/" + name; }

// A scratch directory for the files a test writes, removed with this object.
struct Scratch {
  std::filesystem::path dir;
  explicit Scratch(const std::string& tag) {
    dir = std::filesystem::temp_directory_path() /
          ("xjax_" + tag + "_test_" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::create_directories(dir);
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  std::string path(const std::string& name) const { return (dir / name).string(); }
  std::string write(const std::string& name, const std::string& bytes) const {
    std::ofstream f(path(name), std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path(name);
  }
};

}  // namespace xjax::test
