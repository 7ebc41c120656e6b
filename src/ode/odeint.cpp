// The ODE solvers of xjax/ode.hpp on a flattened state: Dormand-Prince 5(4) and Rosenbrock 2(3)
// steps inside one adaptive driver (a scan over the output times around a while_loop over steps),
// fixed-step RK4, and the adjoint method for reverse-mode gradients of the adaptive solvers.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "xjax/control_flow.hpp"
#include "xjax/linalg.hpp"
#include "xjax/numpy.hpp"
#include "xjax/ode.hpp"

namespace xjax::ode::detail {
namespace {

using Fun = std::function<Array(const Array& y, const Array& t)>;

// One step from (y, f = f(y, t)) to t + h: the new state and its derivative, the error ratio
// (<= 1 accepts) and the coefficients of the dense-output polynomial in s = (t' - t) / h,
// highest power first, one row per power.
struct Step {
  Array y1, f1, error_ratio, coeffs;
};

Array error_ratio(const Array& err, const Array& y0, const Array& y1, const Options& o) {
  Array tol = o.atol + o.rtol * maximum(abs(y0), abs(y1));
  return sqrt(mean(square(err / tol)));  // RMS of the error relative to the tolerance
}

// Dormand & Prince (1980), the RK5(4)7M pair; the last stage is f at the new point (FSAL).
Step dopri5_step(const Fun& f, const Array& y0, const Array& f0, const Array& t0, const Array& h, const Options& o) {
  static const double c[] = {0, 1. / 5, 3. / 10, 4. / 5, 8. / 9, 1, 1};
  static const std::vector<std::vector<double>> a = {
      {},
      {1. / 5},
      {3. / 40, 9. / 40},
      {44. / 45, -56. / 15, 32. / 9},
      {19372. / 6561, -25360. / 2187, 64448. / 6561, -212. / 729},
      {9017. / 3168, -355. / 33, 46732. / 5247, 49. / 176, -5103. / 18656},
      {35. / 384, 0, 500. / 1113, 125. / 192, -2187. / 6784, 11. / 84}};
  // 5th-order weights minus the embedded 4th-order ones.
  static const double e[] = {35. / 384 - 1951. / 21600,     0, 500. / 1113 - 22642. / 50085, 125. / 192 - 451. / 720,
                             -2187. / 6784 + 12231. / 42400, 11. / 84 - 649. / 6300,      -1. / 60};
  // Shampine (1986): the weights of y at the step's midpoint, for the 4th-order interpolant.
  static const double mid[] = {6025192743. / 30085553152 / 2,  0, 51252292925. / 65400821598 / 2,
                               -2691868925. / 45128329728 / 2, 187940372067. / 1594534317056 / 2,
                               -1776094331. / 19743644256 / 2, 11237099. / 235043384 / 2};
  Arrays k{f0};
  for (std::size_t i = 1; i < 7; ++i) {
    Array incr = a[i][0] * k[0];
    for (std::size_t j = 1; j < i; ++j)
      if (a[i][j] != 0) incr = incr + a[i][j] * k[j];
    k.push_back(f(y0 + h * incr, t0 + c[i] * h));
  }
  // The last stage is evaluated at the 5th-order solution: its derivative starts the next step.
  const Array& f1 = k[6];
  Array y1 = y0 + h * (a[6][0] * k[0] + a[6][2] * k[2] + a[6][3] * k[3] + a[6][4] * k[4] + a[6][5] * k[5]);
  Array err = e[0] * k[0];
  Array ym = mid[0] * k[0];
  for (std::size_t j = 2; j < 7; ++j) {
    err = err + e[j] * k[j];
    ym = ym + mid[j] * k[j];
  }
  err = h * err;
  ym = y0 + h * ym;
  // The quartic through y0, ym, y1 with slopes f0, f1 at the ends.
  Array hf0 = h * f0, hf1 = h * f1;
  Array ca = -2. * hf0 + 2. * hf1 - 8. * y0 - 8. * y1 + 16. * ym;
  Array cb = 5. * hf0 - 3. * hf1 + 18. * y0 + 14. * y1 - 32. * ym;
  Array cc = -4. * hf0 + hf1 - 11. * y0 - 5. * y1 + 16. * ym;
  return {y1, f1, error_ratio(err, y0, y1, o), stack({ca, cb, cc, hf0, y0})};
}

// Shampine & Reichelt (1997), the MATLAB ode23s scheme: L-stable order 2 with a 3rd-order error
// estimate; one Jacobian per step, three linear solves with W = I - h d J.
Step rosenbrock23_step(const Fun& f, const Array& y0, const Array& f0, const Array& t0, const Array& h,
                       const Options& o) {
  const double d = 1 / (2 + std::sqrt(2.0)), e32 = 6 + std::sqrt(2.0);
  std::vector<Arrays> jac = jacfwd_flat([&](const Arrays& a) { return Arrays{f(a[0], a[1])}; }, {y0, t0});
  const Array& J = jac[0][0];  // [n, n]
  const Array& T = jac[0][1];  // df/dt [n]
  const std::int64_t n = y0.shape()[0];
  Array W = eye(n, std::nullopt, 0, y0.dtype()) - (h * d) * J;
  Array k1 = linalg::solve(W, f0 + (h * d) * T);
  Array f1 = f(y0 + 0.5 * h * k1, t0 + 0.5 * h);
  Array k2 = linalg::solve(W, f1 - k1) + k1;
  Array y1 = y0 + h * k2;
  Array f2 = f(y1, t0 + h);
  Array k3 = linalg::solve(W, f2 - e32 * (k2 - f1) - 2. * (k1 - f0) + (h * d) * T);
  Array err = (h / 6.) * (k1 - 2. * k2 + k3);
  // y(t0 + s h) = y0 + h (s (1 - s) k1 + s (s - 2d) k2) / (1 - 2d)
  Array c2 = h * (k2 - k1) / (1 - 2 * d), c1 = h * (k1 - 2 * d * k2) / (1 - 2 * d);
  return {y1, f2, error_ratio(err, y0, y1, o), stack({c2, c1, y0})};
}

// Hairer, Norsett & Wanner, Solving ODEs I, II.4: the first step from the sizes of y0, f0 and of
// an estimate of the second derivative (the norms are Euclidean, as jax.experimental.ode).
Array initial_step(const Fun& f, const Array& t0, const Array& y0, const Array& f0, int order, const Options& o) {
  Array scale = o.atol + abs(y0) * o.rtol;
  Array d0 = sqrt(sum(square(y0 / scale))), d1 = sqrt(sum(square(f0 / scale)));
  Array h0 = where(logical_or(d0 < 1e-5, d1 < 1e-5), full_like(d0, 1e-6), 0.01 * d0 / d1);
  Array f1 = f(y0 + h0 * f0, t0 + h0);
  Array d2 = sqrt(sum(square((f1 - f0) / scale))) / h0;
  Array h1 = where(logical_and(d1 <= 1e-15, d2 <= 1e-15), maximum(full_like(h0, 1e-6), h0 * 1e-3),
                   pow(0.01 / maximum(d1, d2), Array(1.0 / (order + 1))));
  return minimum(100. * h0, h1);
}

// The next step size from this one's error ratio (safety 0.9, growth at most 10, shrink at most 5).
Array next_step(const Array& h, const Array& ratio, int order) {
  Array shrink_limit = where(ratio < 1, ones_like(ratio), full_like(ratio, 0.2));
  Array factor = minimum(full_like(ratio, 10.), maximum(0.9 * pow(ratio, Array(-1.0 / order)), shrink_limit));
  return where(ratio == 0, h * 10., h * factor);
}

Array dense_output(const Array& coeffs, const Array& s) {
  Array r = coeffs[0];
  for (std::int64_t p = 1; p < coeffs.shape()[0]; ++p) r = r * s + coeffs[p];
  return r;
}

Array code(Status s) { return array(static_cast<std::int32_t>(s)); }

// The adaptive driver. Carry: y, f, t, h, t of the last accepted step's start, its dense-output
// coefficients, the previous output time, and the int32 counters steps, rejected and status.
Arrays adaptive(const Options& o, const VectorField& field, const Array& y0, const Array& ts, const Arrays& args) {
  const DType d = y0.dtype();
  const bool dopri = o.method == Method::dopri5;
  const int order = dopri ? 5 : 3;  // of the error estimate, for the step-size update
  Fun f = [&](const Array& y, const Array& t) { return field(y, t, args); };
  auto stepper = [&](const Array& y, const Array& fy, const Array& t, const Array& h) {
    return dopri ? dopri5_step(f, y, fy, t, h, o) : rosenbrock23_step(f, y, fy, t, h, o);
  };
  const Array t0 = ts[0];
  const Array f0 = f(y0, t0);
  const Array h0 = minimum(initial_step(f, t0, y0, f0, dopri ? 4 : 2, o), full_like(t0, o.h_max));
  const Array zero = zeros({}, int32), one = ones({}, int32);
  const std::int64_t rows = dopri ? 5 : 3;
  Arrays init{y0, f0, t0, h0, t0, zeros({rows, y0.shape()[0]}, d), t0, zero, zero, zero};
  const Array max_steps = array(static_cast<std::int32_t>(std::min<std::int64_t>(o.max_steps, std::numeric_limits<std::int32_t>::max())));
  FlatFn interval = [&](const Arrays& a) -> Arrays {
    const Array& target = a.back();
    Arrays carry(a.begin(), a.end() - 1);
    carry[9] = where(logical_and(carry[9] == 0, target < carry[6]), code(Status::ts_decreasing), carry[9]);
    FlatFn cond = [&](const Arrays& c) -> Arrays {
      return {logical_and(logical_and(c[9] == 0, c[2] < target), c[7] < max_steps)};
    };
    FlatFn body = [&](const Arrays& c) -> Arrays {
      const Array &y = c[0], &fy = c[1], &t = c[2], &h = c[3];
      Step s = stepper(y, fy, t, h);
      Array t1 = t + h;
      // A step through NaN/inf (f overflowing on a step too long) is rejected with the largest shrink.
      Array ratio = where(isnan(s.error_ratio), full_like(s.error_ratio, std::numeric_limits<double>::infinity()), s.error_ratio);
      Array accept = ratio <= 1;
      Array h1 = minimum(next_step(h, ratio, order), full_like(h, o.h_max));
      Array stuck = logical_or(logical_not(isfinite(h1)), logical_or(h1 <= 0, t1 == t));
      auto pick = [&](const Array& n, const Array& old) { return where(accept, n, old); };
      return {pick(s.y1, y),
              pick(s.f1, fy),
              pick(t1, t),
              h1,
              pick(t, c[4]),
              pick(s.coeffs, c[5]),
              c[6],
              c[7] + one,
              c[8] + where(accept, zero, one),
              where(stuck, code(Status::step_size_underflow), c[9])};
    };
    Arrays out = while_flat(cond, body, carry);
    out[9] = where(logical_and(out[9] == 0, out[2] < target), code(Status::max_steps), out[9]);
    out[6] = target;
    // Dense output inside the last accepted step [last_t, t]; a step not taken yet means target == t0.
    Array span = out[2] - out[4];
    Array s = (target - out[4]) / where(span == 0, ones_like(span), span);
    Array y_target = where(span == 0, out[0], dense_output(out[5], s));
    out.push_back(where(out[9] == 0, y_target, full_like(y_target, std::nan(""))));
    return out;
  };
  const std::int64_t n_ts = ts.shape()[0];
  Arrays res = scan_flat(interval, init, {slice_in_dim(ts, 1, n_ts)});
  Array ys = concatenate({expand_dims(y0, 0), res[10]});
  return {ys, stack({res[7], res[8], res[9]}).astype(d)};
}

// Classical RK4 with `substeps` equal steps per interval of ts.
Arrays rk4(const Options& o, const VectorField& field, const Array& y0, const Array& ts, const Arrays& args) {
  const std::int64_t n_ts = ts.shape()[0];
  FlatFn interval = [&](const Arrays& a) -> Arrays {
    const Array &y = a[0], &ta = a[1], &tb = a[2];
    Array h = (tb - ta) / static_cast<double>(o.substeps);
    FlatFn step = [&](const Arrays& c) -> Arrays {
      const Array &yi = c[0], &t = c[1];
      Array k1 = field(yi, t, args), k2 = field(yi + 0.5 * h * k1, t + 0.5 * h, args);
      Array k3 = field(yi + 0.5 * h * k2, t + 0.5 * h, args), k4 = field(yi + h * k3, t + h, args);
      return {yi + (h / 6.) * (k1 + 2. * k2 + 2. * k3 + k4), t + h};
    };
    Array y1 = scan_flat(step, {y, ta}, {}, {.length = o.substeps})[0];
    return {y1, y1};
  };
  Arrays res = scan_flat(interval, {y0}, {slice_in_dim(ts, 0, n_ts - 1), slice_in_dim(ts, 1, n_ts)});
  const double steps = static_cast<double>((n_ts - 1) * o.substeps);
  return {concatenate({expand_dims(y0, 0), res[1]}), astype(array({steps, 0.0, 0.0}), y0.dtype())};
}

// The adjoint method (Chen et al. 2018; the scheme of jax.experimental.ode): between consecutive
// output times, the state y, its cotangent a and the cotangents of t0 and the floating args are
// integrated backwards together: dy/ds = -f, da/ds = a^T df/dy, dt0/ds = a^T df/dt,
// dargs/ds = a^T df/dargs with s = -t. Only the outputs are stored: O(1) memory in the steps.
Arrays adjoint(const Options& o, const VectorField& field, const Arrays& res, const Array& g) {
  const Array &ys = res[0], &ts = res[1];
  const Arrays args(res.begin() + 2, res.end());
  const DType d = ys.dtype();
  const std::int64_t n = ys.shape()[1], n_ts = ys.shape()[0];
  std::vector<std::size_t> floating;
  std::vector<Shape> arg_shapes;
  for (std::size_t i = 0; i < args.size(); ++i)
    if (is_floating(args[i].dtype())) {
      floating.push_back(i);
      arg_shapes.push_back(args[i].shape());
    }
  std::int64_t m = 0;
  for (const Shape& s : arg_shapes) m += shape_size(s);
  VectorField augmented = [&](const Array& z, const Array& s, const Arrays& a) -> Array {
    FlatFn fy = [&](const Arrays& p) -> Arrays {
      Arrays full = a;
      for (std::size_t k = 0; k < floating.size(); ++k) full[floating[k]] = p[2 + k];
      return {field(p[0], p[1], full)};
    };
    Arrays primals{slice_in_dim(z, 0, n), -s};
    for (std::size_t i : floating) primals.push_back(a[i]);
    Linearized lin = vjp_flat(fy, primals);
    Arrays cts = lin.pullback({slice_in_dim(z, n, 2 * n)});
    Arrays parts{-lin.outs[0], cts[0], reshape(cts[1], {1})};
    for (std::size_t k = 2; k < cts.size(); ++k) parts.push_back(ravel(cts[k]).astype(d));
    return concatenate(parts);
  };
  FlatFn back = [&](const Arrays& c) -> Arrays {
    const Array &a_bar = c[0], &t0_bar = c[1], &args_bar = c[2];
    const Array &y_i = c[3], &t_i = c[4], &t_prev = c[5], &g_i = c[6], &g_prev = c[7];
    Array t_bar = sum(field(y_i, t_i, args) * g_i);
    Array z = concatenate({y_i, a_bar, reshape(t0_bar - t_bar, {1}), args_bar});
    Array z0 = adaptive(o, augmented, z, stack({-t_i, -t_prev}), args)[0][1];
    return {slice_in_dim(z0, n, 2 * n) + g_prev, z0[2 * n], slice_in_dim(z0, 2 * n + 1, 2 * n + 1 + m), t_bar};
  };
  Arrays init{g[n_ts - 1], zeros({}, d), zeros({m}, d)};
  Arrays xs{slice_in_dim(ys, 1, n_ts), slice_in_dim(ts, 1, n_ts), slice_in_dim(ts, 0, n_ts - 1),
            slice_in_dim(g, 1, n_ts), slice_in_dim(g, 0, n_ts - 1)};
  Arrays out = scan_flat(back, init, xs, {.reverse = true});
  Arrays grads{out[0], concatenate({reshape(out[1], {1}), out[3]})};
  Arrays arg_grads;
  for (const Array& x : args) arg_grads.push_back(zeros_like(x));
  std::int64_t off = 0;
  for (std::size_t k = 0; k < floating.size(); ++k) {
    const Array& x = args[floating[k]];
    arg_grads[floating[k]] = reshape(slice_in_dim(out[2], off, off + x.size()), x.shape()).astype(x.dtype());
    off += x.size();
  }
  grads.insert(grads.end(), arg_grads.begin(), arg_grads.end());
  return grads;
}

// The values of a concrete array, read on the host: under jit, ops on concrete arrays would be
// staged too, so the input checks read the buffers directly. Empty for a tracer.
std::vector<double> host_values(const Array& x) {
  if (x.is_tracer()) return {};
  std::vector<double> v(static_cast<std::size_t>(x.size()));
  auto copy = [&](const auto* p) {
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(p[i]);
  };
  switch (x.dtype()) {
    case float64: copy(x.data<double>()); break;
    case float32: copy(x.data<float>()); break;
    case float16: copy(x.data<float16_t>()); break;
    case bfloat16: copy(x.data<bfloat16_t>()); break;
    default: v.clear();  // integers and bools are always finite
  }
  return v;
}

void check_inputs(const Options& o, const Array& y0, const Array& ts) {
  if (!(o.rtol > 0) || !std::isfinite(o.rtol))
    throw ValueError("odeint", "rtol must be positive and finite, got ", o.rtol);
  if (!(o.atol >= 0) || !std::isfinite(o.atol))
    throw ValueError("odeint", "atol must be non-negative and finite, got ", o.atol);
  if (o.max_steps <= 0) throw ValueError("odeint", "max_steps must be positive, got ", o.max_steps);
  if (!(o.h_max > 0)) throw ValueError("odeint", "h_max must be positive, got ", o.h_max);
  if (o.substeps <= 0) throw ValueError("odeint", "substeps must be positive, got ", o.substeps);
  if (ts.ndim() != 1 || ts.shape()[0] == 0)
    throw ShapeError("odeint", "ts must be a non-empty vector of times, got ", ts.aval());
  for (double v : host_values(y0))
    if (!std::isfinite(v)) throw ValueError("odeint", "the initial state y0 ", y0.aval(), " has NaN or infinite values");
  std::vector<double> t = host_values(ts);
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!std::isfinite(t[i])) throw ValueError("odeint", "ts ", ts.aval(), " has NaN or infinite values");
    if (i > 0 && t[i] < t[i - 1])
      throw ValueError("odeint", "ts ", ts.aval(), " must be non-decreasing, but ts[", i, "] = ", t[i], " < ts[", i - 1,
                       "] = ", t[i - 1]);
  }
}

}  // namespace

