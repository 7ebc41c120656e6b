// The worker pool behind parallel_for: workers sleep on a queue of jobs; a job is a chunked range
// whose caller works on it too and waits only for chunks that workers already claimed. Built with
// oneDNN, jobs run on OpenMP's threads instead (run_on_openmp).
#include "kernels/thread_pool.hpp"

#include <cblas.h>
#ifdef XJAX_HAS_ONEDNN
#include <omp.h>
#endif

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

// The setting covers OpenBLAS's threads too (and, per calling thread, OpenMP's: match_library_threads):
// products, LAPACK calls and the pool's jobs run one after another on a thread, so a thread never asks
// for more than n cores at once.
int apply_to_blas(int n) {
  openblas_set_num_threads(n);
  return n;
}

std::atomic<int>& thread_setting() {
  static std::atomic<int> n{apply_to_blas(default_threads())};
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

// Claims chunks of the job until none is left or one failed; the first exception is kept (under mu).
void run_chunks(Job& job, std::mutex& mu) {
  bool was_inside = std::exchange(inside_job, true);
  while (!job.failed.load(std::memory_order_relaxed)) {
    std::int64_t c = job.next.fetch_add(1, std::memory_order_relaxed);
    if (c >= job.chunks) break;
    std::int64_t begin = c * job.grain;
    try {
      if (!pool_worker) check_interrupt();
      job.body(job.ctx, begin, std::min(job.n, begin + job.grain));
    } catch (...) {
      std::lock_guard lock(mu);
      if (!job.error) job.error = std::current_exception();
      job.failed = true;
    }
  }
  inside_job = was_inside;
}

#ifndef XJAX_HAS_ONEDNN
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
    run_chunks(job, mu_);
    std::unique_lock lock(mu_);
    // No worker may join once the job has left the queue; wait for those still running its chunks.
    std::erase(queue_, &job);
    job.helpers_done.wait(lock, [&] { return job.helpers == 0; });
    if (job.error) std::rethrow_exception(job.error);
  }

 private:
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
      run_chunks(*job, mu_);
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
#else
// With oneDNN, whose products run on OpenMP's threads, jobs run on the same OpenMP team: after a
// product its threads wait for the next parallel region, the fused loop that follows wakes them at
// once, and no second set of threads competes with them for the cores.
void run_on_openmp(Job& job) {
  std::mutex error_mu;
#pragma omp parallel num_threads(job.max_helpers + 1)
  {
    if (omp_get_thread_num() != 0) pool_worker = true;
    run_chunks(job, error_mu);
  }
  if (job.error) std::rethrow_exception(job.error);
}
#endif

}  // namespace

void set_num_threads(int n) {
  if (n < 1 || n > max_threads)
    throw ValueError("set_num_threads", "needs between 1 and ", max_threads, " threads, got ", n);
  thread_setting().store(apply_to_blas(n));
}

int num_threads() { return thread_setting().load(std::memory_order_relaxed); }

namespace kernels {

#ifdef XJAX_HAS_ONEDNN
namespace {
thread_local int openmp_threads_set = 0;  // what this thread last gave omp_set_num_threads
}

void match_library_threads() {
  const int n = num_threads();
  if (openmp_threads_set != n) omp_set_num_threads(openmp_threads_set = n);
}

SerialLibraryCalls::SerialLibraryCalls() : saved_(openmp_threads_set) {
  if (openmp_threads_set != 1) omp_set_num_threads(openmp_threads_set = 1);
}

SerialLibraryCalls::~SerialLibraryCalls() {
  if (saved_ != 1 && saved_ != 0) omp_set_num_threads(openmp_threads_set = saved_);
}
#else
void match_library_threads() {}
SerialLibraryCalls::SerialLibraryCalls() = default;
SerialLibraryCalls::~SerialLibraryCalls() = default;
#endif

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
#ifdef XJAX_HAS_ONEDNN
  run_on_openmp(job);
#else
  pool().run(job);
#endif
}

}  // namespace kernels
}  // namespace xjax
