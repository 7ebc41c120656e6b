// numpy's .npy format: xjax::save and xjax::load (declared in xjax/interop.hpp, which is not included
// here so that this file does not parse xtensor), and the encoder and reader that .npz archives share.
#include <algorithm>
#include <bit>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "array/array_impl.hpp"
#include "array/npy.hpp"
#include "kernels/copy.hpp"

namespace xjax {

void save(const std::string& path, const Array& x);
Array load(const std::string& path);

namespace {

constexpr char magic[] = "\x93NUMPY";
constexpr std::size_t magic_size = 6;
constexpr bool host_little = std::endian::native == std::endian::little;

[[noreturn]] void fail(const char* op, const std::string& path, const std::string& reason) {
  throw IOError(op, "'", path, "': ", reason);
}

std::string descr_of(DType d) {
  const char order = host_little ? '<' : '>';
  switch (d) {
    case DType::bool_:
      return "|b1";
    case DType::int32:
      return std::string(1, order) + "i4";
    case DType::int64:
      return std::string(1, order) + "i8";
    case DType::uint32:
      return std::string(1, order) + "u4";
    case DType::float32:
      return std::string(1, order) + "f4";
    case DType::float64:
      return std::string(1, order) + "f8";
    case DType::float16:
      return std::string(1, order) + "f2";
    case DType::bfloat16:  // numpy has no bfloat16: ml_dtypes saves it as two opaque bytes
      return std::string(1, order) + "V2";
    case DType::complex64:
      return std::string(1, order) + "c8";
    case DType::complex128:
      return std::string(1, order) + "c16";
  }
  return "";
}

struct Header {
  DType dtype = float32;
  bool swap = false;  // the file's byte order is not the host's
  bool fortran_order = false;
  Shape shape;
};

// A parser of the header: a Python dict literal with the keys descr, fortran_order and shape.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const char* op, const std::string& path) : s_(text), op_(op), path_(path) {}

  Header parse() {
    Header h;
    bool seen[3] = {false, false, false};
    expect('{');
    while (!consume('}')) {
      const std::string key = string();
      expect(':');
      if (key == "descr") {
        skip_space();
        if (pos_ < s_.size() && (s_[pos_] == '[' || s_[pos_] == '('))
          fail(op_, path_, "unsupported dtype: structured arrays are not supported");
        dtype(string(), h);
        seen[0] = true;
      } else if (key == "fortran_order") {
        h.fortran_order = boolean();
        seen[1] = true;
      } else if (key == "shape") {
        h.shape = shape();
        seen[2] = true;
      } else {
        bad("unexpected key '" + key + "'");
      }
      if (!consume(',')) {
        expect('}');
        break;
      }
    }
    if (!seen[0] || !seen[1] || !seen[2]) bad("the keys descr, fortran_order and shape are required");
    return h;
  }

