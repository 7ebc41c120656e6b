// xjax::linalg's cho_solve, lu_factor, lu_solve and expm against scipy.linalg's values (the golden
// block below is written by scripts/make_linalg_solvers_golden.py), in float32 and float64, eager
// against jit, gradients against finite differences, vmap against a loop, and bad input.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "golden.hpp"
#include "xjax/control_flow.hpp"
#include "xjax/linalg.hpp"
#include "xjax/numpy.hpp"

namespace xj = xjax;
namespace la = xjax::linalg;
using namespace xjax::test;
using xj::Array;
using xj::Arrays;

namespace {
// BEGIN GOLDEN
// scipy 1.17.1; inputs are the in_* entries.
const std::map<std::string, Golden>& golden_table() {
  static const std::map<std::string, Golden> table = {
    {"in_spd4", {{4, 4}, {5.617, 0.179, -0.179, -0.77, 0.179, 5.071, -1.207, 0.605, -0.179, -1.207, 5.406, -0.794, -0.77, 0.605, -0.794, 5.305}}},
    {"in_spd23", {{2, 3, 3}, {3.752, 0.162, 0.318, 0.162, 3.795, 0.109, 0.318, 0.109, 3.509, 3.555, -0.871, 0.197, -0.871, 4.515, -0.146, 0.197, -0.146, 4.548}}},
    {"in_b4", {{4}, {0.006, -0.175, -0.56, 0.131}}},
    {"in_b42", {{4, 2}, {-0.883, 0.666, -0.785, 0.333, -0.944, -0.117, -0.262, 0.49}}},
    {"in_b232", {{2, 3, 2}, {-0.487, 0.672, -0.42, 0.575, 0.312, 0.422, -0.725, 0.783, 0.854, -0.195, -0.702, -0.763}}},
    {"in_g4", {{4, 4}, {-0.994, -0.845, 0.31, -0.003, 0.982, -0.324, -0.666, -0.174, -0.172, 0.598, -0.486, 0.491, 0.302, 0.062, -0.847, -0.04}}},
    {"in_g23", {{2, 3, 3}, {-0.044, 0.249, -0.463, -0.836, 0.744, -0.502, 0.662, 0.956, -0.594, -0.533, -0.557, -0.454, -0.128, 0.494, 0.158, 0.82, 0.472, -0.151}}},
    {"in_g34", {{3, 4}, {-0.631, -0.856, -0.943, -0.664, -0.891, -0.788, 0.214, 0.814, 0.496, -0.856, 0.506, 0.578}}},
    {"in_e_tiny", {{3, 3}, {-0.001801, -0.003265, 0.000716, 0.002781, -0.002539, 0.005468, 0.001602, 0.001988, 0.003816}}},
    {"in_e_small", {{3, 3}, {-0.036013, -0.065308, 0.014317, 0.055617, -0.050771, 0.109361, 0.032048, 0.039758, 0.076322}}},
    {"in_e_mid", {{3, 3}, {-0.144053, -0.261233, 0.057269, 0.222467, -0.203084, 0.437445, 0.128194, 0.159031, 0.305286}}},
    {"in_e_two", {{3, 3}, {-0.342126, -0.62043, 0.136013, 0.528359, -0.482324, 1.038932, 0.30446, 0.377698, 0.725055}}},
    {"in_e_five", {{3, 3}, {-0.720264, -1.306167, 0.286344, 1.112335, -1.015419, 2.187225, 0.640969, 0.795154, 1.526432}}},
    {"in_e_big", {{3, 3}, {-7.202643, -13.061674, 2.863436, 11.123348, -10.154185, 21.872247, 6.409692, 7.951542, 15.264317}}},
    {"in_e_huge", {{3, 3}, {-54.019824, -97.962555, 21.475771, 83.42511, -76.156388, 164.04185, 48.072687, 59.636564, 114.482379}}},
    {"in_e_nil", {{4, 4}, {0.0, -0.484, 2.709, -1.159, 0.0, 0.0, -0.305, -1.984, 0.0, 0.0, 0.0, 1.623, 0.0, 0.0, 0.0, 0.0}}},
    {"in_e_batch", {{3, 1, 2, 2}, {-0.077, 0.08, 0.094, 0.097, -1.073, -0.946, 1.754, -1.745, -11.349, -19.076, -14.321, -9.422}}},
    {"in_e_one", {{1, 1}, {2.5}}},
    {"cho_vec", {{4}, {0.0014592283836508237, -0.06385501262346603, -0.11561112607069955, 0.014884194984443473}}},
    {"cho_mat", {{4, 2}, {-0.17050935788941138, 0.13196671994897433, -0.19466838943134276, 0.050540376288877135, -0.236558427140668, 0.00975850961174253, -0.08734122924007064, 0.10721690920596855}}},
    {"cho_upper", {{4, 2}, {-0.17050935788941138, 0.13196671994897433, -0.19466838943134276, 0.050540376288877135, -0.236558427140668, 0.00975850961174253, -0.08734122924007064, 0.10721690920596855}}},
    {"cho_batch", {{2, 3, 2}, {-0.13398566807273388, 0.1644337661405253, -0.10795125015467738, 0.14159601007647724, 0.10440984004388407, 0.10096212518352149, -0.1583079732201755, 0.22893802446524486, 0.15399802061886955, -0.004774979088348445, -0.1425526865139117, -0.1778359581720651}}},
    {"lu4", {{4, 4}, {-0.994, -0.845, 0.31, -0.003, -0.987927565392354, -1.158798792756539, -0.3597424547283703, -0.17696378269617705, 0.1730382293762575, -0.6422316872220766, -0.7706798547722526, 0.37786736594996206, -0.3038229376257545, 0.1680450337979209, 0.8983781684253876, -0.35064137609854285}}},
    {"piv4", {{4}, {0.0, 1.0, 2.0, 3.0}}},
    {"lu34", {{3, 4}, {-0.891, -0.788, 0.214, 0.814, -0.5566778900112234, -1.294662177328844, 0.6251290684624018, 1.0311358024691357, 0.7081930415263749, 0.230132530705374, -1.2384158454293897, -1.477767027525608}}},
    {"piv34", {{3}, {1.0, 2.0, 2.0}}},
    {"lu_solve_vec_t0", {{4}, {-0.5197959376118416, 0.5395213163771622, -0.19776789642787748, -2.1754660817244975}}},
    {"lu_solve_mat_t0", {{4, 2}, {-0.5924298242487471, -0.43485813196627743, 1.9134957450883625, -0.5508514870229572, 0.4287741891221162, -0.7519697096916445, -4.036220222851887, -0.4640400985104083}}},
    {"lu_solve_vec_t1", {{4}, {0.378948550243668, 0.3874825250729479, 0.42682168489043204, 0.25026605669445545}}},
    {"lu_solve_mat_t1", {{4, 2}, {0.9730638276243139, -0.09252808629103061, -0.7621350259098955, 1.347700629823778, -0.6010197444845345, 1.33476573739686, 2.4147902120885614, -1.7213087067151474}}},
    {"lu_solve_vec_t2", {{4}, {0.378948550243668, 0.3874825250729479, 0.42682168489043204, 0.25026605669445545}}},
    {"lu_solve_mat_t2", {{4, 2}, {0.9730638276243139, -0.09252808629103061, -0.7621350259098955, 1.347700629823778, -0.6010197444845345, 1.33476573739686, 2.4147902120885614, -1.7213087067151474}}},
    {"lu_solve_batch", {{2, 3, 2}, {0.44554117285811745, -0.13160548660542315, 0.9688054952739534, -0.5428997079437533, 1.530515673255847, -1.7308669241195591, -1.0562188341124574, -0.7086147369481742, 0.9014353725406209, -0.4819131213831794, 1.730980475940119, -0.3015038251017451}}},
    {"lu_solve_batch_t1", {{2, 3, 2}, {-0.18814228931191637, -2.5543503782056654, 0.17531261298153042, 0.20647914908179063, -0.5267627134096146, 1.1060802900171114, 2.3058592140978282, 0.9452350222758477, 3.2557944639721224, -0.7208392808741599, 1.1228837225641148, 1.4567595596599199}}},
    {"expm_e_tiny", {{3, 3}, {0.9981966595804076, -0.003257212726002864, 0.0007077980652115101, 0.002779352308116335, 0.9974651197584906, 0.005472499750278142, 0.001606381557897639, 0.001986659255407293, 1.0038293051546638}}},
    {"expm_e_small", {{3, 3}, {0.9630816271035145, -0.06226474122724105, 0.011058696577821612, 0.055014166837860465, 0.9508859902131137, 0.1112613065605074, 0.033826653833732886, 0.039261161942750394, 1.0817655499624166}}},
    {"expm_e_mid", {{3, 3}, {0.8428223665026251, -0.21602615105706402, 0.006006172525282782, 0.21570907147539603, 0.8239242658471642, 0.47339960733845704, 0.15822859491568508, 0.15314742386613617, 1.399263853712596}}},
    {"expm_e_two", {{3, 3}, {0.5933374801890936, -0.3989548728838197, -0.1511447323903171, 0.5228924817279992, 0.6758103343255022, 1.3123166703006832, 0.49707939338831286, 0.367716652276325, 2.3462203744910326}}},
    {"expm_e_five", {{3, 3}, {0.0021346348050588215, -0.576564878932614, -1.1087510205291733, 1.439049321724573, 0.7654464891929913, 4.300486662804643, 1.8426452376300775, 0.9972653618508622, 6.515454846694787}}},
    {"expm_e_big", {{3, 3}, {-13125461.687896302, -5971975.723025236, -43551799.53525311, 39519038.237982206, 17980833.174822047, 131128738.33235857, 59579752.77833372, 27108291.169785295, 197692508.73295775}}},
    {"expm_e_huge", {{3, 3}, {-1.289867902579463e+61, -5.868791972949868e+60, -4.279931109006246e+61, 3.88362273019663e+61, 1.7670161308273586e+61, 1.2886310067389511e+62, 5.855033336417658e+61, 2.663991605450849e+61, 1.942767881167489e+62}}},
    {"expm_e_nil", {{4, 4}, {1.0, -0.484, 2.7828099999999996, 1.5594127099999997, 0.0, 1.0, -0.305, -2.2315074999999998, 0.0, 0.0, 0.9999999999999999, 1.6229999999999998, 0.0, 0.0, 0.0, 0.9999999999999998}}},
    {"expm_e_batch", {{3, 1, 2, 2}, {0.9295845566094235, 0.08100737535885358, 0.09518366604665296, 1.10577559801493, 0.14108597101060893, -0.17604660099975572, 0.3264119853631834, 0.01602961173805506, 225.39098552283403, -275.7374972372088, -207.00548846372763, 253.2451560604783}}},
    {"expm_e_one", {{1, 1}, {12.182493960703473}}},
  };
  return table;
}
// END GOLDEN

const Golden& golden(const std::string& name) { return golden_entry(golden_table(), name); }
Array in(const std::string& name, xj::DType d = xj::float64) { return golden_array(golden("in_" + name), d); }
// Relative to the largest entry: expm's entries span many magnitudes after squarings.
void check_rel(const Array& got, const std::string& name, double rtol) {
  const Golden& g = golden(name);
  double scale = 0;
  for (double v : g.data) scale = std::max(scale, std::abs(v));
  std::vector<double> scaled = g.data;
  for (double& v : scaled) v /= scale;
  check_close(got / scale, Golden{g.shape, scaled}, rtol);
}

using Fn = std::function<Array(const Arrays&)>;
struct Case {
  std::string name;
  std::vector<std::string> inputs;
  Fn f;
};

std::vector<Case> solve_cases() {
  using A = const Arrays&;
  auto chol = [](const Array& a) { return la::cholesky(a); };
  return {
      {"cho_vec", {"spd4", "b4"}, [=](A x) { return la::cho_solve(chol(x[0]), x[1]); }},
      {"cho_mat", {"spd4", "b42"}, [=](A x) { return la::cho_solve(chol(x[0]), x[1]); }},
      {"cho_upper", {"spd4", "b42"}, [=](A x) { return la::cho_solve(la::cholesky(x[0], true), x[1], false); }},
      {"cho_batch", {"spd23", "b232"}, [=](A x) { return la::cho_solve(chol(x[0]), x[1]); }},
      {"lu4", {"g4"}, [](A x) { return la::lu_factor(x[0]).lu; }},
      {"lu34", {"g34"}, [](A x) { return la::lu_factor(x[0]).lu; }},
      {"lu_solve_vec_t0", {"g4", "b4"}, [](A x) { return la::lu_solve(la::lu_factor(x[0]), x[1]); }},
      {"lu_solve_vec_t1", {"g4", "b4"}, [](A x) { return la::lu_solve(la::lu_factor(x[0]), x[1], 1); }},
      {"lu_solve_vec_t2", {"g4", "b4"}, [](A x) { return la::lu_solve(la::lu_factor(x[0]), x[1], 2); }},
      {"lu_solve_mat_t0", {"g4", "b42"}, [](A x) { return la::lu_solve(la::lu_factor(x[0]), x[1], 0); }},
      {"lu_solve_mat_t1", {"g4", "b42"}, [](A x) { return la::lu_solve(la::lu_factor(x[0]), x[1], 1); }},
      {"lu_solve_mat_t2", {"g4", "b42"}, [](A x) { return la::lu_solve(la::lu_factor(x[0]), x[1], 2); }},
      {"lu_solve_batch", {"g23", "b232"}, [](A x) { return la::lu_solve(la::lu_factor(x[0]), x[1]); }},
      {"lu_solve_batch_t1", {"g23", "b232"}, [](A x) { return la::lu_solve(la::lu_factor(x[0]), x[1], 1); }},
  };
}

const std::vector<std::string> expm_inputs = {"e_tiny", "e_small", "e_mid", "e_two", "e_five", "e_big",
                                              "e_huge", "e_nil",   "e_batch", "e_one"};

}  // namespace

