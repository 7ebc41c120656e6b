// libFuzzer target for xj::deserialize (docs/export.md). The input is a payload: the harness wraps it
// in a valid envelope (magic, version 1, length, FNV-1a checksum), so the fuzzer reaches the decoder
// and the program checks behind the checksum. An input starting with 0xFF is passed unwrapped, to
// cover the envelope checks too. A decoded program is printed and its signature read, never run (a
// well-formed loop may not terminate). Only xjax::Error may escape deserialize; anything else (a
// crash, a sanitizer report, another exception) is a bug.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "xjax/core.hpp"
#include "xjax/export.hpp"

namespace xj = xjax;

namespace {

std::string envelope(const std::uint8_t* data, std::size_t size) {
  std::string b("XJX\0", 4);
  auto put = [&b](std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) b.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  };
  put(1, 4);
  put(size, 8);
  b.append(reinterpret_cast<const char*>(data), size);
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : b) h = (h ^ c) * 0x100000001b3ULL;
  put(h, 8);
  return b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const bool raw = size > 0 && data[0] == 0xFF;
  const std::string bytes = raw ? std::string(reinterpret_cast<const char*>(data) + 1, size - 1) : envelope(data, size);
  try {
    xj::Exported e = xj::deserialize(bytes);
    volatile std::size_t sink = xj::to_string(e.jaxpr()).size() + e.in_avals().size() + e.out_avals().size();
    (void)sink;
  } catch (const xj::Error&) {
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "fuzz_export: unexpected exception: %s\n", ex.what());
    std::abort();
  }
  return 0;
}
