// The .npy format, shared by save/load (npy.cpp) and the .npz archives (npz.cpp).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "xjax/array.hpp"

namespace xjax::npy {

// The header numpy writes before x's data (magic, version, length, dict; padded so that the data
// starts 64-byte aligned). The data follows as x's row-major bytes.
std::string header(const Array& x);

// Where .npy bytes come from: a file, or an archive member in memory.
class Source {
 public:
  virtual ~Source() = default;
  virtual std::uint64_t size() const = 0;             // bytes available from the start
  virtual bool read(void* dst, std::size_t n) = 0;    // the next n bytes; false when they are not there
};

// Reads one array; a malformed or truncated source is an IOError of `op` naming `name` ('name': why).
Array read(Source& source, const char* op, const std::string& name);

}  // namespace xjax::npy
