// SPDX-License-Identifier: Apache-2.0
// SessionManager as the WHIP session host: which HTTP status each refused offer, a full room, a
// missing port and a PATCH get, with real sessions (libnice gathering on loopback, pumped from
// this thread's io_context). Offers carry no candidates, so nothing is ever sent off the machine.
#include "session/session_manager.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include <map>

#include "../sdp/sdp_fixtures.hpp"
#include "common/internal_errors.hpp"
#include "crypto/certificate.hpp"
#include "sdp/sdp_fragment.hpp"
#include "sdp/sdp_parser.hpp"
#include "signaling/local/http_router.hpp"

namespace presentd::session {
namespace {

using namespace std::chrono_literals;
namespace http = signaling::http;
using sdp::testing::kMinimalOffer;

std::string replace(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string valid_offer() {
  return kMinimalOffer;
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

  signaling::WhipCreateResult create(const std::string& offer, const std::string& origin = {},
                                     const std::string& address = "127.0.0.1") {
    std::optional<signaling::WhipCreateResult> result;
    signaling::RequestContext context;
    context.origin = origin;
    context.remote = {boost::asio::ip::make_address(address), 40000};
    manager_->create_session(offer, context, [&](signaling::WhipCreateResult r) { result = std::move(r); });
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!result && std::chrono::steady_clock::now() < deadline) {
      io_.run_for(5ms);
      io_.restart();
    }
    EXPECT_TRUE(result.has_value()) << "no answer within 10 s";
    return result.value_or(signaling::WhipFailure{http::status::internal_server_error, "timeout"});
  }

  static http::status status_of(const signaling::WhipCreateResult& result) {
    if (const auto* failure = std::get_if<signaling::WhipFailure>(&result)) return failure->status;
    return http::status::created;
  }

  boost::asio::io_context io_;
  GMainContext* context_ = g_main_context_new();
  ice::GlibContextPump pump_{io_, context_};
  std::shared_ptr<const crypto::Identity> identity_ = std::make_shared<const crypto::Identity>(
      crypto::generate_self_signed(crypto::KeyType::ecdsa_p256, {"presentd-test"}, std::chrono::hours(1)));
  std::unique_ptr<SessionManager> manager_;
};

TEST_F(SessionManagerTest, RefusedOffersGetTheStatusOfWhatIsWrong) {
  make_manager(settings());
  const struct {
    const char* name;
    std::string offer;
    http::status status;
  } cases[] = {
      {"not SDP", "this is not SDP\r\n", http::status::bad_request},
      {"no fingerprint", replace(valid_offer(), "a=fingerprint:", "a=x-fingerprint:"), http::status::bad_request},
      // Parsed by the SDP layer, unusable by the DTLS layer: refused by the one rule both share.
      {"sha-1 fingerprint", offer_with_fingerprint("sha-1 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD"),
       http::status::bad_request},
      {"short sha-256 fingerprint", offer_with_fingerprint("sha-256 AA:BB:CC:DD"), http::status::bad_request},
      {"no ICE password", replace(valid_offer(), "a=ice-pwd:", "a=x-ice-pwd:"), http::status::bad_request},
      {"only AV1", replace(valid_offer(), "VP8/90000", "AV1/90000"), http::status::not_acceptable},
      {"H.264 packetization-mode 0 only",
       replace(valid_offer(), "VP8/90000", "H264/90000") + "a=fmtp:96 packetization-mode=0;profile-level-id=42e01f\r\n",
       http::status::not_acceptable},
      {"no rtcp-mux", replace(valid_offer(), "a=rtcp-mux\r\n", ""), http::status::unprocessable_entity},
      {"recvonly", replace(valid_offer(), "a=sendonly", "a=recvonly"), http::status::unprocessable_entity},
      {"setup holdconn", replace(valid_offer(), "actpass", "holdconn"), http::status::unprocessable_entity},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto result = create(c.offer);
    EXPECT_EQ(status_of(result), c.status);
    if (const auto* failure = std::get_if<signaling::WhipFailure>(&result)) {
      EXPECT_FALSE(failure->reason.empty());
    }
  }
  io_.run_for(20ms);
  EXPECT_EQ(manager_->session_count(), 0u);
  EXPECT_EQ(status_of(create(valid_offer())), http::status::created);  // and a good offer still works
}

TEST_F(SessionManagerTest, AFullRoomThatRefusesAnswers503WithRetryAfter) {
  make_manager(settings(), AdmissionSettings{config::AdmissionMode::automatic, 1, config::WhenFull::refuse});
  ASSERT_EQ(status_of(create(valid_offer())), http::status::created);
  const auto refused = create(valid_offer());
  ASSERT_EQ(status_of(refused), http::status::service_unavailable);
  EXPECT_GT(std::get<signaling::WhipFailure>(refused).retry_after_s, 0);
  EXPECT_EQ(manager_->session_count(), 1u);
}

TEST_F(SessionManagerTest, NoFreeMediaPortAnswers503) {
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
  EXPECT_EQ(status_of(result), http::status::service_unavailable);
  io_.run_for(20ms);
  EXPECT_EQ(manager_->session_count(), 0u);
}

TEST_F(SessionManagerTest, PatchTricklesRestartsIceWithANewETagAndRefusesBadFragments) {
  make_manager(settings());
  const auto created = create(valid_offer());
  ASSERT_EQ(status_of(created), http::status::created);
  const auto& answer = std::get<signaling::WhipAnswer>(created);
  const auto answered = sdp::parse_sdp(answer.sdp);
  ASSERT_TRUE(answered) << answered.error().message;
  const auto old_ufrag = answered->media[0].transport.ice_ufrag.value_or("");
  ASSERT_FALSE(old_ufrag.empty());

  // A trickle naming the sender's current ufrag: 204, same ETag.
  auto trickle = manager_->patch_session(
      answer.session_id, "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
                         "a=mid:0\r\na=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host\r\n");
  ASSERT_TRUE(std::holds_alternative<signaling::WhipPatchOutcome>(trickle));
  EXPECT_FALSE(std::get<signaling::WhipPatchOutcome>(trickle).ice_restart);
  EXPECT_EQ(manager_->session_etag(answer.session_id), answer.etag);

  // New credentials: an ICE restart, 200 with our new credentials and candidates, new ETag.
  auto restart = manager_->patch_session(answer.session_id,
                                         "a=ice-ufrag:wxyz\r\na=ice-pwd:0123456789abcdefghijkl\r\n"
                                         "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n"
                                         "a=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host\r\na=end-of-candidates\r\n");
  ASSERT_TRUE(std::holds_alternative<signaling::WhipPatchOutcome>(restart));
  const auto& outcome = std::get<signaling::WhipPatchOutcome>(restart);
  EXPECT_TRUE(outcome.ice_restart);
  EXPECT_NE(outcome.etag, answer.etag);
  EXPECT_EQ(manager_->session_etag(answer.session_id), outcome.etag);
  const auto fragment = sdp::parse_sdp_fragment(outcome.sdpfrag);
  ASSERT_TRUE(fragment) << fragment.error().message << "\n" << outcome.sdpfrag;
  ASSERT_TRUE(fragment->ice_ufrag && fragment->ice_pwd) << outcome.sdpfrag;
  EXPECT_NE(*fragment->ice_ufrag, old_ufrag);
  EXPECT_FALSE(fragment->candidates.empty()) << outcome.sdpfrag;
  for (const auto& c : fragment->candidates) EXPECT_EQ(c.mid, "0");
  EXPECT_TRUE(fragment->end_of_candidates);
  EXPECT_EQ(manager_->status(false)["sessions"][0]["ice"]["restarts"], 1);

  // The restarted credentials are now the current ones: repeating them is a trickle.
  auto again = manager_->patch_session(answer.session_id, "a=ice-ufrag:wxyz\r\na=ice-pwd:0123456789abcdefghijkl\r\n");
  ASSERT_TRUE(std::holds_alternative<signaling::WhipPatchOutcome>(again));
  EXPECT_FALSE(std::get<signaling::WhipPatchOutcome>(again).ice_restart);

  const auto failure_status = [&](const std::string& id, const std::string& body) {
    const auto result = manager_->patch_session(id, body);
    const auto* failure = std::get_if<signaling::WhipFailure>(&result);
    return failure ? failure->status : http::status::ok;
  };
  EXPECT_EQ(failure_status(answer.session_id, "a=ice-ufrag:only-the-ufrag\r\n"), http::status::bad_request);
  EXPECT_EQ(failure_status(answer.session_id, "garbage\r\n"), http::status::bad_request);
  EXPECT_EQ(failure_status("0123456789abcdef", "a=end-of-candidates\r\n"), http::status::not_found);
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
  const auto first = create(valid_offer());  // nobody on screen to ask: admitted
  const auto second = create(valid_offer());  // waits for the first presenter's approval
  ASSERT_TRUE(std::holds_alternative<signaling::WhipAnswer>(first));
  ASSERT_TRUE(std::holds_alternative<signaling::WhipAnswer>(second));
  const auto first_id = std::get<signaling::WhipAnswer>(first).session_id;
  const auto second_id = std::get<signaling::WhipAnswer>(second).session_id;

  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (ended.empty() && std::chrono::steady_clock::now() < deadline) {
    io_.run_for(10ms);
    io_.restart();
  }
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
  ASSERT_TRUE(std::holds_alternative<signaling::WhipAnswer>(first));
  ASSERT_TRUE(std::holds_alternative<signaling::WhipAnswer>(second));
  const auto first_id = std::get<signaling::WhipAnswer>(first).session_id;
  io_.run_for(20ms);
  io_.restart();
  EXPECT_TRUE(ended.empty());
  EXPECT_EQ(manager_->session_count(), 2u);
  std::vector<std::string> states;
  const auto status = manager_->status(false);
  for (const auto& s : status["sessions"]) states.push_back(s["admission"]);
  std::sort(states.begin(), states.end());
  EXPECT_EQ(states, (std::vector<std::string>{"admitted", "waiting_for_media"}));

  // A place that frees up is the waiting newcomer's at once.
  ASSERT_TRUE(manager_->end_session(first_id, EndReason::removed, "removed by an admin"));
  io_.run_for(20ms);
  io_.restart();
  ASSERT_EQ(manager_->session_count(), 1u);
  EXPECT_EQ(manager_->status(false)["sessions"][0]["admission"], "admitted");
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0], std::make_pair(first_id, EndReason::removed));
}

