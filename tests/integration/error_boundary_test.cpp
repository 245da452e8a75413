// SPDX-License-Identifier: Apache-2.0
// The error boundary with the real daemon (docs/architecture.md, "Error boundary"): offers that
// one layer accepted and the next could not use, POSTed over real HTTPS while a real GStreamer
// sender presents, must get their own 4xx (or a session of their own) and leave the daemon and
// the presenter alone; and a newcomer to a full room takes nobody's place until its media flows.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/child_process.hpp"
#include "support/https_client.hpp"
#include "support/namespace_daemon.hpp"
#include "support/poll_json.hpp"
#include "support/prometheus_text.hpp"

namespace presentd::test {
namespace {

using namespace std::chrono_literals;
constexpr unsigned short kPort = 8443;
const std::string kSender = std::string(PRESENTD_SOURCE_DIR) + "/tests/integration/webrtc/gst_whip_sender.py";

// A fingerprint value of `octets` colon-separated octets.
std::string octets(std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += (i == 0 ? "" : ":") + std::string("5A");
  return out;
}

// A VP8 offer as GStreamer's webrtcbin writes one, with the given session- and media-level
// a=fingerprint lines. Its one candidate is an address of the test's network that nobody holds:
// ICE can never complete, as with a sender behind a firewall.
std::string offer(const std::vector<std::string>& session_fingerprints,
                  const std::vector<std::string>& media_fingerprints) {
  std::string sdp = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n";
  for (const auto& line : session_fingerprints) sdp += "a=fingerprint:" + line + "\r\n";
  sdp +=
      "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n"
      "a=ice-ufrag:Xq3b\r\na=ice-pwd:Wm5ZkPq8rT2vLc9NhY4dFs7J\r\na=setup:actpass\r\na=sendonly\r\n"
      "a=rtcp-mux\r\na=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack pli\r\n"
      "a=candidate:1 1 UDP 2015363327 10.200.0.77 40000 typ host\r\na=end-of-candidates\r\n";
  for (const auto& line : media_fingerprints) sdp += "a=fingerprint:" + line + "\r\n";
  return sdp;
}

class ErrorBoundary : public NamespaceDaemonTest {
protected:
  void start(const std::string& extra_sections = "") { start_daemon({kPort, "2468", extra_sections}); }

  std::filesystem::path certificate() const { return dir_.path() / "state/tls/https-certificate.pem"; }

  HttpResult get(const std::string& target) {
    return https_request("GET", network_->box_address, kPort, target, certificate());
  }
  nlohmann::json status() { return nlohmann::json::parse(get("/api/v1/status").body); }

  // The WHIP POST's status; 0 when the connection broke (the daemon died under it).
  int post_offer(const std::string& sdp) {
    try {
      return https_request("POST", network_->box_address, kPort, "/whip", certificate(), sdp,
                           {{"Content-Type", "application/sdp"}, {"Authorization", "Bearer 2468"}})
          .status;
    } catch (const std::exception&) {
      return 0;
    }
  }

  std::unique_ptr<ChildProcess> start_sender(const std::string& pattern, const std::string& log_name) {
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{"/usr/bin/python3", kSender, "--url",
                                 "https://" + network_->box_address + ":" + std::to_string(kPort) + "/whip", "--ca",
                                 certificate().string(), "--token", "2468", "--pattern", pattern, "--duration", "90"},
        std::map<std::string, std::string>{}, dir_.path() / log_name);
  }

  // The session with the first decoded video, as {id, frames_decoded}; empty id when none.
  static std::pair<std::string, int> presenting(const nlohmann::json& s) {
    for (const auto& session : s["sessions"]["sessions"]) {
      if (!session.contains("video") || session["video"].empty()) continue;
      const int frames = session["video"][0].value("frames_decoded", 0);
      if (frames > 0) return {session["id"].get<std::string>(), frames};
    }
    return {"", 0};
  }

  // Waits until some session has decoded `frames` pictures; returns it.
  std::pair<std::string, int> wait_for_frames(int frames, std::chrono::seconds limit) {
    const auto last = poll_json([this] { return status(); },
                                [frames](const nlohmann::json& s) { return presenting(s).second >= frames; }, limit);
    return presenting(last);
  }

