// libFuzzer target for xjax::load: the input bytes are written to a file (one per process) and
// loaded as a .npy file. Every load failure must be an xjax::IOError (docs/robustness.md,
// "Conversions"). A loaded array is printed and summed, then saved and loaded again, which must
// give the same dtype, shape and bytes. A crash, a sanitizer report or any other exception is a bug.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "xjax/interop.hpp"

namespace xj = xjax;
using xj::Array;

namespace {

// Per process, so that parallel jobs (-jobs, -workers, -fork) do not share files.
std::string input_path, resave_path;

void remove_files() {
  std::remove(input_path.c_str());
  std::remove(resave_path.c_str());
}

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_load: %s\n", what.c_str());
  std::abort();
}

void check_same(const Array& a, const Array& b) {
  if (a.dtype() != b.dtype() || a.shape() != b.shape()) {
    std::ostringstream s;
    s << "save then load turned " << a.aval() << " into " << b.aval();
    fail(s.str());
  }
  std::size_t bytes = static_cast<std::size_t>(a.size()) * xj::itemsize(a.dtype());
  if (bytes && std::memcmp(a.raw_data(), b.raw_data(), bytes) != 0) fail("save then load changed the elements");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  setenv("XJAX_MAX_BUFFER_BYTES", "268435456", 0);  // as fuzz_ops
  const std::string stem = (std::filesystem::temp_directory_path() / "xjax_fuzz_load_").string() + std::to_string(getpid());
  input_path = stem + ".npy";
  resave_path = stem + "_resaved.npy";
  std::atexit(remove_files);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream f(input_path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!f) fail("cannot write " + input_path);
  }
  std::optional<Array> x;
  try {
    x = xj::load(input_path);
  } catch (const xj::IOError&) {
    return 0;  // the expected outcome for a bad file
  } catch (const xj::Error& e) {
    fail(std::string("load threw an xjax::Error that is not an IOError: ") + e.what());
  }
  // A loaded array is an ordinary one: reading it, and a round trip, must work.
  std::ostringstream sink;
  sink << *x << xj::sum(*x);
  xj::save(resave_path, *x);
  check_same(*x, xj::load(resave_path));
  return 0;
}