TEST_CASE("linalg solvers: cho_solve, lu_factor and lu_solve against scipy, eager and jit") {
  for (const Case& c : solve_cases())
    for (xj::DType d : {xj::float64, xj::float32}) {
      CAPTURE(c.name);
      CAPTURE(d);
      Arrays xs;
      for (const std::string& n : c.inputs) xs.push_back(in(n, d));
      Array y = c.f(xs);
      CHECK(y.dtype() == d);
      check_close(y, golden(c.name), d == xj::float64 ? 1e-12 : 1e-4);
      check_same(xj::jit([&](const Arrays& a) { return c.f(a); })(xs), y, d == xj::float64 ? 1e-12 : 1e-5);
    }
  // The pivots are int32, as JAX's, and scipy's row swaps.
  for (const char* name : {"g4", "g34"}) {
    la::LuFactor f = la::lu_factor(in(name));
    CHECK(f.piv.dtype() == xj::int32);
    check_close(f.piv, golden(std::string(name) == "g4" ? "piv4" : "piv34"), 0);
  }
  // Integer operands are converted to floating point, as jax.scipy promotes them.
  Array ai = xj::array({{4, 1}, {1, 3}}), bi = xj::array({1, 2});
  Array x = la::lu_solve(la::lu_factor(ai), bi);
  CHECK(xj::is_floating(x.dtype()));
  check_same(x, la::solve(ai.astype(x.dtype()), bi.astype(x.dtype())), 1e-6);
  // A right-hand side's size-1 batch axes broadcast against a batch of factors.
  Array c = la::cholesky(in("spd23")), b0 = in("b232")[0];
  check_same(la::cho_solve(c, xj::expand_dims(b0, 0)), xj::stack({la::cho_solve(c[0], b0), la::cho_solve(c[1], b0)}));
}

