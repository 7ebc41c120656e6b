// Cooperative interruption: xjax::interrupt() from another thread or from SIGINT stops a running
// computation with InterruptedError, and the next call works.
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "xjax/config.hpp"
#include "xjax/core.hpp"

extern char** environ;

namespace xj = xjax;
using xj::Array;

namespace {

// Calls xj::interrupt() once `started` is set, after a short pause, from another thread.
struct Interrupter {
  std::atomic<bool> started{false};
  std::thread thread{[this] {
    while (!started.load()) std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    xj::interrupt();
  }};
  ~Interrupter() { thread.join(); }
};

// A while_loop whose condition never turns false.
Array forever(const Array& x) {
  return xj::while_loop([](const Array& c) { return c > -1.0; }, [](const Array& c) { return c * 0.5 + 1.0; }, x);
}

}  // namespace

TEST_CASE("interrupt: a jitted while_loop that never ends throws InterruptedError, and the next call works") {
  auto f = xj::jit(forever);
  Interrupter stop;
  stop.started = true;
  CHECK_THROWS_AS(f(xj::array(1.0)), xj::InterruptedError);
  auto g = xj::jit([](const Array& x) { return x + 1.0; });
  CHECK(g(xj::array(1.0)).item<double>() == 2.0);
}

TEST_CASE("interrupt: an eager C++ loop of small operations stops at its next operation") {
  Interrupter stop;
  Array x = xj::array(0.0);
  stop.started = true;
  auto run = [&] {
    for (long i = 0; i < LONG_MAX; ++i) x = x * 0.5 + 1.0;
  };
  CHECK_THROWS_AS(run(), xj::InterruptedError);
  CHECK((x + 1.0).item<double>() > 1.0);  // earlier results intact, the state usable
}

TEST_CASE("interrupt: large kernels stop between their chunks") {
  const Array big = xj::ones({1 << 22});
  Interrupter stop;
  stop.started = true;
  auto run = [&] {
    for (;;) (void)xj::sum(xj::exp(big));
  };
  CHECK_THROWS_AS(run(), xj::InterruptedError);
  CHECK(xj::sum(big).item<float>() == static_cast<float>(1 << 22));
}

// Run in a child process by the next test case (skipped otherwise): Ctrl-C reaches the handler.
// XJAX_TEST_READY_FD names a pipe on which it says that the loop is about to run.
TEST_CASE("interrupt: child process with the SIGINT handler" * doctest::skip()) {
  xj::install_interrupt_handler();
  auto f = xj::jit(forever);
  const char* fd = std::getenv("XJAX_TEST_READY_FD");
  REQUIRE(fd != nullptr);
  REQUIRE(::write(std::atoi(fd), "r", 1) == 1);
  CHECK_THROWS_AS(f(xj::array(1.0)), xj::InterruptedError);
}

TEST_CASE("interrupt: SIGINT to a process running a jitted infinite loop reports InterruptedError and exits cleanly") {
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  char self[4096];
  const ssize_t len = ::readlink("/proc/self/exe", self, sizeof self - 1);
  REQUIRE(len > 0);
  self[len] = '\0';
  char arg1[] = "--no-skip";
  char arg2[] = "--test-case=interrupt: child process with the SIGINT handler";
  char* argv[] = {self, arg1, arg2, nullptr};
  std::vector<std::string> env_strings{"XJAX_TEST_READY_FD=" + std::to_string(ready[1])};
  for (char** e = environ; *e; ++e)
    if (std::string(*e).rfind("XJAX_TEST_READY_FD=", 0) != 0) env_strings.emplace_back(*e);
  std::vector<char*> env;
  for (std::string& e : env_strings) env.push_back(e.data());
  env.push_back(nullptr);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, self, nullptr, nullptr, argv, env.data()) == 0);
  ::close(ready[1]);
  pollfd wait_ready{ready[0], POLLIN, 0};
  CHECK(::poll(&wait_ready, 1, 30000) == 1);  // the child is about to run its loop
  char byte = 0;
  CHECK(::read(ready[0], &byte, 1) == 1);
  ::close(ready[0]);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ::kill(pid, SIGINT);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
