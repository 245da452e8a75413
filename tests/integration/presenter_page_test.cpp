// SPDX-License-Identifier: Apache-2.0
// The presenter page (web/) end to end: headless Chromium opens https://BOX/, a person's steps
// are played on it (tests/integration/webrtc/presenter_page.js) and the real presentd binary
// decodes what the page sends. Everything runs in a network namespace of the test's own (ICE
// ignores loopback). Each case costs one Chromium start (~10 s), so each covers a whole story.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "presentd/common/meeting_id.hpp"
#include "support/child_process.hpp"
#include "support/https_client.hpp"
#include "support/namespace_daemon.hpp"
#include "support/network_namespace.hpp"
#include "support/notify_socket.hpp"
#include "support/temp_dir.hpp"

namespace presentd::test {
namespace {

using namespace std::chrono_literals;
constexpr unsigned short kPort = 8443;
constexpr std::string_view kPin = "2468";

class PresenterPage : public NamespaceDaemonTest {
protected:
  // `settings`: extra top-level config sections, e.g. R"("admission": {...},)".
  void start(const std::string& settings) {
    ASSERT_NO_FATAL_FAILURE(start_daemon({kPort, std::string(kPin), settings}));
  }

  // Plays `scenario` on the page; returns the driver's report.
  nlohmann::json play(const std::string& scenario) {
    const auto log = dir_.path() / ("chromium-" + scenario + ".log");
    ChildProcess chromium({"/usr/bin/env", "NODE_PATH=" PRESENTD_NODE_MODULES, "node",
                           std::string(PRESENTD_SOURCE_DIR) + "/tests/integration/webrtc/presenter_page.js", "--box",
                           "https://" + network_->box_address + ":" + std::to_string(kPort), "--pin", std::string(kPin),
                           "--scenario", scenario},
                          {}, log);
    const auto code = chromium.wait_for_exit(240s);
    const auto text = read_file(log);
    EXPECT_EQ(code, 0) << text;
    const auto brace = text.rfind("\n{");
    const auto parsed =
        nlohmann::json::parse(brace == std::string::npos ? text : text.substr(brace + 1), nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << text;
    return parsed.is_discarded() ? nlohmann::json::object() : parsed;
  }

  static const nlohmann::json* presenter(const nlohmann::json& list, std::string_view name) {
    for (const auto& entry : list) {
      if (entry.value("name", "") == name) return &entry;
    }
    return nullptr;
  }
};

class PresenterPageCodec : public PresenterPage, public ::testing::WithParamInterface<std::string> {};

TEST_P(PresenterPageCodec, WrongPinIsReadableThenSharingIsDecodedInThePreferredCodecAndStopFreesTheScreen) {
  // presentd's order decides the codec: the page sets it with setCodecPreferences.
  const auto codecs = GetParam() == "vp8" ? R"(["vp8", "h264"])" : R"(["h264", "vp8"])";
  ASSERT_NO_FATAL_FAILURE(start(std::string(R"("media": {"video_codecs": )") + codecs + "},"));
  const auto report = play("share");
  EXPECT_NE(report.value("wrong_pin_text", "").find("Wrong PIN"), std::string::npos) << report.dump(2);
  EXPECT_EQ(report.value("presenting_text", ""), "You are presenting.") << report.dump(2);
  const auto* alice = presenter(report["presenters"], "Alice");
  ASSERT_NE(alice, nullptr) << report.dump(2);
  EXPECT_GE((*alice)["frames"].get<int>(), 30) << report.dump(2);
  EXPECT_NE((*alice)["decoder"].get<std::string>().find(GetParam() == "vp8" ? "vp8" : "h264"), std::string::npos)
      << report.dump(2);
  EXPECT_NE(report.value("stopped_text", "").find("You stopped presenting"), std::string::npos) << report.dump(2);
  EXPECT_TRUE(report["after_stop"].empty()) << report.dump(2);
  // The wrong attempt is logged without the PIN typed.
  EXPECT_EQ(read_file(dir_.path() / "presentd.log").find("1111"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Codecs, PresenterPageCodec, ::testing::Values("vp8", "h264"));

TEST_F(PresenterPage, ApproveModeTheSecondWaitsUntilTheFirstApprovesThenBothAreDecoded) {
  ASSERT_NO_FATAL_FAILURE(start(R"("admission": {"mode": "approve", "max_presenters": 2},)"));
  const auto report = play("approve");
  EXPECT_NE(report.value("bob_waiting_text", "").find("Waiting"), std::string::npos) << report.dump(2);
  EXPECT_EQ(report.value("request_text", ""), "Bob wants to present.") << report.dump(2);
  const auto* waiting_bob = presenter(report["while_waiting"], "Bob");
  ASSERT_NE(waiting_bob, nullptr) << report.dump(2);
  EXPECT_EQ((*waiting_bob)["admission"], "waiting_for_approval") << report.dump(2);
  EXPECT_EQ((*waiting_bob)["frames"], 0) << "nothing is decoded before approval: " << report.dump(2);
  EXPECT_EQ(report.value("bob_presenting_text", ""), "You are presenting.") << report.dump(2);
  for (const auto* name : {"Alice", "Bob"}) {
    const auto* entry = presenter(report["presenters"], name);
    ASSERT_NE(entry, nullptr) << name << report.dump(2);
    EXPECT_GE((*entry)["frames"].get<int>(), 30) << name << report.dump(2);
    EXPECT_EQ((*entry)["admission"], "admitted") << report.dump(2);
  }
  EXPECT_EQ(report.value("alice_state", ""), "presenting") << report.dump(2);
}

TEST_F(PresenterPage, AFullRoomWithReplaceTellsTheFirstPresenterAndShowsTheSecond) {
  ASSERT_NO_FATAL_FAILURE(start(R"("admission": {"max_presenters": 1, "when_full": "replace"},)"));
  const auto report = play("replace");
  EXPECT_NE(report.value("alice_ended_text", "").find("Another presenter took over the screen"), std::string::npos)
      << report.dump(2);
  EXPECT_EQ(report.value("bob_presenting_text", ""), "You are presenting.") << report.dump(2);
  const auto& now = report["presenters"];
  ASSERT_EQ(now.size(), 1u) << report.dump(2);
  EXPECT_EQ(now[0]["name"], "Bob");
  EXPECT_GE(now[0]["frames"].get<int>(), 30) << report.dump(2);
}

TEST_F(PresenterPage, JoinRedirectsToTheBoxAMeetingIdNamesAndRefusesOthersReadably) {
  ASSERT_NO_FATAL_FAILURE(start(""));
  const auto certificate = dir_.path() / "state/tls/https-certificate.pem";
  const auto id = common::encode_meeting_id(0x0AC80002);  // 10.200.0.2
  const auto found = https_request("GET", network_->box_address, kPort, "/join/" + id, certificate);
  EXPECT_EQ(found.status, 302);
  EXPECT_EQ(found.headers.at("Location"), "https://10.200.0.2:8443/");
  const auto unknown = https_request("GET", network_->box_address, kPort, "/join/12345", certificate);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body.find("Unknown meeting ID"), std::string::npos);
  const auto page = https_request("GET", network_->box_address, kPort, "/", certificate);
  EXPECT_NE(page.body.find("id=\"meeting-id\""), std::string::npos);
  EXPECT_EQ(page.body.find("<script>"), std::string::npos) << "inline script would break the CSP";
}

}  // namespace
}  // namespace presentd::test
