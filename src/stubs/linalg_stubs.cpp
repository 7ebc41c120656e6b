// TEMPORARY link stubs for the linalg family: delete each stub as its real definition lands, then this file.
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "xjax/ops.hpp"

namespace xjax {
Array dot_general(const Array& x, const Array& y, const Ints& contract_x, const Ints& contract_y, const Ints& batch_x, const Ints& batch_y) { throw ValueError("dot_general", "not implemented yet"); }
Array dot(const Array& x, const Array& y) { throw ValueError("dot", "not implemented yet"); }
Array matmul(const Array& x, const Array& y) { throw ValueError("matmul", "not implemented yet"); }
Array outer(const Array& x, const Array& y) { throw ValueError("outer", "not implemented yet"); }
Array inner(const Array& x, const Array& y) { throw ValueError("inner", "not implemented yet"); }
Array vdot(const Array& x, const Array& y) { throw ValueError("vdot", "not implemented yet"); }
}  // namespace xjax
