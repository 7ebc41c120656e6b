// Helpers shared by the collective primitives: their params, the size of their axis, the
// communicator behind it, and the block moves that lay buffers out the way MPI wants them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "array/array_impl.hpp"
#include "distributed/mpi.hpp"
#include "primitives/common.hpp"

namespace xjax::distributed {

// {axis_name, comm (when a communicator is bound to that name), extra...}.
Params collective_params(const char* op, const std::string& axis_name, const Params& extra = {});
const std::string& axis_name_of(const Params& params);
// The number of members of the axis: the named vmap's size if one is active, else the communicator's.
std::int64_t axis_extent(const Params& params, const char* op);
// The communicator an eager collective runs on (checks init, binding and agreement across ranks).
Communicator::Impl& comm_for(const Primitive& p, const Params& params, const ShapedArray& aval);

// src viewed as [a][b][block bytes] written to dst as [b][a][block bytes].
void swap_blocks(const std::byte* src, std::byte* dst, std::int64_t a, std::int64_t b, std::int64_t block);
std::int64_t prod(const Shape& s, std::size_t from, std::size_t to);
int checked_axis(const char* op, std::int64_t axis, std::int64_t ndim, const ShapedArray& x);

// Rebinds p on a value batched at dims[0] (not over p's axis), with the given int params shifted past
// the batch axis moved to the front; the output is batched at 0.
std::pair<Arrays, BatchDims> batch_front(const Primitive& p, const Arrays& vals, const BatchDims& dims,
                                         const Params& params, std::initializer_list<const char*> axis_params);

}  // namespace xjax::distributed
