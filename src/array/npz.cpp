// numpy's .npz archives (xjax::savez, xjax::load_npz in xjax/interop.hpp): a zip of stored (not
// compressed) .npy members. Each member is encoded and decoded by save/load of npy.cpp through a
// scratch file, so the .npy format has a single implementation.
#include <array>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "array/npy.hpp"
#include "xjax/array.hpp"

namespace xjax {

void save(const std::string& path, const Array& x);
Array load(const std::string& path);
void savez(const std::string& path, const std::map<std::string, Array>& arrays);
void savez(const std::string& path, const std::vector<Array>& arrays);
std::map<std::string, Array> load_npz(const std::string& path);

namespace {

constexpr std::uint32_t local_signature = 0x04034b50, central_signature = 0x02014b50, end_signature = 0x06054b50,
                        zip64_end_signature = 0x06064b50, zip64_locator_signature = 0x07064b50;
constexpr std::size_t local_size = 30, central_size = 46, end_size = 22, zip64_locator_size = 20, zip64_end_size = 56;
constexpr std::uint16_t dos_date_1980 = (1 << 5) | 1;  // 1980-01-01: numpy's archives do not depend on the clock
constexpr std::uint64_t max32 = 0xffffffffu;

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zip stores it.
std::uint32_t crc32(std::string_view data) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xffffffffu;
  for (unsigned char b : data) c = table[(c ^ b) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

void put(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t get(std::string_view in, std::uint64_t pos, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(in[pos + static_cast<std::uint64_t>(i)]);
  return v;
}

std::string read_all(const std::string& path, const char* op) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw IOError(op, "'", path, "': is a directory");
  std::ifstream f(path, std::ios::binary);
  if (!f) throw IOError(op, "'", path, "': cannot open for reading");
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (f.bad()) throw IOError(op, "'", path, "': read failed");
  return bytes;
}

// The .npy encoding of x, as save writes it.
std::string npy_bytes(const Array& x) {
  const void* data = x.raw_data();  // ConcretizationError for abstract values
  std::string out = npy::header(x);
  out.append(static_cast<const char*>(data), static_cast<std::size_t>(x.size()) * itemsize(x.dtype()));
  return out;
}

// An archive member's bytes as a .npy source.
class MemberSource final : public npy::Source {
 public:
  explicit MemberSource(std::string_view bytes) : bytes_(bytes) {}
  std::uint64_t size() const override { return bytes_.size(); }
  bool read(void* dst, std::size_t n) override {
    if (n > bytes_.size() - pos_) return false;
    std::memcpy(dst, bytes_.data() + pos_, n);
    pos_ += n;
    return true;
  }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

// The array of a .npy member, as load reads it; errors name the archive and the member.
Array npy_array(std::string_view bytes, const std::string& archive, const std::string& member) {
  MemberSource source(bytes);
  return npy::read(source, "load_npz", archive + "': member '" + member);
}

struct Member {
  std::string name;
  std::uint32_t crc;
  std::uint64_t size, offset;
};

void write_archive(const std::string& path, const std::vector<std::pair<std::string, Array>>& arrays) {
  std::string out, central;
  std::vector<Member> members;
  for (const auto& [key, x] : arrays) {
    if (key.empty()) throw ValueError("savez", "'", path, "': an array name must not be empty");
    const std::string name = key + ".npy";
    if (name.size() > 0xffff) throw ValueError("savez", "'", path, "': the array name '", key, "' is too long");
    const std::string data = npy_bytes(x);
    if (out.size() > max32 || data.size() >= max32)
      throw IOError("savez", "'", path, "': archives of 4 GiB or more (zip64) are not written");
    Member m{name, crc32(data), data.size(), out.size()};
    put(out, local_signature, 4);
    put(out, 20, 2);  // version needed: 2.0
    put(out, 0, 2);   // flags
    put(out, 0, 2);   // method: stored
    put(out, 0, 2);
    put(out, dos_date_1980, 2);
    put(out, m.crc, 4);
    put(out, m.size, 4);
    put(out, m.size, 4);
    put(out, name.size(), 2);
    put(out, 0, 2);
    out += name;
    out += data;
    members.push_back(std::move(m));
  }
  for (const Member& m : members) {
    put(central, central_signature, 4);
    put(central, 20, 2);  // made by
    put(central, 20, 2);  // needed
    put(central, 0, 2);
    put(central, 0, 2);
    put(central, 0, 2);
    put(central, dos_date_1980, 2);
    put(central, m.crc, 4);
    put(central, m.size, 4);
    put(central, m.size, 4);
    put(central, m.name.size(), 2);
    put(central, 0, 6);  // extra and comment lengths, disk number
    put(central, 0, 2);  // internal attributes
    put(central, 0, 4);  // external attributes
    put(central, m.offset, 4);
    central += m.name;
  }
  if (members.size() > 0xffff || out.size() + central.size() > max32)
    throw IOError("savez", "'", path, "': archives of 4 GiB or 65536 arrays or more (zip64) are not written");
  const std::uint64_t central_offset = out.size();
  out += central;
  put(out, end_signature, 4);
  put(out, 0, 4);  // disk numbers
  put(out, members.size(), 2);
  put(out, members.size(), 2);
  put(out, central.size(), 4);
  put(out, central_offset, 4);
  put(out, 0, 2);  // comment length

  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw IOError("savez", "'", path, "': cannot open for writing");
  f.write(out.data(), static_cast<std::streamsize>(out.size()));
  if (!f.flush()) throw IOError("savez", "'", path, "': write failed");
}

// Reads the central directory of a zip archive held in memory; every offset is checked.
class ZipReader {
 public:
  ZipReader(std::string_view bytes, const std::string& path) : s_(bytes), path_(path) {}

  std::map<std::string, Array> members() {
    auto [count, cd_offset, cd_size] = directory();
    std::map<std::string, Array> out;
    std::uint64_t pos = cd_offset;
    const std::uint64_t cd_end = cd_offset + cd_size;
    for (std::uint64_t k = 0; k < count; ++k) {
      need(pos, central_size, cd_end, "truncated central directory");
      if (get(s_, pos, 4) != central_signature) fail("bad central directory entry");
      const auto flags = get(s_, pos + 8, 2), method = get(s_, pos + 10, 2);
      const auto crc = static_cast<std::uint32_t>(get(s_, pos + 16, 4));
      std::uint64_t packed = get(s_, pos + 20, 4), size = get(s_, pos + 24, 4), offset = get(s_, pos + 42, 4);
      const auto name_len = get(s_, pos + 28, 2), extra_len = get(s_, pos + 30, 2), comment_len = get(s_, pos + 32, 2);
      need(pos + central_size, name_len + extra_len + comment_len, cd_end, "truncated central directory");
      const std::string name(s_.substr(pos + central_size, name_len));
      zip64_fields(pos + central_size + name_len, extra_len, size, packed, offset);
      pos += central_size + name_len + extra_len + comment_len;

      if (flags & 1) fail("member '" + name + "' is encrypted");
      if (method != 0)
        fail("member '" + name + "' is compressed (zip method " + std::to_string(method) +
             "); compressed archives (numpy.savez_compressed) are not supported");
      if (packed != size) fail("member '" + name + "' is stored with mismatched sizes");
      need(offset, local_size, s_.size(), "truncated local header of member '" + name + "'");
      if (get(s_, offset, 4) != local_signature) fail("bad local header of member '" + name + "'");
      const std::uint64_t data_start = offset + local_size + get(s_, offset + 26, 2) + get(s_, offset + 28, 2);
      need(data_start, size, s_.size(), "truncated data of member '" + name + "'");
      const std::string_view data = s_.substr(data_start, size);
      if (crc32(data) != crc) fail("CRC-32 mismatch in member '" + name + "' (corrupt archive)");
      if (name.size() < 4 || name.compare(name.size() - 4, 4, ".npy") != 0)
        fail("member '" + name + "' is not a .npy array");
      const std::string key = name.substr(0, name.size() - 4);
      if (out.count(key)) fail("member '" + name + "' appears twice");
      out.emplace(key, npy_array(data, path_, name));
    }
    return out;
  }

 private:
  [[noreturn]] void fail(const std::string& why) const { throw IOError("load_npz", "'", path_, "': ", why); }
  // [pos, pos + n) must lie within [0, end).
  void need(std::uint64_t pos, std::uint64_t n, std::uint64_t end, const std::string& why) const {
    if (pos > end || n > end - pos) fail(why);
  }

  struct Directory {
    std::uint64_t count, offset, size;
  };
  // The end of central directory record (the last one; a comment may follow it), zip64 if needed.
  Directory directory() const {
    if (s_.size() < end_size) fail("not a zip archive (too short)");
    std::uint64_t pos = s_.size() - end_size;
    const std::uint64_t lowest = s_.size() > end_size + 0xffff ? s_.size() - end_size - 0xffff : 0;
    while (get(s_, pos, 4) != end_signature) {
      if (pos == lowest) fail("not a zip archive (no end of central directory record)");
      --pos;
    }
    Directory d{get(s_, pos + 10, 2), get(s_, pos + 16, 4), get(s_, pos + 12, 4)};
    if (d.count == 0xffff || d.offset == max32 || d.size == max32) {
      if (pos < zip64_locator_size || get(s_, pos - zip64_locator_size, 4) != zip64_locator_signature)
        fail("missing zip64 end of central directory locator");
      const std::uint64_t at = get(s_, pos - zip64_locator_size + 8, 8);
      need(at, zip64_end_size, s_.size(), "truncated zip64 end of central directory");
      if (get(s_, at, 4) != zip64_end_signature) fail("bad zip64 end of central directory");
      d = {get(s_, at + 32, 8), get(s_, at + 48, 8), get(s_, at + 40, 8)};
    }
    need(d.offset, d.size, s_.size(), "the central directory lies outside the file (truncated archive)");
    return d;
  }
  // A zip64 extra field holds, in this order, those of the sizes and offset stored as 0xFFFFFFFF.
  void zip64_fields(std::uint64_t pos, std::uint64_t len, std::uint64_t& size, std::uint64_t& packed,
                    std::uint64_t& offset) const {
    const std::uint64_t end = pos + len;
    while (pos + 4 <= end) {
      const auto id = get(s_, pos, 2), n = get(s_, pos + 2, 2);
      need(pos + 4, n, end, "bad extra field");
      if (id == 1) {
        std::uint64_t at = pos + 4;
        for (std::uint64_t* field : {&size, &packed, &offset}) {
          if (*field != max32) continue;
          need(at, 8, pos + 4 + n, "truncated zip64 extra field");
          *field = get(s_, at, 8);
          at += 8;
        }
      }
      pos += 4 + n;
    }
  }

  std::string_view s_;
  const std::string& path_;
};

}  // namespace

void savez(const std::string& path, const std::map<std::string, Array>& arrays) {
  write_archive(path, {arrays.begin(), arrays.end()});
}

void savez(const std::string& path, const std::vector<Array>& arrays) {
  std::vector<std::pair<std::string, Array>> named;
  for (std::size_t i = 0; i < arrays.size(); ++i) named.emplace_back("arr_" + std::to_string(i), arrays[i]);
  write_archive(path, named);
}

std::map<std::string, Array> load_npz(const std::string& path) {
  const std::string bytes = read_all(path, "load_npz");
  return ZipReader(bytes, path).members();
}

}  // namespace xjax
