// Host text and bytes (xjax/host_io.hpp and the .npz archives of xjax/interop.hpp): print options
// against numpy's str() and jax's repr() (the golden block below is written by
// scripts/make_host_io_golden.py, as are tests/data/numpy_savez*.npz), the options' thread safety,
// frombuffer, fromstring, fromiter, isscalar/iterable, .npz round trips, a numpy-written archive,
// and typed errors for bad input, truncated and corrupt archives.
#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <list>
#include <map>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "golden.hpp"
#include "xjax/xjax.hpp"

namespace xj = xjax;
using xj::Array;
using namespace xjax::test;

namespace {
struct PrintCase {
  const char* dtype;
  xj::Shape shape;
  std::vector<double> data;
  bool weak;  // a C++ scalar: Array(2.0)
  xj::PrintOptions options;
  const char* str;
  const char* repr;
};

// BEGIN GOLDEN
// numpy 2.4.6, jax 0.10.2: str() under np.printoptions, repr() of the jax array.
const PrintCase print_cases[] = {
  {"f8", {5}, {1.123456789, -22.5, 0.0625, 3.0, -0.25}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([  1.12345679 -22.5          0.0625       3.          -0.25      ])xjax",
   R"xjax(Array([  1.12345679, -22.5       ,   0.0625    ,   3.        ,
        -0.25      ], dtype=float64))xjax"},
  {"f8", {5}, {1.123456789, -22.5, 0.0625, 3.0, -0.25}, false, {.precision = 3, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([  1.123 -22.5     0.062   3.     -0.25 ])xjax",
   R"xjax(Array([  1.123, -22.5  ,   0.062,   3.   ,  -0.25 ], dtype=float64))xjax"},
  {"f4", {5}, {1.123456789, -22.5, 0.0625, 3.0, -0.25}, false, {.precision = 0, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([  1. -22.   0.   3.  -0.])xjax",
   R"xjax(Array([  1., -22.,   0.,   3.,  -0.], dtype=float32))xjax"},
  {"f8", {4}, {1e-09, 1.5, -2.25, 3e-07}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([ 1.00e-09  1.50e+00 -2.25e+00  3.00e-07])xjax",
   R"xjax(Array([ 1.00e-09,  1.50e+00, -2.25e+00,  3.00e-07], dtype=float64))xjax"},
  {"f8", {4}, {1e-09, 1.5, -2.25, 3e-07}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = true, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([ 0.         1.5       -2.25       0.0000003])xjax",
   R"xjax(Array([ 0.       ,  1.5      , -2.25     ,  0.0000003], dtype=float64))xjax"},
  {"f8", {4}, {1e-09, 1.5, -2.25, 3e-07}, false, {.precision = 4, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = true, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([ 0.    1.5  -2.25  0.  ])xjax",
   R"xjax(Array([ 0.  ,  1.5 , -2.25,  0.  ], dtype=float64))xjax"},
  {"f8", {3}, {15000000000.0, -2.0, 0.00325}, false, {.precision = 2, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([ 1.50e+10 -2.00e+00  3.25e-03])xjax",
   R"xjax(Array([ 1.50e+10, -2.00e+00,  3.25e-03], dtype=float64))xjax"},
  {"f8", {3}, {15000000000.0, -2.0, 0.00325}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = true, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([ 1.50e+10 -2.00e+00  3.25e-03])xjax",
   R"xjax(Array([ 1.50e+10, -2.00e+00,  3.25e-03], dtype=float64))xjax"},
  {"f8", {22}, {-7.5, -6.75, -6.0, -5.25, -4.5, -3.75, -3.0, -2.25, -1.5, -0.75, 0.0, 0.75, 1.5, 2.25, 3.0, 3.75, 4.5, 5.25, 6.0, 6.75, 7.5, 8.25}, false, {.precision = 8, .threshold = 10, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([-7.5  -6.75 -6.   ...  6.75  7.5   8.25])xjax",
   R"xjax(Array([-7.5 , -6.75, -6.  , ...,  6.75,  7.5 ,  8.25], dtype=float64))xjax"},
  {"f8", {22}, {-7.5, -6.75, -6.0, -5.25, -4.5, -3.75, -3.0, -2.25, -1.5, -0.75, 0.0, 0.75, 1.5, 2.25, 3.0, 3.75, 4.5, 5.25, 6.0, 6.75, 7.5, 8.25}, false, {.precision = 8, .threshold = 10, .edgeitems = 1, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([-7.5  ...  8.25])xjax",
   R"xjax(Array([-7.5 , ...,  8.25], dtype=float64))xjax"},
  {"f4", {2, 11}, {-7.5, -6.75, -6.0, -5.25, -4.5, -3.75, -3.0, -2.25, -1.5, -0.75, 0.0, 0.75, 1.5, 2.25, 3.0, 3.75, 4.5, 5.25, 6.0, 6.75, 7.5, 8.25}, false, {.precision = 8, .threshold = 5, .edgeitems = 2, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([[-7.5  -6.75 ... -0.75  0.  ]
 [ 0.75  1.5  ...  7.5   8.25]])xjax",
   R"xjax(Array([[-7.5 , -6.75, ..., -0.75,  0.  ],
       [ 0.75,  1.5 , ...,  7.5 ,  8.25]], dtype=float32))xjax"},
  {"f8", {22}, {-7.5, -6.75, -6.0, -5.25, -4.5, -3.75, -3.0, -2.25, -1.5, -0.75, 0.0, 0.75, 1.5, 2.25, 3.0, 3.75, 4.5, 5.25, 6.0, 6.75, 7.5, 8.25}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 30, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([-7.5  -6.75 -6.   -5.25
 -4.5  -3.75 -3.   -2.25
 -1.5  -0.75  0.    0.75
  1.5   2.25  3.    3.75
  4.5   5.25  6.    6.75
  7.5   8.25])xjax",
   R"xjax(Array([-7.5 , -6.75, -6.  ,
       -5.25, -4.5 , -3.75,
       -3.  , -2.25, -1.5 ,
       -0.75,  0.  ,  0.75,
        1.5 ,  2.25,  3.  ,
        3.75,  4.5 ,  5.25,
        6.  ,  6.75,  7.5 ,
        8.25], dtype=float64))xjax"},
  {"f8", {2, 11}, {-7.5, -6.75, -6.0, -5.25, -4.5, -3.75, -3.0, -2.25, -1.5, -0.75, 0.0, 0.75, 1.5, 2.25, 3.0, 3.75, 4.5, 5.25, 6.0, 6.75, 7.5, 8.25}, false, {.precision = 2, .threshold = 1000, .edgeitems = 3, .linewidth = 40, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([[-7.5  -6.75 -6.   -5.25 -4.5  -3.75
  -3.   -2.25 -1.5  -0.75  0.  ]
 [ 0.75  1.5   2.25  3.    3.75  4.5
   5.25  6.    6.75  7.5   8.25]])xjax",
   R"xjax(Array([[-7.5 , -6.75, -6.  , -5.25,
        -4.5 , -3.75, -3.  , -2.25,
        -1.5 , -0.75,  0.  ],
       [ 0.75,  1.5 ,  2.25,  3.  ,
         3.75,  4.5 ,  5.25,  6.  ,
         6.75,  7.5 ,  8.25]],      dtype=float64))xjax"},
  {"f8", {5}, {1.5, kNan, -kInf, kInf, -0.5}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "NaN", .infstr = "Inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([ 1.5  NaN -Inf  Inf -0.5])xjax",
   R"xjax(Array([ 1.5,  NaN, -Inf,  Inf, -0.5], dtype=float64))xjax"},
  {"f8", {5}, {1.5, kNan, -kInf, kInf, -0.5}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "not-a-number", .infstr = "inf", .sign = '+', .floatmode = xj::FloatMode::maxprec},
   R"xjax([        +1.5 +not-a-number         -inf         +inf         -0.5])xjax",
   R"xjax(Array([        +1.5, +not-a-number,         -inf,         +inf,
               -0.5], dtype=float64))xjax"},
  {"f8", {5}, {1.123456789, -22.5, 0.0625, 3.0, -0.25}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '+', .floatmode = xj::FloatMode::maxprec},
   R"xjax([ +1.12345679 -22.5         +0.0625      +3.          -0.25      ])xjax",
   R"xjax(Array([ +1.12345679, -22.5       ,  +0.0625    ,  +3.        ,
        -0.25      ], dtype=float64))xjax"},
  {"f8", {3}, {1.5, 2.0, 0.25}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = ' ', .floatmode = xj::FloatMode::maxprec},
   R"xjax([ 1.5   2.    0.25])xjax",
   R"xjax(Array([ 1.5 ,  2.  ,  0.25], dtype=float64))xjax"},
  {"f8", {3}, {1.5, -2.0, 0.25}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = ' ', .floatmode = xj::FloatMode::maxprec},
   R"xjax([ 1.5  -2.    0.25])xjax",
   R"xjax(Array([ 1.5 , -2.  ,  0.25], dtype=float64))xjax"},
  {"f8", {5}, {1.123456789, -22.5, 0.0625, 3.0, -0.25}, false, {.precision = 4, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::fixed},
   R"xjax([  1.1235 -22.5000   0.0625   3.0000  -0.2500])xjax",
   R"xjax(Array([  1.1235, -22.5000,   0.0625,   3.0000,  -0.2500], dtype=float64))xjax"},
  {"f8", {5}, {1.123456789, -22.5, 0.0625, 3.0, -0.25}, false, {.precision = 4, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec_equal},
   R"xjax([  1.1235 -22.5000   0.0625   3.0000  -0.2500])xjax",
   R"xjax(Array([  1.1235, -22.5000,   0.0625,   3.0000,  -0.2500], dtype=float64))xjax"},
  {"f8", {5}, {1.123456789, -22.5, 0.0625, 3.0, -0.25}, false, {.precision = 2, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::unique},
   R"xjax([  1.123456789 -22.5           0.0625        3.           -0.25       ])xjax",
   R"xjax(Array([  1.123456789, -22.5        ,   0.0625     ,   3.         ,
        -0.25       ], dtype=float64))xjax"},
  {"f8", {4}, {1e-09, 1.5, -2.25, 3e-07}, false, {.precision = 3, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::fixed},
   R"xjax([ 1.000e-09  1.500e+00 -2.250e+00  3.000e-07])xjax",
   R"xjax(Array([ 1.000e-09,  1.500e+00, -2.250e+00,  3.000e-07], dtype=float64))xjax"},
  {"f8", {4}, {1e-09, 1.5, -2.25, 3e-07}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::unique},
   R"xjax([ 1.00e-09  1.50e+00 -2.25e+00  3.00e-07])xjax",
   R"xjax(Array([ 1.00e-09,  1.50e+00, -2.25e+00,  3.00e-07], dtype=float64))xjax"},
  {"f4", {3}, {0.1, 0.2, 0.3}, false, {.precision = 10, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::fixed},
   R"xjax([0.1000000015 0.2000000030 0.3000000119])xjax",
   R"xjax(Array([0.1000000015, 0.2000000030, 0.3000000119], dtype=float32))xjax"},
  {"i4", {5}, {3.0, -12.0, 0.0, 7.0, 100.0}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([  3 -12   0   7 100])xjax",
   R"xjax(Array([  3, -12,   0,   7, 100], dtype=int32))xjax"},
  {"i4", {5}, {3.0, -12.0, 0.0, 7.0, 100.0}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '+', .floatmode = xj::FloatMode::maxprec},
   R"xjax([  +3  -12   +0   +7 +100])xjax",
   R"xjax(Array([  +3,  -12,   +0,   +7, +100], dtype=int32))xjax"},
  {"i8", {3}, {3.0, 12.0, 0.0}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = ' ', .floatmode = xj::FloatMode::maxprec},
   R"xjax([  3  12   0])xjax",
   R"xjax(Array([  3,  12,   0], dtype=int64))xjax"},
  {"u4", {30}, {0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0, 110.0, 120.0, 130.0, 140.0, 150.0, 160.0, 170.0, 180.0, 190.0, 200.0, 210.0, 220.0, 230.0, 240.0, 250.0, 260.0, 270.0, 280.0, 290.0}, false, {.precision = 8, .threshold = 20, .edgeitems = 3, .linewidth = 40, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([  0  10  20 ... 270 280 290])xjax",
   R"xjax(Array([  0,  10,  20, ..., 270, 280,
       290], dtype=uint32))xjax"},
  {"b1", {2, 3}, {1.0, 0.0, 1.0, 0.0, 0.0, 1.0}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([[ True False  True]
 [False False  True]])xjax",
   R"xjax(Array([[ True, False,  True],
       [False, False,  True]], dtype=bool))xjax"},
  {"f4", {40}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([ 0.  1.  2.  3.  4.  5.  6.  7.  8.  9. 10. 11. 12. 13. 14. 15. 16. 17.
 18. 19. 20. 21. 22. 23. 24. 25. 26. 27. 28. 29. 30. 31. 32. 33. 34. 35.
 36. 37. 38. 39.])xjax",
   R"xjax(Array([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12.,
       13., 14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25.,
       26., 27., 28., 29., 30., 31., 32., 33., 34., 35., 36., 37., 38.,
       39.], dtype=float32))xjax"},
  {"f4", {2, 2, 3}, {0.5, -1.0, 2.0, 3.25, 4.0, 5.0, 6.0, 7.0, 8.0, -9.0, 10.0, 11.0}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([[[ 0.5  -1.    2.  ]
  [ 3.25  4.    5.  ]]

 [[ 6.    7.    8.  ]
  [-9.   10.   11.  ]]])xjax",
   R"xjax(Array([[[ 0.5 , -1.  ,  2.  ],
        [ 3.25,  4.  ,  5.  ]],

       [[ 6.  ,  7.  ,  8.  ],
        [-9.  , 10.  , 11.  ]]], dtype=float32))xjax"},
  {"f8", {}, {2.5}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax(2.5)xjax",
   R"xjax(Array(2.5, dtype=float64))xjax"},
  {"f8", {}, {2.0}, true, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax(2.0)xjax",
   R"xjax(Array(2., dtype=float64, weak_type=True))xjax"},
  {"f8", {}, {1.123456789}, false, {.precision = 3, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax(1.123456789)xjax",
   R"xjax(Array(1.123, dtype=float64))xjax"},
  {"i4", {}, {7.0}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax(7)xjax",
   R"xjax(Array(7, dtype=int32))xjax"},
  {"b1", {}, {1.0}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax(True)xjax",
   R"xjax(Array(True, dtype=bool))xjax"},
  {"f4", {0, 3}, {}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([])xjax",
   R"xjax(Array([], shape=(0, 3), dtype=float32))xjax"},
  {"i4", {0}, {}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([])xjax",
   R"xjax(Array([], shape=(0,), dtype=int32))xjax"},
  {"i4", {3}, {0.0, 1.0, 2.0}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 1, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([0
 1
 2])xjax",
   R"xjax(Array([0,
       1,
       2],      dtype=int32))xjax"},
  {"f8", {3}, {0.0, 1.0, 2.0}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 1, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([0.
 1.
 2.])xjax",
   R"xjax(Array([0.,
       1.,
       2.],      dtype=float64))xjax"},
  {"f8", {3, 4}, {-7.5, -6.75, -6.0, -5.25, -4.5, -3.75, -3.0, -2.25, -1.5, -0.75, 0.0, 0.75}, false, {.precision = 8, .threshold = 0, .edgeitems = 1, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([[-7.5  ... -5.25]
 ...
 [-1.5  ...  0.75]])xjax",
   R"xjax(Array([[-7.5 , ..., -5.25],
       ...,
       [-1.5 , ...,  0.75]], dtype=float64))xjax"},
  {"f4", {3, 2, 5}, {-7.5, -6.75, -6.0, -5.25, -4.5, -3.75, -3.0, -2.25, -1.5, -0.75, 0.0, 0.75, 1.5, 2.25, 3.0, 3.75, 4.5, 5.25, 6.0, 6.75, 7.5, 8.25, -7.5, -6.75, -6.0, -5.25, -4.5, -3.75, -3.0, -2.25}, false, {.precision = 1, .threshold = 10, .edgeitems = 1, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '-', .floatmode = xj::FloatMode::maxprec},
   R"xjax([[[-7.5 ... -4.5]
  [-3.8 ... -0.8]]

 ...

 [[ 7.5 ... -6. ]
  [-5.2 ... -2.2]]])xjax",
   R"xjax(Array([[[-7.5, ..., -4.5],
        [-3.8, ..., -0.8]],

       ...,

       [[ 7.5, ..., -6. ],
        [-5.2, ..., -2.2]]], dtype=float32))xjax"},
  {"f8", {5}, {1.5, kNan, -kInf, kInf, -0.5}, false, {.precision = 2, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "Infinity", .sign = '-', .floatmode = xj::FloatMode::fixed},
   R"xjax([     1.50       nan -Infinity  Infinity     -0.50])xjax",
   R"xjax(Array([     1.50,       nan, -Infinity,  Infinity,     -0.50], dtype=float64))xjax"},
  {"f8", {4}, {0.5, -0.0, 0.0, 2.0}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = '+', .floatmode = xj::FloatMode::maxprec},
   R"xjax([+0.5 -0.  +0.  +2. ])xjax",
   R"xjax(Array([+0.5, -0. , +0. , +2. ], dtype=float64))xjax"},
  {"f8", {3}, {1e-05, 1e-06, 1e-07}, false, {.precision = 8, .threshold = 1000, .edgeitems = 3, .linewidth = 75, .suppress = false, .nanstr = "nan", .infstr = "inf", .sign = ' ', .floatmode = xj::FloatMode::maxprec_equal},
   R"xjax([ 1.e-05  1.e-06  1.e-07])xjax",
   R"xjax(Array([ 1.e-05,  1.e-06,  1.e-07], dtype=float64))xjax"},
};
// END GOLDEN

