// The umbrella header: the core, the xtensor and .npy interop, exported programs, and the
// scientific library (optim, ode, optimize, special, stats); each may also be included alone.
#pragma once
#include "xjax/core.hpp"
#include "xjax/display.hpp"
#include "xjax/export.hpp"
#include "xjax/interop.hpp"
#include "xjax/ode.hpp"
#include "xjax/optim.hpp"
#include "xjax/optimize.hpp"
#include "xjax/special.hpp"
#include "xjax/stats.hpp"