// A layer that throws while a session is set up (here the DTLS transport, given an identity
// without a key) ends that session only, with a 500, a log line and a count.
TEST_F(SessionManagerTest, ASetupThatThrowsAnswers500AndTheManagerServesOn) {
  auto broken = std::make_shared<crypto::Identity>(
      crypto::generate_self_signed(crypto::KeyType::ecdsa_p256, {"presentd-test"}, std::chrono::hours(1)));
  broken->private_key.reset();
  manager_ = std::make_unique<SessionManager>(io_, pump_, broken, settings(), AdmissionSettings{});
  const auto before = internal_error_count(ErrorSite::session);
  const auto result = create(valid_offer());
  EXPECT_EQ(status_of(result), http::status::internal_server_error);
  EXPECT_EQ(internal_error_count(ErrorSite::session), before + 1);
  io_.run_for(20ms);
  io_.restart();
  EXPECT_EQ(manager_->session_count(), 0u);

  make_manager(settings());  // the same offer with a usable identity is served
  EXPECT_EQ(status_of(create(valid_offer())), http::status::created);
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

// Trickled candidates are capped per session (kMaxRemoteCandidates): past the cap a PATCH is
// refused with 422 and nothing is added; an ICE restart starts a new count.
TEST_F(SessionManagerTest, TrickledCandidatesAreCappedPerSession) {
  make_manager(settings());
  const auto created = create(valid_offer());
  ASSERT_EQ(status_of(created), http::status::created);
  const auto id = std::get<signaling::WhipAnswer>(created).session_id;
  const auto patch_status = [&](const std::string& fragment) {
    const auto result = manager_->patch_session(id, fragment);
    const auto* failure = std::get_if<signaling::WhipFailure>(&result);
    return failure ? failure->status : http::status::no_content;
  };
  constexpr int kPerPatch = 32;
  int accepted = 0;
  for (int patch = 0; patch < 10; ++patch) {
    if (patch_status(trickle_of(kPerPatch, 20000 + patch * kPerPatch)) != http::status::no_content) break;
    accepted += kPerPatch;
  }
  EXPECT_EQ(accepted, static_cast<int>(kMaxRemoteCandidates / kPerPatch * kPerPatch));
  EXPECT_EQ(patch_status(trickle_of(1, 30000)), http::status::unprocessable_entity);
  EXPECT_EQ(manager_->session_count(), 1u);  // refused, not ended
  // New credentials: an ICE restart with a fresh check list takes candidates again.
  auto restart = manager_->patch_session(id,
                                         "a=ice-ufrag:wxyz\r\na=ice-pwd:0123456789abcdefghijkl\r\n"
                                         "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n");
  ASSERT_TRUE(std::holds_alternative<signaling::WhipPatchOutcome>(restart));
  const auto after = manager_->patch_session(
      id,
      "a=ice-ufrag:wxyz\r\na=ice-pwd:0123456789abcdefghijkl\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n"
      "a=candidate:1 1 udp 2130706431 127.0.0.1 30001 typ host\r\n");
  EXPECT_TRUE(std::holds_alternative<signaling::WhipPatchOutcome>(after));
}

// A session created by another adapter (Jingle: its context names an origin) holds no WHIP
// credential, so WHIP must not reach it: no ETag, and PATCH/DELETE through the real WHIP
// endpoint answer 404 while the session carries on.
TEST_F(SessionManagerTest, ARemoteSessionCannotBePatchedOrDeletedThroughWhip) {
  make_manager(settings());
  const auto created = create(valid_offer(), "xmpp:alice@example.net/phone");
  ASSERT_EQ(status_of(created), http::status::created);
  const auto id = std::get<signaling::WhipAnswer>(created).session_id;
  EXPECT_EQ(manager_->session_etag(id), std::nullopt);

  ManualClock clock;
  signaling::WhipEndpoint endpoint(clock, *manager_, {});  // no authorizer: only the host decides
  signaling::HttpRouter router;
  endpoint.register_routes(router);
  const auto call = [&](http::verb method, const std::string& body, std::map<std::string, std::string> headers) {
    signaling::Request request{method, "/whip/" + id, 11};
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = body;
    request.prepare_payload();
    signaling::RequestContext context;
    context.remote = {boost::asio::ip::make_address("127.0.0.1"), 40001};
    std::optional<signaling::Response> out;
    router.dispatch(request, context, [&](signaling::Response r) { out = std::move(r); });
    return out ? out->result() : http::status::internal_server_error;
  };
  EXPECT_EQ(call(http::verb::patch, "a=end-of-candidates\r\n",
                 {{"Content-Type", "application/trickle-ice-sdpfrag"}, {"If-Match", "*"}}),
            http::status::not_found);
  EXPECT_EQ(call(http::verb::delete_, "", {}), http::status::not_found);
  EXPECT_EQ(manager_->session_count(), 1u);
  // The Jingle handler itself still reaches it through the host interface.
  EXPECT_TRUE(manager_->delete_session(id));
}

}  // namespace
}  // namespace presentd::session

