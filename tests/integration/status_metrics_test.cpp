// SPDX-License-Identifier: Apache-2.0
// GET /api/v1/status and GET /metrics of the real daemon while a real WebRTC sender (GStreamer's
// webrtcbin over WHIP) presents, inside a network namespace of the test's own: the presenter
// appears with its codec, picture size, frame rate and bitrate; the Prometheus counters move
// with the media and count the session's start and end by reason; the exposition passes both
// our strict reader and Prometheus' own promtool.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "presentd/common/meeting_id.hpp"
#include "support/child_process.hpp"
#include "support/https_client.hpp"
#include "support/network_namespace.hpp"
#include "support/notify_socket.hpp"
#include "support/poll_json.hpp"
#include "support/prometheus_text.hpp"
#include "support/sanitizer_build.hpp"
#include "support/temp_dir.hpp"

namespace presentd::test {
namespace {

using namespace std::chrono_literals;
constexpr unsigned short kPort = 8443;
const std::string kPin = "8642";
const std::string kSender = std::string(PRESENTD_SOURCE_DIR) + "/tests/integration/webrtc/gst_whip_sender.py";

class StatusAndMetrics : public ::testing::Test {
protected:
  void SetUp() override {
    std::string why;
    network_ = enter_private_network(why);
    ASSERT_TRUE(network_) << why;
    const auto config = dir_.write("presentd.json", R"({
      "room": {"name": "Room \"7\" \\ east"},
      "network": {"bind_address": ")" + network_->box_address +
                                                        R"(", "https_port": )" + std::to_string(kPort) + R"(},
      "pin": {"policy": "fixed", "length": 4, "fixed": ")" +
                                                        kPin + R"("},
      "admission": {"max_presenters": 2, "when_full": "refuse"},
      "display": {"driver": "dummy"},
      "discovery": {"presentd_service": false, "https_service": false},
      "daemon": {"state_directory": ")" + (dir_.path() / "state").string() +
                                                        R"("}
    })");
    daemon_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{PRESENTD_BINARY, "--config", config.string()},
        std::map<std::string, std::string>{{"NOTIFY_SOCKET", notify_.path().string()}, {"SDL_AUDIODRIVER", "dummy"}},
        dir_.path() / "presentd.log");
    ASSERT_TRUE(notify_.wait_for("READY=1", 20s)) << read_file(dir_.path() / "presentd.log");
  }

  void TearDown() override {
    if (daemon_ && daemon_->running()) {
      daemon_->signal(SIGTERM);
      EXPECT_EQ(daemon_->wait_for_exit(daemon_stop_bound(3s)), 0);
    }
    if (HasFailure()) std::printf("--- presentd log ---\n%s\n", read_file(dir_.path() / "presentd.log").c_str());
  }

  HttpResult get(const std::string& target) {
    return https_request("GET", network_->box_address, kPort, target, dir_.path() / "state/tls/https-certificate.pem");
  }

  nlohmann::json status() { return nlohmann::json::parse(get("/api/v1/status").body); }

