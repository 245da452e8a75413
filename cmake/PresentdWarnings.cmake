# SPDX-License-Identifier: Apache-2.0
# Compiler flags shared by every presentd target, applied through one interface target.
add_library(presentd_flags INTERFACE)
target_compile_options(presentd_flags INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
if(PRESENTD_WERROR)
  target_compile_options(presentd_flags INTERFACE -Werror)
endif()
if(PRESENTD_SANITIZE)
  target_compile_options(presentd_flags INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                  -fno-sanitize-recover=undefined)
  target_link_options(presentd_flags INTERFACE -fsanitize=address,undefined)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC's flow analysis is known to misfire under the sanitizers' instrumentation (its manual
    # says so for -Wmaybe-uninitialized); libstdc++'s own <regex> trips it at -O1.
    target_compile_options(presentd_flags INTERFACE -Wno-maybe-uninitialized)
  endif()
endif()
# Thread-ownership checks (common/loop_affinity.hpp): on in Debug builds and in the sanitized test
# tree, where the whole suite runs with them; the release build and the package carry none.
if(PRESENTD_SANITIZE OR CMAKE_BUILD_TYPE STREQUAL "Debug")
  target_compile_definitions(presentd_flags INTERFACE PRESENTD_THREAD_CHECKS)
endif()
if(PRESENTD_BUILD_FUZZERS)
  # Coverage instrumentation for everything the fuzz targets call, not only their own files.
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "PRESENTD_BUILD_FUZZERS needs clang: CC=clang-14 CXX=clang++-14 cmake ...")
  endif()
  target_compile_options(presentd_flags INTERFACE -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  target_link_options(presentd_flags INTERFACE -fsanitize=address,undefined)
endif()

# For the test tree's own code (tests/, bench/): called at the top of their CMakeLists.txt, so it
# applies to every target defined there. In a sanitized tree the product's code (src/) is built
# at -O1 with ASan and UBSan; the code that drives it is built at -O0 with ASan only, which takes
# a third less compile time (measured on 8 test files, docs/reliability.md) and still catches
# memory errors in test code. The product code the tests run keeps every check.
macro(presentd_test_code_flags)
  if(PRESENTD_SANITIZE)
    add_compile_options(-O0 -fno-sanitize=undefined)
  endif()
endmacro()
