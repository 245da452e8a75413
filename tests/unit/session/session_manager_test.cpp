// SPDX-License-Identifier: Apache-2.0
// SessionManager, the session core's port: what each refused offer, a full room, a missing port
// and a trickle or ICE restart come back as, with real sessions (libnice gathering on loopback,
// pumped from this thread's io_context). Offers carry no candidates, so nothing is ever sent off
// the machine. How WHIP turns these into HTTP is app/whip_session_adapter_test.cpp's.
#include "presentd/session/session_manager.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include <map>

#include "presentd/common/internal_errors.hpp"
#include "presentd/crypto/certificate.hpp"
#include "presentd/sdp/sdp_fragment.hpp"
#include "presentd/sdp/sdp_parser.hpp"
#include "support/run_until.hpp"
#include "support/sdp/sdp_fixtures.hpp"

namespace presentd::session {
namespace {

using namespace std::chrono_literals;
using sdp::testing::kMinimalOffer;
using Kind = Refusal::Kind;

std::string replace(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string valid_offer() { return kMinimalOffer; }

// Every session's admission ("admitted", "waiting_for_media", …), sorted.
std::vector<std::string> admissions(const SessionManager& manager) {
  std::vector<std::string> out;
  manager.for_each_session([&out](const auto& view) { out.emplace_back(view.admission); });
  std::sort(out.begin(), out.end());
  return out;
}

// valid_offer() with its a=fingerprint value replaced.
std::string offer_with_fingerprint(const std::string& value) {
  std::string offer = valid_offer();
  const auto at = offer.find("a=fingerprint:") + 14;
  return offer.replace(at, offer.find("\r\n", at) - at, value);
}

class SessionManagerTest : public ::testing::Test {
protected:
  void SetUp() override { pump_.start(); }
  void TearDown() override {
    manager_.reset();
    io_.run_for(50ms);
    pump_.stop();
    g_main_context_unref(context_);
  }

  SessionSettings settings(std::uint16_t port_min = 43000, std::uint16_t port_max = 43999) {
    SessionSettings s;
    s.ice.local_addresses = {"127.0.0.1"};
    s.ice.port_min = port_min;
    s.ice.port_max = port_max;
    return s;
  }

  void make_manager(SessionSettings s, AdmissionSettings admission = {}) {
    manager_ = std::make_unique<SessionManager>(io_, pump_, identity_, std::move(s), admission);
  }

  // An offer from `source` (an address key, or a bare JID for a remote presenter). Text that
  // does not parse is refused as the WHIP adapter refuses it, before the core sees it.
  CreateResult create(const std::string& offer, const std::string& source = "127.0.0.1", bool remote = false) {
    const auto parsed = sdp::parse_sdp(offer);
    if (!parsed) return Refusal{Kind::bad_offer, parsed.error().message, parsed.error().code};
    std::optional<CreateResult> result;
    manager_->create_session(Requester{source, remote ? "xmpp:" + source + "/phone" : source, {}, remote}, *parsed,
                             [&](CreateResult r) { result = std::move(r); });
    EXPECT_TRUE(testing::run_until(io_, [&] { return result.has_value(); })) << "no answer within 10 s";
    return result.value_or(Refusal{Kind::internal, "timeout"});
  }

  static bool accepted(const CreateResult& result) { return std::holds_alternative<AcceptedSession>(result); }
  static std::optional<Kind> refusal_of(const CreateResult& result) {
    if (const auto* refused = std::get_if<Refusal>(&result)) return refused->kind;
    return std::nullopt;
  }
  static std::string id_of(const CreateResult& result) { return std::get<AcceptedSession>(result).session_id; }

  PatchResult patch(const std::string& id, const std::string& fragment) {
    const auto parsed = sdp::parse_sdp_fragment(fragment);
    EXPECT_TRUE(parsed) << parsed.error().message;
    return manager_->patch_session(id, parsed ? *parsed : sdp::SdpFragment{});
  }

  boost::asio::io_context io_;
  GMainContext* context_ = g_main_context_new();
  ice::GlibContextPump pump_{io_, context_};
  std::shared_ptr<const crypto::Identity> identity_ = std::make_shared<const crypto::Identity>(
      crypto::generate_self_signed(crypto::KeyType::ecdsa_p256, {"presentd-test"}, std::chrono::hours(1)));
  std::unique_ptr<SessionManager> manager_;
};

// Each refused offer says what is wrong with it, in the code WHIP turns into 400/406/422.
TEST_F(SessionManagerTest, RefusedOffersSayWhatIsWrong) {
  make_manager(settings());
  using Code = sdp::ErrorCode;
  const struct {
    const char* name;
    std::string offer;
    std::vector<Code> codes;  // any of these
  } cases[] = {
      {"not SDP", "this is not SDP\r\n", {Code::malformed_line, Code::missing_field}},
      {"no fingerprint", replace(valid_offer(), "a=fingerprint:", "a=x-fingerprint:"), {Code::missing_field}},
      // Parsed by the SDP layer, unusable by the DTLS layer: refused by the one rule both share.
      {"sha-1 fingerprint",
       offer_with_fingerprint("sha-1 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD"),
       {Code::missing_field, Code::bad_attribute}},
      {"short sha-256 fingerprint",
       offer_with_fingerprint("sha-256 AA:BB:CC:DD"),
       {Code::missing_field, Code::bad_attribute}},
      {"no ICE password", replace(valid_offer(), "a=ice-pwd:", "a=x-ice-pwd:"), {Code::missing_field}},
      {"only AV1", replace(valid_offer(), "VP8/90000", "AV1/90000"), {Code::no_common_codec}},
      {"H.264 packetization-mode 0 only",
       replace(valid_offer(), "VP8/90000", "H264/90000") + "a=fmtp:96 packetization-mode=0;profile-level-id=42e01f\r\n",
       {Code::no_common_codec}},
      {"no rtcp-mux", replace(valid_offer(), "a=rtcp-mux\r\n", ""), {Code::unsupported_offer}},
      {"recvonly", replace(valid_offer(), "a=sendonly", "a=recvonly"), {Code::unsupported_offer}},
      {"setup holdconn", replace(valid_offer(), "actpass", "holdconn"), {Code::unsupported_offer}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto result = create(c.offer);
    ASSERT_EQ(refusal_of(result), Kind::bad_offer);
    const auto& refused = std::get<Refusal>(result);
    EXPECT_NE(std::find(c.codes.begin(), c.codes.end(), refused.sdp_code), c.codes.end())
        << "code " << static_cast<int>(refused.sdp_code) << ": " << refused.message;
    EXPECT_FALSE(refused.message.empty());
  }
  io_.run_for(20ms);
  EXPECT_EQ(manager_->session_count(), 0u);
  EXPECT_TRUE(accepted(create(valid_offer())));  // and a good offer still works
}

TEST_F(SessionManagerTest, AFullRoomThatRefusesSaysWhenToTryAgain) {
  make_manager(settings(), AdmissionSettings{config::AdmissionMode::automatic, 1, config::WhenFull::refuse});
  ASSERT_TRUE(accepted(create(valid_offer())));
  const auto refused = create(valid_offer());
  ASSERT_EQ(refusal_of(refused), Kind::room_full);
  EXPECT_GT(std::get<Refusal>(refused).retry_after.value_or(0s), 0s);
  EXPECT_EQ(manager_->session_count(), 1u);
}

TEST_F(SessionManagerTest, NoFreeMediaPortIsUnavailableNotTheSendersFault) {
  // The whole configured range (one port) is taken, UDP and TCP alike: the box cannot serve
  // the offer now, which is not the sender's fault.
  boost::asio::ip::udp::socket udp(io_, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = udp.local_endpoint().port();
  boost::system::error_code ec;
  boost::asio::ip::tcp::acceptor tcp(io_);
  tcp.open(boost::asio::ip::tcp::v4());
  tcp.bind({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
  make_manager(settings(port, port));
  const auto result = create(valid_offer());
  EXPECT_EQ(refusal_of(result), Kind::unavailable);
  io_.run_for(20ms);
  EXPECT_EQ(manager_->session_count(), 0u);
}

TEST_F(SessionManagerTest, AFragmentTricklesOrRestartsIce) {
  make_manager(settings());
  const auto created = create(valid_offer());
  ASSERT_TRUE(accepted(created));
  const auto& answer = std::get<AcceptedSession>(created);
  const auto old_ufrag = answer.answer.media[0].transport.ice_ufrag.value_or("");
  ASSERT_FALSE(old_ufrag.empty());

  // A trickle naming the sender's current ufrag: applied, nothing to send back.
  auto trickle = patch(answer.session_id,
                       "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
                       "a=mid:0\r\na=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host\r\n");
  ASSERT_TRUE(std::holds_alternative<AppliedFragment>(trickle));
  EXPECT_FALSE(std::get<AppliedFragment>(trickle).restart_answer);

  // New credentials: an ICE restart, answered with our new credentials and candidates.
  auto restart = patch(answer.session_id,
                       "a=ice-ufrag:wxyz\r\na=ice-pwd:0123456789abcdefghijkl\r\n"
                       "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n"
                       "a=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host\r\na=end-of-candidates\r\n");
  ASSERT_TRUE(std::holds_alternative<AppliedFragment>(restart));
  const auto& restart_answer = std::get<AppliedFragment>(restart).restart_answer;
  ASSERT_TRUE(restart_answer);
  const auto fragment = sdp::parse_sdp_fragment(*restart_answer);
  ASSERT_TRUE(fragment) << fragment.error().message << "\n" << *restart_answer;
  ASSERT_TRUE(fragment->ice_ufrag && fragment->ice_pwd) << *restart_answer;
  EXPECT_NE(*fragment->ice_ufrag, old_ufrag);
  EXPECT_FALSE(fragment->candidates.empty()) << *restart_answer;
  for (const auto& c : fragment->candidates) EXPECT_EQ(c.mid, "0");
  EXPECT_TRUE(fragment->end_of_candidates);
  std::uint64_t restarts = 0;
  manager_->for_each_session([&](const auto& view) { restarts = view.session.transport()->ice().restarts(); });
  EXPECT_EQ(restarts, 1u);

  // The restarted credentials are now the current ones: repeating them is a trickle.
  auto again = patch(answer.session_id, "a=ice-ufrag:wxyz\r\na=ice-pwd:0123456789abcdefghijkl\r\n");
  ASSERT_TRUE(std::holds_alternative<AppliedFragment>(again));
  EXPECT_FALSE(std::get<AppliedFragment>(again).restart_answer);

  const auto refusal = [&](const std::string& id, const std::string& body) -> std::optional<Kind> {
    const auto result = patch(id, body);
    if (const auto* refused = std::get_if<Refusal>(&result)) return refused->kind;
    return std::nullopt;
  };
  EXPECT_EQ(refusal(answer.session_id, "a=ice-ufrag:only-the-ufrag\r\n"), Kind::bad_fragment);
  EXPECT_EQ(refusal("0123456789abcdef", "a=end-of-candidates\r\n"), Kind::no_such_session);
}

}  // namespace
}  // namespace presentd::session

namespace presentd::session {
namespace {

// Observer::on_ended hears every end with its EndReason, also that of a presenter still waiting
// for approval (on_state never reports those): the cloud must tell such a remote presenter too.
TEST_F(SessionManagerTest, EveryEndIsReportedWithItsReasonAlsoForAPresenterStillWaiting) {
  std::vector<std::pair<std::string, EndReason>> ended;
  SessionManager::Observer observer;
  observer.on_ended = [&](const std::string& id, EndReason reason) { ended.emplace_back(id, reason); };
  const AdmissionSettings admission{config::AdmissionMode::approve, 2, config::WhenFull::replace, 1s};
  manager_ = std::make_unique<SessionManager>(io_, pump_, identity_, settings(), admission, observer);
  const auto first = create(valid_offer());   // nobody on screen to ask: admitted
  const auto second = create(valid_offer());  // waits for the first presenter's approval
  ASSERT_TRUE(accepted(first));
  ASSERT_TRUE(accepted(second));
  const auto first_id = id_of(first);
  const auto second_id = id_of(second);

  testing::run_until(io_, [&] { return !ended.empty(); });
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0], std::make_pair(second_id, EndReason::timeout));

  ASSERT_TRUE(manager_->end_session(first_id, EndReason::removed, "removed by an admin"));
  ASSERT_EQ(ended.size(), 2u);
  EXPECT_EQ(ended[1], std::make_pair(first_id, EndReason::removed));
}

}  // namespace
}  // namespace presentd::session

namespace presentd::session {
namespace {

// Item 6 of issue 12: with one place and "replace", a newcomer is answered but waits off screen;
// the presenter on screen stays until the newcomer's own media flows (the integration test
// ANewcomerWhoseMediaFlowsReplacesTheOldestPresenter shows that part with real senders).
TEST_F(SessionManagerTest, AReplacingNewcomerWaitsAndTheOldestStaysUntilItsMediaFlows) {
  std::vector<std::pair<std::string, EndReason>> ended;
  SessionManager::Observer observer;
  observer.on_ended = [&](const std::string& id, EndReason reason) { ended.emplace_back(id, reason); };
  const AdmissionSettings admission{config::AdmissionMode::automatic, 1, config::WhenFull::replace};
  manager_ = std::make_unique<SessionManager>(io_, pump_, identity_, settings(), admission, observer);
  const auto first = create(valid_offer());
  const auto second = create(valid_offer());
  ASSERT_TRUE(accepted(first));
  ASSERT_TRUE(accepted(second));
  const auto first_id = id_of(first);
  io_.run_for(20ms);
  io_.restart();
  EXPECT_TRUE(ended.empty());
  EXPECT_EQ(manager_->session_count(), 2u);
  EXPECT_EQ(admissions(*manager_), (std::vector<std::string>{"admitted", "waiting_for_media"}));

  // A place that frees up is the waiting newcomer's at once.
  ASSERT_TRUE(manager_->end_session(first_id, EndReason::removed, "removed by an admin"));
  io_.run_for(20ms);
  io_.restart();
  ASSERT_EQ(manager_->session_count(), 1u);
  EXPECT_EQ(admissions(*manager_), std::vector<std::string>{"admitted"});
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0], std::make_pair(first_id, EndReason::removed));
}

// A layer that throws while a session is set up (here the DTLS transport, given an identity
// without a key) ends that session only, refused as internal (WHIP: 500), logged and counted.
TEST_F(SessionManagerTest, ASetupThatThrowsIsRefusedAsInternalAndTheManagerServesOn) {
  auto broken = std::make_shared<crypto::Identity>(
      crypto::generate_self_signed(crypto::KeyType::ecdsa_p256, {"presentd-test"}, std::chrono::hours(1)));
  broken->private_key.reset();
  manager_ = std::make_unique<SessionManager>(io_, pump_, broken, settings(), AdmissionSettings{});
  const auto before = internal_error_count(ErrorSite::session);
  const auto result = create(valid_offer());
  EXPECT_EQ(refusal_of(result), Kind::internal);
  EXPECT_EQ(internal_error_count(ErrorSite::session), before + 1);
  io_.run_for(20ms);
  io_.restart();
  EXPECT_EQ(manager_->session_count(), 0u);

  make_manager(settings());  // the same offer with a usable identity is served
  EXPECT_TRUE(accepted(create(valid_offer())));
}

// A trickle of `count` host candidates on loopback (distinct ports), naming the offer's ufrag.
std::string trickle_of(int count, int first_port) {
  std::string fragment =
      "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n";
  for (int i = 0; i < count; ++i) {
    fragment += "a=candidate:" + std::to_string(i + 1) + " 1 udp 2130706431 127.0.0.1 " +
                std::to_string(first_port + i) + " typ host\r\n";
  }
  return fragment;
}

// Trickled candidates are capped per session (kMaxRemoteCandidates): past the cap a fragment is
// refused (WHIP: 422) and nothing is added; an ICE restart starts a new count.
TEST_F(SessionManagerTest, TrickledCandidatesAreCappedPerSession) {
  make_manager(settings());
  const auto created = create(valid_offer());
  ASSERT_TRUE(accepted(created));
  const auto id = id_of(created);
  const auto applied = [&](const std::string& fragment) {
    return std::holds_alternative<AppliedFragment>(patch(id, fragment));
  };
  constexpr int kPerPatch = 32;
  int taken = 0;
  for (int round = 0; round < 10; ++round) {
    if (!applied(trickle_of(kPerPatch, 20000 + round * kPerPatch))) break;
    taken += kPerPatch;
  }
  EXPECT_EQ(taken, static_cast<int>(kMaxRemoteCandidates / kPerPatch * kPerPatch));
  const auto over = patch(id, trickle_of(1, 30000));
  ASSERT_TRUE(std::holds_alternative<Refusal>(over));
  EXPECT_EQ(std::get<Refusal>(over).kind, Kind::too_many_candidates);
  EXPECT_EQ(manager_->session_count(), 1u);  // refused, not ended
  // New credentials: an ICE restart with a fresh check list takes candidates again.
  EXPECT_TRUE(
      applied("a=ice-ufrag:wxyz\r\na=ice-pwd:0123456789abcdefghijkl\r\n"
              "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n"));
  EXPECT_TRUE(
      applied("a=ice-ufrag:wxyz\r\na=ice-pwd:0123456789abcdefghijkl\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n"
              "a=candidate:1 1 udp 2130706431 127.0.0.1 30001 typ host\r\n"));
}

// The core stops a session for whichever adapter created it; a stopped session is gone for all.
TEST_F(SessionManagerTest, AStoppedSessionIsGoneForEveryAdapter) {
  make_manager(settings());
  const auto created = create(valid_offer(), "alice@example.net", true);
  ASSERT_TRUE(accepted(created));
  const auto id = id_of(created);
  EXPECT_TRUE(manager_->has_session(id));
  EXPECT_TRUE(manager_->stop_session(id));
  EXPECT_FALSE(manager_->has_session(id));
  EXPECT_FALSE(manager_->stop_session("0123456789abcdef"));
  io_.run_for(20ms);
  EXPECT_EQ(manager_->session_count(), 0u);
}

}  // namespace
}  // namespace presentd::session

namespace presentd::session {
namespace {

// One source fills its own share of the waiting list, not everyone's: a third newcomer from an
// address that already has two waiting is refused (WHIP: 429), while another source still gets
// a place in the list (room-wide limit 4).
TEST_F(SessionManagerTest, OneSourceCannotFillTheWaitingListForEveryone) {
  const AdmissionSettings admission{config::AdmissionMode::approve, 4, config::WhenFull::replace, 60s, 4};
  make_manager(settings(), admission);
  ASSERT_TRUE(accepted(create(valid_offer(), "10.0.0.1")));   // on screen: nobody to ask
  EXPECT_TRUE(accepted(create(valid_offer(), "10.0.0.66")));  // waits for approval
  EXPECT_TRUE(accepted(create(valid_offer(), "10.0.0.66")));  // a reload: still fine
  const auto third = create(valid_offer(), "10.0.0.66");
  ASSERT_EQ(refusal_of(third), Kind::source_waiting_full);
  EXPECT_EQ(std::get<Refusal>(third).retry_after, 10s);
  // A remote presenter is its own source (its JID), whatever address the server has.
  EXPECT_TRUE(accepted(create(valid_offer(), "guest@example.org", true)));
  EXPECT_TRUE(accepted(create(valid_offer(), "10.0.0.2")));
  // Now the room-wide list (4) is full: anyone else waits for a place in it.
  EXPECT_EQ(refusal_of(create(valid_offer(), "10.0.0.3")), Kind::waiting_list_full);
  EXPECT_EQ(manager_->session_count(), 5u);
}

// Item 6 of issue 12 with approval: a newcomer approved while the room is full takes nobody's
// place until its own media flows; one that never connects ends the presentation of nobody.
TEST_F(SessionManagerTest, AnApprovedNewcomerInAFullRoomWaitsForItsMediaBeforeReplacing) {
  std::vector<std::pair<std::string, EndReason>> ended;
  SessionManager::Observer observer;
  observer.on_ended = [&](const std::string& id, EndReason reason) { ended.emplace_back(id, reason); };
  const AdmissionSettings admission{config::AdmissionMode::approve, 1, config::WhenFull::replace, 60s};
  manager_ = std::make_unique<SessionManager>(io_, pump_, identity_, settings(), admission, observer);
  const auto first = create(valid_offer());
  ASSERT_TRUE(accepted(first));
  const auto first_id = id_of(first);
  ASSERT_TRUE(accepted(create(valid_offer())));
  // What the first presenter's page would be shown: the newcomer's open approval request.
  std::string request_id;
  for (const auto& event : manager_->events_for_new_page(first_id).value_or(std::vector<PageEvent>{})) {
    if (event.name == "approval_request") request_id = event.data.value("request_id", "");
  }
  ASSERT_FALSE(request_id.empty());

  EXPECT_EQ(manager_->answer_approval(first_id, request_id, true), ApprovalOutcome::settled);
  io_.run_for(20ms);
  io_.restart();
  EXPECT_TRUE(ended.empty()) << "the presenter on screen was replaced before the newcomer's media flowed";
  EXPECT_EQ(admissions(*manager_), (std::vector<std::string>{"admitted", "waiting_for_media"}));
  // The approval is settled: answering it again finds nothing.
  EXPECT_EQ(manager_->answer_approval(first_id, request_id, true), ApprovalOutcome::no_request);
}

}  // namespace
}  // namespace presentd::session
