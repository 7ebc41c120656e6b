// lowering::Builder over LLVM IR (emitter.hpp). Every operation here has one exact result, so
// generated code gives the eager kernels' bits; anything else calls the primitive's tile kernel.
#include "jit/native/emitter.hpp"

#include <llvm/IR/Intrinsics.h>

#include <algorithm>

#include "array/array_impl.hpp"
#include "kernels/dispatch.hpp"
#include "kernels/isa.hpp"
#include "trace/rules.hpp"

namespace xjax::native {

using lowering::Op;
using lowering::Unsupported;

Emitter::Emitter(llvm::IRBuilder<>& b, llvm::Function* fn, llvm::Value* status, std::int64_t lanes)
    : b_(b), fn_(fn), status_(status), lanes_(lanes) {}

llvm::Type* Emitter::element_type(DType d, bool in_memory) const {
  llvm::LLVMContext& c = b_.getContext();
  switch (d) {
    case bool_: return in_memory ? llvm::Type::getInt8Ty(c) : llvm::Type::getInt1Ty(c);
    case int32:
    case uint32: return llvm::Type::getInt32Ty(c);
    case int64: return llvm::Type::getInt64Ty(c);
    case float32: return llvm::Type::getFloatTy(c);
    case float64: return llvm::Type::getDoubleTy(c);
    case float16:
    case bfloat16: return in_memory ? llvm::Type::getInt16Ty(c) : llvm::Type::getFloatTy(c);
    case complex64:
    case complex128: break;  // complex programs run on the interpreter tier
  }
  throw Unsupported{"dtype"};
}

namespace {
// The element type e in the shape of `like`: a vector of as many lanes, or a scalar.
llvm::Type* shaped(llvm::Type* e, llvm::Type* like) {
  if (auto* v = llvm::dyn_cast<llvm::VectorType>(like)) return llvm::VectorType::get(e, v->getElementCount());
  return e;
}
}  // namespace

llvm::Value* Emitter::half_to_float(llvm::Value* bits, DType d) {
  llvm::Type* i32 = shaped(b_.getInt32Ty(), bits->getType());
  llvm::Type* f32 = shaped(b_.getFloatTy(), bits->getType());
  auto k = [&](std::uint32_t v) { return llvm::ConstantInt::get(i32, v); };
  if (d == float16 && kernels::active_isa() != kernels::Isa::sse4)  // F16C: vcvtph2ps
    return b_.CreateFPExt(b_.CreateBitCast(bits, shaped(b_.getHalfTy(), bits->getType())), f32);
  llvm::Value* u = b_.CreateZExt(bits, i32);
  if (d == bfloat16) return b_.CreateBitCast(b_.CreateShl(u, k(16)), f32);
  llvm::Value* sign = b_.CreateShl(b_.CreateAnd(u, k(0x8000)), k(16));
  llvm::Value* a = b_.CreateAnd(u, k(0x7fff));
  llvm::Value* subnormal =
      b_.CreateBitCast(b_.CreateFMul(b_.CreateUIToFP(a, f32), llvm::ConstantFP::get(f32, 5.9604644775390625e-8)), i32);
  llvm::Value* shifted = b_.CreateShl(a, k(13));
  llvm::Value* special = b_.CreateOr(shifted, k(0x7f80'0000u));
  llvm::Value* normal = b_.CreateAdd(shifted, k(112u << 23));
  llvm::Value* r = b_.CreateSelect(b_.CreateICmpULT(a, k(0x400)), subnormal,
                                   b_.CreateSelect(b_.CreateICmpUGE(a, k(0x7c00)), special, normal));
  return b_.CreateBitCast(b_.CreateOr(r, sign), f32);
}

llvm::Value* Emitter::float_to_half(llvm::Value* x, DType d) {
  llvm::Type* i32 = shaped(b_.getInt32Ty(), x->getType());
  llvm::Type* i16 = shaped(b_.getInt16Ty(), x->getType());
  if (d == float16 && kernels::active_isa() != kernels::Isa::sse4)  // F16C: vcvtps2ph, to nearest even
    return b_.CreateBitCast(b_.CreateFPTrunc(x, shaped(b_.getHalfTy(), x->getType())), i16);
  auto k = [&](std::uint32_t v) { return llvm::ConstantInt::get(i32, v); };
  llvm::Value* u = b_.CreateBitCast(x, i32);
  llvm::Value* a = b_.CreateAnd(u, k(0x7fff'ffffu));
  auto round_off = [&](llvm::Value* v, std::uint32_t bits) {  // v >> bits, to nearest even
    llvm::Value* odd = b_.CreateAnd(b_.CreateLShr(v, k(bits)), k(1));
    return b_.CreateLShr(b_.CreateAdd(b_.CreateAdd(v, k((1u << (bits - 1)) - 1)), odd), k(bits));
  };
  llvm::Value* r;
  if (d == bfloat16) {
    llvm::Value* nan = b_.CreateOr(b_.CreateLShr(u, k(16)), k(0x40));
    r = b_.CreateSelect(b_.CreateICmpUGT(a, k(0x7f80'0000u)), nan, round_off(u, 16));
  } else {
    llvm::Value* sign = b_.CreateAnd(b_.CreateLShr(u, k(16)), k(0x8000));
    llvm::Value* normal = round_off(b_.CreateSub(a, k(112u << 23)), 13);
    llvm::Value* magnitude = b_.CreateBitCast(a, x->getType());
    llvm::Value* subnormal =
        b_.CreateSub(b_.CreateBitCast(b_.CreateFAdd(magnitude, llvm::ConstantFP::get(x->getType(), 0.5)), i32), k(0x3f00'0000u));
    llvm::Value* nan = b_.CreateOr(b_.CreateAnd(b_.CreateLShr(a, k(13)), k(0x3ff)), k(0x7e00));
    llvm::Value* big = b_.CreateSelect(b_.CreateICmpULE(a, k(0x7f80'0000u)), k(0x7c00), nan);
    r = b_.CreateSelect(b_.CreateICmpULT(a, k(0x3880'0000u)), subnormal,
                        b_.CreateSelect(b_.CreateICmpULT(a, k(0x477f'f000u)), normal, big));
    r = b_.CreateOr(r, sign);
  }
  return b_.CreateTrunc(r, i16);
}

std::int64_t Emitter::width(const ShapedArray& a) const {
  if (lanes_) return lanes_;
  std::int64_t n = a.size();
  if (n < 1 || n > max_region_elements)
    throw Unsupported{"an array of " + std::to_string(n) + " elements in a loop body or small program"};
  return n;
}

llvm::FixedVectorType* Emitter::vector_type(const ShapedArray& a, bool in_memory) const {
  return llvm::FixedVectorType::get(element_type(a.dtype, in_memory), static_cast<unsigned>(width(a)));
}

llvm::AllocaInst* Emitter::stack(llvm::Type* t) {
  llvm::BasicBlock& entry = fn_->getEntryBlock();
  llvm::IRBuilder<> eb(&entry, entry.begin());
  llvm::AllocaInst* a = eb.CreateAlloca(t);
  a->setAlignment(llvm::Align(64));
  return a;
}

// A load the optimiser may hoist out of loops: the table does not change while code runs.
llvm::Value* Emitter::table_entry(std::size_t index) {
  llvm::LoadInst* p = b_.CreateAlignedLoad(b_.getPtrTy(), b_.CreateConstGEP1_64(b_.getPtrTy(), table, index), llvm::Align(8));
  p->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(b_.getContext(), {}));
  return p;
}

llvm::Value* Emitter::call(Helper helper, llvm::Type* result, const std::vector<llvm::Value*>& args) {
  std::vector<llvm::Type*> types;
  for (llvm::Value* a : args) types.push_back(a->getType());
  llvm::FunctionType* ft = llvm::FunctionType::get(result, types, false);
  return b_.CreateCall(ft, table_entry(static_cast<std::size_t>(helper)), args);
}

llvm::Value* Emitter::widen(const Value& v, std::int64_t w) {
  auto* t = llvm::cast<llvm::FixedVectorType>(static_cast<llvm::Value*>(v.ir)->getType());
  if (t->getNumElements() == w) return static_cast<llvm::Value*>(v.ir);
  if (t->getNumElements() != 1) throw Unsupported{"operands of different sizes"};
  return b_.CreateShuffleVector(static_cast<llvm::Value*>(v.ir), std::vector<int>(static_cast<std::size_t>(w), 0));
}

Value Emitter::op(Op op, const Values& in, const ShapedArray& out) {
  const std::int64_t w = width(out);
  std::vector<llvm::Value*> x;
  for (const Value& v : in) x.push_back(widen(v, w));
  const DType d = op == Op::select ? in[1].aval.dtype : in.empty() ? out.dtype : in[0].aval.dtype;
  const bool fp = is_floating(d), sign = d == int32 || d == int64;
  llvm::Value* r = nullptr;
  switch (op) {
    case Op::add: r = fp ? b_.CreateFAdd(x[0], x[1]) : d == bool_ ? nullptr : b_.CreateAdd(x[0], x[1]); break;
    case Op::sub: r = fp ? b_.CreateFSub(x[0], x[1]) : d == bool_ ? nullptr : b_.CreateSub(x[0], x[1]); break;
    case Op::mul: r = fp ? b_.CreateFMul(x[0], x[1]) : d == bool_ ? nullptr : b_.CreateMul(x[0], x[1]); break;
    case Op::div:
    case Op::rem: {
      if (fp) {
        r = op == Op::div ? b_.CreateFDiv(x[0], x[1]) : nullptr;  // fmod: the kernel's call
        break;
      }
      if (d == bool_) break;
      // As the kernels: x / 0 = x % 0 = 0, INT_MIN / -1 wraps and x % -1 = 0 (never a trap).
      llvm::Type* t = x[0]->getType();
      llvm::Value *zero = llvm::Constant::getNullValue(t), *one = llvm::ConstantInt::get(t, 1);
      llvm::Value* by_zero = b_.CreateICmpEQ(x[1], zero);
      llvm::Value* by_minus_one = sign ? b_.CreateICmpEQ(x[1], llvm::Constant::getAllOnesValue(t))
                                       : llvm::Constant::getNullValue(by_zero->getType());
      llvm::Value* special = b_.CreateOr(by_zero, by_minus_one);
      llvm::Value* safe = b_.CreateSelect(special, one, x[1]);
      if (op == Op::div) {
        llvm::Value* q = sign ? b_.CreateSDiv(x[0], safe) : b_.CreateUDiv(x[0], safe);
        r = b_.CreateSelect(by_zero, zero, b_.CreateSelect(by_minus_one, b_.CreateSub(zero, x[0]), q));
      } else {
        llvm::Value* m = sign ? b_.CreateSRem(x[0], safe) : b_.CreateURem(x[0], safe);
        r = b_.CreateSelect(special, zero, m);
      }
      break;
    }
    case Op::neg:
      r = fp ? b_.CreateFNeg(x[0]) : d == bool_ ? nullptr : b_.CreateSub(llvm::Constant::getNullValue(x[0]->getType()), x[0]);
      break;
    case Op::abs:
      if (fp) r = b_.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, x[0]);
      else if (d == uint32) r = x[0];
      else if (sign) {
        llvm::Value* zero = llvm::Constant::getNullValue(x[0]->getType());
        r = b_.CreateSelect(b_.CreateICmpSLT(x[0], zero), b_.CreateSub(zero, x[0]), x[0]);
      }
      break;
    case Op::max:
    case Op::min: {  // as the kernels: NaN in either gives a + b, ties give b (so max(+0, -0) = -0)
      bool greater = op == Op::max;
      llvm::Value* pick = fp    ? (greater ? b_.CreateFCmpOGT(x[0], x[1]) : b_.CreateFCmpOLT(x[0], x[1]))
                          : sign ? (greater ? b_.CreateICmpSGT(x[0], x[1]) : b_.CreateICmpSLT(x[0], x[1]))
                                 : (greater ? b_.CreateICmpUGT(x[0], x[1]) : b_.CreateICmpULT(x[0], x[1]));
      r = b_.CreateSelect(pick, x[0], x[1]);
      if (fp) r = b_.CreateSelect(b_.CreateFCmpUNO(x[0], x[1]), b_.CreateFAdd(x[0], x[1]), r);
      break;
    }
    case Op::sqrt: r = fp ? b_.CreateUnaryIntrinsic(llvm::Intrinsic::sqrt, x[0]) : nullptr; break;
    case Op::eq: r = fp ? b_.CreateFCmpOEQ(x[0], x[1]) : b_.CreateICmpEQ(x[0], x[1]); break;
    case Op::ne: r = fp ? b_.CreateFCmpUNE(x[0], x[1]) : b_.CreateICmpNE(x[0], x[1]); break;
    case Op::lt: r = fp ? b_.CreateFCmpOLT(x[0], x[1]) : sign ? b_.CreateICmpSLT(x[0], x[1]) : b_.CreateICmpULT(x[0], x[1]); break;
    case Op::le: r = fp ? b_.CreateFCmpOLE(x[0], x[1]) : sign ? b_.CreateICmpSLE(x[0], x[1]) : b_.CreateICmpULE(x[0], x[1]); break;
    case Op::gt: r = fp ? b_.CreateFCmpOGT(x[0], x[1]) : sign ? b_.CreateICmpSGT(x[0], x[1]) : b_.CreateICmpUGT(x[0], x[1]); break;
    case Op::ge: r = fp ? b_.CreateFCmpOGE(x[0], x[1]) : sign ? b_.CreateICmpSGE(x[0], x[1]) : b_.CreateICmpUGE(x[0], x[1]); break;
    case Op::bit_and: r = fp ? nullptr : b_.CreateAnd(x[0], x[1]); break;
    case Op::bit_or: r = fp ? nullptr : b_.CreateOr(x[0], x[1]); break;
    case Op::bit_xor: r = fp ? nullptr : b_.CreateXor(x[0], x[1]); break;
    case Op::bit_not: r = fp ? nullptr : b_.CreateNot(x[0]); break;
    case Op::select: r = b_.CreateSelect(x[0], x[2], x[1]); break;
    case Op::identity: r = x[0]; break;
    case Op::convert: {
      // As convert_value: float -> int saturates with NaN -> 0, anything -> bool is "!= 0".
      llvm::Type* to = vector_type(out);
      const DType o = out.dtype;
      if (o == d) r = x[0];
      else if (is_half(d) && o == float32) r = x[0];  // already a float in registers
      else if (d == float32 && is_half(o)) r = half_to_float(float_to_half(x[0], o), o);
      else if (is_half(d) || is_half(o)) throw Unsupported{"a conversion of float16/bfloat16 but to or from float32"};
      else if (o == bool_) r = fp ? b_.CreateFCmpUNE(x[0], llvm::Constant::getNullValue(x[0]->getType()))
                                  : b_.CreateICmpNE(x[0], llvm::Constant::getNullValue(x[0]->getType()));
      else if (is_floating(o) && fp) r = b_.CreateFPCast(x[0], to);
      else if (is_floating(o)) r = sign ? b_.CreateSIToFP(x[0], to) : b_.CreateUIToFP(x[0], to);
      else if (fp) r = b_.CreateIntrinsic(o == uint32 ? llvm::Intrinsic::fptoui_sat : llvm::Intrinsic::fptosi_sat,
                                          {to, x[0]->getType()}, {x[0]});
      else r = b_.CreateIntCast(x[0], to, sign);
      break;
    }
  }
  return {r, out};
}

Value Emitter::tile(const Equation& e, const Values& in) {
  if (!e.prim->tile || e.outputs.size() != 1) throw Unsupported{"no native rule for " + e.prim->name};
  const ShapedArray& out = e.outputs[0]->aval;
  const std::int64_t w = width(out);
  llvm::Type* ptr = b_.getPtrTy();
  llvm::AllocaInst* ptrs = stack(llvm::ArrayType::get(ptr, std::max<std::size_t>(in.size(), 1)));
  llvm::AllocaInst* sizes = stack(llvm::ArrayType::get(b_.getInt64Ty(), std::max<std::size_t>(in.size(), 1)));
  llvm::Value* n = lanes_ ? active_lanes : b_.getInt64(w);
  for (std::size_t i = 0; i < in.size(); ++i) {
    auto* t = llvm::cast<llvm::FixedVectorType>(static_cast<llvm::Value*>(in[i].ir)->getType());
    llvm::AllocaInst* slot = stack(vector_type(lanes_ ? in[i].aval : ShapedArray{Shape{t->getNumElements()}, in[i].aval.dtype}, true));
    store(in[i], slot);
    b_.CreateStore(slot, b_.CreateConstGEP1_64(ptr, ptrs, i));
    llvm::Value* size = t->getNumElements() == 1 && w != 1 ? b_.getInt64(1) : n;
    b_.CreateStore(size, b_.CreateConstGEP1_64(b_.getInt64Ty(), sizes, i));
  }
  llvm::AllocaInst* result = stack(vector_type(out, true));
  call(Helper::tile, b_.getVoidTy(), {table_entry(equation_entry(&e)), ptrs, sizes, result, n, status_});
  return load(result, out);
}

Value Emitter::constant(const Array& value) {
  const ShapedArray& a = value.aval();
  llvm::Type* t = element_type(a.dtype);
  std::vector<llvm::Constant*> elements;
  const std::byte* data = buffer_of(value).data();
  dispatch_any_dtype(a.dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    for (std::int64_t i = 0; i < value.size(); ++i) {
      T v = reinterpret_cast<const T*>(data)[i];
      if constexpr (is_complex_v<T>) throw Unsupported{"dtype"};
      else if constexpr (std::is_floating_point_v<T> || is_half_v<T>) elements.push_back(llvm::ConstantFP::get(t, static_cast<double>(v)));
      else elements.push_back(llvm::ConstantInt::get(t, static_cast<std::uint64_t>(v), std::is_signed_v<T>));
    }
  });
  if (lanes_) {
    if (elements.size() != 1) throw Unsupported{"a non-scalar constant in a fused loop"};
    elements.assign(static_cast<std::size_t>(lanes_), elements[0]);
  } else {
    width(a);  // checks the size
  }
  return {llvm::ConstantVector::get(elements), a};
}

Value Emitter::math(const std::string& name, const Value& x, const ShapedArray& out) {
  if (!is_floating(out.dtype) || !math_function || math_batch_bytes == 0) return {};
  llvm::Function* fn = math_function("xjax_math_" + name + (out.dtype == float32 ? "_f32" : "_f64"));
  if (!fn) return {};
  // Whole batches through the function (the last one padded with zeros, as the eager kernels pad).
  const std::int64_t w = width(out), lanes = math_batch_bytes / itemsize(out.dtype);
  const std::int64_t batches = (w + lanes - 1) / lanes;
  llvm::Type* t = element_type(out.dtype);
  llvm::ArrayType* buffer = llvm::ArrayType::get(t, static_cast<std::uint64_t>(batches * lanes));
  llvm::AllocaInst *in = stack(buffer), *result = stack(buffer);
  if (w % lanes) b_.CreateStore(llvm::Constant::getNullValue(buffer), in);
  store({widen(x, w), out}, in);
  for (std::int64_t k = 0; k < batches; ++k) {
    llvm::CallInst* call = b_.CreateCall(fn, {b_.CreateConstGEP1_64(t, in, static_cast<std::uint64_t>(k * lanes)),
                                              b_.CreateConstGEP1_64(t, result, static_cast<std::uint64_t>(k * lanes))});
    if (!inline_math) call->addFnAttr(llvm::Attribute::NoInline);
  }
  return load(result, out);
}

Value Emitter::gather(const Values& parts, const Ints& index, const ShapedArray& out) {
  if (lanes_) throw Unsupported{"a layout change in a fused loop"};
  llvm::Value* r = llvm::PoisonValue::get(vector_type(out));
  for (std::size_t i = 0; i < index.size(); ++i) {
    std::int64_t at = index[i];
    std::size_t k = 0;
    while (at >= parts[k].aval.size()) at -= parts[k++].aval.size();
    llvm::Value* part = static_cast<llvm::Value*>(parts[k].ir);
    r = b_.CreateInsertElement(r, b_.CreateExtractElement(part, static_cast<std::uint64_t>(at)), static_cast<std::uint64_t>(i));
  }
  return {r, out};
}

Values Emitter::lower_equation(const Equation& e, const Values& in) {
  if (e.prim->effectful) throw Unsupported{e.prim->name + " has effects"};
  // 16-bit floats are rounded by the interpreter's rules (jit's widening pass leaves conversions
  // only); an equation that still computes on them (a loop body) stays on the interpreter.
  Avals in_avals, out_avals;
  for (const Atom& a : e.inputs) in_avals.push_back(atom_aval(a));
  for (const VarPtr& o : e.outputs) out_avals.push_back(o->aval);
  if (computes_in_float32(*e.prim, in_avals, out_avals, e.params) ||
      (e.prim->handles_half && e.prim != &prims::convert_element_type() &&
       std::any_of(in_avals.begin(), in_avals.end(), [](const ShapedArray& a) { return is_half(a.dtype); })))
    throw Unsupported{"float16/bfloat16 " + e.prim->name};
  for (const VarPtr& o : e.outputs) width(o->aval);
  if (e.prim->lower) {
    Values r = e.prim->lower(*this, in, e);
    if (!r.empty()) return r;
  }
  return {tile(e, in)};
}

Value Emitter::atom(const Atom& a, const std::unordered_map<const Var*, Value>& env) {
  if (const Literal* l = std::get_if<Literal>(&a)) return constant(l->value);
  return env.at(std::get<VarPtr>(a).get());
}

void Emitter::run(const std::vector<Equation>& eqns, std::unordered_map<const Var*, Value>& env) {
  for (const Equation& e : eqns) {
    Values in;
    for (const Atom& a : e.inputs) in.push_back(atom(a, env));
    Values out = lower_equation(e, in);
    for (std::size_t k = 0; k < e.outputs.size(); ++k) env[e.outputs[k].get()] = {out[k].ir, e.outputs[k]->aval};
  }
}

Values Emitter::inline_jaxpr(const ClosedJaxpr& j, const Values& args) {
  std::unordered_map<const Var*, Value> env;
  for (std::size_t i = 0; i < j.consts.size(); ++i) env[j.jaxpr->constvars[i].get()] = constant(j.consts[i]);
  for (std::size_t i = 0; i < args.size(); ++i) env[j.jaxpr->invars[i].get()] = {args[i].ir, j.jaxpr->invars[i]->aval};
  run(j.jaxpr->eqns, env);
  Values out;
  for (const Atom& a : j.jaxpr->outvars) out.push_back(atom(a, env));
  return out;
}

Value Emitter::load(llvm::Value* base, const ShapedArray& aval, llvm::Value* offset, llvm::Value* mask) {
  llvm::FixedVectorType* mem = vector_type(aval, true);
  llvm::Value* p = offset ? b_.CreateGEP(element_type(aval.dtype, true), base, offset) : base;
  llvm::Align align(itemsize(aval.dtype));
  llvm::Value* v = mask ? static_cast<llvm::Value*>(b_.CreateMaskedLoad(mem, p, align, mask, llvm::Constant::getNullValue(mem)))
                        : b_.CreateAlignedLoad(mem, p, align);
  if (aval.dtype == bool_) v = b_.CreateICmpNE(v, llvm::Constant::getNullValue(mem));
  if (is_half(aval.dtype)) v = half_to_float(v, aval.dtype);
  return {v, aval};
}

Value Emitter::load_splat(llvm::Value* base, const ShapedArray& aval) {
  llvm::Value* v = b_.CreateAlignedLoad(element_type(aval.dtype, true), base, llvm::Align(itemsize(aval.dtype)));
  if (aval.dtype == bool_) v = b_.CreateICmpNE(v, b_.getInt8(0));
  llvm::Value* splat = b_.CreateVectorSplat(static_cast<unsigned>(lanes_ ? lanes_ : 1), v);
  if (is_half(aval.dtype)) splat = half_to_float(splat, aval.dtype);
  return {splat, aval};
}

void Emitter::store(const Value& v, llvm::Value* base, llvm::Value* offset, llvm::Value* mask) {
  llvm::Value* x = static_cast<llvm::Value*>(v.ir);
  auto* t = llvm::cast<llvm::FixedVectorType>(x->getType());
  if (v.aval.dtype == bool_) x = b_.CreateZExt(x, llvm::FixedVectorType::get(b_.getInt8Ty(), t->getNumElements()));
  if (is_half(v.aval.dtype)) x = float_to_half(x, v.aval.dtype);
  llvm::Value* p = offset ? b_.CreateGEP(element_type(v.aval.dtype, true), base, offset) : base;
  llvm::Align align(itemsize(v.aval.dtype));
  if (mask) b_.CreateMaskedStore(x, p, align, mask);
  else b_.CreateAlignedStore(x, p, align);
}

Values Emitter::loop(const Values& init, std::int64_t max_trips, const CondFn& cond, const BodyFn& body) {
  if (lanes_) throw Unsupported{"a loop inside a fused loop"};
  llvm::LLVMContext& c = b_.getContext();
  llvm::BasicBlock* before = b_.GetInsertBlock();
  llvm::BasicBlock* header = llvm::BasicBlock::Create(c, "loop", fn_);
  llvm::BasicBlock* step = llvm::BasicBlock::Create(c, "body", fn_);
  llvm::BasicBlock* exit = llvm::BasicBlock::Create(c, "exit", fn_);
  b_.CreateBr(header);
  b_.SetInsertPoint(header);
  std::vector<llvm::PHINode*> phis;
  Values carry;
  for (const Value& v : init) {
    llvm::Value* x = static_cast<llvm::Value*>(v.ir);
    llvm::PHINode* phi = b_.CreatePHI(x->getType(), 2);
    phi->addIncoming(x, before);
    phis.push_back(phi);
    carry.push_back({phi, v.aval});
  }
  llvm::PHINode* trip = b_.CreatePHI(b_.getInt64Ty(), 2);
  trip->addIncoming(b_.getInt64(0), before);
  llvm::Value* go = b_.getTrue();
  if (cond) go = b_.CreateExtractElement(static_cast<llvm::Value*>(cond(carry).ir), std::uint64_t{0});
  if (max_trips >= 0) go = b_.CreateAnd(go, b_.CreateICmpSLT(trip, b_.getInt64(max_trips)));
  // One relaxed load per trip for interruption, one for an error raised in a helper.
  llvm::LoadInst* now = b_.CreateAlignedLoad(b_.getInt64Ty(), table_entry(static_cast<std::size_t>(Helper::interrupt_counter)), llvm::Align(8));
  now->setAtomic(llvm::AtomicOrdering::Monotonic);
  llvm::LoadInst* failed = b_.CreateAlignedLoad(b_.getInt32Ty(), status_, llvm::Align(4));
  failed->setAtomic(llvm::AtomicOrdering::Monotonic);
  llvm::Value* stop = b_.CreateOr(b_.CreateICmpNE(now, seen_interrupts), b_.CreateICmpNE(failed, b_.getInt32(0)));
  b_.CreateCondBr(b_.CreateAnd(go, b_.CreateNot(stop)), step, exit);
  b_.SetInsertPoint(step);
  Values next = body(carry);
  for (std::size_t i = 0; i < phis.size(); ++i)
    phis[i]->addIncoming(widen(next[i], width(carry[i].aval)), b_.GetInsertBlock());
  trip->addIncoming(b_.CreateAdd(trip, b_.getInt64(1)), b_.GetInsertBlock());
  b_.CreateBr(header);
  b_.SetInsertPoint(exit);
  call(Helper::poll, b_.getVoidTy(), {status_});  // raises a pending interrupt
  return carry;
}

Values Emitter::switch_(const Value& index, std::size_t n, const std::function<Values(std::size_t)>& branch,
                        const Avals& out) {
  if (lanes_) throw Unsupported{"a cond inside a fused loop"};
  llvm::LLVMContext& c = b_.getContext();
  llvm::Value* i = b_.CreateExtractElement(static_cast<llvm::Value*>(index.ir), std::uint64_t{0});
  llvm::BasicBlock* join = llvm::BasicBlock::Create(c, "join", fn_);
  std::vector<llvm::BasicBlock*> blocks;
  for (std::size_t k = 0; k < n; ++k) blocks.push_back(llvm::BasicBlock::Create(c, "branch", fn_));
  // Indices below 0 take branch 0 and above n - 1 the last, as cond_eval clamps.
  auto* it = llvm::cast<llvm::IntegerType>(i->getType());
  i = b_.CreateSelect(b_.CreateICmpSLT(i, llvm::ConstantInt::get(it, 0)), llvm::ConstantInt::get(it, 0), i);
  llvm::SwitchInst* sw = b_.CreateSwitch(i, blocks[n - 1], static_cast<unsigned>(n));
  for (std::size_t k = 0; k + 1 < n; ++k) sw->addCase(llvm::ConstantInt::get(it, k), blocks[k]);
  std::vector<std::pair<llvm::BasicBlock*, Values>> ends;
  for (std::size_t k = 0; k < n; ++k) {
    b_.SetInsertPoint(blocks[k]);
    Values r = branch(k);
    for (std::size_t j = 0; j < r.size(); ++j) r[j].ir = widen(r[j], width(out[j]));
    ends.push_back({b_.GetInsertBlock(), std::move(r)});
    b_.CreateBr(join);
  }
  b_.SetInsertPoint(join);
  Values result;
  for (std::size_t j = 0; j < out.size(); ++j) {
    llvm::PHINode* phi = b_.CreatePHI(vector_type(out[j]), static_cast<unsigned>(n));
    for (auto& [block, values] : ends) phi->addIncoming(static_cast<llvm::Value*>(values[j].ir), block);
    result.push_back({phi, out[j]});
  }
  return result;
}

}  // namespace xjax::native
