// SPDX-License-Identifier: Apache-2.0
// The cloud section: JID form, the 6-digit meeting ID (alias or local part), required keys when
// enabled, each problem reported at the key to change.
#include <gtest/gtest.h>

#include "presentd/config/config_loader.hpp"
#include "presentd/config/config_schema.hpp"

namespace presentd::config {
namespace {

std::vector<std::string> pointers_of(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& problem : parse_config(text).problems) out.push_back(problem.pointer);
  return out;
}

TEST(CloudConfig, ReadsTheSectionAndDerivesTheMeetingId) {
  const auto result = parse_config(R"({"cloud": {"enabled": true, "jid": "123456@cloud.example.com",
      "tls": "starttls", "port": 5222, "password_file": "/dev/null", "allow_plain": true}})");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.config.cloud.tls, CloudTls::starttls);
  EXPECT_EQ(cloud_meeting_id(result.config.cloud), "123456");
  EXPECT_EQ(jid_domain_part(result.config.cloud.jid), "cloud.example.com");
  CloudConfig aliased = result.config.cloud;
  aliased.meeting_id = "654321";
  EXPECT_EQ(cloud_meeting_id(aliased), "654321");
}

TEST(CloudConfig, ReportsBadValuesAtTheirKeys) {
  EXPECT_EQ(pointers_of(R"({"cloud": {"jid": "no-at-sign"}})"), std::vector<std::string>{"/cloud/jid"});
  EXPECT_EQ(pointers_of(R"({"cloud": {"jid": "a@b/resource"}})"), std::vector<std::string>{"/cloud/jid"});
  EXPECT_EQ(pointers_of(R"({"cloud": {"meeting_id": "12345"}})"), std::vector<std::string>{"/cloud/meeting_id"});
  EXPECT_EQ(pointers_of(R"({"cloud": {"server": "host:5222"}})"), std::vector<std::string>{"/cloud/server"});
  EXPECT_TRUE(pointers_of(R"({"cloud": {"server": "::1"}})").empty());
  EXPECT_TRUE(pointers_of(R"({"cloud": {"server": "xmpp.example.com"}})").empty());
  EXPECT_EQ(pointers_of(R"({"cloud": {"tls": "none"}})"), std::vector<std::string>{"/cloud/tls"});
  EXPECT_EQ(pointers_of(R"({"cloud": {"enabled": true}})"),
            (std::vector<std::string>{"/cloud/jid", "/cloud/password_file"}));
  EXPECT_EQ(pointers_of(R"({"cloud": {"enabled": true, "jid": "room-a@example.com", "password_file": "/dev/null"}})"),
            std::vector<std::string>{"/cloud/meeting_id"});
  EXPECT_TRUE(pointers_of(R"({"cloud": {"enabled": true, "jid": "room-a@example.com", "password_file": "/dev/null",
      "meeting_id": "246810"}})")
                  .empty());
}

TEST(CloudConfig, ReadsTheJidListsAndReportsEachBadEntryAtItsIndex) {
  const auto result =
      parse_config(R"({"cloud": {"allowed_jids": ["alice@example.net", "*@corp.example", "partner.example"],
      "blocked_jids": ["Mallory@Example.net"]}})");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.config.cloud.allowed_jids,
            (std::vector<std::string>{"alice@example.net", "*@corp.example", "partner.example"}));
  EXPECT_EQ(result.config.cloud.blocked_jids, std::vector<std::string>{"Mallory@Example.net"});
  EXPECT_EQ(pointers_of(R"({"cloud": {"allowed_jids": ["ok@example.net", "a@b/phone", "a*@example.net", "", 7,
      "@example.net", "a@", "a@b@c", "x y@example.net"]}})"),
            (std::vector<std::string>{"/cloud/allowed_jids/1", "/cloud/allowed_jids/2", "/cloud/allowed_jids/3",
                                      "/cloud/allowed_jids/4", "/cloud/allowed_jids/5", "/cloud/allowed_jids/6",
                                      "/cloud/allowed_jids/7", "/cloud/allowed_jids/8"}));
  EXPECT_EQ(pointers_of(R"({"cloud": {"blocked_jids": "mallory@example.net"}})"),
            std::vector<std::string>{"/cloud/blocked_jids"});
  EXPECT_EQ(pointers_of(R"({"cloud": {"blocked_jids": ["*@"]}})"), std::vector<std::string>{"/cloud/blocked_jids/0"});
}

TEST(CloudConfig, PrintsTheJidLists) {
  auto result = parse_config(R"({"cloud": {"blocked_jids": ["mallory@example.net"]}})");
  ASSERT_TRUE(result.ok());
  const auto printed = print_config(result.config);
  EXPECT_NE(printed.find(R"("blocked_jids": [
      "mallory@example.net"
    ])"),
            std::string::npos)
      << printed;
  EXPECT_NE(printed.find(R"("allowed_jids": [])"), std::string::npos) << printed;
}

}  // namespace
}  // namespace presentd::config
