// The umbrella header: the core plus the xtensor and .npy interop.
#pragma once
#include "xjax/core.hpp"
#include "xjax/interop.hpp"
