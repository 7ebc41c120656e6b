// The persistent compilation cache (XJAX_COMPILATION_CACHE_DIR, config.set_compilation_cache_dir):
// native code stored by one program is loaded by a later one, in this process and in another;
// damaged entries, an unwritable directory and the size bound never change a result.
#include <doctest/doctest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "testing.hpp"
#include "xjax/export.hpp"
#include "xjax/interop.hpp"
#include "xjax/xjax.hpp"

extern char** environ;

namespace xj = xjax;

namespace {

namespace fs = std::filesystem;
using xj::Array;
using xj::test::identical;
using xj::test::TierScope;

// A fresh directory for the cache, and the setting pointing at it while the scope lives.
struct CacheScope {
  fs::path dir;
  std::string saved = xj::config.compilation_cache_dir();
  std::int64_t saved_bound = xj::config.compilation_cache_max_bytes.load();
  explicit CacheScope(const std::string& name)
      : dir(fs::temp_directory_path() / ("xjax_cache_" + name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(dir);
    xj::native::wait_for_background_compiles();  // earlier tests' programs store nothing here
    xj::config.set_compilation_cache_dir(dir.string());
  }
  ~CacheScope() {
    xj::config.set_compilation_cache_dir(saved);
    xj::config.compilation_cache_max_bytes = saved_bound;
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::vector<fs::path> entries() const {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".xjc") out.push_back(e.path());
    return out;
  }
};

// The log lines written while the scope lives.
struct LogCapture {
  std::vector<std::string> lines;
  std::function<void(const std::string&)> saved;
  bool saved_flag = xj::config.log_compiles.exchange(true);
  LogCapture() : saved(xj::config.set_log_sink([this](const std::string& l) { lines.push_back(l); })) {}
  ~LogCapture() {
    xj::config.set_log_sink(saved);
    xj::config.log_compiles = saved_flag;
  }
  int count(const std::string& text) const {
    int n = 0;
    for (const std::string& l : lines) n += l.find(text) != std::string::npos;
    return n;
  }
};

// A program with a fused loop, a product, closed-over weights and a loop in registers.
Array model(const Array& x) {
  Array w = xj::reshape(xj::linspace(-1.0, 1.0, 12), {4, 3});
  Array h = xj::tanh(xj::matmul(x, w)) + 0.25;
  Array s = xj::fori_loop(0, 7, [](const Array&, const Array& c) { return xj::sin(c) * 0.9 + 0.1; }, xj::sum(h));
  return xj::exp(h) * s + xj::sqrt(xj::abs(h));
}

Array input() { return xj::reshape(xj::linspace(-2.0, 3.0, 20), {5, 4}); }

// Each jit(...) object compiles anew (the in-memory cache belongs to it).
Array run_native(const Array& x) {
  TierScope tier;
  return xj::jit(model)(x);
}

void corrupt_every_entry(const CacheScope& cache, const std::function<void(std::string&)>& damage) {
  for (const fs::path& p : cache.entries()) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    std::string bytes = s.str();
    in.close();
    damage(bytes);
    std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
  }
}

}  // namespace

TEST_CASE("compilation cache: a second program loads the code the first stored, with the same bits") {
  if (!xj::has_native_jit()) return;
  CacheScope cache("reuse");
  LogCapture log;
  Array first = run_native(input());
  CHECK(log.count("stored in the compilation cache") >= 1);
  CHECK(log.count("loaded from the compilation cache") == 0);
  CHECK(!cache.entries().empty());
  Array second = run_native(input());
  CHECK(log.count("loaded from the compilation cache") >= 1);
  CHECK(identical(first, second));
  {
    TierScope interpreter(xj::JitTier::interpreter);
    CHECK(identical(first, xj::jit(model)(input())));  // the interpreter's bits
  }
  {
    // The automatic tier runs cached code from the first call.
    TierScope automatic(xj::JitTier::automatic);
    auto f = xj::jit(model);
    CHECK(identical(f(input()), first));
    CHECK(f.lower(input()).as_text().find("loaded from the compilation cache") != std::string::npos);
  }
  // Without the setting nothing is read or written.
  xj::config.set_compilation_cache_dir("");
  LogCapture quiet;
  CHECK(identical(run_native(input()), first));
  CHECK(quiet.count("compilation cache") == 0);
}

