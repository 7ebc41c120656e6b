// Export and import: round trips giving the jitted function's exact bits, transforms of imported
// functions, every malformed input of deserialize raising its typed error, and the xjax-run logic.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "xjax/core.hpp"
#include "xjax/export.hpp"
#include "xjax/interop.hpp"

namespace xj = xjax;
using xj::Array;
using xj::Arrays;

namespace {
// Same dtype, shape and bytes.
bool same_bits(const Array& a, const Array& b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape() &&
         std::memcmp(a.raw_data(), b.raw_data(), static_cast<std::size_t>(a.size()) * xj::itemsize(a.dtype())) == 0;
}
bool same_bits(const Arrays& a, const Arrays& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same_bits(a[i], b[i])) return false;
  return true;
}
bool close(const Array& a, const Array& b, double tol) {
  return a.shape() == b.shape() && xj::allclose(a.astype(xj::float64), b.astype(xj::float64), tol, tol);
}
Array ramp(std::int64_t n, xj::DType d = xj::float32) {
  return (xj::arange(0.0, static_cast<double>(n), 1.0, xj::float64) / static_cast<double>(n) * 3.0 - 1.5).astype(d);
}
// Exports, serialises and reads back.
template <class J, class... A>
xj::Exported round_trip(const J& jf, const A&... args) {
  return xj::deserialize(xj::export_(jf)(args...).serialize());
}
// The checksum that the format ends with (FNV-1a, 64 bits), recomputed after an edit.
std::string reseal(std::string b) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (std::size_t i = 0; i + 8 < b.size(); ++i) {
    h ^= static_cast<unsigned char>(b[i]);
    h *= 0x100000001b3ULL;
  }
  for (int k = 0; k < 8; ++k) b[b.size() - 8 + static_cast<std::size_t>(k)] = static_cast<char>(h >> (8 * k));
  return b;
}
std::filesystem::path temp_dir(const std::string& name) {
  auto d = std::filesystem::temp_directory_path() / ("xjax_export_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}
void write_file(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}
}  // namespace

TEST_CASE("export: elementwise programs of every dtype round-trip bit for bit") {
  auto jf = xj::jit([](const Array& x) { return xj::sin(x) * x + xj::exp(-(x * x)) / 3.0; });
  for (xj::DType d : {xj::float32, xj::float64, xj::float16, xj::bfloat16}) {
    Array x = ramp(37, d);
    xj::Exported e = round_trip(jf, x);
    CHECK(same_bits(e.call(x), jf(x)));
    CHECK(e.in_avals() == xj::Avals{x.aval()});
    CHECK(e.out_avals()[0].dtype == d);
    CHECK(e.format_version() == xj::export_format_version);
    CHECK(e.platform() == "cpu");
  }
  auto ji = xj::jit([](const Array& a, const Array& b, const Array& mask) {
    return std::tuple{xj::where(mask, (a * 3 + b) % 7, -a), a > b, xj::logical_not(a > b) & mask,
                      (a.astype(xj::uint32) << 3u) ^ 5u};
  });
  Array a = xj::arange(0, 10, 1, xj::int32), b = xj::arange(0, 20, 2, xj::int32), mask = a % 3 == 0;
  for (xj::DType d : {xj::int32, xj::int64}) {
    xj::Exported e = round_trip(ji, a.astype(d), b.astype(d), mask);
    CHECK(same_bits(e.call_flat(a.astype(d), b.astype(d), mask), xj::tree_leaves(ji(a.astype(d), b.astype(d), mask))));
    CHECK(e.in_avals()[2].dtype == xj::bool_);
    CHECK(e.out_avals()[1].dtype == xj::bool_);
    CHECK(e.out_avals()[3].dtype == xj::uint32);
  }
}

TEST_CASE("export: closed-over weights, reductions and pytrees are stored") {
  Array w = xj::reshape(ramp(12, xj::float64), {4, 3}), bias = ramp(3, xj::float64);
  auto model = [w, bias](const std::map<std::string, Array>& in, const Array& scale) {
    Array h = xj::tanh(xj::matmul(in.at("x"), w) + bias) * scale;
    return std::pair{xj::sum(h, 0), std::vector<Array>{xj::max(h), xj::argmax(h, 1), xj::mean(in.at("y"))}};
  };
  auto jf = xj::jit(model);
  std::map<std::string, Array> in{{"x", xj::reshape(ramp(8, xj::float64), {2, 4})}, {"y", ramp(5, xj::float64)}};
  Array scale = xj::array(2.0);
  xj::Exported e0 = xj::export_(jf)(in, scale);
  std::string bytes = e0.serialize();
  xj::Exported e = xj::deserialize(bytes);
  CHECK(e.serialize() == bytes);  // the format is deterministic
  CHECK(xj::to_string(e.jaxpr()) == xj::to_string(e0.jaxpr()));
  CHECK(e.jaxpr().consts.size() == e0.jaxpr().consts.size());
  CHECK(e.jaxpr().consts.size() >= 1);
  using Out = std::pair<Array, std::vector<Array>>;
  Out got = e.call_as<Out>(in, scale);
  Out want = jf(in, scale);
  CHECK(same_bits(got.first, want.first));
  CHECK(same_bits(got.second, want.second));
  CHECK(same_bits(e.call_flat(in, scale), xj::tree_leaves(want)));
  // The wrong structure, shape, dtype or a multi-result call() are typed errors.
  CHECK_THROWS_AS(e.call_flat(in), xj::ValueError);
  CHECK_THROWS_AS(e.call(in, scale), xj::ValueError);
  std::map<std::string, Array> bad{{"x", xj::reshape(ramp(12, xj::float64), {3, 4})}, {"y", ramp(5, xj::float64)}};
  CHECK_THROWS_AS(e.call_flat(bad, scale), xj::ShapeError);
  CHECK_THROWS_AS(e.call_flat(in, xj::array(2.0f)), xj::DTypeError);
  CHECK(same_bits(e.call_flat(in, 2.0), xj::tree_leaves(want)));  // a C++ scalar takes the recorded dtype
}

TEST_CASE("export: calls compile once per signature and hit the jit cache after") {
  auto jf = xj::jit([](const Array& a) { return xj::cumsum(a * a) - 1.0; });
  xj::Exported e = round_trip(jf, ramp(5));
  for (int i = 0; i < 3; ++i) CHECK(same_bits(e.call(ramp(5)), jf(ramp(5))));
  CHECK(e.cache_stats().compiles == 1);
  CHECK(e.cache_stats().hits == 2);
}

TEST_CASE("export: static arguments are fixed at export; nested jit programs (pjit) are stored") {
  auto inner = xj::jit([](const Array& v) { return xj::exp(v) - 1.0; });
  auto jf = xj::jit<1>([inner](const Array& x, int power) { return xj::sum(inner(x) * x) * double(power); });
  xj::Exported e = round_trip(jf, ramp(4), 3);
  CHECK(e.in_avals().size() == 1);
  CHECK(same_bits(e.call(ramp(4)), jf(ramp(4), 3)));
  CHECK(close(xj::grad([&](const Array& v) { return e.call(v); })(ramp(4)),
              xj::grad([&](const Array& v) { return jf(v, 3); })(ramp(4)), 1e-6));
  // An unoptimised program keeps the inner jit as a pjit equation holding its sub-program.
  xj::ClosedJaxpr staged = xj::make_jaxpr([&](const Array& v) { return inner(v) * 2.0; })(ramp(4));
  REQUIRE(xj::to_string(staged).find("pjit") != std::string::npos);
  using K = xj::TreeDef::Kind;
  xj::Exported p = xj::deserialize(
      xj::export_detail::make_exported(staged, xj::TreeDef{K::tuple, {}, {xj::TreeDef{}}}, xj::TreeDef{}).serialize());
  CHECK(xj::to_string(p.jaxpr()).find("pjit") != std::string::npos);
  CHECK(same_bits(p.call(ramp(4)), inner(ramp(4)) * 2.0));
}

TEST_CASE("export: linear algebra round-trips") {
  auto jf = xj::jit([](const Array& a, const Array& b) {
    Array spd = xj::matmul(a, xj::transpose(a)) + xj::eye(3, 3, 0, xj::float64) * 3.0;
    Array l = xj::linalg::cholesky(spd);
    return std::pair{xj::linalg::solve(spd, b), xj::linalg::det(l)};
  });
  Array a = xj::reshape(ramp(9, xj::float64), {3, 3}), b = ramp(3, xj::float64);
  xj::Exported e = round_trip(jf, a, b);
  CHECK(same_bits(e.call_flat(a, b), xj::tree_leaves(jf(a, b))));
  auto loss = [&](const Array& m) { return xj::sum(e.call_as<std::pair<Array, Array>>(m, b).first); };
  auto ref = [&](const Array& m) { return xj::sum(jf(m, b).first); };
  CHECK(close(xj::grad(loss)(a), xj::grad(ref)(a), 1e-10));
}

TEST_CASE("export: control flow with sub-programs (while, cond, scan)") {
  auto f = [](const Array& x) {
    Array s = xj::while_loop([](const Array& c) { return xj::sum(c) < 100.0; },
                             [](const Array& c) { return c * 2.0 + 1.0; }, x);
    Array t = xj::cond(xj::sum(s) > 10.0, [](const Array& a) { return a + 1.0; },
                       [](const Array& a) { return a - 1.0; }, s);
    auto [c, ys] = xj::scan([](const Array& c, const Array& xi) { return std::pair{c + xi, xj::sin(c * xi)}; },
                            Array(0.0f), t);
    return std::tuple{c, ys};
  };
  auto jf = xj::jit(f);
  for (Array x : {ramp(6), ramp(6) + 10.0f, ramp(6) * 0.0f}) {
    xj::Exported e = round_trip(jf, x);
    auto got = e.call_as<std::tuple<Array, Array>>(x);
    auto want = jf(x);
    CHECK(same_bits(std::get<0>(got), std::get<0>(want)));
    CHECK(same_bits(std::get<1>(got), std::get<1>(want)));
  }
}

TEST_CASE("export: random bits with a key argument") {
  auto jf = xj::jit([](const Array& key) {
    auto [k1, k2] = xj::random::split(key);
    return std::tuple{xj::random::normal(k1, {3, 2}), xj::random::bits(k2, {4}), xj::random::uniform(k2, {2}, xj::float64)};
  });
  Array key = xj::random::key(42);
  xj::Exported e = round_trip(jf, key);
  for (std::int64_t seed : {42, 7}) {
    Array k = xj::random::key(seed);
    CHECK(same_bits(e.call_flat(k), xj::tree_leaves(jf(k))));
  }
}

TEST_CASE("export: grad, vmap and jit of an imported function match the original") {
  Array w = xj::reshape(ramp(6, xj::float64), {3, 2});
  auto f = [w](const Array& x) { return xj::sum(xj::tanh(xj::matmul(x, w))) * xj::sum(x[0]); };
  auto jf = xj::jit(f);
  Array x = xj::reshape(ramp(9, xj::float64), {3, 3});
  xj::Exported e = round_trip(jf, x);
  auto g = [e](const Array& v) { return e.call(v); };
  CHECK(close(xj::grad(g)(x), xj::grad(f)(x), 1e-12));
  CHECK(close(xj::jit(g)(x), f(x), 1e-12));
  Array xs = xj::stack({x, x * 2.0, x - 1.0});
  Array batched = xj::vmap(g)(xs);
  for (std::int64_t i = 0; i < 3; ++i) CHECK(close(batched[i], f(xs[i]), 1e-12));
  CHECK(close(xj::vmap(xj::grad(g))(xs)[1], xj::grad(f)(xs[1]), 1e-12));
  CHECK(close(xj::jit(xj::grad(g))(x), xj::grad(f)(x), 1e-12));
}

TEST_CASE("export: a program holding a C++ function cannot be exported") {
  auto f = [](const Array& x) {
    xj::debug::callback([](const Array&) {}, x);
    return x * 2.0;
  };
  CHECK_THROWS_AS(xj::export_(xj::jit(f))(ramp(3)), xj::ExportError);
  try {
    xj::export_(xj::jit(f))(ramp(3));
  } catch (const xj::ExportError& err) {
    CHECK(std::string(err.what()).find("debug_callback") != std::string::npos);
  }
  auto softplus = xj::custom_jvp([](const Array& x) { return xj::log1p(xj::exp(x)); },
                                 [](const Arrays& p, const Arrays& t) {
                                   return std::pair{xj::log1p(xj::exp(p[0])), t[0] * xj::logistic(p[0])};
                                 });
  CHECK_THROWS_AS(xj::export_(xj::jit([&](const Array& x) { return softplus(x) * 2.0; }))(ramp(3)), xj::ExportError);
}

TEST_CASE("deserialize: truncated, corrupted, newer and inconsistent bytes raise typed errors") {
  auto jf = xj::jit([](const Array& x) { return xj::tanh(xj::reshape(x, {2, 3})) + 1.0; });
  std::string bytes = xj::export_(jf)(ramp(6)).serialize();
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    CAPTURE(n);
    CHECK_THROWS_AS(xj::deserialize(bytes.substr(0, n)), xj::TruncatedError);
  }
  CHECK_THROWS_AS(xj::deserialize(bytes + "x"), xj::DeserializeError);
  CHECK_THROWS_AS(xj::deserialize("PK\3\4 not an export"), xj::DeserializeError);
  for (std::size_t i = 4; i < bytes.size(); ++i) {  // every byte after the magic, flipped
    CAPTURE(i);
    std::string b = bytes;
    b[i] = static_cast<char>(b[i] ^ 0x5a);
    bool truncated_length = i >= 8 && i < 16;  // a changed length field reads as truncation or extra bytes
    if (truncated_length) CHECK_THROWS_AS(xj::deserialize(b), xj::DeserializeError);
    else CHECK_THROWS_AS(xj::deserialize(b), xj::ChecksumError);
  }
  std::string newer = bytes;
  newer[4] = static_cast<char>(xj::export_format_version + 1);
  CHECK_THROWS_AS(xj::deserialize(reseal(newer)), xj::VersionError);
  std::string unknown = bytes;
  std::size_t at = unknown.find("tanh");
  REQUIRE(at != std::string::npos);
  unknown.replace(at, 4, "tanq");
  CHECK_THROWS_AS(xj::deserialize(reseal(unknown)), xj::UnknownPrimitiveError);
  // reshape's new_sizes (2, 3) become (2, 4): the shape rule rejects the stored program.
  std::string sizes("\x02\0\0\0\x02\0\0\0\0\0\0\0\x03\0\0\0\0\0\0\0", 20);
  std::string inconsistent = bytes;
  at = inconsistent.find(sizes);
  REQUIRE(at != std::string::npos);
  inconsistent[at + 12] = 4;
  CHECK_THROWS_AS(xj::deserialize(reseal(inconsistent)), xj::InvalidProgramError);
  // Random garbage of valid envelope never crashes.
  for (std::size_t i = 16; i + 8 < bytes.size(); i += 3) {
    std::string b = bytes;
    b[i] = static_cast<char>(0xff);
    b[i + 1] = static_cast<char>(0x7f);
    try {
      xj::Exported e = xj::deserialize(reseal(b));
      (void)e.jaxpr();
    } catch (const xj::Error&) {
    }
  }
}

