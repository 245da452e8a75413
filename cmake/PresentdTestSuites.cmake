# SPDX-License-Identifier: Apache-2.0
# presentd_discover_test_suites(<target> LABEL <label> [ENVIRONMENT <VAR=value>])
#
# Registers one ctest test per GoogleTest suite of <target> (named after the suite, run with
# --gtest_filter=<suite>.*), where gtest_discover_tests registers one per test. The unit tests
# are about 900 tests of milliseconds each; in the sanitized tree a process costs 0.6-0.7 s
# before the first test runs (ASan maps its shadow and registers every global of a 280 MB
# binary, LeakSanitizer scans the heap at exit), so one process per test spent far more time
# starting processes than testing. The list is read from the built binary after each build,
# like gtest_discover_tests does, so a new test or suite needs no CMake change.
function(presentd_discover_test_suites target)
  cmake_parse_arguments(arg "" "LABEL;ENVIRONMENT" "" ${ARGN})
  set(ctest_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_suites.cmake")
  add_custom_command(
    TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND} "-DTEST_EXECUTABLE=$<TARGET_FILE:${target}>" "-DCTEST_FILE=${ctest_file}"
            "-DTEST_LABEL=${arg_LABEL}" "-DTEST_ENVIRONMENT=${arg_ENVIRONMENT}"
            -P "${PROJECT_SOURCE_DIR}/cmake/PresentdTestSuitesWrite.cmake"
    BYPRODUCTS "${ctest_file}"
    VERBATIM)
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${ctest_file}")
endfunction()