namespace presentd::session {
namespace {

// One source fills its own share of the waiting list, not everyone's: a third newcomer from an
// address that already has two waiting gets 429, while another address still gets a place in
// the list (room-wide limit 4).
TEST_F(SessionManagerTest, OneSourceCannotFillTheWaitingListForEveryone) {
  const AdmissionSettings admission{config::AdmissionMode::approve, 4, config::WhenFull::replace, 60s, 4};
  make_manager(settings(), admission);
  ASSERT_EQ(status_of(create(valid_offer(), {}, "10.0.0.1")), http::status::created);   // on screen: nobody to ask
  EXPECT_EQ(status_of(create(valid_offer(), {}, "10.0.0.66")), http::status::created);  // waits for approval
  EXPECT_EQ(status_of(create(valid_offer(), {}, "10.0.0.66")), http::status::created);  // a reload: still fine
  const auto third = create(valid_offer(), {}, "10.0.0.66");
  ASSERT_EQ(status_of(third), http::status::too_many_requests);
  EXPECT_EQ(std::get<signaling::WhipFailure>(third).retry_after_s, 10);
  // The same limit counts a remote presenter by its JID, not by the server's address.
  EXPECT_EQ(status_of(create(valid_offer(), "guest@example.org/a", "10.0.0.66")), http::status::created);
  EXPECT_EQ(status_of(create(valid_offer(), {}, "10.0.0.2")), http::status::created);
  // Now the room-wide list (4) is full: anyone else waits for a place in it.
  EXPECT_EQ(status_of(create(valid_offer(), {}, "10.0.0.3")), http::status::service_unavailable);
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
  ASSERT_TRUE(std::holds_alternative<signaling::WhipAnswer>(first));
  const auto first_id = std::get<signaling::WhipAnswer>(first).session_id;
  ASSERT_TRUE(std::holds_alternative<signaling::WhipAnswer>(create(valid_offer())));
  // What the first presenter's page would be shown: the newcomer's open approval request.
  std::string request_id;
  for (const auto& event :
       manager_->events_for_new_subscriber(first_id).value_or(std::vector<signaling::ChannelEvent>{})) {
    if (event.name == "approval_request") request_id = event.data.value("request_id", "");
  }
  ASSERT_FALSE(request_id.empty());

  const auto answer = manager_->answer_approval(first_id, request_id, true);
  EXPECT_EQ(answer.status, http::status::ok);
  io_.run_for(20ms);
  io_.restart();
  EXPECT_TRUE(ended.empty()) << "the presenter on screen was replaced before the newcomer's media flowed";
  std::vector<std::string> states;
  const auto status = manager_->status(false);
  for (const auto& session : status["sessions"]) states.push_back(session["admission"]);
  std::sort(states.begin(), states.end());
  EXPECT_EQ(states, (std::vector<std::string>{"admitted", "waiting_for_media"}));
  // The approval is settled: answering it again finds nothing.
  EXPECT_EQ(manager_->answer_approval(first_id, request_id, true).status, http::status::not_found);
}

}  // namespace
}  // namespace presentd::session
