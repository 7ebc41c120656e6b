// xjax-kernel: a Jupyter kernel for C++20 with xjax (the kernelspec `xjax` starts it as
// `xjax-kernel -f {connection_file}`). Ctrl-C in the front end interrupts running xjax code.
#include <xeus/xeus_context.hpp>
#include <xeus/xhelper.hpp>
#include <xeus/xkernel.hpp>
#include <xeus/xkernel_configuration.hpp>
#include <xeus/xserver_zmq.hpp>

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "interpreter.hpp"
#include "xjax/config.hpp"

// xjax's headers: beside an installed kernel (<prefix>/include), else the source tree's.
std::string include_dir() {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::filesystem::path installed = self.parent_path().parent_path() / "include";
  if (!ec && std::filesystem::exists(installed / "xjax" / "xjax.hpp", ec)) return installed.string();
  return XJAX_KERNEL_INCLUDE_DIR;
}

int main(int argc, char* argv[]) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--version") == 0) {
      std::cout << "xjax-kernel " XJAX_VERSION_STRING "\n";
      return 0;
    }
  const std::string connection = xeus::extract_filename(argc, argv);
  if (connection.empty()) {
    std::cerr << "usage: xjax-kernel -f CONNECTION_FILE   (started by Jupyter through the kernelspec `xjax`)\n";
    return 2;
  }
  // The front end interrupts with SIGINT, which asks running xjax code to stop: it throws
  // xjax::InterruptedError, reported as the cell's error. The signal is blocked in this thread, and
  // so in xeus's threads (one landing there would break their blocking socket calls), and taken by
  // a thread that waits for it (or by a thread a library started before main, whose waits restart).
  struct sigaction on_interrupt {};
  on_interrupt.sa_handler = [](int) { xjax::interrupt(); };  // async-signal-safe
  sigemptyset(&on_interrupt.sa_mask);
  on_interrupt.sa_flags = SA_RESTART;
  sigaction(SIGINT, &on_interrupt, nullptr);  // (also when the kernel was started with SIGINT ignored)
  sigset_t interrupt_signal;
  sigemptyset(&interrupt_signal);
  sigaddset(&interrupt_signal, SIGINT);
  pthread_sigmask(SIG_BLOCK, &interrupt_signal, nullptr);
  std::thread([interrupt_signal] {
    pthread_sigmask(SIG_UNBLOCK, &interrupt_signal, nullptr);
    for (;;) pause();
  }).detach();
  auto interpreter = std::make_unique<xjax::kernel::Interpreter>(include_dir(), XJAX_KERNEL_CLANG_RESOURCE_DIR);
  xeus::xconfiguration config = xeus::load_configuration(connection);
  auto context = xeus::make_context<zmq::context_t>();
  xeus::xkernel kernel(config, xeus::get_user_name(), std::move(context), std::move(interpreter), xeus::make_xserver_zmq);
  kernel.start();
  return 0;
}
