#include <cstdio>

#include "common/build_info.hpp"

int main() {
  std::printf("presentd %s\n", presentd::build::kVersion);
  return 0;
}
