// SPDX-License-Identifier: Apache-2.0
// The real presentd binary as a child process: readiness through a fake NOTIFY_SOCKET, the
// status API over verified HTTPS, SIGHUP with good and bad files, SIGTERM and SIGINT.
#include <gtest/gtest.h>
#include <signal.h>

#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "support/child_process.hpp"
#include "support/https_client.hpp"
#include "support/notify_socket.hpp"
#include "support/sanitizer_build.hpp"
#include "support/temp_dir.hpp"
#include "support/test_certificate.hpp"

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
  "room": {"name": ")" +
           room + R"("},
  "network": {"bind_address": "127.0.0.1", "https_port": )" +
           std::to_string(port_) + R"(},
  "pin": {"policy": "fixed", "length": 4, "fixed": "9753"},)" +
           extra + R"(
  "daemon": {"state_directory": ")" +
           (dir_.path() / "state").string() + R"(", "web_root": ")" + std::string(PRESENTD_SOURCE_DIR) +
           R"(/web", "log_level": "debug"}
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

  // Runs the daemon once through start, a reload with a broken file and SIGTERM; returns its log.
  std::string log_of_one_run(std::map<std::string, std::string> env) {
    // As the unit sets it (Environment=XDG_RUNTIME_DIR=%t/presentd): without it libwayland,
    // probed by SDL, prints an unprefixed line of its own.
    env["XDG_RUNTIME_DIR"] = dir_.path().string();
    auto daemon = start_daemon(std::move(env));
    EXPECT_TRUE(notify_.wait_for("READY=1", 15s)) << log();
    dir_.write("presentd.json", "{\"admission\": {\"max_presenters\": 9}}");
    daemon->signal(SIGHUP);
    EXPECT_TRUE(notify_.wait_for("RELOADING=1", 5s));
    EXPECT_TRUE(notify_.wait_for("READY=1", 5s));
    daemon->signal(SIGTERM);
    EXPECT_EQ(daemon->wait_for_exit(daemon_stop_bound(2s)), 0);
    return log();
  }

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
  EXPECT_EQ(
      https_request("GET", "127.0.0.1", port_, "/../../etc/passwd", dir_.path() / "state/tls/https-certificate.pem")
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
  // The listener accepts in arrival order: once a later request is answered, the idle
  // connection is one the daemon holds.
  EXPECT_EQ(status()["room"]["name"], "Alpha");

  const auto sent = std::chrono::steady_clock::now();
  daemon->signal(SIGTERM);
  EXPECT_TRUE(notify_.wait_for("STOPPING=1", 2s));
  const auto code = daemon->wait_for_exit(daemon_stop_bound(2s));
  ASSERT_TRUE(code.has_value()) << "still running 2 s after SIGTERM\n" << log();
  EXPECT_EQ(*code, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - sent, 2s);
}

TEST_F(DaemonLifecycle, SigintStopsCleanlyToo) {
  auto daemon = start_daemon();
  ASSERT_TRUE(notify_.wait_for("READY=1", 15s)) << log();
  daemon->signal(SIGINT);
  EXPECT_EQ(daemon->wait_for_exit(daemon_stop_bound(2s)), 0);
}

TEST_F(DaemonLifecycle, NeverLogsOrPrintsTheFixedPin) {
  auto daemon = start_daemon();
  ASSERT_TRUE(notify_.wait_for("READY=1", 15s)) << log();
  daemon->signal(SIGHUP);
  ASSERT_TRUE(notify_.wait_for("READY=1", 5s));
  daemon->signal(SIGTERM);
  ASSERT_EQ(daemon->wait_for_exit(daemon_stop_bound(2s)), 0);
  EXPECT_EQ(log().find("9753"), std::string::npos) << log();

  const auto [code, printed] = run_command({PRESENTD_BINARY, "--print-config", "--config", config_.string()});
  EXPECT_EQ(code, 0);
  EXPECT_EQ(printed.find("9753"), std::string::npos) << printed;
  EXPECT_NE(printed.find("\"Alpha\""), std::string::npos) << printed;
}

// "DEVICE:INODE" of a file, the form systemd puts in JOURNAL_STREAM.
std::string device_and_inode(const std::filesystem::path& path) {
  struct stat status {};
  EXPECT_EQ(::stat(path.c_str(), &status), 0) << path;
  return std::to_string(status.st_dev) + ":" + std::to_string(status.st_ino);
}

void expect_every_line_matches(const std::string& log, const std::regex& form) {
  std::istringstream lines(log);
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) EXPECT_TRUE(std::regex_match(line, form)) << line;
  EXPECT_GT(count, 3) << log;
}

TEST_F(DaemonLifecycle, LogsCarrySyslogPrioritiesAndNoTimestampsWhenStderrIsTheJournal) {
  // stderr is the stream JOURNAL_STREAM names (as under systemd with StandardError=journal):
  // journald keeps the level from "<N>" and stamps the time itself.
  dir_.write("presentd.log", "");
  const auto journal = log_of_one_run({{"JOURNAL_STREAM", device_and_inode(log_file_)}});
  expect_every_line_matches(journal, std::regex(R"(<[3-7]>\[[a-z_-]+\] \S.*)"));
  EXPECT_NE(journal.find("<5>[daemon] presentd "), std::string::npos) << journal;
  EXPECT_NE(journal.find("<3>[config] keeping the previous configuration"), std::string::npos) << journal;
}

