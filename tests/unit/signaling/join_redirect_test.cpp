// SPDX-License-Identifier: Apache-2.0
// GET /join/<meeting ID>: the redirect target for real IDs, a readable 404 for anything else.
#include "presentd/signaling/local/join_redirect.hpp"

#include <gtest/gtest.h>

#include "presentd/common/meeting_id.hpp"

namespace presentd::signaling {
namespace {

TEST(JoinRedirect, AMeetingIdLeadsToTheBoxItNames) {
  const auto id = common::encode_meeting_id(0x0AC80001);  // 10.200.0.1
  EXPECT_EQ(join_target(id, 443), "https://10.200.0.1/");
  EXPECT_EQ(join_target(id, 8443), "https://10.200.0.1:8443/");
  EXPECT_EQ(join_target(common::encode_meeting_id(0xC0A80A17), 443), "https://192.168.10.23/");
}

TEST(JoinRedirect, WhatNamesNoReachableBoxIsNotAMeetingId) {
  for (const std::string_view bad : {"", "123", "12345678901", "abcdefghij", "4294967296", "99999999999"}) {
    EXPECT_FALSE(join_target(bad, 443)) << bad;
  }
  for (const std::uint32_t unusable : {0x00000000u, 0x7F000001u, 0xE0000001u, 0xFFFFFFFFu, 0xA9FE0101u}) {
    EXPECT_FALSE(join_target(common::encode_meeting_id(unusable), 443)) << std::hex << unusable;
  }
}

TEST(JoinRedirect, RouteAnswers302OrAReadable404Page) {
  HttpRouter router;
  register_join_redirect(router, [] { return static_cast<unsigned short>(8443); });
  const auto call = [&](const std::string& target) {
    Request request{http::verb::get, target, 11};
    std::optional<Response> out;
    router.dispatch(request, RequestContext{}, [&](Response response) { out = std::move(response); });
    return out.value();
  };
  const auto found = call("/join/" + common::encode_meeting_id(0x0AC80001));
  EXPECT_EQ(found.result(), http::status::found);
  EXPECT_EQ(found[http::field::location], "https://10.200.0.1:8443/");
  const auto missing = call("/join/12345");
  EXPECT_EQ(missing.result(), http::status::not_found);
  EXPECT_EQ(missing[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_NE(missing.body().find("exactly ten digits"), std::string::npos);
}

}  // namespace
}  // namespace presentd::signaling
