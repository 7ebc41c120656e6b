// libFuzzer target for creation from raw memory: the input bytes are decoded into up to 8 calls of
// array(std::vector<T>, shape), from_data(ptr, dtype, shape) and from_external(ptr, dtype, shape, owner)
// with arbitrary vector lengths and shapes (negative, huge and zero extents, ranks up to 75). A
// created array is compared with its source, printed, summed and reshaped, so a wrong size shows up
// under ASan. The harness computes the element count itself and expects an xjax::Error exactly for
// bad calls; anything else (a crash, a sanitizer report, another exception) is a bug.
// A non-null pointer is passed only where its memory holds the shape's bytes, or where the library
// promises to reject the call before reading (from_data of a bad or over-the-limit shape).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "bytes.hpp"
#include "xjax/core.hpp"

namespace xj = xjax;
using xj::Array;

namespace {

constexpr std::uint64_t kMaxBufferBytes = 256u << 20;  // XJAX_MAX_BUFFER_BYTES, set below
constexpr std::uint64_t kMaxHarnessBytes = 1u << 20;   // larger valid shapes get a null pointer

// Shapes, lengths and element bytes over the input.
class Bytes : public fuzz::ByteReader {
 public:
  using ByteReader::ByteReader;
  // Mostly in [0, 4] (byte 0 gives 1, so a short input ends in ones); bytes >= 240 are absurd.
  std::int64_t extent() {
    static const std::int64_t small[] = {1, 0, 2, 3, 4};
    std::uint8_t b = u8();
    return b >= 240 ? fuzz::absurd(b) : small[b % 5];
  }
  // Rank mostly in [0, 4]; bytes >= 240 give 60..75, around max_rank = 64.
  xj::Shape shape() {
    std::uint8_t b = u8();
    xj::Shape s(b >= 240 ? 60u + (b - 240u) : b % 5u);
    for (auto& e : s) e = extent();
    return s;
  }
  // A length near `count` (the shape's element count, -1 if it has none) or an odd one.
  std::size_t length(std::int64_t count) {
    static const std::size_t wild[] = {0, 1, 7, 64, 1000, 4096, 65536, 3};
    std::uint8_t b = u8();
    bool fits = count >= 0 && count <= 65536;
    if (b < 128 && fits) return static_cast<std::size_t>(count);
    if (b < 136 && fits) return static_cast<std::size_t>(count) + 1;
    if (b < 144 && fits && count > 0) return static_cast<std::size_t>(count) - 1;
    return b < 248 ? b % 9u : wild[b - 248];
  }
  // Element bytes: the input itself, cyclically from the current position (nothing is consumed).
  void fill(void* dst, std::size_t bytes) const {
    auto* d = static_cast<std::uint8_t*>(dst);
    if (n_ == 0) return (void)std::memset(d, 0, bytes);
    for (std::size_t k = 0, from = i_ % n_; k < bytes; from = 0) {  // whole runs: buffers reach 1 MiB
      std::size_t run = std::min(bytes - k, n_ - from);
      std::memcpy(d + k, p_ + from, run);
      k += run;
    }
  }
};

// The element count by the documented rule (rank at most 64, no negative extent, no int64
// overflow of the non-zero extents' product, wherever a zero sits), computed independently of the
// library.
struct Count {
  bool valid = false;
  std::int64_t n = 0;
};

Count count_of(const xj::Shape& s) {
  if (s.size() > 64) return {};
  bool zero = false;
  __int128 product = 1;
  for (std::int64_t e : s) {
    if (e < 0) return {};
    if (e == 0) zero = true;
    else if (product <= std::numeric_limits<std::int64_t>::max()) product *= e;  // stays below 2^127
  }
  if (product > std::numeric_limits<std::int64_t>::max()) return {};
  return {true, zero ? 0 : static_cast<std::int64_t>(product)};
}

std::uint64_t itemsize_of(xj::DType d) {
  if (d == xj::bool_) return 1;
  if (d == xj::float16 || d == xj::bfloat16) return 2;
  if (d == xj::int64 || d == xj::float64 || d == xj::complex64) return 8;
  return d == xj::complex128 ? 16 : 4;
}

// FUZZ_CREATE_VERBOSE=1 prints each call to stderr.
const bool verbose = std::getenv("FUZZ_CREATE_VERBOSE") != nullptr;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_create: %s\n", what.c_str());
  std::abort();
}