xj::DType dtype_named(const std::string& name) {
  static const std::map<std::string, xj::DType> names = {{"f4", xj::float32}, {"f8", xj::float64}, {"i4", xj::int32},
                                                         {"i8", xj::int64},   {"u4", xj::uint32},  {"b1", xj::bool_}};
  return names.at(name);
}
Array build(const PrintCase& c) {
  if (c.weak) return Array(c.data.at(0));
  return xj::array(c.data, c.shape).astype(dtype_named(c.dtype));
}
std::string text_of(const Array& x) {
  std::ostringstream s;
  s << x;
  return s.str();
}
bool same_options(const xj::PrintOptions& a, const xj::PrintOptions& b) {
  return a.precision == b.precision && a.threshold == b.threshold && a.edgeitems == b.edgeitems &&
         a.linewidth == b.linewidth && a.suppress == b.suppress && a.nanstr == b.nanstr && a.infstr == b.infstr &&
         a.sign == b.sign && a.floatmode == b.floatmode;
}
std::string read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}
}  // namespace

TEST_CASE("host_io: str and repr under print options match numpy and jax") {
  const xj::PrintOptions defaults;
  REQUIRE(same_options(xj::get_printoptions(), defaults));
  int checked = 0;
  for (const PrintCase& c : print_cases) {
    Array x = build(c);
    INFO("dtype ", c.dtype, " shape ", x.aval(), " precision ", c.options.precision);
    {
      xj::printoptions guard(c.options);
      CHECK(same_options(xj::get_printoptions(), c.options));
      CHECK(text_of(x) == c.str);
      CHECK(xj::array_str(x) == c.str);
      CHECK(xj::array_repr(x) == c.repr);
    }
    CHECK(same_options(xj::get_printoptions(), defaults));
    // The keyword overrides of array_str/array_repr alone give the same text as the full options.
    if (same_options(xj::PrintOptions{.precision = c.options.precision, .linewidth = c.options.linewidth,
                                      .suppress = c.options.suppress},
                     c.options)) {
      CHECK(xj::array_str(x, c.options.linewidth, c.options.precision, c.options.suppress) == c.str);
      CHECK(xj::array_repr(x, c.options.linewidth, c.options.precision, c.options.suppress) == c.repr);
    }
    ++checked;
  }
  CHECK(checked == static_cast<int>(std::size(print_cases)));
}

