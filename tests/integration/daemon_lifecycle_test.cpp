// The real presentd binary as a child process: readiness through a fake NOTIFY_SOCKET, the
// status API over verified HTTPS, SIGHUP with good and bad files, SIGTERM and SIGINT.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "support/child_process.hpp"
#include "support/https_client.hpp"
#include "support/notify_socket.hpp"
#include "support/temp_dir.hpp"

namespace presentd::test {
namespace {

using namespace std::chrono_literals;

class DaemonLifecycle : public ::testing::Test {
protected:
  void SetUp() override {
    port_ = free_tcp_port();
    write_config("Alpha");
  }

  std::string config_text(const std::string& room, const std::string& extra = "") const {
    return R"({
  "room": {"name": ")" + room + R"("},
  "network": {"bind_address": "127.0.0.1", "https_port": )" + std::to_string(port_) + R"(},
  "pin": {"policy": "fixed", "fixed": "9753"},)" + extra + R"(
  "daemon": {"state_directory": ")" + (dir_.path() / "state").string() + R"(", "web_root": ")" +
           std::string(PRESENTD_SOURCE_DIR) + R"(/web", "log_level": "debug"}
})";
  }
  void write_config(const std::string& room) { config_ = dir_.write("presentd.json", config_text(room)); }

  std::unique_ptr<ChildProcess> start_daemon(std::map<std::string, std::string> env = {}) {
    env["NOTIFY_SOCKET"] = notify_.path().string();
    return std::make_unique<ChildProcess>(std::vector<std::string>{PRESENTD_BINARY, "--config", config_.string()}, env,
                                          log_file_);
  }

  nlohmann::json status() {
    const auto result =
        https_request("GET", "127.0.0.1", port_, "/api/v1/status", dir_.path() / "state/tls/https-certificate.pem");
    EXPECT_EQ(result.status, 200);
    return nlohmann::json::parse(result.body);
  }

  std::string log() const { return read_file(log_file_); }

  TempDir dir_;
  NotifySocket notify_{dir_.path() / "notify.sock"};
  std::filesystem::path config_;
  std::filesystem::path log_file_ = dir_.path() / "presentd.log";
  unsigned short port_ = 0;
};

TEST_F(DaemonLifecycle, ReportsReadyFeedsTheWatchdogAndServesStatusOverVerifiedHttps) {
  auto daemon = start_daemon({{"WATCHDOG_USEC", "400000"}});
  ASSERT_TRUE(notify_.wait_for("READY=1", 15s)) << log();
  EXPECT_TRUE(notify_.wait_for("WATCHDOG=1", 2s)) << log();
  const auto body = status();
  EXPECT_EQ(body["room"]["name"], "Alpha");
  EXPECT_EQ(body["state"], "idle");
  EXPECT_EQ(body["pin_required"], true);

  const auto page = https_request("GET", "127.0.0.1", port_, "/", dir_.path() / "state/tls/https-certificate.pem");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.headers.at("Content-Type"), "text/html; charset=utf-8");
  EXPECT_TRUE(page.headers.contains("Content-Security-Policy"));
  EXPECT_EQ(https_request("GET", "127.0.0.1", port_, "/../../etc/passwd", dir_.path() / "state/tls/https-certificate.pem")
                .status,
            404);
  EXPECT_EQ(https_request("POST", "127.0.0.1", port_, "/api/v1/status", dir_.path() / "state/tls/https-certificate.pem")
                .status,
            405);
}

TEST_F(DaemonLifecycle, ReloadWithABadFileKeepsTheOldConfigurationAndAGoodOneApplies) {
  auto daemon = start_daemon();
  ASSERT_TRUE(notify_.wait_for("READY=1", 15s)) << log();

  dir_.write("presentd.json", "{\n  \"network\": {\"https_port\": 70000},\n  \"colour\": \"blue\"\n}\n");
  daemon->signal(SIGHUP);
  ASSERT_TRUE(notify_.wait_for("RELOADING=1", 5s));
  ASSERT_TRUE(notify_.wait_for("READY=1", 5s));
  EXPECT_TRUE(daemon->running());
  EXPECT_EQ(status()["room"]["name"], "Alpha");
  const auto text = log();
  EXPECT_NE(text.find("presentd.json:2: /network/https_port: must be 1..65535"), std::string::npos) << text;
  EXPECT_NE(text.find("presentd.json:3: /colour: unknown key"), std::string::npos) << text;
  EXPECT_NE(text.find("keeping the previous configuration"), std::string::npos) << text;

  write_config("Beta");
  daemon->signal(SIGHUP);
  ASSERT_TRUE(notify_.wait_for("READY=1", 5s));
  EXPECT_EQ(status()["room"]["name"], "Beta");
}