 private:
  [[noreturn]] void bad(const std::string& why) { fail(op_, path_, "bad header (" + why + ")"); }
  [[noreturn]] void unsupported(const std::string& descr) { fail(op_, path_, "unsupported dtype '" + descr + "'"); }
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool consume(char c) {
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!consume(c)) bad(std::string("expected '") + c + "'");
  }
  std::string string() {
    skip_space();
    if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '"')) bad("expected a string");
    const char quote = s_[pos_++];
    const std::size_t end = s_.find(quote, pos_);
    if (end == std::string_view::npos) bad("unterminated string");
    std::string r(s_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return r;
  }
  bool boolean() {
    skip_space();
    for (const auto& [word, value] : {std::pair<std::string_view, bool>{"True", true}, {"False", false}})
      if (s_.substr(pos_, word.size()) == word) {
        pos_ += word.size();
        return value;
      }
    bad("fortran_order must be True or False");
  }
  Shape shape() {
    Shape r;
    std::int64_t size = 1;  // of the non-zero extents, which must not overflow wherever a 0 sits (shape_size)
    expect('(');
    while (!consume(')')) {
      skip_space();
      std::int64_t n = 0;
      const std::size_t start = pos_;
      for (; pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9'; ++pos_) {
        if (n > (std::numeric_limits<std::int64_t>::max() - 9) / 10) bad("dimension too large");
        n = n * 10 + (s_[pos_] - '0');
      }
      if (pos_ == start) bad("shape must be a tuple of non-negative integers");
      if (pos_ < s_.size() && s_[pos_] == 'L') ++pos_;  // Python 2 longs
      if (n > 0 && size > std::numeric_limits<std::int64_t>::max() / n) bad("shape too large");
      if (n > 0) size *= n;
      if (r.size() == max_rank) bad("more than " + std::to_string(max_rank) + " dimensions");
      r.push_back(n);
      if (!consume(',')) {
        expect(')');
        if (r.size() == 1) bad("a one-dimensional shape is written (n,): (n) is a number, not a tuple");
        break;
      }
    }
    return r;
  }
  void dtype(const std::string& descr, Header& h) {
    if (descr.size() < 3) unsupported(descr);
    static constexpr std::pair<std::string_view, DType> codes[] = {{"b1", bool_},  {"i4", int32},   {"i8", int64},
                                                                   {"u4", uint32}, {"f4", float32}, {"f8", float64},
                                                                   {"f2", float16}, {"V2", bfloat16},
                                                                   {"c8", complex64}, {"c16", complex128}};
    const auto* it = std::find_if(std::begin(codes), std::end(codes),
                                  [&](const auto& c) { return c.first == std::string_view(descr).substr(1); });
    if (it == std::end(codes)) unsupported(descr);
    h.dtype = it->second;
    const char order = descr[0];
    const bool multibyte = itemsize(h.dtype) > 1;
    if (order == '<' || order == '>')
      h.swap = multibyte && (order == '<') != host_little;
    else if (order != '=' && !(order == '|' && (!multibyte || h.dtype == bfloat16)))
      unsupported(descr);
  }

  std::string_view s_;
  const char* op_;
  const std::string& path_;
  std::size_t pos_ = 0;
};

std::uint32_t read_le(const unsigned char* p, std::size_t n) {
  std::uint32_t v = 0;
  for (std::size_t i = n; i-- > 0;) v = (v << 8) | p[i];
  return v;
}

void byte_swap(std::byte* data, std::int64_t n, std::size_t size) {
  for (std::int64_t i = 0; i < n; ++i)
    std::reverse(data + static_cast<std::size_t>(i) * size, data + static_cast<std::size_t>(i + 1) * size);
}

}  // namespace

namespace npy {

std::string header(const Array& x) {
  std::ostringstream dict;
  dict << "{'descr': '" << descr_of(x.dtype()) << "', 'fortran_order': False, 'shape': (";
  for (std::size_t i = 0; i < x.shape().size(); ++i) dict << (i ? ", " : "") << x.shape()[i];
  dict << (x.ndim() == 1 ? ",), }" : "), }");
  std::string header = dict.str();
  // Pad with spaces and end with '\n' so that the data starts 64-byte aligned (as numpy does).
  const bool v2 = header.size() + 64 > 65535;  // version 1.0 stores the padded length in 2 bytes
  const std::size_t prefix = magic_size + 2 + (v2 ? 4 : 2);
  header.append(63 - (prefix + header.size()) % 64, ' ');
  header.push_back('\n');
  std::string out(magic, magic_size);
  out.push_back(v2 ? '\x02' : '\x01');
  out.push_back('\x00');
  const std::size_t len = header.size();
  for (std::size_t i = 0; i < (v2 ? 4u : 2u); ++i) out.push_back(static_cast<char>((len >> (8 * i)) & 0xff));
  return out + header;
}

}  // namespace npy

void save(const std::string& path, const Array& x) {
  const void* data = x.raw_data();  // ConcretizationError for abstract values
  const std::string out = npy::header(x);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) fail("save", path, "cannot open for writing");
  f.write(out.data(), static_cast<std::streamsize>(out.size()));
  f.write(static_cast<const char*>(data),
          static_cast<std::streamsize>(x.size() * static_cast<std::int64_t>(itemsize(x.dtype()))));
  f.flush();
  if (!f) fail("save", path, "write failed");
}

