// The persistent compilation cache (XJAX_COMPILATION_CACHE_DIR, config.set_compilation_cache_dir):
// the machine code of native units, in files named by a hash of everything that determines it, read
// by later processes instead of compiling again. A missing, stale, truncated or corrupted entry, a
// full disk or another process writing the same entry is never an error: the unit is compiled, and
// the log says why when it could not use or write an entry.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace xjax::native::disk_cache {

// A unit's entry: what it needs besides its code (the shared math functions it calls), and its
// object files (one per part its code was generated in).
struct Entry {
  std::string needs;
  std::vector<std::string> objects;
};

// The cache's directory, or "" when it is off.
std::string directory();

// The entry stored under `key` in `dir`. Absent: nullopt with `why` empty; unusable (truncated,
// corrupted, another format): nullopt with `why` saying so. A hit marks the entry recently used.
std::optional<Entry> load(const std::string& dir, const std::string& key, std::string& why);

// Stores `entry` under `key` (readers see the whole old file or the whole new one), then evicts the
// least recently used entries beyond the size bound. Returns "" or why it could not store it.
std::string store(const std::string& dir, const std::string& key, const Entry& entry);

// A 64-bit FNV-1a hash of bytes, as 16 hexadecimal digits.
std::string fnv1a(const std::string& bytes);

}  // namespace xjax::native::disk_cache
