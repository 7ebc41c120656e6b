// Debugging aids that work eagerly and inside jit, vmap and grad: printing and host callbacks on
// the concrete values a program computes at run time.
#pragma once
#include <functional>
#include <string>
#include <utility>

#include "xjax/pytree.hpp"

namespace xjax::debug {

// Calls f with the concrete values of `arrays` when the program runs: now when eager, at every
// call of a jitted program, once per example under vmap, on primal values under grad.
void callback_flat(std::function<void(const Arrays&)> f, const Arrays& arrays);

// `fmt` with each "{}" replaced by the next argument's printed value, then a newline, to std::cout.
std::string format(const std::string& fmt, const Arrays& values);
void print_flat(const std::string& fmt, const Arrays& arrays);

template <class... T>
void print(const std::string& fmt, const T&... values) {
  print_flat(fmt, Arrays{Array(values)...});
}
// callback(f, values...): f(const Array&...) with the concrete values.
template <class F, class... T>
void callback(F f, const T&... values) {
  callback_flat(
      [f = std::move(f)](const Arrays& a) {
        [&]<std::size_t... I>(std::index_sequence<I...>) { f(a[I]...); }(std::index_sequence_for<T...>{});
      },
      Arrays{Array(values)...});
}

}  // namespace xjax::debug