Array npy::read(Source& f, const char* op, const std::string& path) {
  const std::uint64_t file_size = f.size();

  unsigned char prefix[magic_size + 2 + 4];
  if (file_size < magic_size + 4 || !f.read(prefix, magic_size + 4))
    fail(op, path, "truncated header");
  if (std::memcmp(prefix, magic, magic_size) != 0) fail(op, path, "not a .npy file (bad magic string)");
  const unsigned major = prefix[magic_size];
  if (major < 1 || major > 3)
    fail(op, path,
         "unsupported format version " + std::to_string(major) + "." + std::to_string(prefix[magic_size + 1]));
  std::size_t header_len = read_le(prefix + magic_size + 2, 2), header_start = magic_size + 4;
  if (major > 1) {  // versions 2.0 and 3.0 have a 4-byte header length
    if (!f.read(prefix + magic_size + 4, 2)) fail(op, path, "truncated header");
    header_len = read_le(prefix + magic_size + 2, 4);
    header_start += 2;
  }
  if (file_size - header_start < header_len) fail(op, path, "truncated header");
  std::string text(header_len, '\0');
  if (!f.read(text.data(), header_len)) fail(op, path, "truncated header");
  const Header h = HeaderParser(text, op, path).parse();

  const std::size_t item = itemsize(h.dtype);
  std::int64_t n = 1;  // the parser bounded the product of the extents
  for (std::int64_t d : h.shape) n *= d;
  const auto available = file_size - header_start - header_len;
  if (static_cast<std::uint64_t>(n) > available / item)
    fail(op, path,
         "truncated data: " + std::to_string(static_cast<std::uint64_t>(n) * item) + " bytes expected, " +
             std::to_string(available) + " found");

  const ShapedArray aval{h.shape, h.dtype, false};
  NewBuffer out = new_buffer(aval);
  NewBuffer raw = h.fortran_order && h.shape.size() > 1 ? new_buffer(aval) : out;
  const auto bytes = static_cast<std::size_t>(n) * item;
  if (bytes && !f.read(raw.data, bytes)) fail(op, path, "read failed");
  // A complex element is two floats, each swapped on its own.
  if (h.swap) is_complex(h.dtype) ? byte_swap(raw.data, 2 * n, item / 2) : byte_swap(raw.data, n, item);
  if (h.dtype == bool_)  // any non-zero byte is True; reading other bytes as bool is undefined
    for (std::int64_t i = 0; i < n; ++i) raw.data[i] = std::byte(raw.data[i] != std::byte{0});
  if (raw.data != out.data) {  // Fortran order: axis 0 varies fastest in the file
    const std::vector<std::int64_t> dst_strides = kernels::row_major_strides(h.shape);
    std::vector<kernels::CopyDim> dims;
    std::int64_t src_stride = 1;
    for (std::size_t a = 0; a < h.shape.size(); ++a) {
      dims.push_back({h.shape[a], src_stride, dst_strides[a]});
      src_stride *= h.shape[a];
    }
    kernels::strided_copy(std::move(dims), item, raw.data, out.data);
  }
  return out.array;
}

namespace {
class FileSource final : public npy::Source {
 public:
  explicit FileSource(const std::string& path) : f_(path, std::ios::binary) {}
  bool open() const { return static_cast<bool>(f_); }
  std::uint64_t size() const override { return size_; }
  bool measure() {
    f_.seekg(0, std::ios::end);
    const std::streamoff end = f_.tellg();
    f_.seekg(0, std::ios::beg);
    size_ = end < 0 ? 0 : static_cast<std::uint64_t>(end);
    return f_ && end >= 0;
  }
  bool read(void* dst, std::size_t n) override {
    return static_cast<bool>(f_.read(static_cast<char*>(dst), static_cast<std::streamsize>(n)));
  }

 private:
  std::ifstream f_;
  std::uint64_t size_ = 0;
};
}  // namespace

Array load(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) fail("load", path, "is a directory");
  FileSource f(path);
  if (!f.open()) fail("load", path, "cannot open for reading");
  if (!f.measure()) fail("load", path, "cannot determine the file size");
  return npy::read(f, "load", path);
}

}  // namespace xjax