// Three elementwise chains over arrays of different shapes: three fused loops, each large enough
// (inlined tanh, exp and logistic) for the unit to be compiled in parts on several threads.
Array three_loops(const Array& a, const Array& b, const Array& c) {
  auto chain = [](const Array& x) { return xj::tanh(x) * xj::exp(-x * x) + xj::nn::sigmoid(x * 3.0) / (1.0 + x * x); };
  return xj::sum(chain(a)) + xj::sum(chain(b)) * 2.0 + xj::sum(chain(c)) * 3.0 + xj::mean(xj::tanh(a) * xj::exp(a));
}

TEST_CASE("native tier: a program of several large loops is compiled in parts, stored and loaded whole") {
  if (!xj::has_native_jit()) return;
  CacheScope cache("parts");
  LogCapture log;
  Array a = xj::linspace(-3.0f, 3.0f, 3000), b = xj::reshape(xj::linspace(-2.0f, 4.0f, 2000), {40, 50}),
        c = xj::linspace(-1.0f, 1.0f, 777);
  Array native, interpreted;
  {
    TierScope tier;
    auto f = xj::jit(three_loops);
    native = f(a, b, c);
    const std::string text = f.lower(a, b, c).as_text();
    if (std::thread::hardware_concurrency() >= 2) CHECK_MESSAGE(text.find("parts on as many threads") != std::string::npos, text);
  }
  {
    TierScope interpreter(xj::JitTier::interpreter);
    interpreted = xj::jit(three_loops)(a, b, c);
  }
  CHECK(identical(native, interpreted));
  CHECK(log.count("stored in the compilation cache") == 1);
  TierScope tier;
  auto again = xj::jit(three_loops);
  CHECK(identical(again(a, b, c), interpreted));
  CHECK(log.count("loaded from the compilation cache") == 1);
  if (std::thread::hardware_concurrency() >= 2)
    CHECK(again.lower(a, b, c).as_text().find("loaded from the compilation cache in ") != std::string::npos);
}

TEST_CASE("compilation cache: damaged entries are ignored, logged and replaced") {
  if (!xj::has_native_jit()) return;
  CacheScope cache("damaged");
  Array want = run_native(input());
  const std::vector<std::pair<std::string, std::function<void(std::string&)>>> damages{
      {"corrupted", [](std::string& b) { b[b.size() - 40] ^= 0x5a; }},
      {"truncated", [](std::string& b) { b.resize(b.size() / 2); }},
      {"truncated", [](std::string& b) { b.resize(b.find('\n') + 1); }},
      {"not an entry of this library's format", [](std::string& b) { b = "garbage"; }},
      {"not an entry of this library's format", [](std::string& b) { b.clear(); }},
      {"its key does not match", [](std::string& b) { b[b.find("key ") + 4] ^= 1; }},
  };
  for (const auto& [why, damage] : damages) {
    CAPTURE(why);
    corrupt_every_entry(cache, damage);
    LogCapture log;
    CHECK(identical(run_native(input()), want));
    CHECK(log.count("ignoring entry") >= 1);
    CHECK(log.count(why) >= 1);
    CHECK(log.count("stored in the compilation cache") >= 1);  // replaced
    LogCapture again;
    CHECK(identical(run_native(input()), want));
    CHECK(again.count("loaded from the compilation cache") >= 1);
  }
}

TEST_CASE("compilation cache: a directory that cannot be written only means compiling") {
  if (!xj::has_native_jit()) return;
  CacheScope cache("unwritable");
  fs::create_directories(cache.dir);
  const fs::path file = cache.dir / "a_file";
  std::ofstream(file) << "x";
  xj::config.set_compilation_cache_dir((file / "cache").string());  // under a regular file
  LogCapture log;
  Array x = input();
  CHECK(identical(run_native(x), xj::jit(model)(x)));
  CHECK(log.count("compilation cache: not stored") >= 1);
}

TEST_CASE("compilation cache: the size bound evicts the least recently used entries") {
  if (!xj::has_native_jit()) return;
  CacheScope cache("bound");
  auto program = [](double k) {
    return [k](const Array& x) { return xj::exp(x * k) + xj::tanh(x) * k; };
  };
  TierScope tier;
  Array x = xj::linspace(-1.0, 1.0, 3000);
  (void)xj::jit(program(2.0))(x);
  REQUIRE(cache.entries().size() == 1);
  const auto one = static_cast<std::int64_t>(fs::file_size(cache.entries()[0]));
  xj::config.compilation_cache_max_bytes = one * 5 / 2;  // room for two entries
  for (double k : {3.0, 4.0, 5.0, 6.0}) (void)xj::jit(program(k))(x);
  std::int64_t total = 0;
  for (const fs::path& p : cache.entries()) total += static_cast<std::int64_t>(fs::file_size(p));
  CHECK(cache.entries().size() == 2);
  CHECK(total <= xj::config.compilation_cache_max_bytes.load());
  LogCapture log;  // the newest is kept; the oldest is gone
  (void)xj::jit(program(6.0))(x);
  CHECK(log.count("loaded from the compilation cache") == 1);
  (void)xj::jit(program(2.0))(x);
  CHECK(log.count("stored in the compilation cache") == 1);
}

