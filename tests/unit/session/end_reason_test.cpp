// SPDX-License-Identifier: Apache-2.0
// One vocabulary of end reasons: every EndReason has its own code, and the list metrics pre-create
// series from is exactly the set of codes (a new reason that is not listed would start its
// series only at its first end, and rate() would miss the first one).
#include "presentd/session/end_reason.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace presentd::session {
namespace {

constexpr EndReason kAll[] = {EndReason::stopped,    EndReason::replaced,     EndReason::removed,
                              EndReason::declined,   EndReason::timeout,      EndReason::room_full,
                              EndReason::ice_failed, EndReason::dtls_failed,  EndReason::connection_lost,
                              EndReason::error,      EndReason::ended_at_box, EndReason::shutdown};

TEST(EndReason, EveryReasonHasItsOwnCodeAndEveryCodeIsPreCreated) {
  std::set<std::string_view> codes;
  for (const auto reason : kAll) {
    const auto code = to_code(reason);
    EXPECT_TRUE(codes.insert(code).second) << "two reasons share " << code;
    EXPECT_NE(std::find(std::begin(kEndReasonCodes), std::end(kEndReasonCodes), code), std::end(kEndReasonCodes))
        << code;
  }
  EXPECT_EQ(codes.size(), std::size(kEndReasonCodes));
}

TEST(EndReason, CodesAreThePagesVocabulary) {
  // web/app.js and docs/protocol.md ("Event channel") use these exact strings.
  EXPECT_EQ(to_code(EndReason::replaced), "replaced");
  EXPECT_EQ(to_code(EndReason::connection_lost), "connection_lost");
  EXPECT_EQ(to_code(EndReason::ended_at_box), "ended_at_box");
  EXPECT_EQ(to_code(EndReason::room_full), "room_full");
}

TEST(EndReason, TransportFailuresKeepTheCodesAdminsAlertOn) {
  // docs/operations.md alerts on ice_failed; a fingerprint mismatch is a security event and
  // must not hide in "error" or "connection_lost" (docs/protocol.md, "Metrics").
  EXPECT_EQ(to_code(EndReason::ice_failed), "ice_failed");
  EXPECT_EQ(to_code(EndReason::dtls_failed), "dtls_failed");
  EXPECT_NE(to_code(EndReason::dtls_failed), to_code(EndReason::error));
  EXPECT_NE(to_code(EndReason::ice_failed), to_code(EndReason::connection_lost));
}

std::string read_source(const std::string& relative) {
  std::ifstream in(std::string(PRESENTD_SOURCE_DIR) + "/" + relative);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(EndReason, ThePageHasASentenceForEveryCode) {
  // The page falls back to "The presentation failed." for a code it does not know: a new reason
  // without a sentence there would tell a presenter behind a firewall nothing useful.
  const auto app = read_source("web/app.js");
  const auto start = app.find("const ENDED = {");
  ASSERT_NE(start, std::string::npos);
  const auto table = app.substr(start, app.find("};", start) - start);
  for (const auto code : kEndReasonCodes) {
    EXPECT_NE(table.find("\n  " + std::string(code) + ": '"), std::string::npos) << code;
  }
}

// The paragraph of `text` that starts with `opening` (up to the next blank line); empty if none.
std::string paragraph(const std::string& text, const std::string& opening) {
  const auto start = text.find(opening);
  if (start == std::string::npos) return {};
  return text.substr(start, text.find("\n\n", start) - start);
}

TEST(EndReason, TheProtocolDocumentsEveryCode) {
  const auto protocol = read_source("docs/protocol.md");
  const auto metrics = paragraph(protocol, "Session end reasons (`reason` label)");
  const auto events = paragraph(protocol, "End reasons (`state` `ended`)");
  ASSERT_FALSE(metrics.empty());
  ASSERT_FALSE(events.empty());
  for (const auto code : kEndReasonCodes) {
    const auto quoted = "`" + std::string(code) + "`";
    EXPECT_NE(metrics.find(quoted), std::string::npos) << code << " missing from the metrics' reasons";
    EXPECT_NE(events.find(quoted), std::string::npos) << code << " missing from the event channel's reasons";
  }
}

}  // namespace
}  // namespace presentd::session
