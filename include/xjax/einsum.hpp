// xj::einsum (numpy.einsum / jax.numpy.einsum): Einstein summation, contracted pairwise with
// dot_general in an order chosen to keep intermediates small, so jit, grad and vmap apply.
#pragma once
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "xjax/ops.hpp"

namespace xjax {

// How einsum orders its pairwise contractions: automatic (optimal for up to five operands, greedy
// beyond, as jax's default), an exhaustive search for the fewest multiply-adds, greedy (the pair
// that shrinks the operands most first), or none (left to right).
enum class EinsumOptimize { automatic, optimal, greedy, none };

// A contraction order, as numpy.einsum_path gives it: each pair names two positions in the current
// operand list, which are removed and their contraction appended at the end.
struct EinsumPath {
  std::vector<std::pair<int, int>> contractions;
  double naive_cost = 0;      // multiply-adds of a single nested loop over every letter
  double optimized_cost = 0;  // multiply-adds along the chosen path
  std::string description;    // one line per step: the positions, the subscripts, the cost
};

// einsum("ij,jk->ik", {a, b}). Letters name axes; "..." stands for broadcast leading axes; a letter
// repeated in one operand takes its diagonal; letters absent from the output are summed; without
// "->" the output is the ellipsis axes, then the letters that appear once, in alphabetical order.
// Axes of extent 1 broadcast. The result dtype is the operands' promoted dtype.
Array einsum(std::string_view subscripts, const std::vector<Array>& operands,
             EinsumOptimize optimize = EinsumOptimize::automatic);
template <class... A>
  requires(std::is_convertible_v<const A&, Array> && ...)
Array einsum(std::string_view subscripts, const Array& first, const A&... rest) {
  return einsum(subscripts, std::vector<Array>{first, Array(rest)...});
}
// The order einsum would follow for these operands (only their shapes matter).
EinsumPath einsum_path(std::string_view subscripts, const std::vector<Array>& operands,
                       EinsumOptimize optimize = EinsumOptimize::automatic);
template <class... A>
  requires(std::is_convertible_v<const A&, Array> && ...)
EinsumPath einsum_path(std::string_view subscripts, const Array& first, const A&... rest) {
  return einsum_path(subscripts, std::vector<Array>{first, Array(rest)...});
}

}  // namespace xjax
