// SPDX-License-Identifier: Apache-2.0
// The bridge between the session core's page events and the HTTP event channel: each approval
// outcome's HTTP answer, and events reaching the channel from a real SessionManager.
#include "app/event_channel_bridge.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "presentd/crypto/certificate.hpp"
#include "presentd/ice/glib_context_pump.hpp"
#include "presentd/sdp/sdp_parser.hpp"
#include "presentd/session/session_manager.hpp"
#include "support/run_until.hpp"
#include "support/sdp/sdp_fixtures.hpp"

namespace presentd::app {
namespace {

using namespace std::chrono_literals;
namespace http = signaling::http;
using Outcome = session::ApprovalOutcome;

TEST(ApprovalAnswer, EachOutcomeHasItsStatusAndCode) {
  EXPECT_EQ(to_approval_answer(Outcome::settled).status, http::status::ok);
  const auto no_session = to_approval_answer(Outcome::no_session);
  EXPECT_EQ(no_session.status, http::status::not_found);
  EXPECT_EQ(no_session.error, "no_session");
  const auto not_presenting = to_approval_answer(Outcome::not_presenting);
  EXPECT_EQ(not_presenting.status, http::status::forbidden);
  EXPECT_EQ(not_presenting.error, "not_presenting");
  const auto no_request = to_approval_answer(Outcome::no_request);
  EXPECT_EQ(no_request.status, http::status::not_found);
  EXPECT_EQ(no_request.error, "no_request");
  EXPECT_FALSE(no_request.message.empty());
}

class RecordingChannel : public signaling::EventPublisher {
public:
  void publish(const std::string& session_id, const signaling::ChannelEvent& event) override {
    published.emplace_back(session_id, event.name + " " + event.data.dump());
  }
  void session_ended(const std::string& session_id, const signaling::ChannelEvent& last) override {
    ended.emplace_back(session_id, last.data.value("reason", ""));
  }
  std::vector<std::pair<std::string, std::string>> published, ended;
};

TEST(EventChannelBridge, APresentersPageHearsItsStateAndItsEnd) {
  boost::asio::io_context io;
  GMainContext* context = g_main_context_new();
  {
    ice::GlibContextPump pump(io, context);
    pump.start();
    session::SessionSettings settings;
    settings.ice.local_addresses = {"127.0.0.1"};
    auto identity = std::make_shared<const crypto::Identity>(
        crypto::generate_self_signed(crypto::KeyType::ecdsa_p256, {"presentd-test"}, std::chrono::hours(1)));
    session::SessionManager core(io, pump, identity, settings, session::AdmissionSettings{});
    EventChannelBridge bridge(core);
    RecordingChannel channel;
    bridge.set_channel(&channel);
    core.set_page_events(&bridge);

    std::optional<session::CreateResult> result;
    core.create_session({"127.0.0.1", "127.0.0.1", "Ada", false}, sdp::parse_sdp(sdp::testing::kMinimalOffer).value(),
                        [&](session::CreateResult r) { result = std::move(r); });
    testing::run_until(io, [&] { return result.has_value(); });
    ASSERT_TRUE(result && std::holds_alternative<session::AcceptedSession>(*result));
    const auto id = std::get<session::AcceptedSession>(*result).session_id;

    const auto first = bridge.events_for_new_subscriber(id);
    ASSERT_TRUE(first);
    ASSERT_FALSE(first->empty());
    EXPECT_EQ(first->front().name, "state");
    EXPECT_EQ(first->front().data.value("name", ""), "Ada");
    EXPECT_FALSE(bridge.events_for_new_subscriber("0123456789abcdef"));
    EXPECT_EQ(bridge.answer_approval(id, "no-such-request", true).status, http::status::not_found);

    ASSERT_TRUE(core.end_session(id, session::EndReason::removed, "removed by an admin"));
    ASSERT_EQ(channel.ended.size(), 1u);
    EXPECT_EQ(channel.ended[0], std::make_pair(id, std::string("removed")));
    io.run_for(20ms);
    pump.stop();
  }
  g_main_context_unref(context);
}

}  // namespace
}  // namespace presentd::app
