// xj::einsum against numpy.einsum's values for the examples of its documentation (the golden block
// below is written by scripts/make_einsum_golden.py) in float32, float64 and int32, eager against
// jit, every path strategy, einsum_path against numpy.einsum_path, dtype promotion, gradients
// against finite differences, vmap against a loop, and bad subscripts.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "golden.hpp"
#include "xjax/control_flow.hpp"
#include "xjax/einsum.hpp"

namespace xj = xjax;
using xj::Array;
using xj::Arrays;
using namespace xjax::test;

namespace {

struct EinsumCase {
  std::string name, subscripts;
  std::vector<std::string> inputs;
  Golden want;
};
struct PathCase {
  std::string name, subscripts;
  std::vector<xj::Shape> shapes;
  std::vector<std::pair<int, int>> path;
};

// BEGIN GOLDEN
// numpy 2.4.6.
const std::map<std::string, Golden>& inputs() {
  static const std::map<std::string, Golden> table = {
    {"a", {{5, 5}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0}}},
    {"b", {{5}, {0.0, 1.0, 2.0, 3.0, 4.0}}},
    {"c", {{2, 3}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0}}},
    {"s", {{}, {3.0}}},
    {"t3", {{3, 4, 5}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0, 40.0, 41.0, 42.0, 43.0, 44.0, 45.0, 46.0, 47.0, 48.0, 49.0, 50.0, 51.0, 52.0, 53.0, 54.0, 55.0, 56.0, 57.0, 58.0, 59.0}}},
    {"t4", {{4, 3, 2}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0}}},
    {"bat1", {{2, 3, 4}, {-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0, -3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0, -3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0, -3.0, -2.0, -1.0}}},
    {"bat2", {{2, 4, 5}, {-2.0, -1.0, 0.0, 1.0, 2.0, -2.0, -1.0, 0.0, 1.0, 2.0, -2.0, -1.0, 0.0, 1.0, 2.0, -2.0, -1.0, 0.0, 1.0, 2.0, -2.0, -1.0, 0.0, 1.0, 2.0, -2.0, -1.0, 0.0, 1.0, 2.0, -2.0, -1.0, 0.0, 1.0, 2.0, -2.0, -1.0, 0.0, 1.0, 2.0}}},
    {"m1", {{2, 3}, {-2.0, -1.0, 0.0, 1.0, 2.0, 3.0}}},
    {"m2", {{3, 4}, {0.0, 1.0, 2.0, 3.0, 4.0, 0.0, 1.0, 2.0, 3.0, 4.0, 0.0, 1.0}}},
    {"m3", {{4, 5}, {-1.0, 0.0, 1.0, -1.0, 0.0, 1.0, -1.0, 0.0, 1.0, -1.0, 0.0, 1.0, -1.0, 0.0, 1.0, -1.0, 0.0, 1.0, -1.0, 0.0}}},
    {"row", {{1, 3}, {1.0, -2.0, 3.0}}},
    {"cube", {{3, 3, 3}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0}}},
    {"stack", {{2, 3, 3}, {0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0}}},
  };
  return table;
}
const std::vector<EinsumCase>& cases() {
  static const std::vector<EinsumCase> table = {
    {"trace", "ii", {"a"}, {{}, {60.0}}},
    {"trace_explicit", "ii->", {"a"}, {{}, {60.0}}},
    {"diagonal", "ii->i", {"a"}, {{5}, {0.0, 6.0, 12.0, 18.0, 24.0}}},
    {"sum_axis", "ij->i", {"a"}, {{5}, {10.0, 35.0, 60.0, 85.0, 110.0}}},
    {"sum_ellipsis", "...j->...", {"a"}, {{5}, {10.0, 35.0, 60.0, 85.0, 110.0}}},
    {"transpose", "ji", {"c"}, {{3, 2}, {0.0, 3.0, 1.0, 4.0, 2.0, 5.0}}},
    {"transpose_explicit", "ij->ji", {"c"}, {{3, 2}, {0.0, 3.0, 1.0, 4.0, 2.0, 5.0}}},
    {"inner", "i,i", {"b", "b"}, {{}, {30.0}}},
    {"matvec", "ij,j", {"a", "b"}, {{5}, {30.0, 80.0, 130.0, 180.0, 230.0}}},
    {"matvec_ellipsis", "...j,j", {"a", "b"}, {{5}, {30.0, 80.0, 130.0, 180.0, 230.0}}},
    {"scalar_times", "..., ...", {"s", "c"}, {{2, 3}, {0.0, 3.0, 6.0, 9.0, 12.0, 15.0}}},
    {"scalar_times_ij", ",ij", {"s", "c"}, {{2, 3}, {0.0, 3.0, 6.0, 9.0, 12.0, 15.0}}},
    {"outer", "i,j", {"b", "b"}, {{5, 5}, {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 0.0, 2.0, 4.0, 6.0, 8.0, 0.0, 3.0, 6.0, 9.0, 12.0, 0.0, 4.0, 8.0, 12.0, 16.0}}},
    {"tensordot", "ijk,jil->kl", {"t3", "t4"}, {{5, 2}, {4400.0, 4730.0, 4532.0, 4874.0, 4664.0, 5018.0, 4796.0, 5162.0, 4928.0, 5306.0}}},
    {"matmul", "ij,jk->ik", {"m1", "m2"}, {{2, 4}, {-4.0, -2.0, -5.0, -8.0, 17.0, 13.0, 4.0, 10.0}}},
    {"matmul_implicit", "ij,jk", {"m1", "m2"}, {{2, 4}, {-4.0, -2.0, -5.0, -8.0, 17.0, 13.0, 4.0, 10.0}}},
    {"batched_matmul", "bij,bjk->bik", {"bat1", "bat2"}, {{2, 3, 5}, {12.0, 6.0, 0.0, -6.0, -12.0, -6.0, -3.0, 0.0, 3.0, 6.0, 4.0, 2.0, 0.0, -2.0, -4.0, 0.0, 0.0, 0.0, 0.0, 0.0, -4.0, -2.0, 0.0, 2.0, 4.0, 6.0, 3.0, 0.0, -3.0, -6.0}}},
    {"batched_ellipsis", "...ij,...jk->...ik", {"bat1", "bat2"}, {{2, 3, 5}, {12.0, 6.0, 0.0, -6.0, -12.0, -6.0, -3.0, 0.0, 3.0, 6.0, 4.0, 2.0, 0.0, -2.0, -4.0, 0.0, 0.0, 0.0, 0.0, 0.0, -4.0, -2.0, 0.0, 2.0, 4.0, 6.0, 3.0, 0.0, -3.0, -6.0}}},
    {"three", "ij,jk,kl->il", {"m1", "m2", "m3"}, {{2, 5}, {10.0, -3.0, -7.0, 10.0, -3.0, -14.0, -9.0, 23.0, -14.0, -9.0}}},
    {"three_sum", "ij,jk,kl->", {"m1", "m2", "m3"}, {{}, {-16.0}}},
    {"three_reordered", "kl,ij,jk->li", {"m3", "m1", "m2"}, {{5, 2}, {10.0, -14.0, -3.0, -9.0, -7.0, 23.0, 10.0, -14.0, -3.0, -9.0}}},
    {"broadcast_one", "ij,ij->ij", {"row", "m1"}, {{2, 3}, {-2.0, 2.0, 0.0, 1.0, -4.0, 9.0}}},
    {"broadcast_contract", "ij,ij->i", {"row", "m1"}, {{2}, {0.0, 6.0}}},
    {"implicit_sorted", "ba", {"c"}, {{3, 2}, {0.0, 3.0, 1.0, 4.0, 2.0, 5.0}}},
    {"uppercase", "Ab,bC->CA", {"m1", "m2"}, {{4, 2}, {-4.0, 17.0, -2.0, 13.0, -5.0, 4.0, -8.0, 10.0}}},
    {"triple_diagonal", "iii->i", {"cube"}, {{3}, {0.0, 13.0, 26.0}}},
    {"batched_diagonal", "...ii->...i", {"stack"}, {{2, 3}, {0.0, 4.0, 8.0, 9.0, 13.0, 17.0}}},
    {"batched_trace", "bii->b", {"stack"}, {{2}, {12.0, 39.0}}},
    {"diag_then_contract", "ii,i->i", {"a", "b"}, {{5}, {0.0, 6.0, 24.0, 54.0, 96.0}}},
    {"sum_all", "ij->", {"m1"}, {{}, {3.0}}},
    {"mixed_keep", "ij,jk->ijk", {"m1", "m2"}, {{2, 3, 4}, {0.0, -2.0, -4.0, -6.0, -4.0, 0.0, -1.0, -2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 8.0, 0.0, 2.0, 4.0, 9.0, 12.0, 0.0, 3.0}}},
  };
  return table;
}
const std::vector<PathCase>& paths() {
  static const std::vector<PathCase> table = {
    {"path_chain", "ij,jk,kl->il", {{30, 2}, {2, 30}, {30, 3}}, {{1, 2}, {0, 1}}},
    {"path_chain4", "ij,jk,kl,lm->im", {{2, 40}, {40, 2}, {2, 40}, {40, 3}}, {{0, 1}, {0, 1}, {0, 1}}},
    {"path_outer_last", "i,ij,jk->k", {{50}, {50, 4}, {4, 60}}, {{0, 1}, {0, 1}}},
  };
  return table;
}
// END GOLDEN

