// Optimisation passes over jaxprs: constant folding, algebraic simplification, CSE and DCE.
#pragma once
#include "xjax/ir.hpp"

namespace xjax {

// The same function with fewer, cheaper equations (every pass preserves values bit for bit).
ClosedJaxpr optimize(const ClosedJaxpr& j);

}  // namespace xjax
