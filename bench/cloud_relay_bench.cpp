// SPDX-License-Identifier: Apache-2.0
// Remote session-initiate → first decoded picture over presentd's TURN-over-TLS path, on
// loopback inside a network namespace of the benchmark's own, against a baseline measured in
// the same run: the same remote presenter straight over host candidates. A third case, the
// same relay-only set-up over plain TURN/UDP, tells the cost of relayed ICE from the tunnel's.
//
// Each benchmark sets up its own world outside the timed part: a Prosody 0.12 (the room's and the
// presenter's accounts), the presentd binary logged in as the room, and for the relay case a
// coturn (TURN REST secret shared with Prosody, relaying from an address on lo and refusing the
// veth addresses, as in CloudRelay in tests/integration/cloud_namespace_test.cpp). There
// presentd's only TURN server is the turns: one Prosody hands out through XEP-0215, and the
// sender (tests/integration/xmpp/slixmpp_jingle_sender.py, GStreamer webrtcbin) offers only its
// relayed candidate.
//
// The figure per iteration is presentd's own "first_picture_ms" (status API): from the parsed
// session-initiate (the session's creation) to the first decoded picture, so the sender's
// start-up and XMPP login are not in it. Iterations run one after another, one session each.
//
// Run as root (network namespace; Prosody runs as nobody):
//   build-bench/bench/cloud_relay_bench --benchmark_counters_tabular=true
// CLOUD_RELAY_BENCH_LOGS=<directory> keeps presentd's debug log of each world there.
#include <benchmark/benchmark.h>
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/coturn_server.hpp"
#include "support/https_client.hpp"
#include "support/namespace_daemon.hpp"
#include "support/network_namespace.hpp"
#include "support/notify_socket.hpp"
#include "support/poll_json.hpp"
#include "support/prosody_server.hpp"
#include "support/temp_dir.hpp"
#include "support/test_certificate.hpp"

namespace {

using namespace presentd::test;
using namespace std::chrono_literals;

constexpr const char* kRelayAddress = "10.201.0.1";
constexpr const char* kSecret = "bench-turn-secret";
constexpr int kIterations = 8;

const PrivateNetwork& network() {
  static const PrivateNetwork instance = [] {
    std::string why;
    auto made = enter_private_network(why);
    if (!made) throw std::runtime_error("no network namespace: " + why);
    run_command({"ip", "addr", "add", std::string(kRelayAddress) + "/32", "dev", "lo"});
    return *made;
  }();
  return instance;
}

enum class Path { direct, turn_udp, turn_tls };

// Prosody, coturn (relay cases only) and the box, for one benchmark.
class World {
public:
  explicit World(Path path) : path_(path), relay_(path != Path::direct) {
    const auto& net = network();
    std::filesystem::permissions(dir_.path(), std::filesystem::perms::others_exec | std::filesystem::perms::others_read,
                                 std::filesystem::perm_options::add);
    std::filesystem::create_directories(dir_.path() / "prosody");
    ProsodyExtras extras;
    std::string ice;
    if (relay_) {
      certificate_ = make_test_certificate(dir_.path(), "turn", "IP:" + net.box_address);
      CoturnOptions options;
      options.listen_address = net.box_address;
      options.relay_address = kRelayAddress;
      options.certificate = certificate_.certificate;
      options.private_key = certificate_.private_key;
      options.auth_secret = kSecret;
      options.denied_peer_ranges = {"10.200.0.0-10.200.0.255"};
      coturn_ = std::make_unique<CoturnServer>(dir_.path(), options);
      if (!coturn_->ready()) throw std::runtime_error("coturn did not start: " + coturn_->log());
      extras = {{"external_services"},
                "external_services = { { " +
                    (path == Path::turn_tls ? std::string("type = \"turns\", transport = \"tcp\", port = 5349")
                                            : std::string("type = \"turn\", transport = \"udp\", port = 3478")) +
                    ", host = \"" + net.box_address + "\", secret = \"" + kSecret +
                    "\", algorithm = \"turn\", ttl = 3600 } }"};
      ice = R"("ice": {"turn_ca_file": ")" + certificate_.certificate.string() + R"("},)";
    }
    prosody_ = std::make_unique<ProsodyServer>(dir_.path() / "prosody", extras);
    prosody_->add_user("123456", "room password");
    prosody_->add_user("presenter", "presenter password");
    prosody_->start();
    const auto password_file = dir_.write("cloud-password", "room password\n");
    std::filesystem::permissions(password_file, std::filesystem::perms::owner_read,
                                 std::filesystem::perm_options::replace);
    NamespaceDaemonOptions options;
    options.extra_sections =
        R"("cloud": {"enabled": true, "jid": "123456@localhost", "server": "127.0.0.1", "port": )" +
        std::to_string(prosody_->starttls_port()) + R"(, "tls": "starttls", "password_file": ")" +
        password_file.string() + R"(", "ca_file": ")" + prosody_->ca_file().string() + R"("},)" + ice;
    daemon_ = start_namespace_daemon(dir_, notify_, net, options);
    if (!daemon_) throw std::runtime_error("presentd did not start: " + read_file(dir_.path() / "presentd.log"));
    wait_for_log(relay_ ? "1 TURN server(s) from the signaling server" : "online as 123456@localhost/");
  }

  ~World() {
    daemon_->signal(SIGTERM);
    daemon_->wait_for_exit(10s);
    // To see where the time goes: CLOUD_RELAY_BENCH_LOGS=<dir> keeps presentd's debug log.
    if (const char* keep = std::getenv("CLOUD_RELAY_BENCH_LOGS")) {
      std::filesystem::copy_file(dir_.path() / "presentd.log",
                                 std::filesystem::path(keep) / (path_ == Path::turn_tls   ? "presentd-turn-tls.log"
                                                                : path_ == Path::turn_udp ? "presentd-turn-udp.log"
                                                                                          : "presentd-direct.log"),
                                 std::filesystem::copy_options::overwrite_existing);
    }
    prosody_->stop();
  }

  // One remote session; presentd's session-initiate → first picture in seconds, or < 0.
  // `answer_ms`: presentd's session-initiate → session-accept of that session.
  double one_session(std::string& error, double& answer_ms) {
    std::vector<std::string> argv{
        "/usr/bin/python3",
        std::string(PRESENTD_SOURCE_DIR) + "/tests/integration/xmpp/slixmpp_jingle_sender.py",
        "--jid",
        "presenter@localhost",
        "--password",
        "presenter password",
        "--server",
        "127.0.0.1:" + std::to_string(prosody_->starttls_port()),
        "--ca",
        prosody_->ca_file().string(),
        "--room",
        "123456@localhost",
        "--pin",
        "2468",
        "--duration",
        "8",
        "--width",
        "1280",
        "--height",
        "720",
        "--tool",
        (std::filesystem::path(PRESENTD_BINARY).parent_path().parent_path() / "tests" / "jingle_sdp_tool").string()};
    if (relay_) {
      argv.insert(argv.end(), {"--relay-only", "--turn", sender_turn_url()});
    }
    ChildProcess sender(argv, {}, dir_.path() / "sender.log");
    const auto first =
        poll_json([this] { return status(); }, [](const nlohmann::json& s) { return first_picture_ms(s) >= 0; }, 60s);
    const double ms = first_picture_ms(first);
    answer_ms = first.value(nlohmann::json::json_pointer("/sessions/sessions/0/answer_ms"), -1.0);
    const auto pair =
        first.value(nlohmann::json::json_pointer("/sessions/sessions/0/ice/selected_pair"), std::string());
    if (ms < 0) {
      const auto log = read_file(dir_.path() / "presentd.log");
      error = "no picture: " + read_file(dir_.path() / "sender.log") + "\n--- presentd (tail) ---\n" +
              log.substr(log.size() > 5000 ? log.size() - 5000 : 0);
    } else if (relay_ != (pair.find(" relay <-> ") != std::string::npos)) {
      error = "unexpected pair " + pair;
    }
    sender.wait_for_exit(30s);
    // The next iteration starts with no session on the box.
    poll_json([this] { return status(); },
              [](const nlohmann::json& s) {
                return s.value(nlohmann::json::json_pointer("/sessions/sessions"), nlohmann::json::array()).empty();
              },
              20s);
    return error.empty() ? ms / 1000.0 : -1;
  }