TEST_F(DaemonLifecycle, LogsAreTimestampedWhenStderrIsNotTheJournal) {
  // JOURNAL_STREAM inherited from a service but stderr redirected elsewhere: not the journal.
  const auto other = dir_.write("elsewhere.log", "");
  const auto plain = log_of_one_run({{"JOURNAL_STREAM", device_and_inode(other)}});
  expect_every_line_matches(plain, std::regex(R"(<[3-7]>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[[a-z_-]+\] \S.*)"));
  EXPECT_NE(plain.find("<3>"), std::string::npos) << plain;
}

TEST_F(DaemonLifecycle, RefusesToStartWithABrokenConfiguration) {
  dir_.write("presentd.json", "{\"admission\": {\"max_presenters\": 9}}");
  auto daemon = start_daemon();
  EXPECT_EQ(daemon->wait_for_exit(daemon_stop_bound(5s)), 1);
  EXPECT_NE(log().find("presentd.json:1: /admission/max_presenters: must be 1..4"), std::string::npos) << log();
}

TEST_F(DaemonLifecycle, RefusesToStartWhenThePortIsTaken) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor taken(io, {boost::asio::ip::make_address("127.0.0.1"), port_});
  auto daemon = start_daemon();
  EXPECT_EQ(daemon->wait_for_exit(daemon_stop_bound(5s)), 1);
  EXPECT_NE(log().find("cannot listen on 127.0.0.1 port " + std::to_string(port_)), std::string::npos) << log();
}

TEST(CommandLine, HelpAndVersionSucceedAndFailWhenStdoutCannotBeWritten) {
  const auto [version_code, version_output] = run_command({PRESENTD_BINARY, "--version"});
  EXPECT_EQ(version_code, 0);
  EXPECT_EQ(version_output.rfind("presentd ", 0), 0U) << version_output;
  const auto [help_code, help_output] = run_command({PRESENTD_BINARY, "--help"});
  EXPECT_EQ(help_code, 0);
  EXPECT_NE(help_output.find("--check-config"), std::string::npos) << help_output;
  // stdout is buffered: a write to /dev/full fails only at the flush, which must be checked.
  for (const char* option : {"--version", "--help"}) {
    const auto [code, output] =
        run_command({"/bin/sh", "-c", std::string(PRESENTD_BINARY) + " " + option + " >/dev/full"});
    EXPECT_EQ(code, 1) << option << ": " << output;
  }
}

TEST(CheckConfig, ExitCodesAndMessagesLikeNginxT) {
  TempDir dir;
  const auto good = dir.write("good.json", "{\"room\": {\"name\": \"Lab\"}}");
  const auto [good_code, good_output] = run_command({PRESENTD_BINARY, "--check-config", "--config", good.string()});
  EXPECT_EQ(good_code, 0);
  EXPECT_NE(good_output.find("configuration ok"), std::string::npos);
  // "configuration ok" that nobody could read is no success (a script checks the exit code).
  for (const char* option : {"--check-config", "--print-config"}) {
    const auto [code, output] = run_command(
        {"/bin/sh", "-c", std::string(PRESENTD_BINARY) + " " + option + " --config " + good.string() + " >/dev/full"});
    EXPECT_EQ(code, 1) << option << ": " << output;
  }

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

  // Certificate files the schema can read but OpenSSL cannot use: reported at the key to fix.
  const auto garbage = dir.write("garbage.pem", "garbage");
  const auto box = make_test_certificate(dir.path(), "box", "DNS:box.test");
  const auto tls_config = [&](const std::filesystem::path& certificate, const std::filesystem::path& key) {
    return dir.write("tls.json", "{\n  \"tls\": {\n    \"certificate\": \"" + certificate.string() +
                                     "\",\n    \"private_key\": \"" + key.string() + "\"\n  }\n}\n");
  };
  const auto [tls_code, tls_output] = run_command({PRESENTD_BINARY, "-t", "-c", tls_config(garbage, garbage).string()});
  EXPECT_EQ(tls_code, 1);
  EXPECT_NE(tls_output.find("tls.json:3: /tls/certificate: " + garbage.string() + " holds no PEM certificate"),
            std::string::npos)
      << tls_output;
  const auto [key_code, key_output] =
      run_command({PRESENTD_BINARY, "-t", "-c", tls_config(box.certificate, garbage).string()});
  EXPECT_EQ(key_code, 1);
  EXPECT_NE(
      key_output.find("tls.json:4: /tls/private_key: " + garbage.string() + " holds no unencrypted PEM private key"),
      std::string::npos)
      << key_output;
  const auto other = make_test_certificate(dir.path(), "other", "DNS:other.test");
  const auto [pair_code, pair_output] =
      run_command({PRESENTD_BINARY, "-t", "-c", tls_config(box.certificate, other.private_key).string()});
  EXPECT_EQ(pair_code, 1);
  EXPECT_NE(pair_output.find("tls.json:4: /tls/private_key: " + other.private_key.string() + " is not the key of"),
            std::string::npos)
      << pair_output;
  EXPECT_EQ(run_command({PRESENTD_BINARY, "-t", "-c", tls_config(box.certificate, box.private_key).string()}).first, 0);
  const auto [unreadable_code, unreadable_output] =
      run_command({PRESENTD_BINARY, "-t", "-c", tls_config(dir.path() / "absent.pem", box.private_key).string()});
  EXPECT_EQ(unreadable_code, 1);
  EXPECT_NE(unreadable_output.find("tls.json:3: /tls/certificate: cannot read"), std::string::npos)
      << unreadable_output;

  const auto [usage_code, usage_output] = run_command({PRESENTD_BINARY, "--frobnicate"});
  EXPECT_EQ(usage_code, 2);
  EXPECT_NE(usage_output.find("unknown argument \"--frobnicate\""), std::string::npos);
}

}  // namespace
}  // namespace presentd::test