DType state_dtype(const Arrays& leaves) {
  if (leaves.empty()) throw ValueError("odeint", "the initial state y0 has no arrays");
  std::optional<DType> d;
  for (const Array& x : leaves)
    if (is_floating(x.dtype())) d = d ? promote_types(*d, x.dtype()) : x.dtype();
  return d.value_or(float32);
}

Array ravel_leaves(const Arrays& leaves, DType dtype) {
  Arrays parts;
  for (const Array& x : leaves) parts.push_back(ravel(x).astype(dtype));
  return parts.size() == 1 ? parts[0] : concatenate(parts);
}

Arrays unravel_leaves(const Array& flat, const std::vector<Shape>& shapes) {
  Shape lead(flat.shape().begin(), flat.shape().end() - 1);
  const int axis = flat.ndim() - 1;
  Arrays out;
  std::int64_t off = 0;
  for (const Shape& s : shapes) {
    Shape full = lead;
    full.insert(full.end(), s.begin(), s.end());
    const std::int64_t size = shape_size(s);
    out.push_back(reshape(slice_in_dim(flat, off, off + size, 1, axis), full));
    off += size;
  }
  return out;
}

void check_derivative(const Arrays& dy, const std::vector<Shape>& shapes, bool same_structure) {
  if (!same_structure || dy.size() != shapes.size())
    throw TransformError("odeint", "f(y, t, args...) must return dy/dt with the structure of y");
  for (std::size_t i = 0; i < dy.size(); ++i)
    if (dy[i].shape() != shapes[i])
      throw ShapeError("odeint", "f(y, t, args...) returned ", dy[i].aval(), " for a state leaf of shape ",
                       ShapedArray{shapes[i], dy[i].dtype()});
}

