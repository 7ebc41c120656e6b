// Cooperative interruption (xjax::interrupt in config.hpp): the checks running computations make.
#pragma once
#include <atomic>
#include <cstdint>

namespace xjax {

// Throws InterruptedError if xjax::interrupt() was called since this thread last saw an interrupt
// (or since its first check). One relaxed atomic load when nothing is pending. Computations call it
// between operations, between a compiled program's steps and loop iterations, and between the
// chunks of a large kernel that the calling thread runs (never on a pool worker, so the error
// reaches the caller once).
void check_interrupt();

// For generated code, which checks without a call: the counter interrupt() bumps, and its value
// this thread has answered (a change means check_interrupt() would throw).
const std::atomic<std::uint64_t>& interrupt_counter();
std::uint64_t interrupts_answered();

}  // namespace xjax
