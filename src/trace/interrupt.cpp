// xjax::interrupt: a process-wide counter that signal handlers and other threads bump, and the
// per-thread check that turns a change of it into InterruptedError.
#include "trace/interrupt.hpp"

#include <atomic>
#include <csignal>
#include <cstdint>

#include "xjax/config.hpp"
#include "xjax/errors.hpp"

namespace xjax {
namespace {

std::atomic<std::uint64_t> interrupts{0};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "interrupt() must be async-signal-safe");

// The interrupts this thread has already answered; a thread starts having seen all earlier ones.
std::uint64_t& answered() {
  thread_local std::uint64_t seen = interrupts.load(std::memory_order_relaxed);
  return seen;
}

extern "C" void on_sigint(int) { interrupt(); }

}  // namespace

void interrupt() noexcept { interrupts.fetch_add(1, std::memory_order_relaxed); }

void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  if (sigaction(SIGINT, &action, nullptr) != 0)
    throw ValueError("install_interrupt_handler", "sigaction(SIGINT) failed");
}

const std::atomic<std::uint64_t>& interrupt_counter() { return interrupts; }
std::uint64_t interrupts_answered() { return answered(); }

void check_interrupt() {
  const std::uint64_t now = interrupts.load(std::memory_order_relaxed);
  std::uint64_t& seen = answered();
  if (now == seen) return;
  seen = now;
  throw InterruptedError("interrupt", "the computation was interrupted (xjax::interrupt() or Ctrl-C)");
}

}  // namespace xjax