  // One scrape, read strictly (a broken exposition fails the test here).
  PrometheusText scrape() {
    const auto result = get("/metrics");
    EXPECT_EQ(result.status, 200);
    EXPECT_EQ(result.headers.at("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    last_metrics_text_ = result.body;
    return parse_prometheus_text(result.body);
  }

  // Prometheus' own checker (promtool from Debian's prometheus package) on the last scrape.
  void expect_promtool_accepts_last_scrape() {
    const auto file = dir_.write("metrics.txt", last_metrics_text_);
    const auto [code, output] = run_command({"/bin/sh", "-c", "promtool check metrics < " + file.string()});
    EXPECT_EQ(code, 0) << output << "\n" << last_metrics_text_;
  }

  std::unique_ptr<ChildProcess> start_sender(std::vector<std::string> extra, const std::string& log) {
    std::vector<std::string> argv{"/usr/bin/python3",
                                  kSender,
                                  "--url",
                                  "https://" + network_->box_address + ":" + std::to_string(kPort) + "/whip",
                                  "--ca",
                                  (dir_.path() / "state/tls/https-certificate.pem").string(),
                                  "--token",
                                  kPin};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return std::make_unique<ChildProcess>(argv, std::map<std::string, std::string>{}, dir_.path() / log);
  }

  template <class Predicate>
  nlohmann::json wait_for_status(Predicate done, std::chrono::seconds limit) {
    return poll_json([this] { return status(); }, done, limit);
  }

  TempDir dir_;
  NotifySocket notify_{dir_.path() / "notify.sock"};
  std::optional<PrivateNetwork> network_;
  std::unique_ptr<ChildProcess> daemon_;
  std::string last_metrics_text_;
};

TEST_F(StatusAndMetrics, IdleBoxDescribesTheRoomWithoutThePin) {
  const auto result = get("/api/v1/status");
  ASSERT_EQ(result.status, 200);
  EXPECT_EQ(result.body.find(kPin), std::string::npos) << result.body;  // never the PIN
  const auto idle = nlohmann::json::parse(result.body);
  EXPECT_EQ(idle["room"]["name"], "Room \"7\" \\ east");
  EXPECT_EQ(idle["state"], "idle");
  EXPECT_TRUE(idle["version"].is_string());
  EXPECT_GE(idle["uptime_seconds"].get<int>(), 0);
  const auto& addresses = idle["addresses"];
  EXPECT_NE(std::find(addresses.begin(), addresses.end(), network_->box_address), addresses.end()) << idle.dump(2);
  const auto& urls = idle["urls"];
  ASSERT_EQ(urls.size(), 1u) << idle.dump(2);  // bound to one address: that one only
  EXPECT_EQ(urls[0], "https://" + network_->box_address + ":8443/");
  // The meeting ID names the box's address (10.200.0.1), reversibly.
  ASSERT_TRUE(idle["meeting_id"].is_string()) << idle.dump(2);
  EXPECT_EQ(common::decode_meeting_id(idle["meeting_id"].get<std::string>()), (10u << 24) | (200u << 16) | 1u);
  EXPECT_EQ(idle["pin"], (nlohmann::json{{"policy", "fixed"}, {"required", true}}));
  EXPECT_EQ(idle["admission"], (nlohmann::json{{"mode", "auto"}, {"max_presenters", 2}, {"when_full", "refuse"}}));
  EXPECT_TRUE(idle["presenters"].empty());

  const auto metrics = scrape();
  EXPECT_EQ(metrics.value("presentd_sessions_started_total"), 0.0);
  EXPECT_EQ(metrics.value("presentd_sessions_active"), 0.0);
  EXPECT_EQ(metrics.value("presentd_sessions_ended_total", {{"reason", "stopped"}}), 0.0);
  EXPECT_EQ(metrics.value("presentd_pin_failures_total"), 0.0);
  EXPECT_EQ(metrics.value("presentd_pin_lockouts_total"), 0.0);
  EXPECT_EQ(metrics.types.at("presentd_decode_duration_seconds"), "histogram");
  EXPECT_GT(*metrics.value("presentd_start_time_seconds"), 1.6e9);
  expect_promtool_accepts_last_scrape();
}

TEST_F(StatusAndMetrics, APresentationShowsInStatusAndMetricsAndItsEndIsCounted) {
  auto sender = start_sender(
      {"--codec", "vp8", "--pattern", "smpte", "--width", "320", "--height", "240", "--duration", "60"}, "sender.log");
  const auto live = wait_for_status(
      [](const nlohmann::json& s) {
        const auto& presenters = s["presenters"];
        return !presenters.empty() && presenters[0]["fps"].is_number() && presenters[0]["fps"].get<double>() > 0 &&
               presenters[0]["frames_decoded"].get<int>() >= 60;
      },
      40s);
  ASSERT_EQ(live["presenters"].size(), 1u) << live.dump(2) << read_file(dir_.path() / "sender.log");
  const auto& presenter = live["presenters"][0];
  EXPECT_EQ(live["state"], "presenting");
  EXPECT_EQ(presenter["state"], "live") << presenter.dump(2);
  EXPECT_EQ(presenter["id"].get<std::string>().size(), 8u);  // a handle, not the session's capability
  EXPECT_TRUE(presenter["name"].is_string());
  EXPECT_EQ(presenter["codec"], "vp8");
  EXPECT_EQ(presenter["resolution"], (nlohmann::json{{"width", 320}, {"height", 240}})) << presenter.dump(2);
  EXPECT_GT(presenter["fps"].get<double>(), 0) << presenter.dump(2);
  EXPECT_LE(presenter["fps"].get<double>(), 60) << presenter.dump(2);  // the sender sends 30
  EXPECT_GT(presenter["bitrate_bps"].get<double>(), 10'000) << presenter.dump(2);
  EXPECT_GE(presenter["loss_fraction"].get<double>(), 0);
  EXPECT_LE(presenter["loss_fraction"].get<double>(), 1);
  EXPECT_GE(presenter["jitter_ms"].get<double>(), 0);
  EXPECT_TRUE(presenter.contains("rtt_ms"));  // null unless the sender answers RTCP XR (docs)
  EXPECT_GE(presenter["nacks_sent"].get<int>(), 0);
  EXPECT_GE(presenter["plis_sent"].get<int>(), 0);
  EXPECT_EQ(presenter["packets_lost"], 0);  // nothing is lost inside the namespace
  EXPECT_GT(presenter["decode_ms"]["p50"].get<double>(), 0) << presenter.dump(2);
  EXPECT_GE(presenter["decode_ms"]["p99"].get<double>(), presenter["decode_ms"]["p50"].get<double>());

  const auto first = scrape();
  EXPECT_EQ(first.value("presentd_sessions_started_total"), 1.0);
  EXPECT_EQ(first.value("presentd_sessions_active"), 1.0);
  const double decoded = *first.value("presentd_frames_decoded_total");
  EXPECT_GE(decoded, 60);
  EXPECT_GT(*first.value("presentd_rtp_packets_received_total"), decoded);  // a frame is at least a packet
  EXPECT_GT(*first.value("presentd_rtp_bytes_received_total"),
            *first.value("presentd_rtp_packets_received_total") * 12);
  const double timed = *first.value("presentd_decode_duration_seconds_count", {{"codec", "vp8"}});
  EXPECT_GT(timed, 0);
  EXPECT_LE(timed, decoded);  // every timed picture is a decoded frame
  EXPECT_GT(*first.value("presentd_decode_duration_seconds_sum", {{"codec", "vp8"}}), 0);
  expect_promtool_accepts_last_scrape();

  // A 404 between two scrapes: exactly one more 4xx response (the scrapes themselves are 2xx);
  // and the frame counter moves on while the presentation runs.
  EXPECT_EQ(get("/no/such/page").status, 404);
  PrometheusText later;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  do {
    later = scrape();
  } while (*later.value("presentd_frames_decoded_total") <= decoded && std::chrono::steady_clock::now() < deadline);
  EXPECT_GT(*later.value("presentd_frames_decoded_total"), decoded);
  EXPECT_EQ(*later.value("presentd_http_responses_total", {{"code", "4xx"}}),
            *first.value("presentd_http_responses_total", {{"code", "4xx"}}) + 1);
  EXPECT_GT(*later.value("presentd_http_responses_total", {{"code", "2xx"}}),
            *first.value("presentd_http_responses_total", {{"code", "2xx"}}));

  // Told to stop, the sender DELETEs its session: the presenter is gone and the end is counted
  // as "stopped".
  sender->signal(SIGUSR2);
  ASSERT_EQ(sender->wait_for_exit(40s), 0) << read_file(dir_.path() / "sender.log");
  const auto after = wait_for_status([](const nlohmann::json& s) { return s["presenters"].empty(); }, 10s);
  EXPECT_TRUE(after["presenters"].empty()) << after.dump(2);
  EXPECT_EQ(after["state"], "idle");
  const auto ended = scrape();
  EXPECT_EQ(ended.value("presentd_sessions_started_total"), 1.0);
  EXPECT_EQ(ended.value("presentd_sessions_ended_total", {{"reason", "stopped"}}), 1.0) << last_metrics_text_;
  EXPECT_EQ(ended.sum("presentd_sessions_ended_total"), 1.0);
  EXPECT_EQ(ended.sum("presentd_sessions_failed_total"), 0.0);
  EXPECT_EQ(ended.value("presentd_sessions_active"), 0.0);
  // The session's figures stay in the totals after it is gone.
  EXPECT_GE(*ended.value("presentd_frames_decoded_total"), *later.value("presentd_frames_decoded_total"));
  expect_promtool_accepts_last_scrape();
}

TEST_F(StatusAndMetrics, ChromiumAnswersOurXrReferenceTimeSoTheRoundTripIsMeasured) {
  // Headless Chromium shares its fake screen; its RTCP answers our RFC 3611 RRTR with DLRR, and
  // inside the namespace the round trip is a few milliseconds (generous bound for busy CI).
  ChildProcess chromium(
      {"/usr/bin/env", "NODE_PATH=" PRESENTD_NODE_MODULES, "node",
       std::string(PRESENTD_SOURCE_DIR) + "/tests/integration/webrtc/chromium_whip_sender.js", "--url",
       "https://" + network_->box_address + ":" + std::to_string(kPort) + "/whip", "--token", kPin, "--duration", "60"},
      {}, dir_.path() / "chromium.log");
  const auto live = wait_for_status(
      [](const nlohmann::json& s) { return !s["presenters"].empty() && s["presenters"][0]["rtt_ms"].is_number(); },
      90s);
  ASSERT_FALSE(live["presenters"].empty()) << read_file(dir_.path() / "chromium.log");
  const auto& presenter = live["presenters"][0];
  ASSERT_TRUE(presenter["rtt_ms"].is_number()) << presenter.dump(2);
  EXPECT_GE(presenter["rtt_ms"].get<double>(), 0);
  EXPECT_LT(presenter["rtt_ms"].get<double>(), 500);
  chromium.signal(SIGUSR2);  // seen what we waited for: stop now
  EXPECT_EQ(chromium.wait_for_exit(90s), 0) << read_file(dir_.path() / "chromium.log");
}

TEST_F(StatusAndMetrics, StopsCleanlyDuringAPresentation) {
  // Sessions still running at SIGTERM are ended and counted while the registry is still alive.
  auto sender = start_sender({"--duration", "30", "--no-delete"}, "sender.log");
  const auto live = wait_for_status(
      [](const nlohmann::json& s) { return !s["presenters"].empty() && s["presenters"][0]["frames_decoded"] >= 30; },
      40s);
  ASSERT_FALSE(live["presenters"].empty()) << read_file(dir_.path() / "sender.log");
  EXPECT_EQ(scrape().value("presentd_sessions_active"), 1.0);  // the collector has seen the live session
  daemon_->signal(SIGTERM);
  EXPECT_EQ(daemon_->wait_for_exit(daemon_stop_bound(5s)), 0) << read_file(dir_.path() / "presentd.log");
}

TEST_F(StatusAndMetrics, FailedSessionsAndRefusedOffersAreCountedByReason) {
  // A bad offer never becomes a session.
  const auto bad =
      https_request("POST", network_->box_address, kPort, "/whip", dir_.path() / "state/tls/https-certificate.pem",
                    "this is not SDP\r\n", {{"Content-Type", "application/sdp"}, {"Authorization", "Bearer " + kPin}});
  EXPECT_EQ(bad.status, 400);
  // A sender whose DTLS fingerprint does not match never gets media through.
  auto impostor = start_sender({"--duration", "30", "--tamper-fingerprint", "--no-delete"}, "impostor.log");
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  PrometheusText metrics;
  while (std::chrono::steady_clock::now() < deadline) {
    metrics = scrape();
    if (metrics.sum("presentd_sessions_failed_total") >= 1) break;
    std::this_thread::sleep_for(200ms);
  }
  impostor->signal(SIGUSR2);
  impostor->wait_for_exit(30s);
  EXPECT_EQ(metrics.value("presentd_offers_rejected_total", {{"reason", "bad_offer"}}), 1.0);
  EXPECT_EQ(metrics.value("presentd_sessions_started_total"), 1.0);
  // The label is the session's EndReason code (session/end_reason.hpp): a fingerprint mismatch is
  // a security event with a label of its own, not "error" and not a network problem.
  EXPECT_EQ(metrics.value("presentd_sessions_failed_total", {{"reason", "dtls_failed"}}), 1.0) << last_metrics_text_;
  EXPECT_EQ(metrics.value("presentd_sessions_failed_total", {{"reason", "error"}}), 0.0) << last_metrics_text_;
  EXPECT_EQ(metrics.value("presentd_sessions_failed_total", {{"reason", "ice_failed"}}), 0.0) << last_metrics_text_;
  EXPECT_EQ(metrics.sum("presentd_sessions_ended_total"), 0.0);
  EXPECT_EQ(metrics.value("presentd_frames_decoded_total"), 0.0);
  expect_promtool_accepts_last_scrape();
}

// A real offer (GStreamer webrtcbin's, tests/vectors/sdp) whose only candidate is `address`:`port`.
std::string offer_with_only_candidate(const std::string& address, unsigned short port) {
  std::ifstream in(std::string(PRESENTD_SOURCE_DIR) + "/tests/vectors/sdp/gstreamer_1_22_h264.sdp");
  std::string sdp;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && !line.starts_with("a=candidate:")) sdp += line + "\r\n";
  }
  return sdp + "a=candidate:1 1 UDP 2015363327 " + address + " " + std::to_string(port) + " typ host\r\n";
}

TEST_F(StatusAndMetrics, ASenderWithNoNetworkPathIsCountedAsIceFailed) {
  // The sender's only candidate is a UDP socket that takes the box's connectivity checks and
  // never answers: what a firewall dropping media traffic looks like from the box.
  const int silent = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(silent, 0);
  sockaddr_in where{};
  where.sin_family = AF_INET;
  ASSERT_EQ(::inet_pton(AF_INET, network_->sender_address.c_str(), &where.sin_addr), 1);
  ASSERT_EQ(::bind(silent, reinterpret_cast<const sockaddr*>(&where), sizeof where), 0);
  socklen_t length = sizeof where;
  ASSERT_EQ(::getsockname(silent, reinterpret_cast<sockaddr*>(&where), &length), 0);
  const auto offer = offer_with_only_candidate(network_->sender_address, ntohs(where.sin_port));

  const auto created =
      https_request("POST", network_->box_address, kPort, "/whip", dir_.path() / "state/tls/https-certificate.pem",
                    offer, {{"Content-Type", "application/sdp"}, {"Authorization", "Bearer " + kPin}});
  ASSERT_EQ(created.status, 201) << created.body;
  // The box did try the path: a STUN Binding request (RFC 5389: type 0x0001, magic cookie) arrives.
  pollfd waiting{silent, POLLIN, 0};
  ASSERT_EQ(::poll(&waiting, 1, 20000), 1) << "no connectivity check from the box";
  std::uint8_t check[1500];
  const auto received = ::recv(silent, check, sizeof check, 0);
  ASSERT_GE(received, 20);
  EXPECT_EQ(check[0], 0x00);
  EXPECT_EQ(check[1], 0x01);
  EXPECT_EQ((std::uint32_t{check[4]} << 24) | (check[5] << 16) | (check[6] << 8) | check[7], 0x2112A442u);

  const auto deadline = std::chrono::steady_clock::now() + 60s;
  PrometheusText metrics;
  while (std::chrono::steady_clock::now() < deadline) {
    metrics = scrape();
    if (metrics.sum("presentd_sessions_failed_total") >= 1) break;
    std::this_thread::sleep_for(200ms);
  }
  ::close(silent);
  EXPECT_EQ(metrics.value("presentd_sessions_failed_total", {{"reason", "ice_failed"}}), 1.0) << last_metrics_text_;
  EXPECT_EQ(metrics.value("presentd_sessions_failed_total", {{"reason", "connection_lost"}}), 0.0)
      << last_metrics_text_;
  EXPECT_EQ(metrics.sum("presentd_sessions_ended_total"), 0.0);

  // The event channel tells a late subscriber the same code (docs/protocol.md, "Event channel").
  const auto location = created.headers.at("Location");
  const auto events = get(location + "/events");
  EXPECT_EQ(events.status, 200);
  EXPECT_NE(events.body.find("\"reason\":\"ice_failed\""), std::string::npos) << events.body;
  expect_promtool_accepts_last_scrape();
}

}  // namespace
}  // namespace presentd::test

