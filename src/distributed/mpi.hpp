// The MPI side of xjax::distributed: communicators, axis-name bindings, and collectives on raw
// buffers that check every rank's shapes first and give up after the timeout instead of hanging.
#pragma once
// The C API only (OpenMPI and MPICH otherwise drag in their deprecated C++ bindings).
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "xjax/distributed.hpp"
#include "xjax/ir.hpp"

namespace xjax::distributed {

struct Communicator::Impl final : OpaqueParam {
  MPI_Comm comm = MPI_COMM_NULL;
  int rank = 0;
  int size = 1;
  bool owned = true;   // freed on destruction (every communicator is a duplicate or a split)
  bool broken = false; // a collective timed out: the ranks no longer agree on what comes next
  ~Impl() override;
  std::string describe() const override;
};

// The communicator bound to axis_name (innermost AxisScope, then init's world name), or null.
std::shared_ptr<Communicator::Impl> bound_comm(const std::string& axis_name);
// Throws DistributedError naming op when init() has not been called (or finalize() has).
void require_initialized(const char* op);

// What every rank states before a collective; all must agree, or all throw the same typed error.
struct Header {
  std::int64_t op_code = 0;  // which collective (and its params, hashed)
  ShapedArray aval;
};
void check_agreement(Communicator::Impl& c, const char* op, const Header& mine);

// Nonblocking MPI collectives on contiguous buffers, waited for within the timeout. `keep` holds
// what must outlive a request abandoned by a timeout (arrays whose memory MPI still uses).
void allreduce(Communicator::Impl& c, const char* op, MPI_Op reduce, DType d, const void* in, void* out,
               std::int64_t count, const Arrays& keep);
void allgather(Communicator::Impl& c, const char* op, const void* in, void* out, std::int64_t bytes,
               const Arrays& keep);
void reduce_scatter(Communicator::Impl& c, const char* op, DType d, const void* in, void* out, std::int64_t count,
                    const Arrays& keep);
void alltoall(Communicator::Impl& c, const char* op, const void* in, void* out, std::int64_t bytes_per_rank,
              const Arrays& keep);
// Sends `in` to each rank in send_to and receives from each rank in recv_from into out (one block each).
void exchange(Communicator::Impl& c, const char* op, const void* in, const std::vector<int>& send_to, void* out,
              const std::vector<int>& recv_from, std::int64_t bytes, const Arrays& keep);

}  // namespace xjax::distributed
