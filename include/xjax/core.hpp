// Everything but the xtensor interop: arrays, ops, IR, pytrees, random numbers and transformations.
// Safe to include where xtensor cannot be parsed (clang-repl notebooks).
#pragma once
#include "xjax/array.hpp"
#include "xjax/config.hpp"
#include "xjax/control_flow.hpp"
#include "xjax/debug.hpp"
#include "xjax/dtype.hpp"
#include "xjax/errors.hpp"
#include "xjax/ir.hpp"
#include "xjax/linalg.hpp"
#include "xjax/numpy.hpp"
#include "xjax/ops.hpp"
#include "xjax/pytree.hpp"
#include "xjax/random.hpp"
#include "xjax/transforms.hpp"
