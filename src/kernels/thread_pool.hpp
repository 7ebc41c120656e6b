// parallel_for over a persistent pool of worker threads (starting a thread per call costs more than
// the work at n = 1e6), with chunks fixed by the range alone so results never depend on thread count.
#pragma once
#include <algorithm>
#include <cstdint>

namespace xjax::kernels {

// Elements per chunk of the eager kernels and of jit's fused kernels, measured with
// bench/parallel_threshold.cpp: below about two chunks, waking a worker costs more than it saves.
inline constexpr std::int64_t parallel_grain = 32768;

inline std::int64_t num_chunks(std::int64_t n, std::int64_t grain) { return n <= 0 ? 0 : (n + grain - 1) / grain; }

// Gives the calling thread's OpenMP setting, which oneDNN and OpenBLAS built on OpenMP read, the value
// of xjax::num_threads() (OpenMP keeps it per thread). Called before every BLAS, LAPACK and oneDNN
// call; does nothing when the library is built without OpenMP or the value is already set.
void match_library_threads();

// For its lifetime, BLAS and LAPACK calls made on this thread run on this thread alone (as they do
// inside a parallel_for job). Does nothing when the library is built without OpenMP.
class SerialLibraryCalls {
 public:
  SerialLibraryCalls();
  ~SerialLibraryCalls();
  SerialLibraryCalls(const SerialLibraryCalls&) = delete;
  SerialLibraryCalls& operator=(const SerialLibraryCalls&) = delete;

 private:
  int saved_ = 0;
};

using ChunkBody = void (*)(const void* ctx, std::int64_t begin, std::int64_t end);
void parallel_for_chunks(std::int64_t n, std::int64_t grain, ChunkBody body, const void* ctx);

// Calls fn(begin, end) once for every chunk [c * grain, min(n, (c + 1) * grain)) of [0, n), spread
// over the pool and the calling thread. A reduction that keeps one partial result per chunk
// (index begin / grain) and folds them in chunk order is therefore bit-identical for any number of
// threads. Runs on the caller alone for a single chunk, with one thread, or inside another
// parallel_for (the caller always works on its own chunks and never waits for a queue, so nesting
// and many concurrent callers cannot deadlock). Rethrows the first exception of fn.
template <class F>
void parallel_for(std::int64_t n, std::int64_t grain, const F& fn) {
  grain = std::max<std::int64_t>(grain, 1);
  if (n <= grain) {
    if (n > 0) fn(std::int64_t{0}, n);
    return;
  }
  parallel_for_chunks(
      n, grain, [](const void* c, std::int64_t b, std::int64_t e) { (*static_cast<const F*>(c))(b, e); }, &fn);
}

}  // namespace xjax::kernels