TEST_CASE("linalg solvers: expm against scipy, every Pade degree, squarings, nilpotent and batches") {
  for (const std::string& name : expm_inputs)
    for (xj::DType d : {xj::float64, xj::float32}) {
      if (name == "e_huge" && d == xj::float32) continue;  // exp(300) overflows float32
      CAPTURE(name);
      CAPTURE(d);
      Array a = in(name, d), y = la::expm(a);
      CHECK(y.dtype() == d);
      check_rel(y, "expm_" + name, d == xj::float64 ? 1e-12 : 2e-5);
      check_same(xj::jit([](const Array& m) { return la::expm(m); })(a), y, d == xj::float64 ? 1e-12 : 1e-5);
    }
  // exp of zero is the identity; more than 16 squarings give NaN, as JAX; empty matrices stay empty.
  check_same(la::expm(xj::zeros({2, 3, 3}, xj::float64)),
             xj::broadcast_to(xj::eye(3, std::nullopt, 0, xj::float64), {2, 3, 3}));
  CHECK(xj::all(xj::isnan(la::expm(in("e_tiny") * 1e7))).item<bool>());
  CHECK(la::expm(xj::zeros({0, 0})).shape() == xj::Shape{0, 0});
  CHECK(la::expm(xj::zeros({0, 2, 2})).shape() == xj::Shape{0, 2, 2});
  // Integer matrices are converted to floating point.
  Array shear = la::expm(xj::array({{0, 1}, {0, 0}}));
  CHECK(shear.dtype() == xj::float32);
  check_close(shear, Golden{{2, 2}, {1, 1, 0, 1}}, 0);
  // The exponential of a diagonal matrix is elementwise.
  Array diag = xj::array({-3.0, 0.5, 7.0});
  check_same(xj::diagonal(la::expm(xj::diag(diag))), xj::exp(diag), 1e-11);
}

