// The threefry2x32 primitive (the Threefry-2x32 block cipher, 20 rounds, of Salmon et al.,
// "Parallel random numbers: as easy as 1, 2, 3", 2011) and the key operations of xjax::random
// built on it: key, split, fold_in, bits, and the public threefry2x32 hash.
#include <array>
#include <cstdint>
#include <limits>

#include "primitives/random.hpp"
#include "primitives/shape.hpp"

namespace xjax {
namespace {

constexpr std::uint32_t rotate_left(std::uint32_t v, int r) { return (v << r) | (v >> (32 - r)); }

// Encrypts the counter pair (x0, x1) under the key (k0, k1): five groups of four rounds, each
// group followed by a key injection that cycles through the extended key schedule.
void threefry_block(std::uint32_t k0, std::uint32_t k1, std::uint32_t& x0, std::uint32_t& x1) {
  static constexpr int rotations[2][4] = {{13, 15, 26, 6}, {17, 29, 16, 24}};
  const std::array<std::uint32_t, 3> ks = {k0, k1, k0 ^ k1 ^ 0x1BD11BDAu};
  x0 += ks[0];
  x1 += ks[1];
  for (int group = 0; group < 5; ++group) {
    for (int r : rotations[group % 2]) {
      x0 += x1;
      x1 = rotate_left(x1, r) ^ x0;
    }
    x0 += ks[static_cast<std::size_t>((group + 1) % 3)];
    x1 += ks[static_cast<std::size_t>((group + 2) % 3)] + static_cast<std::uint32_t>(group + 1);
  }
}

// Operands (k0, k1, x0, x1) are uint32 of one shape, 0-d operands broadcasting; two outputs.
Avals threefry_shape(const Avals& in, const Params&) {
  if (in.size() != 4) throw ValueError("threefry2x32", "takes 4 operands (k0, k1, x0, x1), got ", in.size());
  for (const ShapedArray& a : in)
    if (a.dtype != uint32) throw DTypeError("threefry2x32", "operands must be uint32, got ", a);
  ShapedArray out = elementwise_aval("threefry2x32", in, DTypes::integer);
  out.weak_type = false;
  return {out, out};
}

Arrays threefry_eval(const Arrays& in, const Params&, const Avals& out) {
  NewBuffer r0 = new_buffer(out[0]), r1 = new_buffer(out[1]);
  std::array<const std::uint32_t*, 4> src{};
  std::array<bool, 4> scalar{};
  for (std::size_t i = 0; i < 4; ++i) {
    src[i] = reinterpret_cast<const std::uint32_t*>(buffer_of(in[i]).data());
    scalar[i] = in[i].ndim() == 0;
  }
  auto at = [&](std::size_t k, std::int64_t i) { return src[k][scalar[k] ? 0 : i]; };
  auto* y0 = reinterpret_cast<std::uint32_t*>(r0.data);
  auto* y1 = reinterpret_cast<std::uint32_t*>(r1.data);
  for (std::int64_t i = 0, n = out[0].size(); i < n; ++i) {
    std::uint32_t x0 = at(2, i), x1 = at(3, i);
    threefry_block(at(0, i), at(1, i), x0, x1);
    y0[i] = x0;
    y1[i] = x1;
  }
  return {r0.array, r1.array};
}

// Integer-valued: the derivative is zero everywhere.
Tangents zero_jvp(const Arrays&, const Tangents&, const Arrays&, const Params&) { return {std::nullopt, std::nullopt}; }

const Primitive& threefry2x32_p = def_primitive(
    {.name = "threefry2x32", .shape = threefry_shape, .eval = threefry_eval, .jvp = zero_jvp, .batch = elementwise_batch});

Array u32(std::uint32_t v) { return array(v); }

// The two threefry words of each counter pair (x0, x1) under `key`.
std::pair<Array, Array> hash(const Array& key, const Array& x0, const Array& x1) {
  Arrays r = xjax::bind(threefry2x32_p, {key[0], key[1], x0, x1});
  return {r[0], r[1]};
}

}  // namespace

namespace random {
namespace detail {

void check_key(const char* op, const Array& key) {
  if (key.dtype() != uint32) throw DTypeError(op, "a key must be uint32 (from random::key or split), got ", key.aval());
  if (key.shape() != Shape{2}) throw ShapeError(op, "a key must have shape (2,) (from random::key or split), got ", key.aval());
}

void check_shape(const char* op, const Shape& shape) {
  for (std::int64_t d : shape)
    if (d < 0) throw ValueError(op, "negative dimension in shape ", shape_str(shape));
  shape_size(shape);  // overflow check
}

void check_floating(const char* op, DType dtype) {
  if (!is_floating(dtype)) throw DTypeError(op, "dtype must be float32 or float64, got ", dtype);
}

Shape sample_shape(const char* op, const std::optional<Shape>& shape, std::initializer_list<Shape> params) {
  Shape s = shape.value_or(Shape{});
  for (const Shape& p : params) {
    Shape b;
    bool ok = true;
    try {
      b = broadcast_shapes(s, p);
    } catch (const ShapeError&) {
      ok = false;
    }
    if (!ok || (shape && b != *shape))
      throw ShapeError(op, "parameter shape ", shape_str(p), " does not broadcast to ", shape ? "the shape " : "",
                       shape_str(s));
    s = b;
  }
  check_shape(op, s);
  return s;
}

Array constant(double v, DType dtype) { return array(v).astype(dtype); }
double tiny(DType dtype) { return finfo(dtype).smallest_normal; }
double eps(DType dtype) { return finfo(dtype).eps; }

// Position i of the row-major shape is the 64-bit counter (i >> 32, i mod 2^32).
std::pair<Array, Array> hash_positions(const Array& key, const Shape& shape) {
  std::int64_t n = shape_size(shape);
  constexpr std::int64_t words = std::int64_t{1} << 32;
  Array lo = lax::reshape(iota(uint32, {n}), shape);  // uint32 iota wraps: the low word
  Array hi = n > words ? lax::reshape((iota(int64, {n}) >> 32).astype(uint32), shape) : u32(0);
  return hash(key, hi, lo);
}

}  // namespace detail

Array key(std::int64_t seed) {
  auto s = static_cast<std::uint64_t>(seed);
  std::uint32_t words[2] = {static_cast<std::uint32_t>(s >> 32), static_cast<std::uint32_t>(s)};
  return from_data(words, uint32, {2});
}

Array key(const Array& seed) {
  if (seed.ndim() != 0) throw ShapeError("random.key", "the seed must be a scalar, got ", seed.aval());
  if (!is_integer(seed.dtype())) throw DTypeError("random.key", "the seed must be an integer, got ", seed.aval());
  Array hi = seed.dtype() == int64 ? (seed >> 32).astype(uint32) : zeros({}, uint32);
  return stack({hi, seed.astype(uint32)});
}

Array split(const Array& key, std::int64_t num) {
  detail::check_key("random.split", key);
  if (num < 0) throw ValueError("random.split", "num must be non-negative, got ", num);
  auto [w0, w1] = detail::hash_positions(key, {num});
  return stack({w0, w1}, 1);
}

// As JAX: threefry2x32(key, seed(data)) with seed(data) = (0, data).
Array fold_in(const Array& key, const Array& data) {
  detail::check_key("random.fold_in", key);
  if (data.ndim() != 0) throw ShapeError("random.fold_in", "data must be a scalar, got ", data.aval());
  if (!is_integer(data.dtype())) throw DTypeError("random.fold_in", "data must be an integer, got ", data.aval());
  auto [w0, w1] = hash(key, u32(0), data.astype(uint32));
  return stack({w0, w1});
}

Array bits(const Array& key, const Shape& shape, DType dtype) {
  detail::check_key("random.bits", key);
  detail::check_shape("random.bits", shape);
  if (dtype != uint32) throw DTypeError("random.bits", "dtype must be an unsigned integer dtype (uint32), got ", dtype);
  auto [w0, w1] = detail::hash_positions(key, shape);
  return w0 ^ w1;
}

Array threefry2x32(const Array& key_pair, const Array& counts) {
  detail::check_key("random.threefry2x32", key_pair);
  if (counts.dtype() != uint32) throw DTypeError("random.threefry2x32", "counts must be uint32, got ", counts.aval());
  std::int64_t n = counts.size(), half = (n + 1) / 2;
  Array flat = lax::reshape(counts, {n});
  if (n % 2) flat = lax::concatenate({flat, zeros({1}, uint32)}, 0);
  auto [w0, w1] = hash(key_pair, lax::slice(flat, {0}, {half}, {1}), lax::slice(flat, {half}, {2 * half}, {1}));
  Array out = lax::concatenate({w0, w1}, 0);
  if (n % 2) out = lax::slice(out, {0}, {n}, {1});
  return lax::reshape(out, counts.shape());
}

}  // namespace random
}  // namespace xjax