Array in(const std::string& name, xj::DType d = xj::float64) { return golden_array(golden_entry(inputs(), name), d); }
Arrays operands(const EinsumCase& c, xj::DType d) {
  Arrays xs;
  for (const std::string& n : c.inputs) xs.push_back(in(n, d));
  return xs;
}

// A typed einsum error's message, or "no error".
template <class E, class F>
std::string message_of(F f) {
  try {
    f();
  } catch (const E& err) {
    CHECK(err.op() == "einsum");
    return err.what();
  }
  return "no error";
}
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("einsum: numpy's examples in float64, float32 and int32, eager and jit, every path strategy") {
  for (const EinsumCase& c : cases())
    for (xj::DType d : {xj::float64, xj::float32, xj::int32}) {
      CAPTURE(c.name);
      CAPTURE(d);
      Arrays xs = operands(c, d);
      Array y = xj::einsum(c.subscripts, xs);
      CHECK(y.dtype() == d);
      check_close(y, c.want, d == xj::float32 ? 1e-6 : 0);
      check_same(xj::jit([&](const Arrays& a) { return xj::einsum(c.subscripts, a); })(xs), y, 0);
      for (auto how : {xj::EinsumOptimize::optimal, xj::EinsumOptimize::greedy, xj::EinsumOptimize::none})
        check_same(xj::einsum(c.subscripts, xs, how), y, d == xj::float32 ? 1e-6 : 0);
    }
  // The braced and variadic forms; empty axes.
  Array m1 = in("m1"), m2 = in("m2"), m3 = in("m3");
  check_same(xj::einsum("ij,jk->ik", {m1, m2}), xj::matmul(m1, m2));
  check_same(xj::einsum("ij,jk", xj::ones({2, 0}), xj::ones({0, 3})), xj::zeros({2, 3}));
  CHECK(xj::einsum("ij,jk->ijk", xj::ones({0, 2}), xj::ones({2, 3})).shape() == xj::Shape{0, 2, 3});
  check_same(xj::einsum("ij,jk,kl", m1, m2, m3), xj::matmul(xj::matmul(m1, m2), m3));
  const std::string_view spec = "ij,jk->ik";  // any string type names the subscripts
  check_same(xj::einsum(spec, m1, m2), xj::matmul(m1, m2));
  check_same(xj::einsum(std::string("ij,jk->ik"), {m1, m2}), xj::matmul(m1, m2));
  check_same(xj::einsum("ij", m1), m1);
}