TEST_CASE("linalg solvers: gradients against finite differences") {
  Array spd = in("spd4"), b = in("b42"), g = in("g4");
  Array l = la::cholesky(spd);
  xj::check_grads([](const Array& c, const Array& r) { return la::cho_solve(c, r); }, std::tuple{l, b});
  xj::check_grads([](const Array& c, const Array& r) { return la::cho_solve(c, r, false); },
                  std::tuple{xj::transpose(l), b});
  xj::check_grads([](const Array& a, const Array& r) { return la::cho_solve(la::cholesky(a), r); },
                  std::tuple{spd, b}, 1);
  la::LuFactor f = la::lu_factor(g);
  for (int t : {0, 1}) {
    CAPTURE(t);
    xj::check_grads([&](const Array& lu, const Array& r) { return la::lu_solve({lu, f.piv}, r, t); },
                    std::tuple{f.lu, b});
  }
  xj::check_grads([](const Array& a, const Array& r) { return la::lu_solve(la::lu_factor(a), r); },
                  std::tuple{g, in("b4")}, 1);
  // expm in both modes, with and without squarings, and a batch whose matrices take different paths.
  for (const char* name : {"e_small", "e_two", "e_five", "e_big", "e_nil", "e_batch"}) {
    CAPTURE(name);
    xj::check_grads([](const Array& a) { return la::expm(a); }, std::tuple{in(name)}, 1);
  }
  xj::check_grads([](const Array& a) { return la::expm(a); }, std::tuple{in("e_mid")}, 2);
}

