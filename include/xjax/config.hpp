// Process-wide runtime settings: the number of threads kernels may use.
#pragma once

namespace xjax {

// Threads that large kernels (eager elementwise ops and reductions, jit's fused kernels) split their
// work over, the calling thread included. The default is the environment variable
// XJAX_NUM_THREADS when it holds a positive integer, else the hardware's concurrency. Results do
// not depend on it: work is cut into chunks fixed by the array size alone. set_num_threads(n)
// throws ValueError unless 1 <= n <= 1024; it applies to calls that start after it.
void set_num_threads(int n);
int num_threads();

}  // namespace xjax
