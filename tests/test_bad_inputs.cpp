// Bad inputs, one row each: the exact xjax::Error subclass thrown, and afterwards an earlier array
// keeps its values and the next calls (eager, jit, grad) give the right answers. Covers absurd
// sizes (negative, int64-overflowing, larger than memory), out-of-range axes and indices, dtype
// misuse and transformation misuse across the op surface.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <typeinfo>
#include <vector>

#include "testing.hpp"
#include "xjax/core.hpp"
#include "xjax/linalg.hpp"
#include "xjax/random.hpp"

namespace xj = xjax;
using xj::Array;

namespace {

constexpr std::int64_t kHuge = std::int64_t{1} << 40;  // 2^40 elements: more than any machine's memory
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

struct Row {
  std::string name;
  std::function<void()> check;  // CHECK_THROWS_AS with the exact type
};

std::string kind_of(const xj::Error& e) {
  if (dynamic_cast<const xj::ShapeError*>(&e)) return "ShapeError";
  if (dynamic_cast<const xj::DTypeError*>(&e)) return "DTypeError";
  if (dynamic_cast<const xj::IndexError*>(&e)) return "IndexError";
  if (dynamic_cast<const xj::ValueError*>(&e)) return "ValueError";
  if (dynamic_cast<const xj::ConcretizationError*>(&e)) return "ConcretizationError";
  if (dynamic_cast<const xj::TransformError*>(&e)) return "TransformError";
  if (dynamic_cast<const xj::AllocationError*>(&e)) return "AllocationError";
  return "another xjax::Error";
}

// A row expecting exactly E (not a subclass or sibling of it).
template <class E>
Row expect(std::string name, std::function<void()> bad) {
  return {std::move(name), [bad] {
            CHECK_THROWS_AS(bad(), E);
            try {
              bad();
            } catch (const xj::Error& e) {
              CHECK_MESSAGE(typeid(e) == typeid(E), "thrown: ", kind_of(e), ": ", std::string(e.what()));
            }
          }};
}

using xj::AllocationError;
using xj::ConcretizationError;
using xj::DTypeError;
using xj::IndexError;
using xj::ShapeError;
using xj::TransformError;
using xj::ValueError;

}  // namespace