TEST_CASE("linalg solvers: expm's derivative is the Frechet derivative of the block identity") {
  // expm([[A, E], [0, A]]) = [[expm(A), L(A, E)], [0, expm(A)]].
  Array a = in("e_five"), e = in("e_mid");
  auto [y, dy] = xj::jvp([](const Array& m) { return la::expm(m); }, std::tuple{a}, std::tuple{e});
  Array block = xj::concatenate({xj::concatenate({a, e}, 1), xj::concatenate({xj::zeros_like(a), a}, 1)}, 0);
  Array big = la::expm(block);
  check_same(dy, xj::slice(big, {0, 3}, {3, 6}), 1e-8);
  check_same(y, xj::slice(big, {0, 0}, {3, 3}), 1e-12);
  // Reverse mode: <G, L(A, E)> = <L(A^T, G), E>.
  Array gbar = in("e_small");
  auto [out, pullback] = xj::vjp([](const Array& m) { return la::expm(m); }, a);
  Array ct = pullback(gbar);
  Array adj = xj::concatenate({xj::concatenate({xj::transpose(a), gbar}, 1),
                               xj::concatenate({xj::zeros_like(a), xj::transpose(a)}, 1)}, 0);
  check_same(ct, xj::slice(la::expm(adj), {0, 3}, {3, 6}), 1e-8);
}

