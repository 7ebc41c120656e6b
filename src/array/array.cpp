// Array handles: buffers, scalars, element access and concretization.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <ostream>
#include <string>
#include <unordered_set>

#include <unistd.h>

#include "array/array_impl.hpp"
#include "array/buffer_pool.hpp"
#include "kernels/dispatch.hpp"
#include "xjax/ops.hpp"

namespace xjax {

namespace {
// The largest buffer worth trying: the machine's physical memory, or XJAX_MAX_BUFFER_BYTES when set
// (a positive integer). Beyond it an allocation would fail, or succeed lazily and be killed for
// memory when first written, so it is refused up front with a typed error.
std::size_t max_buffer_bytes() {
  static const std::size_t limit = [] {
    if (const char* env = std::getenv("XJAX_MAX_BUFFER_BYTES")) {
      char* end = nullptr;
      unsigned long long v = std::strtoull(env, &end, 10);
      if (end != env && *end == '\0' && v > 0) return static_cast<std::size_t>(v);
    }
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    if (pages <= 0 || page <= 0) return std::numeric_limits<std::size_t>::max() / 2;
    return static_cast<std::size_t>(pages) * static_cast<std::size_t>(page);
  }();
  return limit;
}
}  // namespace

void check_allocation(const char* op, std::int64_t count, std::size_t item_bytes) {
  if (count > 0 && static_cast<std::size_t>(count) > max_buffer_bytes() / item_bytes)
    throw AllocationError(op, count, " items of ", item_bytes, " bytes exceed the limit of ", max_buffer_bytes(),
                          " bytes (physical memory, or XJAX_MAX_BUFFER_BYTES)");
}

// Every array's storage comes from here, so this is the one place sizes are checked against memory.
NewBuffer new_buffer(const ShapedArray& aval) {
  std::int64_t n = aval.size();  // ValueError on negative extents, ShapeError on int64 overflow
  std::size_t item = itemsize(aval.dtype);
  if (n > 0 && static_cast<std::size_t>(n) > max_buffer_bytes() / item)
    throw AllocationError("allocate", aval, " needs ", static_cast<double>(n) * static_cast<double>(item),
                          " bytes, more than the limit of ", max_buffer_bytes(),
                          " (physical memory, or XJAX_MAX_BUFFER_BYTES)");
  std::size_t bytes = static_cast<std::size_t>(n) * item;
  std::size_t padded = (bytes + 63) / 64 * 64 + 64;  // never 0; room for one vector past the end
  std::shared_ptr<void> owner = allocate_buffer(padded);
  if (!owner) throw AllocationError("allocate", "out of memory allocating ", aval);
  auto* data = static_cast<std::byte*>(owner.get());
  return {Array(std::make_shared<Buffer>(aval, owner, data, /*owned=*/true)), data};
}

std::shared_ptr<const void> Buffer::donate(const std::string& to) const {
  static std::mutex mu;
  static std::unordered_set<std::string> names;
  const std::string* name;
  {
    std::lock_guard lock(mu);
    name = &*names.insert(to).first;  // set elements never move
  }
  donated_to_.store(name, std::memory_order_release);
  return std::move(owner_);
}

void Buffer::throw_donated() const {
  throw DonatedArrayError("array", "this ", aval(), " was donated to ", *donated_to_.load(std::memory_order_acquire),
                          " (donate_argnums): its memory now holds that call's results, so it cannot be used again");
}

const Buffer& buffer_of(const Array& x) {
  if (!x.impl()) throw ValueError("array", "use of an empty (default-constructed) Array");
  if (x.impl()->is_tracer()) {
    std::optional<Array> c = static_cast<const Tracer&>(*x.impl()).concrete_value();
    if (!c) throw ConcretizationError("array", "concrete data of a traced ", x.aval(), " requested");
    return buffer_of(*c);
  }
  return static_cast<const Buffer&>(*x.impl());
}

Array to_concrete(const Array& x, const char* op) {
  if (!x.impl()) throw ValueError(op, "use of an empty (default-constructed) Array");
  const Tracer* t = tracer_of(x);
  if (!t) return x;
  if (std::optional<Array> c = t->concrete_value()) return to_concrete(*c, op);
  throw ConcretizationError(op, "a concrete value is required, but got ", t->abstract_reason(), " of type ",
                            x.aval(), ". Under jit/make_jaxpr or vmap, values are abstract: use xjax::where or "
                            "xjax::cond for data-dependent choices, or mark the argument static in jit.");
}

Array reshape_view(const Array& x, const Shape& shape) {
  const Buffer& b = buffer_of(x);
  ShapedArray aval{shape, b.aval().dtype, b.aval().weak_type};
  if (aval.size() != b.aval().size()) throw ShapeError("reshape", "cannot view ", b.aval(), " as ", aval);
  return Array(std::make_shared<Buffer>(std::move(aval), b.owner(), b.data(), b.owned()));
}

void check_value_count(const char* op, std::size_t count, const Shape& shape) {
  const std::int64_t n = shape_size(shape);
  if (count != static_cast<std::size_t>(n))
    throw ShapeError(op, count, " values cannot fill shape ", shape_str(shape), " of ", n, " elements");
}

Array from_data(const void* src, DType dtype, const Shape& shape) {
  NewBuffer out = new_buffer({shape, dtype, false});
  std::size_t bytes = static_cast<std::size_t>(out.array.size()) * itemsize(dtype);
  if (bytes && !src) throw ValueError("from_data", "null data pointer for shape ", shape_str(shape));
  if (bytes) std::memcpy(out.data, src, bytes);
  if (dtype == bool_)  // normalise foreign bytes to 0/1 so reading them as bool is defined
    for (std::size_t i = 0; i < bytes; ++i) out.data[i] = std::byte(out.data[i] != std::byte{0});
  return out.array;
}

Array from_external(const void* data, DType dtype, const Shape& shape, std::shared_ptr<const void> owner) {
  // The memory behind `data` cannot be checked, but the shape can: now, rather than at a later size().
  const std::int64_t n = shape_size(shape);  // ValueError on negative extents, ShapeError on overflow or rank
  if (!data && n != 0) throw ValueError("from_external", "null data pointer for shape ", shape_str(shape));
  if (static_cast<std::uint64_t>(n) > static_cast<std::uint64_t>(PTRDIFF_MAX) / itemsize(dtype))
    throw ShapeError("from_external", "shape ", shape_str(shape), " of ", dtype_name(dtype),
                     " spans more bytes than an address space holds");
  return Array(std::make_shared<Buffer>(ShapedArray{shape, dtype, false}, std::move(owner),
                                        static_cast<const std::byte*>(data)));
}

namespace {
template <class T>
Array make_scalar(T v, bool weak) {
  NewBuffer out = new_buffer({{}, dtype_of<T>(), weak});
  *out.as<T>() = v;
  return out.array;
}
}  // namespace

Array Array::weak_scalar(double v) { return make_scalar(v, true); }
Array Array::weak_scalar(std::int64_t v) { return make_scalar(v, true); }
Array Array::weak_scalar(bool v) { return make_scalar(v, false); }
Array Array::weak_scalar(std::complex<double> v) { return make_scalar(v, true); }

const ShapedArray& Array::aval() const {
  if (!impl_) throw ValueError("array", "use of an empty (default-constructed) Array");
  return impl_->aval();
}
bool Array::is_tracer() const { return impl_ && impl_->is_tracer(); }
const void* Array::raw_data() const { return buffer_of(to_concrete(*this, "data")).data(); }

void Array::check_dtype(DType d) const {
  if (dtype() != d) throw DTypeError("data", "array of dtype ", dtype(), " read as ", d);
}

void Array::copy_item(void* out, DType as) const {
  Array c = to_concrete(*this, "item");
  if (c.size() != 1) throw ValueError("item", "needs an array of one element, got ", c.aval());
  const std::byte* src = buffer_of(c).data();
  dispatch_any_dtype(c.dtype(), [&](auto from) {
    using From = typename decltype(from)::type;
    From v = *reinterpret_cast<const From*>(src);
    dispatch_any_dtype(as, [&](auto to) {
      using To = typename decltype(to)::type;
      *static_cast<To*>(out) = convert_value<To>(v);
    });
  });
}

Array::operator bool() const {
  Array c = to_concrete(*this, "bool");
  if (c.size() != 1)
    throw ValueError("bool", "the truth value of an array with ", c.size(), " elements is ambiguous; use any() or all()");
  return item<bool>();
}

Array Array::astype(DType d) const { return xjax::astype(*this, d); }

Array Array::operator[](std::int64_t i) const {
  if (ndim() == 0) throw IndexError("index", "cannot index a 0-d array ", aval());
  std::int64_t n = shape()[0];
  if (i < -n || i >= n) throw IndexError("index", "index ", i, " out of range for axis 0 of ", aval());
  if (i < 0) i += n;
  return xjax::squeeze(slice_in_dim(*this, i, i + 1, 1, 0), {0});  // the free function, not the method
}

}  // namespace xjax