Arrays solve_flat(const Options& o, const VectorField& field, const Array& y0, const Array& ts_in, const Arrays& args) {
  check_inputs(o, y0, ts_in);
  const DType d = y0.dtype();
  const Array ts = ts_in.astype(d);
  if (o.method == Method::rk4) return rk4(o, field, y0, ts, args);
  if (ts.shape()[0] == 1) return {expand_dims(y0, 0), zeros({3}, d)};
  // Closure conversion: f is traced once, and the values it captures (tracers of enclosing
  // transformations too) become explicit arguments, so the adjoint differentiates them and the
  // custom_vjp sees no outer tracer.
  Avals avals{ShapedArray{y0.shape(), d}, ShapedArray{{}, d}};
  for (const Array& x : args) avals.push_back(x.aval());
  ClosedJaxpr traced = trace_to_jaxpr(
      [&](const Arrays& a) { return Arrays{field(a[0], a[1], Arrays(a.begin() + 2, a.end()))}; }, avals);
  const std::size_t n_args = args.size();
  VectorField closed = [jaxpr = traced.jaxpr, n_args](const Array& y, const Array& t, const Arrays& a) {
    Arrays in{y, t};
    in.insert(in.end(), a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n_args));
    return eval_jaxpr(*jaxpr, Arrays(a.begin() + static_cast<std::ptrdiff_t>(n_args), a.end()), in)[0];
  };
  Arrays inputs{y0, ts};
  inputs.insert(inputs.end(), args.begin(), args.end());
  inputs.insert(inputs.end(), traced.consts.begin(), traced.consts.end());
  // Copies, not references: the backward pass runs after this function has returned.
  FlatFn forward = [o, field = closed](const Arrays& a) {
    return adaptive(o, field, a[0], a[1], Arrays(a.begin() + 2, a.end()));
  };
  CustomFwd fwd = [forward](const Arrays& a) {
    Arrays out = forward(a);
    Arrays res{out[0]};
    res.insert(res.end(), a.begin() + 1, a.end());  // ys, ts, args
    return std::pair{out, res};
  };
  CustomBwd bwd = [o, field = closed](const Arrays& res, const Arrays& cts) { return adjoint(o, field, res, cts[0]); };
  return custom_vjp_call(forward, fwd, bwd, inputs);
}

}  // namespace xjax::ode::detail