TEST_CASE("xjax-run: runs a model on .npy files and reports each failure on one line") {
  auto dir = temp_dir("run");
  Array w = xj::reshape(ramp(6), {3, 2});
  auto jf = xj::jit([w](const Array& x, const Array& k) { return std::pair{xj::matmul(x, w) * k, xj::sum(x)}; });
  Array x = xj::reshape(ramp(6), {2, 3}), k = xj::array(3.0f);
  std::string bytes = xj::export_(jf)(x, k).serialize();
  write_file(dir / "model.xjx", bytes);
  xj::save((dir / "x.npy").string(), x);
  xj::save((dir / "k.npy").string(), k);
  auto run = [&](std::vector<std::string> args, std::string* err_text = nullptr) {
    std::ostringstream out, err;
    int rc = xj::tools::run_main(args, out, err);
    if (err_text) *err_text = err.str();
    return std::pair{rc, out.str()};
  };
  std::string m = (dir / "model.xjx").string(), xs = (dir / "x.npy").string(), ks = (dir / "k.npy").string();
  auto [rc, text] = run({m, xs, ks, "--out", (dir / "outs").string()});
  CHECK(rc == 0);
  auto want = jf(x, k);
  CHECK(same_bits(xj::load((dir / "outs" / "out_0.npy").string()), want.first));
  CHECK(same_bits(xj::load((dir / "outs" / "out_1.npy").string()), want.second));
  auto [rc_info, info] = run({"--info", m});
  CHECK(rc_info == 0);
  CHECK(info.find("f32[2,3] f32[]") != std::string::npos);
  CHECK(info.find("dot_general") != std::string::npos);

  write_file(dir / "short.xjx", bytes.substr(0, bytes.size() / 2));
  std::string flipped = bytes;
  flipped[bytes.size() / 2] = static_cast<char>(flipped[bytes.size() / 2] ^ 1);
  write_file(dir / "flipped.xjx", flipped);
  std::string newer = bytes;
  newer[4] = 9;
  write_file(dir / "newer.xjx", reseal(newer));
  xj::save((dir / "wrong_shape.npy").string(), ramp(6));
  xj::save((dir / "wrong_dtype.npy").string(), xj::reshape(ramp(6, xj::float64), {2, 3}));
  struct Case {
    std::vector<std::string> args;
    const char* says;
  };
  std::vector<Case> cases = {
      {{(dir / "missing.xjx").string(), xs, ks}, "no such file"},
      {{(dir / "short.xjx").string(), xs, ks}, "truncated"},
      {{(dir / "flipped.xjx").string(), xs, ks}, "checksum"},
      {{(dir / "newer.xjx").string(), xs, ks}, "newer"},
      {{"--info", (dir / "newer.xjx").string()}, "newer"},
      {{m, xs}, "takes 2 inputs, got 1"},
      {{m, (dir / "wrong_shape.npy").string(), ks}, "must be f32[2,3]"},
      {{m, (dir / "wrong_dtype.npy").string(), ks}, "must be f32[2,3], got f64[2,3]"},
      {{m, xs, (dir / "absent.npy").string()}, "absent.npy"},
      {{}, "no model file"},
      {{m, "--bogus"}, "unknown option"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.says);
    std::string err;
    auto [code, _] = run(c.args, &err);
    CHECK(code != 0);
    CHECK(err.find(c.says) != std::string::npos);
    CHECK(std::count(err.begin(), err.end(), '\n') == 1);
  }
  std::filesystem::remove_all(dir);
}