enum class Expect { ok, error };

// Reads a created array: its type, its bytes against `want` (the bytes it must hold), printing,
// sum and a reshape to `target`. Only the reshape may fail (with an xjax::Error).
void read_back(const std::string& call, const Array& x, xj::DType dtype, const xj::Shape& shape,
               const std::vector<std::uint8_t>& want, const xj::Shape& target) {
  if (x.dtype() != dtype || x.shape() != shape) {
    std::ostringstream s;
    s << call << " gave " << x.aval();
    fail(s.str());
  }
  std::size_t bytes = static_cast<std::size_t>(x.size()) * itemsize_of(dtype);
  if (bytes != want.size()) fail(call + ": size() disagrees with the shape");
  if (bytes && std::memcmp(x.raw_data(), want.data(), bytes) != 0) fail(call + ": elements differ from the source");
  // Printing writes about size x rank characters, as numpy's layout does (2.7 MB for 20736
  // elements in 62 dimensions: 14 s under ASan), so a large array of high rank is printed flattened.
  std::ostringstream sink;
  try {
    sink << (x.size() * (x.ndim() + 1) <= 10000 ? x : xj::ravel(x)) << xj::sum(x);
  } catch (const xj::Error& e) {
    fail(call + ": reading a created array threw " + e.what());
  }
  try {
    sink << xj::reshape(x, target);
  } catch (const xj::Error&) {
    // a bad target shape
  }
}

// Runs make(); an xjax::Error must happen exactly when `expect` says so.
template <class Make>
void check(const std::string& call, Expect expect, Make make, xj::DType dtype, const xj::Shape& shape,
           const std::vector<std::uint8_t>& want, Bytes& in) {
  if (verbose) std::fprintf(stderr, "  %s\n", call.c_str());
  xj::Shape target = in.shape();  // decoded first, so the bytes decode alike whatever happens
  std::optional<Array> x;
  try {
    x = make();
  } catch (const xj::Error& e) {
    if (expect == Expect::ok) fail(call + " threw for a valid call: " + e.what());
    return;
  }
  if (expect == Expect::error) fail(call + " accepted a bad call");
  read_back(call, *x, dtype, shape, want, target);
}

std::string describe(const char* op, xj::DType d, const xj::Shape& s, const std::string& rest) {
  std::ostringstream o;
  o << op << '(' << rest << xj::dtype_name(d) << ", " << xj::shape_str(s) << ')';
  return o.str();
}

template <class T>
void create_array(const char* type, Bytes& in) {
  xj::Shape shape = in.shape();
  Count c = count_of(shape);
  std::size_t len = in.length(c.valid ? c.n : -1);
  std::vector<T> v(len);
  if constexpr (std::is_same_v<T, bool>) {
    std::vector<std::uint8_t> raw(len);
    in.fill(raw.data(), len);
    for (std::size_t i = 0; i < len; ++i) v[i] = raw[i] & 1;
  } else {
    in.fill(v.data(), len * sizeof(T));
  }
  // The bytes the array must hold: each value as the type that stores it (int8/int16 widened).
  using E = xj::element_t<T>;
  std::vector<std::uint8_t> want(len * sizeof(E));
  for (std::size_t i = 0; i < len; ++i) {
    E e = static_cast<E>(v[i]);
    std::memcpy(want.data() + i * sizeof(E), &e, sizeof(E));
  }
  Expect expect = c.valid && c.n == static_cast<std::int64_t>(len) ? Expect::ok : Expect::error;
  check(describe("array", xj::dtype_of<T>(), shape, "<" + std::to_string(len) + " " + type + ">, "), expect,
        [&] { return xj::array(v, shape); }, xj::dtype_of<T>(), shape, want, in);
}