TEST_CASE("einsum: the contraction order against numpy.einsum_path") {
  for (const PathCase& c : paths()) {
    CAPTURE(c.name);
    Arrays xs;
    for (const xj::Shape& s : c.shapes) xs.push_back(xj::zeros(s));
    xj::EinsumPath p = xj::einsum_path(c.subscripts, xs);
    CHECK(p.contractions == c.path);
    CHECK(p.optimized_cost <= p.naive_cost);
    CHECK(contains(p.description, c.subscripts));
  }
  // The chain (30x2)(2x30)(30x3) must not form the 30x30 product first; left to right does.
  Arrays chain = {xj::zeros({30, 2}), xj::zeros({2, 30}), xj::zeros({30, 3})};
  CHECK(xj::einsum_path("ij,jk,kl->il", chain).contractions == std::vector<std::pair<int, int>>{{1, 2}, {0, 1}});
  xj::EinsumPath left = xj::einsum_path("ij,jk,kl->il", chain, xj::EinsumOptimize::none);
  CHECK(left.contractions == std::vector<std::pair<int, int>>{{0, 1}, {0, 1}});
  CHECK(left.optimized_cost > xj::einsum_path("ij,jk,kl->il", chain).optimized_cost);
  // Six operands take the greedy search by default; ellipsis axes borrow unused letters.
  Arrays six(6, xj::ones({3, 3}));
  CHECK(xj::einsum_path("ab,bc,cd,de,ef,fg->ag", six).contractions.size() == 5);
  CHECK(contains(xj::einsum_path("...ij,...jk", xj::zeros({2, 3, 4}), xj::zeros({2, 4, 5})).description, "->"));
}