// --- Two processes: run by the next test case (skipped otherwise) with XJAX_CACHE_TEST_ROLE set.
// `fill` exports the model to an artifact and runs it (storing its code); `load` runs the artifact
// (loading the code). Each writes its output and its log lines into XJAX_CACHE_TEST_DIR.
TEST_CASE("compilation cache: child process" * doctest::skip()) {
  const char* role = std::getenv("XJAX_CACHE_TEST_ROLE");
  const char* where = std::getenv("XJAX_CACHE_TEST_DIR");
  REQUIRE(role != nullptr);
  REQUIRE(where != nullptr);
  const fs::path dir = where;
  LogCapture log;
  Array out;
  if (std::string(role).rfind("fill", 0) == 0) {
    xj::Exported e = xj::export_(xj::jit(model))(input());
    std::ofstream(dir / (std::string(role) + ".xjx"), std::ios::binary) << e.serialize();
    TierScope tier;
    out = xj::deserialize(e.serialize()).call(input());
  } else {
    std::ifstream in(dir / "fill1.xjx", std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    out = xj::deserialize(bytes.str()).call(input());  // the default (automatic) tier
  }
  xj::save((dir / (std::string(role) + ".npy")).string(), out);
  std::ofstream lines(dir / (std::string(role) + ".log"));
  for (const std::string& l : log.lines) lines << l << '\n';
}

TEST_CASE("compilation cache: two processes fill one directory at once, a third loads from it") {
  if (!xj::has_native_jit()) return;
  CacheScope cache("processes");
  const fs::path work = cache.dir.string() + "_work";
  fs::remove_all(work);
  fs::create_directories(work);
  char self[4096];
  const ssize_t len = ::readlink("/proc/self/exe", self, sizeof self - 1);
  REQUIRE(len > 0);
  self[len] = '\0';
  auto spawn = [&](const std::string& role) {
    std::vector<std::string> env_strings{"XJAX_CACHE_TEST_ROLE=" + role, "XJAX_CACHE_TEST_DIR=" + work.string(),
                                         "XJAX_COMPILATION_CACHE_DIR=" + cache.dir.string()};
    for (char** e = environ; *e; ++e) {
      std::string s = *e;
      if (s.rfind("XJAX_CACHE_TEST_", 0) != 0 && s.rfind("XJAX_COMPILATION_CACHE_", 0) != 0 && s.rfind("XJAX_JIT_TIER=", 0) != 0)
        env_strings.push_back(s);
    }
    std::vector<char*> env;
    for (std::string& e : env_strings) env.push_back(e.data());
    env.push_back(nullptr);
    std::string a1 = "--no-skip", a2 = "--test-case=compilation cache: child process";
    char* argv[] = {self, a1.data(), a2.data(), nullptr};
    pid_t pid = 0;
    REQUIRE(posix_spawn(&pid, self, nullptr, nullptr, argv, env.data()) == 0);
    return pid;
  };
  auto exited_cleanly = [](pid_t pid) {
    int status = 0;
    return ::waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  };
  pid_t fill1 = spawn("fill1"), fill2 = spawn("fill2");
  CHECK(exited_cleanly(fill1));
  CHECK(exited_cleanly(fill2));
  CHECK(exited_cleanly(spawn("load")));
  auto read = [&](const std::string& name) {
    std::ifstream in(work / name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  CHECK((read("fill1.log") + read("fill2.log")).find("stored in the compilation cache") != std::string::npos);
  INFO(read("load.log"));
  CHECK(read("load.log").find("loaded from the compilation cache") != std::string::npos);
  CHECK(read("load.log").find("ignoring entry") == std::string::npos);
  Array want = xj::jit(model)(input());
  CHECK(identical(xj::load((work / "fill1.npy").string()), want));
  CHECK(identical(xj::load((work / "fill2.npy").string()), want));
  CHECK(identical(xj::load((work / "load.npy").string()), want));
  fs::remove_all(work);
}