TEST_CASE("host_io: print options are set, restored by the guard, and read whole across threads") {
  const xj::PrintOptions defaults;
  xj::set_printoptions({.precision = 2});
  CHECK(xj::get_printoptions().precision == 2);
  CHECK(text_of(xj::array({1.23456, 2.0})) == "[1.23 2.  ]");
  {
    xj::printoptions outer({.precision = 4});
    {
      xj::printoptions inner({.precision = 1, .sign = '+'});
      CHECK(text_of(xj::array({1.23456, 2.0})) == "[+1.2 +2. ]");
    }
    CHECK(text_of(xj::array({1.23456, 2.0})) == "[1.2346 2.    ]");
  }
  CHECK(xj::get_printoptions().precision == 2);
  xj::set_printoptions(defaults);
  CHECK(text_of(xj::array({1.23456, 2.0})) == "[1.23456 2.     ]");
  // 0-d arrays print as numpy scalars whatever the options.
  {
    xj::printoptions guard({.precision = 1});
    CHECK(text_of(xj::array(1.23456)) == "1.23456");
  }

  // Writers flip between two whole settings; readers must never see a mix of them.
  std::atomic<bool> mixed{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([t, &mixed] {
      for (int i = 0; i < 2000; ++i) {
        if (t % 2 == 0) {
          const std::int64_t p = (i + t) % 2 + 1;
          xj::set_printoptions({.precision = static_cast<int>(p), .edgeitems = p, .nanstr = std::string(p, 'n')});
        } else {
          xj::PrintOptions o = xj::get_printoptions();
          if (o.edgeitems != o.precision && !(o.precision == 8 && o.edgeitems == 3)) mixed = true;
          if (o.precision != 8 && o.nanstr.size() != static_cast<std::size_t>(o.precision)) mixed = true;
          std::ostringstream s;
          s << xj::array({1.5, 2.25});  // printing concurrently with writers is safe
        }
      }
    });
  for (auto& t : threads) t.join();
  CHECK_FALSE(mixed.load());
  xj::set_printoptions(defaults);
}

TEST_CASE("host_io: bad print options and traced values raise typed errors") {
  CHECK_THROWS_AS(xj::set_printoptions({.precision = -1}), xj::ValueError);
  CHECK(op_of([] { xj::set_printoptions({.linewidth = 0}); }) == "set_printoptions");
  CHECK_THROWS_AS(xj::set_printoptions({.edgeitems = -2}), xj::ValueError);
  CHECK_THROWS_AS(xj::set_printoptions({.sign = 'x'}), xj::ValueError);
  CHECK_THROWS_AS(xj::printoptions({.precision = 1000}), xj::ValueError);
  CHECK(same_options(xj::get_printoptions(), xj::PrintOptions{}));  // a failed set changes nothing
  Array x = xj::array({1.0, 2.0});
  CHECK(op_of([&] { xj::array_str(x, std::nullopt, -3); }) == "array_str");
  CHECK(op_of([&] { xj::array_repr(x, 0); }) == "array_repr");
  CHECK_THROWS_AS(xj::array_str(Array()), xj::ValueError);
  auto traced = xj::jit([](const Array& v) {
    xj::array_repr(v);
    return v;
  });
  CHECK_THROWS_AS(traced(x), xj::ConcretizationError);
}

TEST_CASE("host_io: frombuffer") {
  const std::vector<float> f{1.5f, -2.f, 3.25f, 4.f};
  auto bytes = std::as_bytes(std::span(f));
  check_equal(xj::frombuffer(bytes), xj::array(f));
  check_equal(xj::frombuffer(bytes, xj::float32, 2, 4), xj::array({-2.f, 3.25f}));
  check_equal(xj::frombuffer(f.data(), sizeof(float) * f.size(), xj::float32, -1, 8), xj::array({3.25f, 4.f}));
  const std::vector<std::int64_t> big{1, -(std::int64_t{1} << 40), 7};
  check_equal(xj::frombuffer(std::as_bytes(std::span(big)), xj::int64), xj::array(big));
  const std::vector<std::uint32_t> u{0, 4000000000u};
  check_equal(xj::frombuffer(u.data(), 8, xj::uint32), xj::array(u));
  const std::vector<double> d{0.25, kInf};
  check_equal(xj::frombuffer(std::as_bytes(std::span(d)), xj::float64), xj::array(d));
  const unsigned char flags[] = {0, 1, 7, 0};
  check_equal(xj::frombuffer(flags, 4, xj::bool_), xj::array({false, true, true, false}));
  CHECK(xj::frombuffer(bytes, xj::float32, 0).shape() == xj::Shape{0});
  CHECK(xj::frombuffer(nullptr, 0, xj::int32).shape() == xj::Shape{0});
  CHECK(xj::frombuffer(bytes, xj::float32, -1, 16).shape() == xj::Shape{0});

  CHECK_THROWS_AS(xj::frombuffer(bytes, xj::float64, -1, 4), xj::ValueError);  // 12 bytes are not float64s
  CHECK(op_of([&] { xj::frombuffer(bytes, xj::float32, 5); }) == "frombuffer");
  CHECK_THROWS_AS(xj::frombuffer(bytes, xj::float32, 1, 17), xj::ValueError);
  CHECK_THROWS_AS(xj::frombuffer(bytes, xj::float32, 1, -1), xj::ValueError);
  CHECK_THROWS_AS(xj::frombuffer(bytes, xj::float32, -2), xj::ValueError);
  CHECK_THROWS_AS(xj::frombuffer(nullptr, 8, xj::float32), xj::ValueError);
}

TEST_CASE("host_io: fromstring") {
  check_equal(xj::fromstring("1 2.5\n -3e2\t4"), xj::array({1.f, 2.5f, -300.f, 4.f}));
  check_equal(xj::fromstring("1, 2 ,3", xj::int32, ","), xj::array({1, 2, 3}));
  check_equal(xj::fromstring("1 ; +2;-3", xj::int64, " ; "), xj::array({std::int64_t{1}, std::int64_t{2}, std::int64_t{-3}}));
  Array special = xj::fromstring("nan inf -inf 1e400 1e-400", xj::float64);
  CHECK(std::isnan(special[0].item<double>()));
  check_equal(special(xj::Slice(1, std::nullopt)), xj::array({kInf, -kInf, kInf, 0.0}));
  check_equal(xj::fromstring("4000000000 0", xj::uint32), xj::array({4000000000u, 0u}));
  check_equal(xj::fromstring("1 0 5", xj::bool_), xj::array({true, false, true}));
  check_equal(xj::fromstring("1 2 3 4", xj::float64, " ", 2), xj::array({1.0, 2.0}));
  CHECK(xj::fromstring("", xj::float64).shape() == xj::Shape{0});
  CHECK(xj::fromstring("  \n", xj::int32, ",").shape() == xj::Shape{0});

  CHECK_THROWS_AS(xj::fromstring("1 2 x"), xj::ValueError);
  CHECK(op_of([] { xj::fromstring("1,,2", xj::float32, ","); }) == "fromstring");
  CHECK_THROWS_AS(xj::fromstring("1.5", xj::int32), xj::ValueError);
  CHECK_THROWS_AS(xj::fromstring("1 2", xj::float32, ""), xj::ValueError);
  CHECK_THROWS_AS(xj::fromstring("1 2", xj::float32, " ", 3), xj::ValueError);
  CHECK_THROWS_AS(xj::fromstring("+-1"), xj::ValueError);
  CHECK_THROWS_AS(xj::fromstring("3000000000", xj::int32), xj::OverflowError);
  CHECK_THROWS_AS(xj::fromstring("-1", xj::uint32), xj::OverflowError);
  CHECK_THROWS_AS(xj::fromstring("99999999999999999999", xj::int64), xj::OverflowError);
}

TEST_CASE("host_io: fromiter, isscalar and iterable") {
  const std::vector<double> v{1.5, -2.5, 3.0};
  check_equal(xj::fromiter(v, xj::float32), xj::array({1.5f, -2.5f, 3.f}));
  const std::list<int> l{4, 5, 6, 7};
  check_equal(xj::fromiter(l.begin(), l.end(), xj::int64, 2), xj::array({std::int64_t{4}, std::int64_t{5}}));
  check_equal(xj::fromiter(v, xj::int32), xj::array({1, -2, 3}));  // as astype converts
  std::istringstream text("3 1 4 1 5");
  check_equal(xj::fromiter(std::istream_iterator<int>(text), std::istream_iterator<int>(), xj::int32),
              xj::array({3, 1, 4, 1, 5}));
  std::istringstream more("9 8 7");
  std::istream_iterator<int> it(more);
  check_equal(xj::fromiter(it, std::istream_iterator<int>(), xj::int32, 1), xj::array({9}));
  CHECK(*++it == 8);  // fromiter read exactly one item
  CHECK(xj::fromiter(v, xj::float32, 0).shape() == xj::Shape{0});
  CHECK(xj::fromiter(std::vector<float>{}, xj::float64).shape() == xj::Shape{0});
  CHECK_THROWS_AS(xj::fromiter(v, xj::float32, 4), xj::ValueError);
  CHECK(op_of([&] { xj::fromiter(v, xj::float32, 4); }) == "fromiter");

  static_assert(xj::isscalar(1.0) && xj::isscalar(3) && xj::isscalar(true));
  static_assert(!xj::isscalar(std::array<int, 2>{}) && !xj::isscalar("text"));
  static_assert(xj::iterable(std::array<int, 2>{}) && xj::iterable("text") && !xj::iterable(2.5));
  CHECK_FALSE(xj::isscalar(v));
  CHECK(xj::iterable(v));
  CHECK(xj::isscalar(Array(1.0)));
  CHECK_FALSE(xj::isscalar(xj::zeros({1})));
  CHECK(xj::iterable(xj::zeros({0})));
  CHECK_FALSE(xj::iterable(xj::array(2)));
}

TEST_CASE("npz: savez and load_npz round trips of every dtype") {
  Scratch scratch("host_io");
  std::map<std::string, Array> arrays = {
      {"f32", xj::array({{1.5f, -2.f, 3.f}, {0.f, 1e-30f, -4.f}})},
      {"f64", xj::array({kInf, -0.0, 1e300})},
      {"i32", xj::reshape(xj::arange(24), {2, 3, 4})},
      {"i64", xj::array({std::int64_t{1} << 50, std::int64_t{-3}})},
      {"u32", xj::array({4000000000u})},
      {"flags", xj::array({true, false, true})},
      {"scalar", xj::array(2.5)},
      {"empty", xj::zeros({0, 5}, xj::uint32)},
      {"transposed", xj::transpose(xj::reshape(xj::arange(6.0), {2, 3}))},
  };
  xj::savez(scratch.path("named.npz"), arrays);
  std::map<std::string, Array> back = xj::load_npz(scratch.path("named.npz"));
  REQUIRE(back.size() == arrays.size());
  for (const auto& [key, x] : arrays) {
    const std::string& name = key;  // a plain reference: CAPTURE's lambda cannot take a binding (clang < 16)
    CAPTURE(name);
    REQUIRE(back.count(name) == 1);
    check_equal(back.at(name), x);
  }

  xj::savez(scratch.path("positional.npz"), {xj::arange(3), xj::ones({2, 2})});
  std::map<std::string, Array> pos = xj::load_npz(scratch.path("positional.npz"));
  REQUIRE(pos.size() == 2);
  check_equal(pos.at("arr_0"), xj::arange(3));
  check_equal(pos.at("arr_1"), xj::ones({2, 2}));
  xj::savez(scratch.path("none.npz"), std::vector<Array>{});
  CHECK(xj::load_npz(scratch.path("none.npz")).empty());
}

TEST_CASE("npz: an archive written by numpy.savez") {
  std::map<std::string, Array> z = xj::load_npz(fixture("numpy_savez.npz"));
  REQUIRE(z.size() == 6);
  check_equal(z.at("arr_0"), xj::reshape(xj::arange(6.0, xj::float32), {2, 3}));
  check_equal(z.at("counts"), xj::array({std::int64_t{1}, std::int64_t{-2}, std::int64_t{3}}));
  check_equal(z.at("flags"), xj::array({{true, false, true}}));
  check_equal(z.at("scalar"), xj::array(2.5));
  check_equal(z.at("empty"), xj::zeros({0, 2}, xj::uint32));
  check_equal(z.at("fortran"), xj::reshape(xj::arange(6), {2, 3}));
}

TEST_CASE("npz: compressed, truncated and corrupt archives raise IOError naming load_npz") {
  try {
    xj::load_npz(fixture("numpy_savez_compressed.npz"));
    FAIL("a compressed archive loaded");
  } catch (const xj::IOError& e) {
    CHECK(e.op() == "load_npz");
    CHECK(std::string(e.what()).find("compressed archives") != std::string::npos);
  }
  CHECK_THROWS_AS(xj::load_npz(fixture("no_such_file.npz")), xj::IOError);
  CHECK_THROWS_AS(xj::load_npz(XJAX_TEST_DATA_DIR), xj::IOError);
  CHECK(op_of([] { xj::load_npz(fixture("f8_2x3.npy")); }) == "load_npz");  // a .npy is not a zip

  Scratch scratch("host_io");
  const std::string good = read_bytes(fixture("numpy_savez.npz"));
  REQUIRE(good.size() > 100);
  // Every truncation fails cleanly.
  for (std::size_t n = 0; n < good.size(); n += (n < 64 || n + 64 > good.size()) ? 1 : 7) {
    CAPTURE(n);
    const std::string path = scratch.write("cut.npz", good.substr(0, n));
    CHECK(op_of([&] { xj::load_npz(path); }) == "load_npz");
  }
  // Any single corrupted byte either still loads (a field that is not read) or raises a typed error.
  int failures = 0;
  for (std::size_t i = 0; i < good.size(); i += 3) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    const std::string path = scratch.write("bad.npz", bad);
    try {
      xj::load_npz(path);
    } catch (const xj::Error&) {
      ++failures;
    }
  }
  CHECK(failures > 0);
  // A corrupted data byte is caught by the CRC.
  std::string flipped = good;
  const std::size_t npy_at = flipped.find("\x93NUMPY");
  REQUIRE(npy_at != std::string::npos);
  const std::size_t header_len = static_cast<unsigned char>(flipped[npy_at + 8]) +
                                 256 * static_cast<unsigned char>(flipped[npy_at + 9]);
  const std::size_t data_at = npy_at + 10 + header_len + 1;  // a byte of the first member's data
  flipped[data_at] = static_cast<char>(flipped[data_at] ^ 1);
  try {
    xj::load_npz(scratch.write("crc.npz", flipped));
    FAIL("a corrupt member loaded");
  } catch (const xj::IOError& e) {
    CHECK(std::string(e.what()).find("CRC") != std::string::npos);
  }
}

TEST_CASE("npz: bad savez input raises typed errors") {
  Scratch scratch("host_io");
  CHECK_THROWS_AS(xj::savez(scratch.path("x.npz"), {{"", xj::ones({2})}}), xj::ValueError);
  CHECK(op_of([&] { xj::savez(scratch.path("x.npz"), {{"", xj::ones({2})}}); }) == "savez");
  CHECK_THROWS_AS(xj::savez(scratch.path("missing_dir/x.npz"), {xj::ones({2})}), xj::IOError);
  CHECK(op_of([&] { xj::savez(scratch.path("missing_dir/x.npz"), {xj::ones({2})}); }) == "savez");
  auto traced = xj::jit([&](const Array& v) {
    xj::savez(scratch.path("t.npz"), {v});
    return v;
  });
  CHECK_THROWS_AS(traced(xj::ones({2})), xj::ConcretizationError);
}
