// Small helpers shared by the test files.
#pragma once
#include <cstdint>
#include <vector>

#include "xjax/core.hpp"

namespace xjax::test {

// The elements of x as doubles (row-major).
inline std::vector<double> values(const Array& x) {
  Array d = x.astype(float64);
  const double* p = d.data<double>();
  return {p, p + d.size()};
}

// Row-major coordinates of flat position i in shape s.
inline std::vector<std::int64_t> coords(std::int64_t i, const Shape& s) {
  std::vector<std::int64_t> c(s.size());
  for (std::size_t d = s.size(); d-- > 0;) {
    c[d] = i % s[d];
    i /= s[d];
  }
  return c;
}

}  // namespace xjax::test