TEST_CASE("bad inputs: exact error types, earlier arrays intact, next calls work") {
  const Array kept = xj::array({{1.0f, 2.0f}, {3.0f, 4.0f}});
  const Array v3 = xj::array({1.0f, 2.0f, 3.0f});
  const Array v2 = xj::array({1.0f, 2.0f});
  const Array i3 = xj::array({0, 1, 2});
  const Array m23 = xj::ones({2, 3});
  const Array scalar = xj::array(2.0f);
  const Array key = xj::random::key(0);

  std::vector<Row> rows{
      // ---- creation from raw memory: lengths, null pointers, ranks ----
      expect<ShapeError>("array of too few values", [] { (void)xj::array(std::vector<float>{1, 2, 3}, {2, 2}); }),
      expect<ShapeError>("array of too many values", [] { (void)xj::array(std::vector<int>{1, 2, 3, 4, 5}, {2, 2}); }),
      expect<ShapeError>("array of bools, wrong count", [] { (void)xj::array(std::vector<bool>{true}, {2}); }),
      expect<ShapeError>("array of values for a huge shape", [] { (void)xj::array(std::vector<float>{1}, {kHuge}); }),
      expect<ValueError>("array with a negative extent", [] { (void)xj::array(std::vector<float>{1}, {-1}); }),
      expect<ValueError>("from_data null", [] { (void)xj::from_data(nullptr, xj::float32, {3}); }),
      expect<ValueError>("from_external null", [] { (void)xj::from_external(nullptr, xj::float32, {3}, nullptr); }),
      // A real pointer does not excuse a bad shape: checked at the call, not at a later size().
      expect<ValueError>("from_external negative extent", [&] { (void)xj::from_external(v3.data<float>(), xj::float32, {-3}, nullptr); }),
      expect<ShapeError>("from_external overflowing shape", [&] {
        (void)xj::from_external(v3.data<float>(), xj::float32, {std::int64_t{1} << 40, std::int64_t{1} << 40}, nullptr);
      }),
      expect<ShapeError>("from_external beyond the address space", [&] {
        (void)xj::from_external(v3.data<float>(), xj::float64, {std::int64_t{1} << 61}, nullptr);
      }),
      expect<ShapeError>("from_external rank 65", [&] { (void)xj::from_external(v3.data<float>(), xj::float32, xj::Shape(65, 1), nullptr); }),
      expect<ShapeError>("rank 65", [] { (void)xj::zeros(xj::Shape(65, 1)); }),
      expect<ShapeError>("rank 100000 from raw memory", [] {
        float v = 1;
        (void)xj::from_data(&v, xj::float32, xj::Shape(100000, 1));
      }),
      expect<ShapeError>("reshape to rank 65", [&] { (void)xj::reshape(v3, xj::Shape(65, 1)); }),
      // ---- creation: negative, overflowing and huge sizes ----
      expect<ValueError>("zeros negative", [] { (void)xj::zeros({-1}); }),
      expect<ValueError>("zeros negative second", [] { (void)xj::zeros({2, -3}); }),
      expect<ShapeError>("zeros overflowing int64", [] { (void)xj::zeros({kHuge, kHuge}); }),
      // As numpy: the non-zero extents must not overflow, whether a zero extent comes first or last.
      expect<ShapeError>("zeros overflowing int64 before a zero extent", [] { (void)xj::zeros({kHuge, kHuge, 0}); }),
      expect<ShapeError>("zeros overflowing int64 after a zero extent", [] { (void)xj::zeros({0, kHuge, kHuge}); }),
      expect<ShapeError>("zeros int64 max squared", [] { (void)xj::zeros({kMax, 2}); }),
      expect<AllocationError>("zeros huge", [] { (void)xj::zeros({kHuge}); }),
      expect<AllocationError>("zeros huge float64", [] { (void)xj::zeros({std::int64_t{1} << 62}, xj::float64); }),
      expect<AllocationError>("ones huge", [] { (void)xj::ones({kHuge, 4}); }),
      expect<ValueError>("ones negative", [] { (void)xj::ones({-5}); }),
      expect<AllocationError>("full huge", [] { (void)xj::full({kHuge}, 1.0f); }),
      expect<ValueError>("full negative", [] { (void)xj::full({-2, 2}, 1.0f); }),
      expect<ShapeError>("full of a non-scalar", [&] { (void)xj::full({3}, v2); }),
      expect<AllocationError>("arange absurd count", [] { (void)xj::arange(0.0, 1e15, 1.0, xj::float32); }),
      expect<ValueError>("arange zero step", [] { (void)xj::arange(0.0, 5.0, 0.0); }),
      expect<ValueError>("arange nan stop", [] { (void)xj::arange(std::nan("")); }),
      expect<ValueError>("arange infinite stop", [] { (void)xj::arange(0.0, HUGE_VAL, 1.0, xj::float64); }),
      expect<ValueError>("arange count beyond int64", [] { (void)xj::arange(0.0, 1e300, 1.0, xj::float64); }),
      expect<ValueError>("linspace negative num", [] { (void)xj::linspace(0.0, 1.0, -1); }),
      expect<AllocationError>("linspace huge num", [] { (void)xj::linspace(0.0, 1.0, kHuge); }),
      expect<ValueError>("eye negative", [] { (void)xj::eye(-1); }),
      expect<ValueError>("eye negative columns", [] { (void)xj::eye(2, -3); }),
      expect<AllocationError>("eye huge", [] { (void)xj::eye(std::int64_t{1} << 21); }),
      expect<ShapeError>("eye overflowing", [] { (void)xj::eye(kHuge, kHuge); }),
      expect<IndexError>("iota dimension out of range", [] { (void)xj::iota(xj::int32, {3}, 1); }),
      expect<ValueError>("iota negative", [] { (void)xj::iota(xj::int32, {-3}, 0); }),
      expect<AllocationError>("iota huge", [] { (void)xj::iota(xj::int32, {kHuge}, 0); }),
      expect<ValueError>("one_hot negative classes", [&] { (void)xj::one_hot(i3, -1); }),
      expect<AllocationError>("one_hot huge classes", [&] { (void)xj::one_hot(i3, kHuge); }),
      expect<ValueError>("array data of negative shape", [] { (void)xj::array(std::vector<float>{}, {-1}); }),
      // ---- reshape / broadcast ----
      expect<ShapeError>("reshape wrong size", [&] { (void)xj::reshape(kept, {3}); }),
      expect<ValueError>("reshape two -1", [&] { (void)xj::reshape(kept, {-1, -1}); }),
      expect<ValueError>("reshape negative", [&] { (void)xj::reshape(kept, {-2, -2}); }),
      expect<ShapeError>("reshape huge", [&] { (void)xj::reshape(kept, {kHuge, kHuge}); }),
      expect<ShapeError>("reshape -1 with zero", [&] { (void)xj::reshape(xj::zeros({0}), {-1, 0}); }),
      expect<ShapeError>("broadcast_to incompatible", [&] { (void)xj::broadcast_to(v3, {2}); }),
      expect<ShapeError>("broadcast_to fewer dims", [&] { (void)xj::broadcast_to(kept, {2}); }),
      expect<ValueError>("broadcast_to negative", [&] { (void)xj::broadcast_to(scalar, {-1}); }),
      expect<ShapeError>("broadcast_to overflowing", [&] { (void)xj::broadcast_to(scalar, {kHuge, kHuge}); }),
      expect<AllocationError>("broadcast_to huge, materialised", [&] { (void)(xj::broadcast_to(scalar, {kHuge}) + 1.0f); }),
      expect<ShapeError>("broadcast_in_dim wrong dims", [&] { (void)xj::broadcast_in_dim(v3, {3, 2}, {1}); }),
      expect<ShapeError>("broadcast_in_dim dims count", [&] { (void)xj::broadcast_in_dim(v3, {3, 2}, {0, 1}); }),
      expect<ShapeError>("broadcast_shapes", [] { (void)xj::broadcast_shapes({2, 3}, {4}); }),
      expect<ShapeError>("add incompatible", [&] { (void)(v2 + v3); }),
      expect<ShapeError>("where incompatible", [&] { (void)xj::where(v2 > 0, v3, v3); }),
      expect<ShapeError>("clip incompatible", [&] { (void)xj::clip(v3, v2, 5.0f); }),
      // ---- axes ----
      expect<IndexError>("sum axis", [&] { (void)xj::sum(kept, 2); }),
      expect<IndexError>("sum negative axis", [&] { (void)xj::sum(kept, -3); }),
      expect<ValueError>("sum duplicate axes", [&] { (void)xj::sum(kept, {0, 0}); }),
      expect<IndexError>("max axis of a scalar", [&] { (void)xj::max(scalar, 0); }),
      expect<IndexError>("mean axis", [&] { (void)xj::mean(v3, 1); }),
      expect<IndexError>("var axis", [&] { (void)xj::var(v3, 4); }),
      expect<IndexError>("argmax axis", [&] { (void)xj::argmax(kept, 2); }),
      expect<ValueError>("argmax of empty", [] { (void)xj::argmax(xj::zeros({0})); }),
      expect<ValueError>("max of empty", [] { (void)xj::max(xj::zeros({0})); }),
      expect<IndexError>("cumsum axis", [&] { (void)xj::cumsum(kept, 5); }),
      expect<IndexError>("logsumexp axis", [&] { (void)xj::logsumexp(kept, -3); }),
      expect<IndexError>("expand_dims axis", [&] { (void)xj::expand_dims(kept, 4); }),
      expect<ShapeError>("squeeze non-unit", [&] { (void)xj::squeeze(kept, 0); }),
      expect<IndexError>("squeeze axis", [&] { (void)xj::squeeze(kept, 3); }),
      expect<ValueError>("transpose repeated", [&] { (void)xj::transpose(kept, {0, 0}); }),
      expect<ValueError>("transpose wrong length", [&] { (void)xj::transpose(kept, {0}); }),
      expect<IndexError>("transpose out of range", [&] { (void)xj::transpose(kept, {0, 2}); }),
      expect<IndexError>("moveaxis", [&] { (void)xj::moveaxis(kept, 0, 2); }),
      expect<IndexError>("swapaxes", [&] { (void)xj::swapaxes(kept, 0, -3); }),
      expect<IndexError>("flip axis", [&] { (void)xj::flip(kept, 2); }),
      expect<IndexError>("concatenate axis", [&] { (void)xj::concatenate({kept, kept}, 2); }),
      expect<IndexError>("stack axis", [&] { (void)xj::stack({kept, kept}, 3); }),
      expect<IndexError>("softmax axis", [&] { (void)xj::nn::softmax(kept, 2); }),
      expect<IndexError>("sort axis", [&] { (void)xj::sort(kept, 2); }),
      expect<IndexError>("argsort axis", [&] { (void)xj::argsort(v3, -2); }),
      expect<IndexError>("take axis", [&] { (void)xj::take(kept, i3, 2); }),
      expect<IndexError>("take_along_axis axis", [&] { (void)xj::take_along_axis(kept, xj::zeros({2, 2}, xj::int32), 2); }),
      expect<IndexError>("diagonal axes", [&] { (void)xj::diagonal(kept, 0, 0, 2); }),
      expect<ValueError>("diagonal same axes", [&] { (void)xj::diagonal(kept, 0, 1, 1); }),
      expect<IndexError>("split axis", [&] { (void)xj::split(kept, 2, 2); }),
      expect<IndexError>("slice_in_dim axis", [&] { (void)xj::slice_in_dim(kept, 0, 1, 1, 2); }),
      // ---- sizes and indices inside ops ----
      expect<ShapeError>("concatenate mismatch", [&] { (void)xj::concatenate({kept, v3}, 0); }),
      expect<ValueError>("concatenate nothing", [] { (void)xj::concatenate({}, 0); }),
      expect<ShapeError>("stack mismatch", [&] { (void)xj::stack({v2, v3}); }),
      expect<ValueError>("stack nothing", [] { (void)xj::stack({}); }),
      expect<ValueError>("split uneven", [&] { (void)xj::split(v3, 2); }),
      expect<ValueError>("split zero sections", [&] { (void)xj::split(v3, 0); }),
      expect<ValueError>("split negative sections", [&] { (void)xj::split(v3, -2); }),
      expect<ValueError>("slice zero step", [&] { (void)xj::slice(v3, {0}, {3}, {0}); }),
      expect<ValueError>("slice_in_dim zero step", [&] { (void)xj::slice_in_dim(v3, 0, 3, 0); }),
      expect<ValueError>("slice too many starts", [&] { (void)xj::slice(v3, {0, 0}, {1, 1}); }),
      expect<ValueError>("pad negative width", [&] { (void)xj::pad(v3, {{-5, 0}}); }),
      expect<AllocationError>("pad huge width", [&] { (void)xj::pad(v3, {{kHuge, 0}}); }),
      expect<ShapeError>("pad overflowing width", [&] { (void)xj::pad(v3, {{kMax, kMax}}); }),
      expect<ValueError>("pad widths count", [&] { (void)xj::pad(v3, {{1, 1}, {1, 1}}); }),
      expect<ShapeError>("dynamic_slice sizes count", [&] { (void)xj::dynamic_slice(v3, {xj::array(0)}, {1, 1}); }),
      expect<ShapeError>("dynamic_slice size too large", [&] { (void)xj::dynamic_slice(v3, {xj::array(0)}, {4}); }),
      expect<ShapeError>("dynamic_slice negative size", [&] { (void)xj::dynamic_slice(v3, {xj::array(0)}, {-1}); }),
      expect<ShapeError>("dynamic_update_slice too large", [&] { (void)xj::dynamic_update_slice(v2, v3, {xj::array(0)}); }),
      expect<IndexError>("index past the end", [&] { (void)v3[3]; }),
      expect<IndexError>("index before the start", [&] { (void)v3[-4]; }),
      expect<IndexError>("index int64 min", [&] { (void)v3[std::numeric_limits<std::int64_t>::min()]; }),
      expect<IndexError>("index a scalar", [&] { (void)scalar[0]; }),
      expect<DTypeError>("take with float indices", [&] { (void)xj::take(v3, v2); }),
      expect<ShapeError>("at.set wrong update shape", [&] { (void)xj::at(kept, i3).set(v3); }),
      expect<DTypeError>("at with float indices", [&] { (void)xj::at(v3, v2).set(1.0f); }),
      expect<ValueError>("tril of a vector", [&] { (void)xj::tril(v3); }),
      expect<ValueError>("trace of a vector", [&] { (void)xj::trace(v3); }),
      // ---- contractions and linalg ----
      expect<ShapeError>("matmul mismatch", [&] { (void)xj::matmul(kept, v3); }),
      expect<ShapeError>("matmul of scalars", [&] { (void)xj::matmul(scalar, scalar); }),
      expect<ShapeError>("dot mismatch", [&] { (void)xj::dot(v2, v3); }),
      expect<ShapeError>("dot_general contracting sizes", [&] { (void)xj::dot_general(m23, m23, {1}, {0}); }),
      expect<IndexError>("dot_general axis", [&] { (void)xj::dot_general(m23, m23, {2}, {1}); }),
      expect<ShapeError>("inner mismatch", [&] { (void)xj::inner(v2, v3); }),
      expect<ShapeError>("vdot sizes", [&] { (void)xj::vdot(v2, v3); }),
      expect<ShapeError>("solve non-square", [&] { (void)xj::linalg::solve(m23, v2); }),
      expect<ShapeError>("inv of a vector", [&] { (void)xj::linalg::inv(v3); }),
      expect<ShapeError>("cholesky non-square", [&] { (void)xj::linalg::cholesky(m23); }),
      expect<DTypeError>("inv of integers", [] { (void)xj::linalg::inv(xj::eye(2, std::nullopt, 0, xj::int32)); }),
      expect<ShapeError>("det of a vector", [&] { (void)xj::linalg::det(v3); }),
      // ---- dtypes ----
      expect<DTypeError>("bitwise_and of floats", [&] { (void)(v3 & v3); }),
      expect<DTypeError>("bitwise_not of floats", [&] { (void)~v3; }),
      expect<DTypeError>("shift of floats", [&] { (void)(v3 << v3); }),
      expect<DTypeError>("item as the wrong type", [&] { (void)scalar.data<int>(); }),
      expect<ValueError>("item of several elements", [&] { (void)v3.item<float>(); }),
      expect<ValueError>("bool of several elements", [&] { (void)static_cast<bool>(v3); }),
      expect<ValueError>("empty Array handle", [] { (void)(Array() + 1.0f); }),
      // ---- random ----
      expect<DTypeError>("uniform with a bad key", [&] { (void)xj::random::uniform(v3, {2}); }),
      expect<ValueError>("uniform negative shape", [&] { (void)xj::random::uniform(key, {-2}); }),
      expect<AllocationError>("uniform huge", [&] { (void)xj::random::uniform(key, {kHuge}); }),
      expect<ValueError>("split negative", [&] { (void)xj::random::split(key, -1); }),
      expect<AllocationError>("split huge", [&] { (void)xj::random::split(key, kHuge); }),
      expect<ValueError>("permutation negative", [&] { (void)xj::random::permutation(key, -3); }),
      // ---- transformations ----
      expect<TransformError>("grad of a vector output", [&] { (void)xj::grad([](const Array& x) { return x * 2.0f; })(v3); }),
      expect<TransformError>("grad of integer input", [&] { (void)xj::grad([](const Array& x) { return xj::sum(x); })(i3); }),
      // Every differentiating transform rejects integer inputs and mismatched tangents as grad does.
      expect<TransformError>("jacfwd of integer input", [&] { (void)xj::jacfwd([](const Array& x) { return x * 2; })(i3); }),
      expect<TransformError>("jacrev of integer input", [&] { (void)xj::jacrev([](const Array& x) { return x * 2; })(i3); }),
      expect<TransformError>("hessian of integer input", [&] { (void)xj::hessian([](const Array& x) { return xj::sum(x); })(i3); }),
      expect<TransformError>("jacfwd<0, 1> with an integer second input", [&] {
        (void)xj::jacfwd<0, 1>([](const Array& x, const Array& k) { return x * k; })(v3, i3);
      }),
      expect<TransformError>("jvp of integer input", [&] {
        (void)xj::jvp([](const Array& x) { return x * 2; }, std::tuple{i3}, std::tuple{i3});
      }),
      expect<TransformError>("jvp with an integer second primal", [&] {
        (void)xj::jvp([](const Array& x, const Array& k) { return x * k; }, std::tuple{v3, i3}, std::tuple{v3, v3});
      }),
      expect<TransformError>("vjp of bool input", [&] { (void)xj::vjp([](const Array& b) { return b.astype(xj::float32); }, i3 > 0); }),
      expect<TransformError>("vjp of integer input", [&] { (void)xj::vjp([](const Array& x) { return x * 2; }, i3); }),
      expect<TransformError>("linearize of integer input", [&] { (void)xj::linearize([](const Array& x) { return x * 2; }, i3); }),
      expect<TransformError>("jvp tangent of another dtype", [&] {
        (void)xj::jvp([](const Array& x) { return x * 2.0f; }, std::tuple{v3}, std::tuple{v3.astype(xj::float64)});
      }),
      expect<TransformError>("jvp tangent of another shape", [&] {
        (void)xj::jvp([](const Array& x) { return x * 2.0f; }, std::tuple{v3}, std::tuple{v2});
      }),
      expect<TransformError>("vjp cotangent of another dtype", [&] {
        auto [y, pullback] = xj::vjp([](const Array& x) { return x * 2.0f; }, v3);
        (void)pullback(y.astype(xj::float64));
      }),
      expect<TransformError>("vmap of a scalar", [&] { (void)xj::vmap([](const Array& x) { return x; })(scalar); }),
      expect<TransformError>("vmap mismatched sizes",
                         [&] { (void)xj::vmap([](const Array& x, const Array& y) { return x + y; })(v2, v3); }),
      expect<TransformError>("vmap in_axes out of range", [&] { (void)xj::vmap([](const Array& x) { return x; }, {2})(v3); }),
      expect<TransformError>("vmap in_axes count", [&] { (void)xj::vmap([](const Array& x) { return x; }, {0, 0})(v3); }),
      expect<ConcretizationError>("if under jit", [&] { (void)xj::jit([](const Array& x) { return x > 0 ? x : -x; })(scalar); }),
      expect<ConcretizationError>("item under jit", [&] { (void)xj::jit([](const Array& x) { return Array(x.item<float>()); })(scalar); }),
      expect<xj::DTypeError>("compiled program run with another dtype", [&] {
        auto exe = xj::jit([](const Array& x) { return x * 2.0f; }).lower(v3).compile();
        (void)exe->run({v3.astype(xj::float64)});
      }),
      expect<ShapeError>("compiled program run with another shape", [&] {
        auto exe = xj::jit([](const Array& x) { return x * 2.0f; }).lower(v3).compile();
        (void)exe->run({v2});
      }),
      expect<ValueError>("compiled program run with another argument count", [&] {
        auto exe = xj::jit([](const Array& x) { return x * 2.0f; }).lower(v3).compile();
        (void)exe->run({v3, v3});
      }),
      expect<ShapeError>("jit of a shape error", [&] { (void)xj::jit([&](const Array& x) { return x + v3; })(v2); }),
      expect<AllocationError>("jit of a huge zeros", [&] { (void)xj::jit([](const Array& x) { return x + xj::zeros({kHuge}); })(scalar); }),
      expect<ShapeError>("make_jaxpr of an overflowing zeros", [&] { (void)xj::make_jaxpr([](const Array& x) { return x + xj::zeros({kHuge, kHuge}); })(scalar); }),
      expect<TransformError>("cond branches disagree",
                             [&] { (void)xj::cond(xj::array(true), [](const Array& x) { return x; }, [](const Array& x) { return x.astype(xj::int32); }, v3); }),
      expect<TransformError>("scan carry changes type",
                             [&] { (void)xj::scan([](const Array& c, const Array& e) { return std::pair{(c + e).astype(xj::float64), c}; }, scalar, v3); }),
  };
  CHECK(rows.size() >= 100);
  for (const Row& row : rows) {
    CAPTURE(row.name);
    row.check();
    CHECK(xj::test::values(kept) == std::vector<double>{1.0, 2.0, 3.0, 4.0});
    CHECK(xj::test::values(xj::jit([](const Array& x) { return x * 2.0f; })(kept)) == std::vector<double>{2.0, 4.0, 6.0, 8.0});
    CHECK(xj::grad([](const Array& x) { return xj::sum(x * x); })(v2).shape() == xj::Shape{2});
  }
}