TEST_F(DaemonLifecycle, SigtermWithAnIdleClientConnectedExitsZeroWithinTwoSeconds) {
  auto daemon = start_daemon();
  ASSERT_TRUE(notify_.wait_for("READY=1", 15s)) << log();
  // A client that connected and never speaks must not hold up shutdown.
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket idle(io);
  idle.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
  std::this_thread::sleep_for(100ms);

  const auto sent = std::chrono::steady_clock::now();
  daemon->signal(SIGTERM);
  EXPECT_TRUE(notify_.wait_for("STOPPING=1", 2s));
  const auto code = daemon->wait_for_exit(2s);
  ASSERT_TRUE(code.has_value()) << "still running 2 s after SIGTERM\n" << log();
  EXPECT_EQ(*code, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 2s);
}

TEST_F(DaemonLifecycle, SigintStopsCleanlyToo) {
  auto daemon = start_daemon();
  ASSERT_TRUE(notify_.wait_for("READY=1", 15s)) << log();
  daemon->signal(SIGINT);
  EXPECT_EQ(daemon->wait_for_exit(2s), 0);
}

TEST_F(DaemonLifecycle, NeverLogsOrPrintsTheFixedPin) {
  auto daemon = start_daemon();
  ASSERT_TRUE(notify_.wait_for("READY=1", 15s)) << log();
  daemon->signal(SIGHUP);
  ASSERT_TRUE(notify_.wait_for("READY=1", 5s));
  daemon->signal(SIGTERM);
  ASSERT_EQ(daemon->wait_for_exit(2s), 0);
  EXPECT_EQ(log().find("9753"), std::string::npos) << log();

  const auto [code, printed] = run_command({PRESENTD_BINARY, "--print-config", "--config", config_.string()});
  EXPECT_EQ(code, 0);
  EXPECT_EQ(printed.find("9753"), std::string::npos) << printed;
  EXPECT_NE(printed.find("\"Alpha\""), std::string::npos) << printed;
}

TEST_F(DaemonLifecycle, RefusesToStartWithABrokenConfiguration) {
  dir_.write("presentd.json", "{\"admission\": {\"max_presenters\": 9}}");
  auto daemon = start_daemon();
  EXPECT_EQ(daemon->wait_for_exit(5s), 1);
  EXPECT_NE(log().find("presentd.json:1: /admission/max_presenters: must be 1..4"), std::string::npos) << log();
}

TEST_F(DaemonLifecycle, RefusesToStartWhenThePortIsTaken) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor taken(io, {boost::asio::ip::make_address("127.0.0.1"), port_});
  auto daemon = start_daemon();
  EXPECT_EQ(daemon->wait_for_exit(5s), 1);
  EXPECT_NE(log().find("cannot listen on 127.0.0.1 port " + std::to_string(port_)), std::string::npos) << log();
}

TEST(CheckConfig, ExitCodesAndMessagesLikeNginxT) {
  TempDir dir;
  const auto good = dir.write("good.json", "{\"room\": {\"name\": \"Lab\"}}");
  const auto [good_code, good_output] = run_command({PRESENTD_BINARY, "--check-config", "--config", good.string()});
  EXPECT_EQ(good_code, 0);
  EXPECT_NE(good_output.find("configuration ok"), std::string::npos);

  const auto bad = dir.write("presentd.json", "{\n\"network\": {\n\"https_port\": 0,\n\"bind_address\": 3}}");
  const auto [bad_code, bad_output] = run_command({PRESENTD_BINARY, "--check-config", "--config", bad.string()});
  EXPECT_EQ(bad_code, 1);
  EXPECT_NE(bad_output.find("presentd.json:3: /network/https_port: must be 1..65535"), std::string::npos) << bad_output;
  EXPECT_NE(bad_output.find("presentd.json:4: /network/bind_address: must be a string"), std::string::npos)
      << bad_output;

  const auto [missing_code, missing_output] =
      run_command({PRESENTD_BINARY, "--check-config", "--config", (dir.path() / "nope.json").string()});
  EXPECT_EQ(missing_code, 1);
  EXPECT_NE(missing_output.find("No such file or directory"), std::string::npos) << missing_output;

  const auto key = dir.write("key.pem", "garbage");
  const auto cert_config = dir.write(
      "tls.json", "{\"tls\": {\"certificate\": \"" + key.string() + "\", \"private_key\": \"" + key.string() + "\"}}");
  const auto [tls_code, tls_output] = run_command({PRESENTD_BINARY, "-t", "-c", cert_config.string()});
  EXPECT_EQ(tls_code, 1);
  EXPECT_NE(tls_output.find("holds no PEM certificate"), std::string::npos) << tls_output;

  const auto [usage_code, usage_output] = run_command({PRESENTD_BINARY, "--frobnicate"});
  EXPECT_EQ(usage_code, 2);
  EXPECT_NE(usage_output.find("unknown argument \"--frobnicate\""), std::string::npos);
}

}  // namespace
}  // namespace presentd::test
