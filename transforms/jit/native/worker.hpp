// The native tier's compile thread (unit.cpp): one thread that runs compile jobs in order.
#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace xjax::native {

// The compile thread: jobs run one at a time, in order; pending jobs are dropped at exit.
class Worker {
 public:
  // At exit: pending jobs are dropped; a job under way is left to the exit handler (unit.cpp, stop_compiling: joining
  // could wait forever on the engine's lock it holds).
  ~Worker() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
      jobs_.clear();
    }
    ready_.notify_all();
    if (thread_.joinable()) thread_.detach();
  }
  void push(std::function<void()> job) {
    std::lock_guard lock(mu_);
    jobs_.push_back(std::move(job));
    if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
    ready_.notify_all();
  }
  void wait_idle() {
    std::unique_lock lock(mu_);
    ready_.wait(lock, [&] { return jobs_.empty() && !busy_; });
  }

 private:
  void loop() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock lock(mu_);
        ready_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
        if (stop_) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
        busy_ = true;
      }
      job();
      {
        std::lock_guard lock(mu_);
        busy_ = false;
      }
      ready_.notify_all();
    }
  }
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  bool stop_ = false, busy_ = false;
  std::thread thread_;
};

}  // namespace xjax::native