TEST_CASE("einsum: result dtypes follow JAX's promotion") {
  Array i32 = xj::array({1, 2, 3}), f32 = xj::array({0.5f, 1.5f, 2.5f});
  CHECK(xj::einsum("i,i", i32, f32).dtype() == xj::float32);
  CHECK(xj::einsum("i,i", i32, i32.astype(xj::int64)).dtype() == xj::int64);
  CHECK(xj::einsum("i,i", f32, f32.astype(xj::float64)).dtype() == xj::float64);
  CHECK(xj::einsum(",i", Array(2.0), f32).dtype() == xj::float32);  // a C++ scalar is weakly typed
  Array t = xj::array({true, false, true}), f = xj::array({false, false, true});
  Array any_both = xj::einsum("i,i", t, f);
  CHECK(any_both.dtype() == xj::bool_);
  CHECK(any_both.item<bool>());
  CHECK_FALSE(xj::einsum("i,i", t, xj::array({false, true, false})).item<bool>());
  check_close(xj::einsum("i,i", i32, f32), Golden{{}, {11.0}}, 1e-7);
}

TEST_CASE("einsum: gradients against finite differences") {
  Array m1 = in("m1") * 0.25, m2 = in("m2") * 0.5, m3 = in("m3") * 0.1, sq = in("a") * 0.1;
  xj::check_grads([](const Array& x, const Array& y, const Array& z) { return xj::einsum("ij,jk,kl->il", x, y, z); },
                  std::tuple{m1, m2, m3});
  xj::check_grads([](const Array& x) { return xj::einsum("ii->i", x) + xj::einsum("ii", x); }, std::tuple{sq});
  xj::check_grads([](const Array& x, const Array& y) { return xj::einsum("bij,bjk->bik", x, y); },
                  std::tuple{in("bat1") * 0.3, in("bat2") * 0.2});
  xj::check_grads([](const Array& x, const Array& y) { return xj::einsum("ij,ij->i", x, y); },
                  std::tuple{in("row"), m1});
  xj::check_grads([](const Array& x) { return xj::einsum("...ii->...i", x); }, std::tuple{in("stack")});
  xj::check_grads([](const Array& x, const Array& y) { return xj::einsum("Ab,bC->CA", x, y); }, std::tuple{m1, m2});
}