  // The presenter `id` decodes `more` pictures beyond `from`, staying the one on screen.
  void expect_still_presenting(const std::string& id, int from, int more) {
    const auto now = wait_for_frames(from + more, 20s);
    EXPECT_EQ(now.first, id) << status().dump(2);
    EXPECT_GE(now.second, from + more) << status().dump(2);
  }

  double internal_errors() { return parse_prometheus_text(get("/metrics").body).sum("presentd_internal_errors_total"); }
};

TEST_F(ErrorBoundary, TheReportedOfferIsRefusedAndTheDaemonServesOn) {
  // The report: a=fingerprint:sha-1 passed the SDP layer, the DTLS layer threw "the offer has no
  // usable a=fingerprint" and the exception ended the process.
  start();
  EXPECT_EQ(post_offer(offer({}, {"sha-1 " + octets(20)})), 400);
  ASSERT_TRUE(daemon_->running()) << read_file(dir_.path() / "presentd.log");
  EXPECT_EQ(status()["sessions"]["active"], 0);
  // Refused by the one rule, not caught after the fact: nothing reached the boundary (whose
  // counter is there, per site, from the start).
  const auto metrics = parse_prometheus_text(get("/metrics").body);
  for (const auto* site : {"event_loop", "session", "decoder", "render", "snapshot"}) {
    EXPECT_EQ(metrics.value("presentd_internal_errors_total", {{"site", site}}), 0.0) << site;
  }
  EXPECT_NE(read_file(dir_.path() / "presentd.log").find("no usable a=fingerprint"), std::string::npos);
}

TEST_F(ErrorBoundary, OddFingerprintsGetTheirOwnAnswerWhileAnotherPresenterPresents) {
  start();
  auto presenter = start_sender("red", "presenter.log");
  const auto [id, frames] = wait_for_frames(30, 30s);
  ASSERT_FALSE(id.empty()) << read_file(dir_.path() / "presenter.log");

  const std::string good = "sha-256 " + octets(32);
  struct Case {
    std::string what;
    std::vector<std::string> session_level, media_level;
    bool usable;  // 201 and a session of its own (which never connects), else a 4xx
  };
  const std::vector<Case> cases{
      {"unknown algorithm", {}, {"sha-3 " + octets(32)}, false},
      {"md5", {}, {"md5 " + octets(16)}, false},
      {"sha-1", {}, {"sha-1 " + octets(20)}, false},
      {"sha-224", {}, {"sha-224 " + octets(28)}, false},
      {"sha-256 of the wrong length", {}, {"sha-256 " + octets(20)}, false},
      {"sha-256 that is not hex", {}, {"sha-256 " + std::string(95, 'Z')}, false},
      {"sha-1 and sha-256", {}, {"sha-1 " + octets(20), good}, true},
      {"sha-512 in upper case", {}, {"SHA-512 " + octets(64)}, true},
      {"session level only", {good}, {}, true},
      {"a bad media level hiding a good session level", {good}, {"sha-1 " + octets(20)}, false},
  };
  int sessions = 1;
  for (const auto& c : cases) {
    const int code = post_offer(offer(c.session_level, c.media_level));
    ASSERT_TRUE(daemon_->running()) << c.what << "\n" << read_file(dir_.path() / "presentd.log");
    if (c.usable) {
      EXPECT_EQ(code, 201) << c.what;
      ++sessions;
    } else {
      EXPECT_GE(code, 400) << c.what;
      EXPECT_LT(code, 500) << c.what;
    }
  }
  // The refused ones left nothing behind; the usable ones wait for ICE that never comes (10 s).
  EXPECT_EQ(status()["sessions"]["active"], sessions);
  // The presenter never noticed: still on screen, still decoding (2 s more at 30 fps).
  expect_still_presenting(id, frames, 60);
  EXPECT_EQ(internal_errors(), 0);
  presenter->signal(SIGUSR2);
  EXPECT_EQ(presenter->wait_for_exit(30s), 0) << read_file(dir_.path() / "presenter.log");
}

// Item 6: one place, when_full "replace".
constexpr const char* kOnePlace = R"("admission": {"max_presenters": 1, "when_full": "replace"},)";

TEST_F(ErrorBoundary, ANewcomerThatNeverConnectsReplacesNobody) {
  start(kOnePlace);
  auto presenter = start_sender("red", "presenter.log");
  const auto [id, frames] = wait_for_frames(30, 30s);
  ASSERT_FALSE(id.empty()) << read_file(dir_.path() / "presenter.log");

  // A valid offer whose only candidate points nowhere: answered, but it waits off screen.
  ASSERT_EQ(post_offer(offer({}, {"sha-256 " + octets(32)})), 201);
  const auto waiting = status();
  ASSERT_EQ(waiting["sessions"]["active"], 2) << waiting.dump(2);
  for (const auto& session : waiting["sessions"]["sessions"]) {
    EXPECT_EQ(session["admission"], session["id"] == id ? "admitted" : "waiting_for_media") << waiting.dump(2);
  }
  // Meanwhile the presenter's frames keep coming, and the newcomer ends by itself (ICE never
  // connects: end_after, 10 s) without having taken anything.
  expect_still_presenting(id, frames, 60);
  const auto after =
      poll_json([this] { return status(); }, [](const nlohmann::json& s) { return s["sessions"]["active"] == 1; }, 30s);
  ASSERT_EQ(after["sessions"]["active"], 1) << after.dump(2);
  EXPECT_EQ(after["sessions"]["sessions"][0]["id"], id) << after.dump(2);
  EXPECT_EQ(after["sessions"]["sessions"][0]["admission"], "admitted");
  const auto log = read_file(dir_.path() / "presentd.log");
  // Whichever notices first: libnice's failed checks or the session's 10 s of silence.
  EXPECT_TRUE(log.find("ICE did not connect") != std::string::npos ||
              log.find("ICE failed: no network path") != std::string::npos)
      << log;
  EXPECT_EQ(log.find("replaced by another presenter"), std::string::npos) << log;
  expect_still_presenting(id, presenting(after).second, 30);
  presenter->signal(SIGUSR2);
  EXPECT_EQ(presenter->wait_for_exit(30s), 0) << read_file(dir_.path() / "presenter.log");
}

TEST_F(ErrorBoundary, ANewcomerWhoseMediaFlowsReplacesTheOldestPresenter) {
  start(kOnePlace);
  auto first = start_sender("red", "first.log");
  const auto [first_id, frames] = wait_for_frames(30, 30s);
  ASSERT_FALSE(first_id.empty()) << read_file(dir_.path() / "first.log");

  auto second = start_sender("blue", "second.log");
  // Once the second sender's media flows it takes the place: the first session ends as
  // replaced and the second one's pictures are decoded.
  const auto replaced =
      poll_json([this] { return status(); },
                [&](const nlohmann::json& s) {
                  const auto [id, decoded] = presenting(s);
                  return !id.empty() && id != first_id && decoded >= 30 && s["sessions"]["active"] == 1;
                },
                40s);
  const auto [second_id, second_frames] = presenting(replaced);
  EXPECT_FALSE(second_id.empty()) << replaced.dump(2) << read_file(dir_.path() / "second.log");
  EXPECT_NE(second_id, first_id) << replaced.dump(2);
  EXPECT_GE(second_frames, 30) << replaced.dump(2);
  EXPECT_EQ(replaced["sessions"]["active"], 1) << replaced.dump(2);
  EXPECT_EQ(replaced["sessions"]["started_total"], 2);
  EXPECT_NE(read_file(dir_.path() / "presentd.log").find("media flows; admitted"), std::string::npos);
  first->signal(SIGKILL);
  first->wait_for_exit(5s);
  second->signal(SIGUSR2);
  EXPECT_EQ(second->wait_for_exit(30s), 0) << read_file(dir_.path() / "second.log");
}

}  // namespace
}  // namespace presentd::test
