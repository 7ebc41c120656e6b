// The xjax::config object: defaults from the environment, and the log sink.
#include "xjax/config.hpp"

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <utility>

namespace xjax {

Config config;

Config::Config() {
  const char* env = std::getenv("XJAX_LOG_COMPILES");
  log_compiles = env && std::strcmp(env, "1") == 0;
}

void Config::log(const std::string& line) {
  std::lock_guard lock(log_mu_);
  if (sink_) sink_(line);
  else std::cerr << line << '\n' << std::flush;
}

std::function<void(const std::string&)> Config::set_log_sink(std::function<void(const std::string&)> sink) {
  std::lock_guard lock(log_mu_);
  return std::exchange(sink_, std::move(sink));
}

}  // namespace xjax
