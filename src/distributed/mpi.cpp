// Process group state, communicators and axis bindings, and timed nonblocking MPI collectives.
#include "distributed/mpi.hpp"

#include <algorithm>
#include <climits>
#include <mutex>
#include <sstream>
#include <thread>  // sleep_for

#include "array/array_impl.hpp"

namespace xjax::distributed {
namespace {

// A request given up on after a timeout, with the memory MPI may still write to.
struct Abandoned {
  std::vector<MPI_Request> requests;
  Arrays keep;
};

struct State {
  std::mutex mu;
  bool initialized = false;
  bool owns_mpi = false;  // MPI_Init was ours, so MPI_Finalize is too
  std::chrono::milliseconds timeout{60000};
  std::shared_ptr<Communicator::Impl> world;
  std::string world_axis;
  std::vector<Abandoned> abandoned;
};
State& state() {
  static State s;
  return s;
}

thread_local std::vector<std::pair<std::string, std::shared_ptr<Communicator::Impl>>> bindings;

bool mpi_finalized() {
  int done = 0;
  MPI_Finalized(&done);
  return done != 0;
}

void check_mpi(int code, const char* op, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(code, text, &len);
  throw DistributedError(op, call, " failed: ", std::string(text, static_cast<std::size_t>(len)));
}

int checked_count(std::int64_t n, const char* op) {
  if (n > INT_MAX) throw ValueError(op, "a message of ", n, " elements exceeds MPI's int count");
  return static_cast<int>(n);
}

MPI_Datatype mpi_type(DType d, const char* op) {
  switch (d) {
    case DType::float32: return MPI_FLOAT;
    case DType::float64: return MPI_DOUBLE;
    case DType::int32: return MPI_INT32_T;
    case DType::int64: return MPI_INT64_T;
    case DType::uint32: return MPI_UINT32_T;
    case DType::complex64: return MPI_C_FLOAT_COMPLEX;
    case DType::complex128: return MPI_C_DOUBLE_COMPLEX;
    case DType::bool_:
    case DType::float16:  // collectives receive these widened to float32
    case DType::bfloat16: break;
  }
  throw DTypeError(op, "no reduction for ", d);
}

std::shared_ptr<Communicator::Impl> wrap_comm(MPI_Comm comm) {
  auto c = std::make_shared<Communicator::Impl>();
  c->comm = comm;
  MPI_Comm_rank(comm, &c->rank);
  MPI_Comm_size(comm, &c->size);
  return c;
}

Communicator::Impl& usable(const std::shared_ptr<Communicator::Impl>& c, const char* op) {
  require_initialized(op);
  if (c->broken)
    throw DistributedError(op, "this communicator is unusable: an earlier collective on it timed out");
  return *c;
}

// Polls the requests until all complete or the timeout passes (then they are abandoned: MPI
// cannot cancel a collective, so their buffers stay alive until finalize).
void wait_all(Communicator::Impl& c, const char* op, std::vector<MPI_Request> requests, const Arrays& keep) {
  State& s = state();
  const auto start = std::chrono::steady_clock::now(), deadline = start + s.timeout;
  for (;;) {
    int done = 0;
    check_mpi(MPI_Testall(static_cast<int>(requests.size()), requests.data(), &done, MPI_STATUSES_IGNORE), op,
              "MPI_Testall");
    if (done) return;
    const auto now = std::chrono::steady_clock::now();
    if (now > deadline) {
      c.broken = true;
      std::lock_guard<std::mutex> lock(s.mu);
      s.abandoned.push_back({std::move(requests), keep});
      throw TimeoutError(op, "rank ", c.rank, " of ", c.size, " waited ", s.timeout.count(),
                         " ms for the other ranks to join this collective: a rank skipped it, called another one, "
                         "or died");
    }
    // Each test advances the transfer (MPI progresses nonblocking collectives only inside MPI
    // calls): poll flat out as a blocking MPI call would (yielding costs whole time slices on a
    // busy machine), and back off only once a peer is clearly late.
    if (now - start > std::chrono::milliseconds(100)) std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
}

std::string describe_aval(const ShapedArray& a) {
  std::ostringstream os;
  os << a;
  return os.str();
}

}  // namespace

Communicator::Impl::~Impl() {
  if (owned && comm != MPI_COMM_NULL && !mpi_finalized()) MPI_Comm_free(&comm);
}

std::string Communicator::Impl::describe() const {
  std::ostringstream os;
  os << "comm(size=" << size << ")";
  return os.str();
}

void require_initialized(const char* op) {
  if (!state().initialized)
    throw DistributedError(op, "xjax::distributed is not initialised: call xjax::distributed::init() first");
}

void init(int* argc, char*** argv, const InitOptions& options) {
  State& s = state();
  if (s.initialized) throw DistributedError("init", "already initialised");
  int already = 0;
  MPI_Initialized(&already);
  if (!already) {
    if (mpi_finalized()) throw DistributedError("init", "MPI was finalised and cannot be initialised again");
    int provided = 0;
    check_mpi(MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided), "init", "MPI_Init_thread");
    s.owns_mpi = true;
  }
  MPI_Comm dup = MPI_COMM_NULL;
  check_mpi(MPI_Comm_dup(MPI_COMM_WORLD, &dup), "init", "MPI_Comm_dup");
  s.world = wrap_comm(dup);
  s.world_axis = options.axis_name;
  s.timeout = options.timeout;
  s.initialized = true;
}

void finalize() {
  State& s = state();
  if (!s.initialized) return;
  // Give abandoned requests a last chance to complete (a late rank may have joined meanwhile).
  for (Abandoned& a : s.abandoned) {
    int done = 0;
    MPI_Testall(static_cast<int>(a.requests.size()), a.requests.data(), &done, MPI_STATUSES_IGNORE);
  }
  s.initialized = false;
  s.world.reset();
  bindings.clear();
  if (s.owns_mpi && !mpi_finalized()) MPI_Finalize();
  s.owns_mpi = false;
}

bool initialized() { return state().initialized; }
int rank() { return world().rank(); }
int size() { return world().size(); }
void set_timeout(std::chrono::milliseconds t) {
  if (t.count() <= 0) throw ValueError("set_timeout", "the timeout must be positive, got ", t.count(), " ms");
  state().timeout = t;
}
std::chrono::milliseconds timeout() { return state().timeout; }

Communicator world() {
  require_initialized("world");
  return Communicator(state().world);
}
int Communicator::rank() const { return impl_->rank; }
int Communicator::size() const { return impl_->size; }

Communicator Communicator::split(int color, int key) const {
  Impl& c = usable(impl_, "split");
  // MPI_Comm_split has no nonblocking form: agree first (timed), so a missing rank cannot hang it.
  check_agreement(c, "split", Header{0x5117, ShapedArray{{}, int32, false}});
  MPI_Comm out = MPI_COMM_NULL;
  check_mpi(MPI_Comm_split(c.comm, color, key, &out), "split", "MPI_Comm_split");
  return Communicator(wrap_comm(out));
}

void Communicator::barrier() const {
  Impl& c = usable(impl_, "barrier");
  MPI_Request r = MPI_REQUEST_NULL;
  check_mpi(MPI_Ibarrier(c.comm, &r), "barrier", "MPI_Ibarrier");
  wait_all(c, "barrier", {r}, {});
}

AxisScope::AxisScope(std::string axis_name, Communicator comm) {
  bindings.emplace_back(std::move(axis_name), comm.impl());
}
AxisScope::~AxisScope() {
  if (!bindings.empty()) bindings.pop_back();
}

std::shared_ptr<Communicator::Impl> bound_comm(const std::string& axis_name) {
  for (auto it = bindings.rbegin(); it != bindings.rend(); ++it)
    if (it->first == axis_name) return it->second;
  const State& s = state();
  if (s.initialized && axis_name == s.world_axis) return s.world;
  return nullptr;
}

void check_agreement(Communicator::Impl& c, const char* op, const Header& mine) {
  constexpr std::size_t kDims = 8;
  constexpr std::size_t kWords = 4 + kDims;
  // [op, dtype, ndim, hash of all extents, first extents...]
  // Buffers as arrays, so a request abandoned by a timeout keeps them alive.
  NewBuffer word_buf = new_buffer(ShapedArray{{static_cast<std::int64_t>(kWords)}, int64, false});
  NewBuffer all_buf = new_buffer(ShapedArray{{static_cast<std::int64_t>(kWords) * c.size}, int64, false});
  std::int64_t* word = word_buf.as<std::int64_t>();
  const Shape& shape = mine.aval.shape;
  std::uint64_t hash = 1469598103934665603ULL;
  for (std::int64_t e : shape) hash = (hash ^ static_cast<std::uint64_t>(e)) * 1099511628211ULL;
  std::fill(word, word + kWords, -1);
  word[0] = mine.op_code;
  word[1] = static_cast<std::int64_t>(mine.aval.dtype);
  word[2] = static_cast<std::int64_t>(shape.size());
  word[3] = static_cast<std::int64_t>(hash);
  for (std::size_t i = 0; i < shape.size() && i < kDims; ++i) word[4 + i] = shape[i];
  MPI_Request r = MPI_REQUEST_NULL;
  check_mpi(MPI_Iallgather(word, static_cast<int>(kWords), MPI_INT64_T, all_buf.data, static_cast<int>(kWords),
                           MPI_INT64_T, c.comm, &r),
            op, "MPI_Iallgather");
  wait_all(c, op, {r}, {word_buf.array, all_buf.array});
  // Every rank now holds every header, so every rank reaches the same verdict.
  auto header_of = [&](int rank) {
    const std::int64_t* w = all_buf.as<std::int64_t>() + kWords * static_cast<std::size_t>(rank);
    return std::vector<std::int64_t>(w, w + kWords);
  };
  auto aval_of = [&](int rank) {
    std::vector<std::int64_t> w = header_of(rank);
    ShapedArray a{{}, static_cast<DType>(w[1]), false};
    for (std::int64_t i = 0; i < w[2] && i < static_cast<std::int64_t>(kDims); ++i)
      a.shape.push_back(w[4 + static_cast<std::size_t>(i)]);
    return describe_aval(a) + (w[2] > static_cast<std::int64_t>(kDims) ? "(more dims)" : "");
  };
  const std::vector<std::int64_t> first = header_of(0);
  for (int r = 1; r < c.size; ++r) {
    std::vector<std::int64_t> w = header_of(r);
    if (w == first) continue;
    if (w[0] != first[0])
      throw DistributedError(op, "the ranks called different collectives (or with different parameters): rank 0 and rank ",
                             r, " disagree");
    if (w[1] != first[1])
      throw DTypeError(op, "dtypes differ across ranks: rank 0 has ", aval_of(0), ", rank ", r, " has ", aval_of(r));
    throw ShapeError(op, "shapes differ across ranks: rank 0 has ", aval_of(0), ", rank ", r, " has ", aval_of(r));
  }
}

void allreduce(Communicator::Impl& c, const char* op, MPI_Op reduce, DType d, const void* in, void* out,
               std::int64_t count, const Arrays& keep) {
  MPI_Request r = MPI_REQUEST_NULL;
  check_mpi(MPI_Iallreduce(in, out, checked_count(count, op), mpi_type(d, op), reduce, c.comm, &r), op,
            "MPI_Iallreduce");
  wait_all(c, op, {r}, keep);
}

void allgather(Communicator::Impl& c, const char* op, const void* in, void* out, std::int64_t bytes,
               const Arrays& keep) {
  const int n = checked_count(bytes, op);
  MPI_Request r = MPI_REQUEST_NULL;
  check_mpi(MPI_Iallgather(in, n, MPI_BYTE, out, n, MPI_BYTE, c.comm, &r), op, "MPI_Iallgather");
  wait_all(c, op, {r}, keep);
}

void reduce_scatter(Communicator::Impl& c, const char* op, DType d, const void* in, void* out, std::int64_t count,
                    const Arrays& keep) {
  MPI_Request r = MPI_REQUEST_NULL;
  check_mpi(MPI_Ireduce_scatter_block(in, out, checked_count(count, op), mpi_type(d, op), MPI_SUM, c.comm, &r), op,
            "MPI_Ireduce_scatter_block");
  wait_all(c, op, {r}, keep);
}

void alltoall(Communicator::Impl& c, const char* op, const void* in, void* out, std::int64_t bytes_per_rank,
              const Arrays& keep) {
  const int n = checked_count(bytes_per_rank, op);
  MPI_Request r = MPI_REQUEST_NULL;
  check_mpi(MPI_Ialltoall(in, n, MPI_BYTE, out, n, MPI_BYTE, c.comm, &r), op, "MPI_Ialltoall");
  wait_all(c, op, {r}, keep);
}

void exchange(Communicator::Impl& c, const char* op, const void* in, const std::vector<int>& send_to, void* out,
              const std::vector<int>& recv_from, std::int64_t bytes, const Arrays& keep) {
  const int n = checked_count(bytes, op);
  constexpr int kTag = 0x7e7;
  std::vector<MPI_Request> rs;
  for (std::size_t i = 0; i < recv_from.size(); ++i) {
    rs.push_back(MPI_REQUEST_NULL);
    check_mpi(MPI_Irecv(static_cast<std::byte*>(out) + static_cast<std::ptrdiff_t>(i) * n, n, MPI_BYTE, recv_from[i],
                        kTag, c.comm, &rs.back()),
              op, "MPI_Irecv");
  }
  for (int dst : send_to) {
    rs.push_back(MPI_REQUEST_NULL);
    check_mpi(MPI_Isend(in, n, MPI_BYTE, dst, kTag, c.comm, &rs.back()), op, "MPI_Isend");
  }
  wait_all(c, op, std::move(rs), keep);
}

}  // namespace xjax::distributed
