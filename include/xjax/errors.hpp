// Typed errors: every misuse of xjax throws one of these, naming the op and the shapes/dtypes.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace xjax {

class Error : public std::runtime_error {
 public:
  template <class... Parts>
  Error(std::string op, const Parts&... parts) : std::runtime_error(format(op, parts...)), op_(std::move(op)) {}
  const std::string& op() const noexcept { return op_; }

 private:
  template <class... Parts>
  static std::string format(const std::string& op, const Parts&... parts) {
    std::ostringstream s;
    s << '[' << op << "] ";
    (s << ... << parts);
    return s.str();
  }
  std::string op_;
};

#define XJAX_ERROR_TYPE(Name)                  \
  class Name : public Error {                  \
   public:                                     \
    using Error::Error;                        \
  };
XJAX_ERROR_TYPE(ShapeError)           // incompatible shapes, bad reshape, bad broadcast
XJAX_ERROR_TYPE(DTypeError)           // dtype not allowed for an op
XJAX_ERROR_TYPE(IndexError)           // axis or index out of range
XJAX_ERROR_TYPE(ValueError)           // bad argument value (negative size, empty array where one is needed, ...)
XJAX_ERROR_TYPE(ConcretizationError)  // a traced value used where C++ needs a concrete one
XJAX_ERROR_TYPE(TransformError)       // misuse of grad/vmap/jit, escaped tracers, missing rules
XJAX_ERROR_TYPE(IOError)              // .npy load/save
XJAX_ERROR_TYPE(FloatingPointError)   // a NaN or Inf produced while config.debug_nans/debug_infs is on
XJAX_ERROR_TYPE(AllocationError)      // a buffer larger than memory allows (or XJAX_MAX_BUFFER_BYTES)
XJAX_ERROR_TYPE(OverflowError)        // an integer that does not fit the target type of a conversion
XJAX_ERROR_TYPE(DonatedArrayError)    // an array read after it was donated to a jitted call (JitOptions::donate_argnums)
XJAX_ERROR_TYPE(InterruptedError)     // xjax::interrupt() (or Ctrl-C with the handler) stopped the computation
#undef XJAX_ERROR_TYPE

}  // namespace xjax
