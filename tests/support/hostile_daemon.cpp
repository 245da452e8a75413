// SPDX-License-Identifier: Apache-2.0
#include "support/hostile_daemon.hpp"

#include <signal.h>

#include <cstdio>
#include <thread>

#include "support/poll_json.hpp"
#include "support/prometheus_text.hpp"
#include "support/sanitizer_build.hpp"

namespace presentd::test {
namespace {
using namespace std::chrono_literals;
const std::string kSender = std::string(PRESENTD_SOURCE_DIR) + "/tests/integration/webrtc/gst_whip_sender.py";

// The session with decoded video, as {id, frames}; empty id when none.
std::pair<std::string, long> presenting(const nlohmann::json& status) {
  if (!status.is_object()) return {"", 0};
  for (const auto& session : status["sessions"]["sessions"]) {
    if (!session.contains("video") || session["video"].empty()) continue;
    const long frames = session["video"][0].value("frames_decoded", 0L);
    if (frames > 0) return {session["id"].get<std::string>(), frames};
  }
  return {"", 0};
}
}  // namespace

void HostileInputTest::start_presenting(const std::string& extra_sections) {
  // A test whose servers must run before the daemon may have entered the namespace already.
  if (!network_) {
    std::string why;
    network_ = enter_private_network(why);
    ASSERT_TRUE(network_) << why;
  }
  daemon_ = start_namespace_daemon(dir_, notify_, *network_, {kPort, kPin, extra_sections});
  ASSERT_TRUE(daemon_) << read_file(dir_.path() / "presentd.log");
  const auto [code, output] = run_command({"ip", "route", "add", "local", "10.201.0.0/16", "dev", "lo"});
  ASSERT_EQ(code, 0) << output;
  // Small and cheap: the suite's CPU budget is tight, and a gap shows at any size.
  presenter_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{
          "/usr/bin/python3", kSender, "--url",     url("/whip"), "--ca",      certificate().string(),
          "--token",          kPin,    "--pattern", "smpte",      "--speed",   "2",
          "--width",          "320",   "--height",  "180",        "--bitrate", "300000",
          "--duration",       "150"},
      std::map<std::string, std::string>{}, dir_.path() / "presenter.log");
  const auto seen =
      poll_json([this] { return status(); }, [](const nlohmann::json& s) { return presenting(s).second >= 30; }, 30s);
  presenter_id_ = presenting(seen).first;
  ASSERT_FALSE(presenter_id_.empty()) << read_file(dir_.path() / "presenter.log");
  // The baseline is taken once the session is set up and decoding (its buffers allocated).
  std::this_thread::sleep_for(1s);
  baseline_rss_kib_ = resident_kib(daemon_->pid());
  baseline_descriptors_ = open_descriptors(daemon_->pid());
  watch_ = std::make_unique<PresentationWatch>([this] { return presenter_frames(); });
}

void HostileInputTest::reload(const std::string& extra_sections) {
  write_namespace_daemon_config(dir_, *network_, {kPort, kPin, extra_sections});
  daemon_->signal(SIGHUP);
  ASSERT_TRUE(notify_.wait_for("RELOADING=1", 10s));
  ASSERT_TRUE(notify_.wait_for("READY=1", 10s)) << read_file(dir_.path() / "presentd.log");
}

void HostileInputTest::expect_unharmed(const std::string& what, HostileBounds bounds) {
  ASSERT_TRUE(daemon_->running()) << what << ": the daemon died\n" << read_file(dir_.path() / "presentd.log");
  EXPECT_EQ(call("GET", "/api/v1/status").status, 200) << what;
  // Let the presenter's counter be read a few more times after the abuse.
  std::this_thread::sleep_for(1s);
  const auto seen = watch_->stop();
  // Descriptors of closed connections and ended sessions go once the loop has seen them end.
  int descriptors = open_descriptors(daemon_->pid());
  for (int i = 0; i < 100 && descriptors > baseline_descriptors_ + bounds.descriptors; ++i) {
    std::this_thread::sleep_for(200ms);
    descriptors = open_descriptors(daemon_->pid());
  }
  const long rss = resident_kib(daemon_->pid());
  std::printf(
      "[hostile] %s: frames %ld -> %ld, longest standstill %lld ms over %d readings (%d failed, "
      "longest without a reading %lld ms); RSS %ld -> %ld KiB; descriptors %d -> %d\n",
      what.c_str(), seen.first, seen.last, static_cast<long long>(seen.longest_standstill.count()), seen.readings,
      seen.failed_readings, static_cast<long long>(seen.longest_blind.count()), baseline_rss_kib_, rss,
      baseline_descriptors_, descriptors);
  EXPECT_LE(seen.longest_standstill, 1000ms) << what << ": the presenter's frames stood still";
  EXPECT_GT(seen.last, seen.first) << what;
  EXPECT_LE(descriptors, baseline_descriptors_ + bounds.descriptors)
      << what << "\n"
      << run_command({"ls", "-l", "/proc/" + std::to_string(daemon_->pid()) + "/fd"}).second
      << run_command({"ss", "-anp"}).second;
  EXPECT_LE(rss, baseline_rss_kib_ + resident_growth_bound_kib(bounds.rss_kib)) << what;
  // Still the same presenter, still decoding.
  EXPECT_EQ(presenting(status()).first, presenter_id_) << what << "\n" << status().dump(2);
  EXPECT_EQ(parse_prometheus_text(call("GET", "/metrics").body).sum("presentd_internal_errors_total"), 0.0) << what;
}

void HostileInputTest::TearDown() {
  if (watch_) watch_->stop();
  if (presenter_ && presenter_->running()) {
    presenter_->signal(SIGUSR2);
    presenter_->wait_for_exit(20s);
  }
  NamespaceDaemonTest::TearDown();
}

std::string HostileInputTest::source(int index) const {
  return "10.201." + std::to_string(index / 250) + "." + std::to_string(index % 250 + 1);
}

std::string HostileInputTest::url(const std::string& path) const {
  return "https://" + network_->box_address + ":" + std::to_string(kPort) + path;
}

HttpResult HostileInputTest::call(const std::string& method, const std::string& target, const std::string& body,
                                  const std::map<std::string, std::string>& headers) {
  return https_request(method, network_->box_address, kPort, target, certificate(), body, headers);
}

nlohmann::json HostileInputTest::status() {
  try {
    return nlohmann::json::parse(call("GET", "/api/v1/status").body, nullptr, false);
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::optional<long> HostileInputTest::presenter_frames() {
  // The admin's status is made for every request; the public one may be up to a second old
  // (app/status_cache.hpp), which would read as the frames standing still for a second.
  nlohmann::json s;
  try {
    s = admin_status(dir_, *network_, kPort);
  } catch (const std::exception&) {
    return std::nullopt;  // refused under a flood: a failed reading, counted as such
  }
  if (!s.is_object()) return std::nullopt;
  for (const auto& session : s["sessions"]["sessions"]) {
    if (session.value("id", "") != presenter_id_ || !session.contains("video") || session["video"].empty()) continue;
    return session["video"][0].value("frames_decoded", 0L);
  }
  return std::nullopt;
}

}  // namespace presentd::test
