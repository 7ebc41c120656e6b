// The xjax::config object: defaults from the environment, and the log sink.
#include "xjax/config.hpp"

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <utility>

namespace xjax {

Config config;

namespace {
bool env_on(const char* name) {
  const char* value = std::getenv(name);
  return value && std::strcmp(value, "1") == 0;
}
}  // namespace

Config::Config() {
  log_compiles = env_on("XJAX_LOG_COMPILES");
  debug_nans = env_on("XJAX_DEBUG_NANS");
  debug_infs = env_on("XJAX_DEBUG_INFS");
  disable_jit = env_on("XJAX_DISABLE_JIT");
  check_tracer_leaks = env_on("XJAX_CHECK_TRACER_LEAKS");
  if (const char* tier = std::getenv("XJAX_JIT_TIER")) {
    if (std::strcmp(tier, "interpreter") == 0) jit_tier = JitTier::interpreter;
    else if (std::strcmp(tier, "native") == 0) jit_tier = JitTier::native;
    else if (std::strcmp(tier, "auto") != 0) bad_jit_tier = tier;
  }
  if (const char* dir = std::getenv("XJAX_COMPILATION_CACHE_DIR")) cache_dir_ = dir;
  if (const char* bytes = std::getenv("XJAX_COMPILATION_CACHE_MAX_BYTES")) {
    char* end = nullptr;
    long long n = std::strtoll(bytes, &end, 10);
    if (end != bytes && *end == '\0' && n > 0) compilation_cache_max_bytes = n;
  }
}

void Config::set_compilation_cache_dir(std::string dir) {
  std::lock_guard lock(cache_dir_mu_);
  cache_dir_ = std::move(dir);
}

std::string Config::compilation_cache_dir() const {
  std::lock_guard lock(cache_dir_mu_);
  return cache_dir_;
}

// The sink runs with no library lock held: it may call back into xjax (a jitted function, or
// set_log_sink itself). Only the default sink serialises its lines.
void Config::log(const std::string& line) {
  std::shared_ptr<const std::function<void(const std::string&)>> sink;
  {
    std::lock_guard lock(log_mu_);
    sink = sink_;
  }
  if (sink) {
    (*sink)(line);
    return;
  }
  static std::mutex stderr_mu;
  std::lock_guard lock(stderr_mu);
  std::cerr << line << '\n' << std::flush;
}

std::function<void(const std::string&)> Config::set_log_sink(std::function<void(const std::string&)> sink) {
  auto next = sink ? std::make_shared<const std::function<void(const std::string&)>>(std::move(sink)) : nullptr;
  std::shared_ptr<const std::function<void(const std::string&)>> previous;
  {
    std::lock_guard lock(log_mu_);
    previous = std::exchange(sink_, std::move(next));
  }
  return previous ? *previous : std::function<void(const std::string&)>();
}

}  // namespace xjax