namespace presentd::test {
namespace {

// GET /api/v1/status needs no token: a flood of it makes about one body a second, while what a
// reader acts on (a presenter arriving or leaving) shows in the very next answer.
TEST_F(StatusAndMetrics, AStatusFloodMakesOneBodyASecondAndANewPresenterShowsAtOnce) {
  const double made_at_start = *scrape().value("presentd_status_bodies_made_total");
  const auto flood_started = std::chrono::steady_clock::now();
  constexpr int kRequests = 60;
  for (int i = 0; i < kRequests; ++i) ASSERT_EQ(get("/api/v1/status").status, 200);
  const auto flood_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - flood_started).count();
  const double made = *scrape().value("presentd_status_bodies_made_total") - made_at_start;
  EXPECT_GE(made, 1);
  EXPECT_LE(made, std::ceil(flood_seconds) + 1) << kRequests << " requests in " << flood_seconds << " s";

  // A session that will never connect (its one candidate never answers) is a presenter from its 201 on.
  const int silent = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(silent, 0);
  sockaddr_in where{};
  where.sin_family = AF_INET;
  ASSERT_EQ(::inet_pton(AF_INET, network_->sender_address.c_str(), &where.sin_addr), 1);
  ASSERT_EQ(::bind(silent, reinterpret_cast<const sockaddr*>(&where), sizeof where), 0);
  socklen_t length = sizeof where;
  ASSERT_EQ(::getsockname(silent, reinterpret_cast<sockaddr*>(&where), &length), 0);
  ASSERT_TRUE(status()["presenters"].empty());
  const auto certificate = dir_.path() / "state/tls/https-certificate.pem";
  const auto created = https_request("POST", network_->box_address, kPort, "/whip", certificate,
                                     offer_with_only_candidate(network_->sender_address, ntohs(where.sin_port)),
                                     {{"Content-Type", "application/sdp"}, {"Authorization", "Bearer " + kPin}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(status()["presenters"].size(), 1u) << "the answer right after the 201";
  const auto removed = https_request("DELETE", network_->box_address, kPort, created.headers.at("Location"),
                                     certificate, {}, {{"Authorization", "Bearer " + kPin}});
  EXPECT_EQ(removed.status, 200);
  EXPECT_TRUE(status()["presenters"].empty()) << "the answer right after the DELETE";
  ::close(silent);
}

}  // namespace
}  // namespace presentd::test
