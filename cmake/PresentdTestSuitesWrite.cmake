# SPDX-License-Identifier: Apache-2.0
# Run by presentd_discover_test_suites (PresentdTestSuites.cmake) after a test binary is built:
# lists its suites and writes the ctest file that registers one test per suite.
execute_process(
  COMMAND "${TEST_EXECUTABLE}" --gtest_list_tests
  OUTPUT_VARIABLE listing
  ERROR_VARIABLE errors
  RESULT_VARIABLE result
  TIMEOUT 60)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${TEST_EXECUTABLE} --gtest_list_tests failed (${result}):\n${errors}")
endif()

# Suite lines start in column 0 and end with "." (typed suites add "  # TypeParam = …");
# test lines are indented.
string(REPLACE "\n" ";" lines "${listing}")
set(content "")
set(count 0)
foreach(line IN LISTS lines)
  if(line MATCHES "^([^ #][^ ]*)\\.")
    set(suite "${CMAKE_MATCH_1}")
    string(APPEND content "add_test([==[${suite}]==] [==[${TEST_EXECUTABLE}]==] [==[--gtest_filter=${suite}.*]==])\n")
    string(APPEND content "set_tests_properties([==[${suite}]==] PROPERTIES LABELS [==[${TEST_LABEL}]==]")
    if(TEST_ENVIRONMENT)
      string(APPEND content " ENVIRONMENT [==[${TEST_ENVIRONMENT}]==]")
    endif()
    string(APPEND content ")\n")
    math(EXPR count "${count} + 1")
  endif()
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "${TEST_EXECUTABLE} lists no test suite")
endif()
file(WRITE "${CTEST_FILE}" "${content}")