private:
  static double first_picture_ms(const nlohmann::json& s) {
    if (!s.is_object()) return -1;
    const auto sessions = s.value(nlohmann::json::json_pointer("/sessions/sessions"), nlohmann::json::array());
    if (sessions.empty() || !sessions[0].contains("first_picture_ms")) return -1;
    return sessions[0]["first_picture_ms"].get<double>();
  }

  nlohmann::json status() {
    return admin_status(dir_, network());  // it names the selected ICE pair
  }

  void wait_for_log(const std::string& needle) {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (read_file(dir_.path() / "presentd.log").find(needle) == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("never logged: " + needle);
      std::this_thread::sleep_for(100ms);
    }
  }

  // The sender's REST credentials, with a password that needs no escaping in a turn:// URI.
  std::string sender_turn_url() const {
    for (int extra = 0;; ++extra) {
      const auto [username, password] = turn_rest_credentials(kSecret, "", std::chrono::seconds(3600 + extra));
      if (password.find_first_of("+/") == std::string::npos) {
        return "turn://" + username + ":" + password + "@" + network().box_address + ":3478";
      }
    }
  }

  Path path_;
  bool relay_;
  TempDir dir_;
  NotifySocket notify_{dir_.path() / "notify.sock"};
  TestCertificate certificate_;
  std::unique_ptr<CoturnServer> coturn_;
  std::unique_ptr<ProsodyServer> prosody_;
  std::unique_ptr<ChildProcess> daemon_;
};

void run(benchmark::State& state, Path path) {
  World world(path);
  double answers = 0;
  std::vector<double> times;
  for (auto _ : state) {
    std::string error;
    double answer_ms = 0;
    const double seconds = world.one_session(error, answer_ms);
    if (seconds < 0) {
      state.SkipWithError(error.c_str());
      break;
    }
    state.SetIterationTime(seconds);
    answers += answer_ms;
    times.push_back(seconds * 1000);
  }
  if (times.empty()) return;
  // The mean is the Time column; the spread of first pictures is wide, so the median too.
  std::sort(times.begin(), times.end());
  state.counters["median_ms"] = times[times.size() / 2];
  state.counters["min_ms"] = times.front();
  state.counters["max_ms"] = times.back();
  state.counters["answer_ms"] = answers / static_cast<double>(times.size());
}

void BM_FirstPictureDirectBaseline(benchmark::State& state) { run(state, Path::direct); }
// The same relay-only set-up over plain TURN/UDP: separates relayed ICE from the TLS tunnel.
void BM_FirstPictureOverTurnUdp(benchmark::State& state) { run(state, Path::turn_udp); }
void BM_FirstPictureOverTurnTls(benchmark::State& state) { run(state, Path::turn_tls); }

BENCHMARK(BM_FirstPictureDirectBaseline)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(kIterations);
BENCHMARK(BM_FirstPictureOverTurnUdp)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(kIterations);
BENCHMARK(BM_FirstPictureOverTurnTls)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(kIterations);

}  // namespace
