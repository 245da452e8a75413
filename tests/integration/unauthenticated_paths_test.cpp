// SPDX-License-Identifier: Apache-2.0
// What the real daemon hands out without a token (docs/security.md, "Holders of the PIN,
// senders and status readers"): OPTIONS /whip names the TURN servers but never their
// credentials, which only an authorized 201 carries; GET /api/v1/status leaves out where the
// presenters are (address, ICE pair), which the admin's status shows.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/https_client.hpp"
#include "support/namespace_daemon.hpp"

namespace presentd::test {
namespace {

constexpr unsigned short kPort = 8443;
const std::string kPin = "2468";
const std::string kTurnPassword = "Box-Turn-Secret-77";

// A real offer (GStreamer webrtcbin's, tests/vectors/sdp) whose only candidate is `address`:9.
std::string offer_with_one_candidate(const std::string& address) {
  std::ifstream in(std::string(PRESENTD_SOURCE_DIR) + "/tests/vectors/sdp/gstreamer_1_22_h264.sdp");
  std::string sdp;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && !line.starts_with("a=candidate:")) sdp += line + "\r\n";
  }
  return sdp + "a=candidate:1 1 UDP 2015363327 " + address + " 9 typ host\r\n";
}

class UnauthenticatedPaths : public NamespaceDaemonTest {
protected:
  void SetUp() override {
    std::string why;
    network_ = enter_private_network(why);
    ASSERT_TRUE(network_) << why;
    const auto credential = dir_.write("turn-credential", kTurnPassword + "\n");
    ::chmod(credential.c_str(), 0600);
    NamespaceDaemonOptions options;
    options.port = kPort;
    options.pin = kPin;
    options.extra_sections = R"("ice": {"turn_servers": [{"url": "turn:)" + network_->box_address +
                             R"(:3478?transport=udp", "username": "box", "credential_file": ")" + credential.string() +
                             R"("}], "share_turn_credentials": true},)";
    daemon_ = start_namespace_daemon(dir_, notify_, *network_, options);
    ASSERT_TRUE(daemon_) << read_file(dir_.path() / "presentd.log");
  }

  HttpResult request(const std::string& method, const std::string& target, const std::string& body = {},
                     const std::map<std::string, std::string>& headers = {}) {
    return https_request(method, network_->box_address, kPort, target, dir_.path() / "state/tls/https-certificate.pem",
                         body, headers);
  }

  HttpResult post_offer(const std::string& token) {
    return request("POST", "/whip", offer_with_one_candidate(network_->sender_address),
                   {{"Content-Type", "application/sdp"}, {"Authorization", "Bearer " + token}});
  }
};

TEST_F(UnauthenticatedPaths, OptionsNamesTurnServersWithoutCredentialsWhileAnAuthorizedPostGetsThem) {
  const auto options = request("OPTIONS", "/whip");
  ASSERT_EQ(options.status, 204);
  ASSERT_TRUE(options.headers.contains("Link")) << "OPTIONS should still name the TURN server";
  EXPECT_NE(options.headers.at("Link").find("<turn:" + network_->box_address + ":3478"), std::string::npos);
  EXPECT_EQ(options.headers.at("Link").find("credential"), std::string::npos) << options.headers.at("Link");
  EXPECT_EQ(options.headers.at("Link").find(kTurnPassword), std::string::npos);

  const auto refused = post_offer("0000");  // a wrong PIN: no session, no credentials
  EXPECT_EQ(refused.status, 401);
  EXPECT_FALSE(refused.headers.contains("Link"));

  const auto created = post_offer(kPin);
  ASSERT_EQ(created.status, 201) << created.body;
  ASSERT_TRUE(created.headers.contains("Link"));
  EXPECT_NE(created.headers.at("Link").find("credential=\"" + kTurnPassword + "\""), std::string::npos)
      << created.headers.at("Link");
}

TEST_F(UnauthenticatedPaths, StatusLeavesOutWhereThePresentersAreUnlessTheAdminAsks) {
  const auto created = post_offer(kPin);
  ASSERT_EQ(created.status, 201) << created.body;
  const auto open = request("GET", "/api/v1/status");
  ASSERT_EQ(open.status, 200);
  const auto status = nlohmann::json::parse(open.body);
  ASSERT_EQ(status["sessions"]["sessions"].size(), 1u) << status.dump(2);
  const auto& session = status["sessions"]["sessions"][0];
  EXPECT_FALSE(session.contains("presenter")) << session.dump(2);
  EXPECT_FALSE(session["ice"].contains("selected_pair")) << session.dump(2);
  // No address of the namespace's (the client's, whichever end it used) in what is said of the
  // sessions and presenters; the box's own addresses are listed elsewhere, by design.
  for (const auto* part : {&status["sessions"]["sessions"], &status["presenters"]}) {
    for (const auto& address : {network_->box_address, network_->sender_address}) {
      EXPECT_EQ(part->dump().find(address), std::string::npos) << part->dump(2);
    }
  }

  // The admin status needs the admin token ...
  EXPECT_EQ(request("GET", "/api/v1/admin/status").status, 401);
  // ... and names the presenter's address.
  const auto admin = admin_status(dir_, *network_, kPort);
  ASSERT_EQ(admin["sessions"]["sessions"].size(), 1u) << admin.dump(2);
  EXPECT_TRUE(admin["sessions"]["sessions"][0]["presenter"].is_string()) << admin.dump(2);
}

}  // namespace
}  // namespace presentd::test
