// Storage of the per-primitive rule table.
#include "table.hpp"

namespace xjax::test {
namespace {
std::vector<PrimCase>& storage() {
  static std::vector<PrimCase> cases;
  return cases;
}
}  // namespace
bool add_cases(std::vector<PrimCase> cases) {
  for (auto& c : cases) storage().push_back(std::move(c));
  return true;
}
const std::vector<PrimCase>& prim_cases() { return storage(); }
}  // namespace xjax::test
