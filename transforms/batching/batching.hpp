// vmap: the batching trace carries (value, batch axis) pairs and applies per-primitive batching rules.
#pragma once
#include <functional>
#include <string>

#include "trace/rules.hpp"
#include "trace/trace.hpp"
#include "xjax/transforms.hpp"

namespace xjax {

class BatchTracer final : public Tracer {
 public:
  BatchTracer(std::shared_ptr<MainTrace> main, ShapedArray aval, Array value, int dim)
      : Tracer(std::move(aval), std::move(main)), value_(std::move(value)), dim_(dim) {}
  const Array& value() const { return value_; }
  int dim() const { return dim_; }
  const char* abstract_reason() const override { return "a batched value (under vmap)"; }

 private:
  Array value_;
  int dim_;
};

class BatchTrace final : public Trace {
 public:
  BatchTrace(MainTrace& main, std::int64_t size, std::string axis_name = {})
      : Trace(main), size_(size), axis_name_(std::move(axis_name)) {}
  Arrays process(const Primitive& p, const Arrays& inputs, const Params& params) override;
  const char* name() const override { return "vmap"; }
  const std::string* axis_name() const override { return axis_name_.empty() ? nullptr : &axis_name_; }
  Array wrap(Array value, BatchDim dim);
  std::pair<Array, BatchDim> unwrap(const Array& x) const;
  std::int64_t size() const { return size_; }
  // True while one of its batching rules runs: sub-functions that rule batches map its axis name.
  bool running_rule() const { return rules_running_ > 0; }

 private:
  std::int64_t size_;
  std::string axis_name_;
  int rules_running_ = 0;
};


}  // namespace xjax
