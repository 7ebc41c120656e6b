// Runs the distributed tests on every rank: the "before init" cases first, then the rest inside an
// initialised process group. Start with mpirun -np 2 (or run directly: one rank).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <chrono>

#include "xjax/distributed.hpp"

int main(int argc, char** argv) {
  doctest::Context before(argc, argv);
  before.addFilter("test-case", "before init*");
  const int before_rc = before.run();
  if (before.shouldExit()) return before_rc;

  xjax::distributed::init(&argc, &argv, {.timeout = std::chrono::seconds(30)});
  doctest::Context rest(argc, argv);
  rest.addFilter("test-case-exclude", "before init*");
  const int rc = rest.run();
  xjax::distributed::finalize();
  return before_rc != 0 ? before_rc : rc;
}
