// SPDX-License-Identifier: Apache-2.0
// The one rule for presenters' names (common/display_name.hpp): what would reorder, hide or
// forge text on the screen, in the status and in the logs is removed; bad UTF-8 is replaced.
#include "presentd/common/display_name.hpp"

#include <gtest/gtest.h>

namespace presentd {
namespace {

TEST(DisplayName, OrdinaryNamesPassUnchanged) {
  EXPECT_EQ(sanitize_display_name("Zoë Müller"), "Zoë Müller");
  EXPECT_EQ(sanitize_display_name("أحمد"), "أحمد");  // right-to-left text itself is fine
  EXPECT_EQ(sanitize_display_name("李小龍 🎤"), "李小龍 🎤");
  EXPECT_EQ(sanitize_display_name("  Ann \t"), "Ann");
  EXPECT_EQ(sanitize_display_name(""), "");
}

TEST(DisplayName, BidiOverridesIsolatesAndMarksAreRemoved) {
  // "Admin" + RLO + "txt.exe" would show as "Adminexe.txt".
  EXPECT_EQ(sanitize_display_name("Admin\u202Etxt.exe"), "Admintxt.exe");
  for (const char* control : {"\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069",
                              "\u200E", "\u200F", "\u061C"}) {
    SCOPED_TRACE(control);
    EXPECT_EQ(sanitize_display_name(std::string("a") + control + "b"), "ab");
  }
}

TEST(DisplayName, C0AndC1ControlsAndNewlinesAreRemoved) {
  EXPECT_EQ(sanitize_display_name("Eve\nsessions: admin logged in"), "Evesessions: admin logged in");
  EXPECT_EQ(sanitize_display_name("a\x1b[31mred"), "a[31mred");  // no terminal escapes
  EXPECT_EQ(sanitize_display_name("a\x7f"
                                  "b"),
            "ab");
  EXPECT_EQ(sanitize_display_name("a\u0085b\u009bc"), "abc");  // NEL and CSI as C1 code points
  EXPECT_EQ(sanitize_display_name(std::string("a\0b", 3)), "ab");
}

TEST(DisplayName, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(sanitize_display_name("a\xff"
                                  "b"),
            "a\uFFFD"
            "b");
  EXPECT_EQ(sanitize_display_name("a\xc0\xaf"
                                  "b"),
            "a\uFFFD\uFFFD"
            "b");                                                            // overlong '/'
  EXPECT_EQ(sanitize_display_name("a\xed\xa0\x80"), "a\uFFFD\uFFFD\uFFFD");  // a surrogate
  EXPECT_EQ(sanitize_display_name("a\xe2\x80"), "a\uFFFD\uFFFD");            // truncated at the end
  EXPECT_EQ(sanitize_display_name("a\x85"), "a\uFFFD");                      // a lone C1 byte is not UTF-8
}

TEST(DisplayName, LengthIsCutInCodePointsNotBytes) {
  const std::string forty(40, 'x');
  EXPECT_EQ(sanitize_display_name(forty + "yz"), forty);
  std::string umlauts;
  for (int i = 0; i < 50; ++i) umlauts += "ü";
  std::string expected;
  for (int i = 0; i < 40; ++i) expected += "ü";
  EXPECT_EQ(sanitize_display_name(umlauts), expected);   // never half a character
  EXPECT_EQ(sanitize_display_name("ab   cd", 3), "ab");  // cut, then trimmed again
  EXPECT_EQ(sanitize_display_name(std::string(1 << 20, '\x01') + "ok"), "ok");
}

}  // namespace
}  // namespace presentd
