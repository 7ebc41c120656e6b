// The worker pool behind parallel_for: workers sleep on a queue of jobs; a job is a chunked range
// whose caller works on it too and waits only for chunks that workers already claimed.
#include "kernels/thread_pool.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "trace/interrupt.hpp"
#include "xjax/config.hpp"
#include "xjax/errors.hpp"

namespace xjax {
namespace {

constexpr int max_threads = 1024;

int default_threads() {
  if (const char* env = std::getenv("XJAX_NUM_THREADS")) {
    char* end = nullptr;
    long v = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && v >= 1 && v <= max_threads) return static_cast<int>(v);
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(std::min<unsigned>(hw, max_threads));
}

std::atomic<int>& thread_setting() {
  static std::atomic<int> n{default_threads()};
  return n;
}

// True on a thread that is running chunks of some job: nested parallel_for calls run inline.
thread_local bool inside_job = false;
// True on the pool's own threads: they never check for interrupts (the caller does, between its
// chunks, so the error reaches it once).
thread_local bool pool_worker = false;

struct Job {
  std::int64_t n, grain, chunks;
  kernels::ChunkBody body;
  const void* ctx;
  int max_helpers;
  std::atomic<std::int64_t> next{0};
  std::atomic<bool> failed{false};
  // Guarded by the pool's mutex.
  int helpers = 0;
  std::exception_ptr error;
  std::condition_variable helpers_done;
};

class Pool {
 public:
  ~Pool() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  void run(Job& job) {
    {
      std::lock_guard lock(mu_);
      while (static_cast<int>(workers_.size()) < job.max_helpers) workers_.emplace_back([this] { work(); });
      queue_.push_back(&job);
    }
    for (int i = 0; i < job.max_helpers; ++i) wake_.notify_one();
    run_chunks(job);
    std::unique_lock lock(mu_);
    // No worker may join once the job has left the queue; wait for those still running its chunks.
    std::erase(queue_, &job);
    job.helpers_done.wait(lock, [&] { return job.helpers == 0; });
    if (job.error) std::rethrow_exception(job.error);
  }

 private:
  void run_chunks(Job& job) {
    bool was_inside = std::exchange(inside_job, true);
    while (!job.failed.load(std::memory_order_relaxed)) {
      std::int64_t c = job.next.fetch_add(1, std::memory_order_relaxed);
      if (c >= job.chunks) break;
      std::int64_t begin = c * job.grain;
      try {
        if (!pool_worker) check_interrupt();
        job.body(job.ctx, begin, std::min(job.n, begin + job.grain));
      } catch (...) {
        std::lock_guard lock(mu_);
        if (!job.error) job.error = std::current_exception();
        job.failed = true;
      }
    }
    inside_job = was_inside;
  }

  Job* joinable() {
    for (Job* j : queue_)
      if (j->helpers < j->max_helpers && j->next.load(std::memory_order_relaxed) < j->chunks) return j;
    return nullptr;
  }

  void work() {
    pool_worker = true;
    std::unique_lock lock(mu_);
    for (;;) {
      Job* job = nullptr;
      wake_.wait(lock, [&] { return stopping_ || (job = joinable()) != nullptr; });
      if (stopping_) return;
      ++job->helpers;
      lock.unlock();
      run_chunks(*job);
      lock.lock();
      if (--job->helpers == 0) job->helpers_done.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Job*> queue_;
  std::vector<std::thread> workers_;
  bool stopping_ = false;
};

Pool& pool() {
  static Pool p;
  return p;
}

}  // namespace

void set_num_threads(int n) {
  if (n < 1 || n > max_threads)
    throw ValueError("set_num_threads", "needs between 1 and ", max_threads, " threads, got ", n);
  thread_setting().store(n);
}

int num_threads() { return thread_setting().load(std::memory_order_relaxed); }

namespace kernels {

void parallel_for_chunks(std::int64_t n, std::int64_t grain, ChunkBody body, const void* ctx) {
  const std::int64_t chunks = num_chunks(n, grain);
  const int threads = num_threads();
  if (threads <= 1 || chunks <= 1 || inside_job) {
    for (std::int64_t c = 0; c < chunks; ++c) {
      if (!pool_worker && chunks > 1) check_interrupt();
      body(ctx, c * grain, std::min(n, (c + 1) * grain));
    }
    return;
  }
  Job job{n, grain, chunks, body, ctx, static_cast<int>(std::min<std::int64_t>(threads - 1, chunks - 1))};
  pool().run(job);
}

}  // namespace kernels
}  // namespace xjax
