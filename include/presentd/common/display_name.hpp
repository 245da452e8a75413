// SPDX-License-Identifier: Apache-2.0
#pragma once
// One rule for every name a presenter gives (the join page, a WHIP session token, a Jingle peer):
// what reaches the screen, the status API and the logs is printable text that cannot reorder
// or hide what is around it.
//
//  - invalid UTF-8 (overlong forms, surrogates, beyond U+10FFFF, truncated sequences) becomes
//    U+FFFD, one per bad byte;
//  - C0 controls, DEL and C1 controls (U+0080–U+009F) are removed; tab, CR and LF too (a name
//    is one line: a newline in a log line forges the next one);
//  - bidi embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069) and the marks
//    U+200E, U+200F and U+061C are removed: an override in a name would reverse the text after
//    it on the screen and in a terminal reading the logs (CVE-2021-42574, "Trojan Source");
//  - blanks at either end are trimmed, and the result is cut to `max_code_points`.
//
// Thread: any (a pure function).
#include <cstddef>
#include <string>
#include <string_view>

namespace presentd {

// Longest name shown on the screen; the join page allows as much.
constexpr std::size_t kMaxDisplayNameCodePoints = 40;

[[nodiscard]] std::string sanitize_display_name(std::string_view raw,
                                                std::size_t max_code_points = kMaxDisplayNameCodePoints);

}  // namespace presentd