TEST_CASE("linalg solvers: vmap against a loop") {
  Array spd = in("spd23"), b = in("b232"), g = in("g23");
  Array eb = xj::reshape(in("e_batch"), {3, 2, 2});
  auto cho = [](const Array& a, const Array& r) { return la::cho_solve(la::cholesky(a), r); };
  auto lus = [](const Array& a, const Array& r) { return la::lu_solve(la::lu_factor(a), r, 1); };
  auto ex = [](const Array& a) { return la::expm(a); };
  Arrays c_rows, l_rows, e_rows;
  for (std::int64_t i = 0; i < 2; ++i) {
    c_rows.push_back(cho(spd[i], b[i]));
    l_rows.push_back(lus(g[i], b[i]));
  }
  for (std::int64_t i = 0; i < 3; ++i) e_rows.push_back(ex(eb[i]));
  check_same(xj::vmap(cho)(spd, b), xj::stack(c_rows));
  check_same(xj::vmap(lus)(g, b), xj::stack(l_rows));
  check_same(xj::vmap(ex)(eb), xj::stack(e_rows));
  // A factorisation returned from vmap and jit is a pytree.
  la::LuFactor f = xj::jit(xj::vmap([](const Array& a) { return la::lu_factor(a); }))(g);
  check_same(f.piv, xj::stack({la::lu_factor(g[0]).piv, la::lu_factor(g[1]).piv}));
  auto expm_grad = [](const Array& m) { return xj::grad([](const Array& x) { return xj::sum(la::expm(x)); })(m); };
  check_same(xj::vmap(expm_grad)(eb)[2], expm_grad(eb[2]));
  check_same(xj::jit(expm_grad)(eb[1]), expm_grad(eb[1]));
}

TEST_CASE("linalg solvers: bad input raises a typed error naming the function") {
  Array sq = in("g4"), rect = in("g34"), b = in("b4");
  CHECK_THROWS_AS(la::cho_solve(rect, b), xj::ShapeError);
  CHECK(op_of([&] { la::cho_solve(rect, b); }) == "cho_solve");
  CHECK_THROWS_AS(la::cho_solve(sq, xj::ones({3})), xj::ShapeError);
  CHECK(op_of([&] { la::cho_solve(sq, xj::ones({3, 2})); }) == "cho_solve");
  CHECK_THROWS_AS(la::cho_solve(sq, Array(1.0)), xj::ShapeError);
  CHECK_THROWS_AS(la::cho_solve(xj::ones({2, 4, 4}), xj::ones({3, 4, 1})), xj::ShapeError);
  CHECK_THROWS_AS(la::lu_factor(xj::ones({4})), xj::ShapeError);
  CHECK(op_of([&] { la::lu_factor(xj::ones({4})); }) == "lu_factor");
  CHECK_THROWS_AS(la::lu_solve(la::lu_factor(rect), xj::ones({3})), xj::ShapeError);
  CHECK(op_of([&] { la::lu_solve(la::lu_factor(sq), xj::ones({5, 1})); }) == "lu_solve");
  CHECK_THROWS_AS(la::lu_solve({sq, xj::zeros({3}, xj::int32)}, b), xj::ShapeError);
  CHECK_THROWS_AS(la::lu_solve(la::lu_factor(sq), b, 3), xj::ValueError);
  CHECK_THROWS_AS(la::expm(rect), xj::ShapeError);
  CHECK(op_of([&] { la::expm(rect); }) == "expm");
  CHECK(op_of([&] { la::expm(xj::ones({3})); }) == "expm");
}