TEST_CASE("einsum: vmap against a loop") {
  Array bat1 = in("bat1"), bat2 = in("bat2"), m3 = in("m3");
  auto mm = [](const Array& x, const Array& y) { return xj::einsum("ij,jk->ik", x, y); };
  Arrays rows;
  for (std::int64_t i = 0; i < 2; ++i) rows.push_back(mm(bat1[i], bat2[i]));
  check_same(xj::vmap(mm)(bat1, bat2), xj::stack(rows));
  check_same(xj::vmap(mm)(bat1, bat2), xj::einsum("bij,bjk->bik", bat1, bat2));
  // One mapped and one unmapped operand, and a diagonal inside the mapped function.
  auto mv = [&](const Array& x) {
    return xj::einsum("ij,jk,i->ik", x, m3, xj::einsum("jj->j", xj::slice(x, {0, 0}, {3, 3})));
  };
  Arrays mv_rows;
  for (std::int64_t i = 0; i < 2; ++i) mv_rows.push_back(mv(bat1[i]));
  check_same(xj::vmap(mv)(bat1), xj::stack(mv_rows));
  auto tr = [](const Array& x) { return xj::einsum("ii", x); };
  Array st = in("stack");
  check_same(xj::vmap(tr)(st), xj::stack({tr(st[0]), tr(st[1])}));
  check_same(xj::jit(xj::vmap(tr))(st), xj::einsum("bii->b", st));
}

TEST_CASE("einsum: bad subscripts raise typed errors naming einsum, the subscripts and the shapes") {
  Array a = in("a"), b = in("b"), c = in("c");
  std::string m = message_of<xj::ValueError>([&] { xj::einsum("ij,jk->ik", a); });
  CHECK(contains(m, "'ij,jk->ik'"));
  CHECK(contains(m, "(5, 5)"));
  m = message_of<xj::ShapeError>([&] { xj::einsum("ij,jk->ik", c, c); });
  CHECK(contains(m, "letter 'j'"));
  CHECK(contains(m, "(2, 3), (2, 3)"));
  m = message_of<xj::ValueError>([&] { xj::einsum("i1,j", a, b); });
  CHECK(contains(m, "'1'"));
  CHECK(contains(message_of<xj::ValueError>([&] { xj::einsum("ij->ii", a); }), "more than once"));
  CHECK(contains(message_of<xj::ValueError>([&] { xj::einsum("ij->k", a); }), "'k'"));
  CHECK(contains(message_of<xj::ShapeError>([&] { xj::einsum("ijk", a); }), "operand 0 has 2 axes"));
  CHECK(contains(message_of<xj::ShapeError>([&] { xj::einsum("ii", c); }), "letter 'i'"));
  CHECK(message_of<xj::ValueError>([&] { xj::einsum("i->i->i", b); }) != "no error");
  CHECK(message_of<xj::ValueError>([&] { xj::einsum("......", b); }) != "no error");
  CHECK(message_of<xj::ValueError>([&] { xj::einsum("i.j", a); }) != "no error");
  CHECK(message_of<xj::ValueError>([&] { xj::einsum("", Arrays{}); }) != "no error");
  auto clash = [] { xj::einsum("...i,...i", xj::zeros({2, 3}), xj::zeros({4, 3})); };
  CHECK(message_of<xj::ShapeError>(clash) != "no error");
  CHECK_THROWS_AS(xj::einsum_path("ij,jk", a), xj::ValueError);
}