// A heap block of exactly `bytes` (ASan sees every byte past it), aligned for any element type.
std::shared_ptr<std::uint8_t> block(std::size_t bytes) {
  return {static_cast<std::uint8_t*>(::operator new(bytes, std::align_val_t{16})),
          [](std::uint8_t* p) { ::operator delete(p, std::align_val_t{16}); }};
}

void create_raw(bool external, Bytes& in) {
  xj::DType dtype = xj::all_dtypes[in.below(static_cast<int>(std::size(xj::all_dtypes)))];
  xj::Shape shape = in.shape();
  int mode = in.below(4);  // 0: null; 1: exactly the bytes; 2: a decoded length; 3: misaligned (from_data)
  Count c = count_of(shape);
  std::uint64_t item = itemsize_of(dtype);
  bool over_limit = c.valid && static_cast<std::uint64_t>(c.n) > kMaxBufferBytes / item;
  std::uint64_t need = c.valid && !over_limit ? static_cast<std::uint64_t>(c.n) * item : 0;
  std::size_t len = in.length(c.valid ? static_cast<std::int64_t>(need) : -1);
  // The library reads `need` bytes only from a valid shape: only there must the block be large enough.
  bool readable = c.valid && !over_limit && need <= kMaxHarnessBytes;
  if (c.valid && !readable && (external || !over_limit)) mode = 0;
  if (readable) len = std::max<std::size_t>(len, need);
  std::size_t offset = mode == 3 && !external ? 1 + in.below(7) : 0;
  std::shared_ptr<std::uint8_t> buf = mode ? block(len + offset) : nullptr;
  const std::uint8_t* ptr = buf ? buf.get() + offset : nullptr;
  if (buf) {
    in.fill(buf.get(), len + offset);
    if (dtype == xj::bool_ && external)  // from_external does not normalise: bool bytes must be 0 or 1
      for (std::size_t i = 0; i < len + offset; ++i) buf.get()[i] &= 1;
  }
  std::vector<std::uint8_t> want;
  if (ptr) want.assign(ptr, ptr + need);
  if (dtype == xj::bool_)
    for (auto& b : want) b = b != 0;
  Expect expect;
  if (!c.valid) expect = Expect::error;
  else if (!external && over_limit) expect = Expect::error;  // AllocationError before any read
  else expect = (c.n == 0 || ptr) ? Expect::ok : Expect::error;
  std::string args = ptr ? "<" + std::to_string(len) + " bytes>, " : "nullptr, ";
  if (external) {
    std::shared_ptr<const void> owner = std::move(buf);  // moved into the array: it alone keeps the memory
    check(describe("from_external", dtype, shape, args), expect,
          [&] { return xj::from_external(ptr, dtype, shape, std::move(owner)); }, dtype, shape, want, in);
  } else {
    check(describe("from_data", dtype, shape, args), expect, [&] { return xj::from_data(ptr, dtype, shape); },
          dtype, shape, want, in);
  }
}

void run(Bytes& in) {
  for (int calls = 0; calls < 8 && !in.empty(); ++calls) {
    switch (in.below(10)) {
      case 0: create_array<bool>("bool", in); break;
      case 1: create_array<std::int8_t>("int8_t", in); break;
      case 2: create_array<std::int16_t>("int16_t", in); break;
      case 3: create_array<std::int32_t>("int32_t", in); break;
      case 4: create_array<std::int64_t>("int64_t", in); break;
      case 5: create_array<std::uint32_t>("uint32_t", in); break;
      case 6: create_array<float>("float", in); break;
      case 7: create_array<double>("double", in); break;
      case 8: create_raw(false, in); break;
      default: create_raw(true, in); break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // As in fuzz_ops, buffers beyond 256 MiB are an AllocationError; the expectations rely on this limit.
  setenv("XJAX_MAX_BUFFER_BYTES", std::to_string(kMaxBufferBytes).c_str(), 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Bytes in(data, size);
  run(in);  // check() decides which xjax::Errors are expected; anything else escapes
  return 0;
}
