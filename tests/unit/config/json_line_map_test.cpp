// SPDX-License-Identifier: Apache-2.0
#include "config/json_line_map.hpp"

#include <gtest/gtest.h>

namespace presentd::config {
namespace {

TEST(JsonLineMap, FindsKeysArraysAndSkipsComments) {
  const JsonLineMap map(R"({
  // "fake": "in a comment",
  "a": {
    /* "b": 1,
       more */
    "b": [10,
          {"c": "x/y"}],
    "d~/e": "multi\nline"
  },
  "z": 1
})");
  EXPECT_EQ(map.line_of(""), 1);
  EXPECT_EQ(map.line_of("/a"), 3);
  EXPECT_EQ(map.line_of("/a/b"), 6);
  EXPECT_EQ(map.line_of("/a/b/0"), 6);
  EXPECT_EQ(map.line_of("/a/b/1"), 7);
  EXPECT_EQ(map.line_of("/a/b/1/c"), 7);
  EXPECT_EQ(map.line_of("/a/d~0~1e"), 8);
  EXPECT_EQ(map.line_of("/z"), 10);
  EXPECT_EQ(map.line_of("/fake"), 1);       // only in a comment: falls back to the root
  EXPECT_EQ(map.line_of("/a/missing"), 3);  // nearest ancestor
}

TEST(JsonLineMap, SurvivesTruncatedAndStrayInput) {
  for (const char* text : {"{\"a\": [1, 2", "{\"a\": \"unterminated", "/", "/*", "{\"a\" ; / 3}", "}}]]"}) {
    const JsonLineMap map(text);
    EXPECT_GE(map.line_of("/a"), 1) << text;
  }
}

}  // namespace
}  // namespace presentd::config
