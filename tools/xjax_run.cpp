// xjax-run: runs an exported xjax program (.xjx) on .npy inputs; see docs/export.md.
#include <iostream>
#include <string>
#include <vector>

#include "xjax/export.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return xjax::tools::run_main(args, std::cout, std::cerr);
}
