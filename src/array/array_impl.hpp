// What an Array handle points at: a concrete buffer, or a tracer owned by some trace.
#pragma once
#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <optional>

#include "xjax/array.hpp"

namespace xjax {

class MainTrace;

class ArrayImpl {
 public:
  explicit ArrayImpl(ShapedArray aval) : aval_(std::move(aval)) {}
  virtual ~ArrayImpl() = default;
  ArrayImpl(const ArrayImpl&) = delete;
  ArrayImpl& operator=(const ArrayImpl&) = delete;
  const ShapedArray& aval() const { return aval_; }
  virtual bool is_tracer() const = 0;

 private:
  ShapedArray aval_;
};

// Row-major contiguous data; `owner` keeps the memory alive (shared between views of one buffer).
// `owned`: the memory came from new_buffer (not a caller's, as from_external's), so a jitted program
// that is donated the array may write its outputs into it.
class Buffer final : public ArrayImpl {
 public:
  Buffer(ShapedArray aval, std::shared_ptr<const void> owner, const std::byte* data, bool owned = false)
      : ArrayImpl(std::move(aval)), owner_(std::move(owner)), data_(data), owned_(owned) {}
  bool is_tracer() const override { return false; }
  const std::byte* data() const {
    if (donated_to_.load(std::memory_order_relaxed)) [[unlikely]] throw_donated();
    return data_;
  }
  const std::shared_ptr<const void>& owner() const {
    if (donated_to_.load(std::memory_order_relaxed)) [[unlikely]] throw_donated();
    return owner_;
  }
  bool owned() const { return owned_; }
  // Hands the memory over to a jitted call it was donated to (`to` names the argument and the
  // function): from now on every handle of this buffer throws DonatedArrayError when read.
  std::shared_ptr<const void> donate(const std::string& to) const;

 private:
  [[noreturn]] void throw_donated() const;
  mutable std::shared_ptr<const void> owner_;
  const std::byte* data_;
  bool owned_;
  // Set once donated: the argument's name, interned for the life of the process (a few per program).
  mutable std::atomic<const std::string*> donated_to_{nullptr};
};

// A value inside a transformation. Subclasses (JVP, batching, staging) carry what their trace needs.
// With config.check_tracer_leaks on, each tracer is registered with its trace while alive.
bool register_tracer(MainTrace& main, const ArrayImpl* tracer);
void unregister_tracer(MainTrace& main, const ArrayImpl* tracer);

class Tracer : public ArrayImpl {
 public:
  Tracer(ShapedArray aval, std::shared_ptr<MainTrace> main)
      : ArrayImpl(std::move(aval)), main_(std::move(main)), registered_(register_tracer(*main_, this)) {}
  ~Tracer() override {
    if (registered_) unregister_tracer(*main_, this);
  }
  bool is_tracer() const override { return true; }
  const std::shared_ptr<MainTrace>& main() const { return main_; }
  // The concrete value, when this trace knows one (JVP primals do; staged values do not).
  virtual std::optional<Array> concrete_value() const { return std::nullopt; }
  // Why no concrete value exists, for ConcretizationError messages.
  virtual const char* abstract_reason() const { return "an abstract value"; }

 private:
  std::shared_ptr<MainTrace> main_;
  bool registered_;
};

// Fresh writable storage for a kernel's output (64-byte aligned; never shared before it is wrapped).
struct NewBuffer {
  Array array;
  std::byte* data;
  template <class T>
  T* as() const { return reinterpret_cast<T*>(data); }
};
NewBuffer new_buffer(const ShapedArray& aval);
// Throws AllocationError naming `op` when `count` items of `item_bytes` each exceed what one buffer
// may hold (physical memory, or XJAX_MAX_BUFFER_BYTES). new_buffer checks every array with it; a
// host-side list sized by a user's number (e.g. split's sections) checks with it too.
void check_allocation(const char* op, std::int64_t count, std::size_t item_bytes);

const Buffer& buffer_of(const Array& x);  // throws ConcretizationError for tracers, ValueError if empty
inline const Tracer* tracer_of(const Array& x) {
  return x.impl() && x.impl()->is_tracer() ? static_cast<const Tracer*>(x.impl().get()) : nullptr;
}
// A view of x's buffer with another shape of the same size (no copy).
Array reshape_view(const Array& x, const Shape& shape);
// The concrete value of x: itself, or what its tracer knows; throws ConcretizationError naming op.
Array to_concrete(const Array& x, const char* op);

}  // namespace xjax
