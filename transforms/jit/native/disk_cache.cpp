// The persistent compilation cache's files (disk_cache.hpp). An entry is `<key>.xjc`:
//   xjax native code 2\n  key <key>\n  needs <names>\n  objects <count>\n
//   then per object: object <bytes> <fnv1a of the bytes>\n  <bytes>
// written under a temporary name and renamed, so a reader never sees half a file.
#include "jit/native/disk_cache.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "xjax/config.hpp"

namespace xjax::native::disk_cache {

namespace fs = std::filesystem;

namespace {

constexpr const char* magic = "xjax native code 2";
constexpr const char* extension = ".xjc";

// The next line of `text` from `pos` (without its newline); false at the end.
bool next_line(const std::string& text, std::size_t& pos, std::string& line) {
  std::size_t end = text.find('\n', pos);
  if (end == std::string::npos) return false;
  line = text.substr(pos, end - pos);
  pos = end + 1;
  return true;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// Removes the least recently used entries until the directory holds at most `bound` bytes, and
// temporary files a writer that died left behind.
void evict(const fs::path& dir, std::int64_t bound) {
  struct File {
    fs::path path;
    fs::file_time_type used;
    std::uintmax_t bytes;
  };
  std::vector<File> files;
  std::uintmax_t total = 0;
  std::error_code ec;
  const auto now = fs::file_time_type::clock::now();
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    std::error_code e1, e2;
    auto used = fs::last_write_time(p, e1);
    auto bytes = fs::file_size(p, e2);
    if (e1 || e2) continue;
    const std::string name = p.filename().string();
    if (starts_with(name, ".tmp.")) {
      if (now - used > std::chrono::hours(1)) fs::remove(p, e1);
    } else if (p.extension() == extension) {
      files.push_back({p, used, bytes});
      total += bytes;
    }
  }
  std::sort(files.begin(), files.end(), [](const File& a, const File& b) { return a.used < b.used; });
  for (const File& f : files) {
    if (total <= static_cast<std::uintmax_t>(std::max<std::int64_t>(bound, 0))) break;
    std::error_code e;
    if (fs::remove(f.path, e) || !e) total -= f.bytes;  // another process may have removed it already
  }
}

}  // namespace

std::string fnv1a(const std::string& bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

std::string directory() { return config.compilation_cache_dir(); }

std::optional<Entry> load(const std::string& dir, const std::string& key, std::string& why) {
  why.clear();
  const fs::path path = fs::path(dir) / (key + extension);
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  std::size_t pos = 0;
  std::string line;
  Entry entry;
  std::uint64_t bytes = 0;
  char sum[17] = {};
  if (!next_line(text, pos, line) || line != magic) {
    why = "not an entry of this library's format";
    return std::nullopt;
  }
  if (!next_line(text, pos, line)) {
    why = "truncated";
    return std::nullopt;
  }
  if (line != "key " + key) {
    why = "its key does not match its name";
    return std::nullopt;
  }
  if (!next_line(text, pos, line) || !starts_with(line, "needs ")) {
    why = "truncated";
    return std::nullopt;
  }
  entry.needs = line.substr(6);
  std::size_t count = 0;
  if (!next_line(text, pos, line) || std::sscanf(line.c_str(), "objects %zu", &count) != 1 || count == 0 || count > 64) {
    why = "truncated";
    return std::nullopt;
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (!next_line(text, pos, line) || std::sscanf(line.c_str(), "object %llu %16s", reinterpret_cast<unsigned long long*>(&bytes), sum) != 2) {
      why = "truncated";
      return std::nullopt;
    }
    if (text.size() - pos < bytes) {
      why = "truncated: " + std::to_string(text.size() - pos) + " of " + std::to_string(bytes) + " bytes of code";
      return std::nullopt;
    }
    entry.objects.push_back(text.substr(pos, bytes));
    pos += bytes;
    if (fnv1a(entry.objects.back()) != sum) {
      why = "corrupted: its checksum does not match";
      return std::nullopt;
    }
  }
  if (pos != text.size()) {
    why = "corrupted: bytes after its code";
    return std::nullopt;
  }
  std::error_code ec;
  fs::last_write_time(path, fs::file_time_type::clock::now(), ec);  // recently used
  return entry;
}

std::string store(const std::string& dir, const std::string& key, const Entry& entry) {
  static std::atomic<std::uint64_t> serial{0};
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return "cannot create the directory " + dir + ": " + ec.message();
  const fs::path final_path = fs::path(dir) / (key + extension);
  const fs::path temp = fs::path(dir) / (".tmp." + key + "." + std::to_string(::getpid()) + "." + std::to_string(serial++));
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << magic << "\nkey " << key << "\nneeds " << entry.needs << "\nobjects " << entry.objects.size() << '\n';
    for (const std::string& object : entry.objects) {
      out << "object " << object.size() << ' ' << fnv1a(object) << '\n';
      out.write(object.data(), static_cast<std::streamsize>(object.size()));
    }
    out.flush();
    if (!out) {
      fs::remove(temp, ec);
      return "cannot write " + temp.string() + " (is the disk full?)";
    }
  }
  fs::rename(temp, final_path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    return "cannot rename " + temp.string() + ": " + ec.message();
  }
  evict(dir, config.compilation_cache_max_bytes.load());
  return "";
}

}  // namespace xjax::native::disk_cache
