// SPDX-License-Identifier: Apache-2.0
#pragma once
// The daemon's lifetime: start-up, signals, reload, shutdown. Owns the one io_context that all
// I/O and session state live on.
//
// Thread: event loop (the thread that calls run()). docs/architecture.md lists every thread.
#include <chrono>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>

#include "app/command_line.hpp"
#include "app/daemon_metrics.hpp"
#include "app/screen_info.hpp"
#include "app/snapshot_worker.hpp"
#include "app/status_cache.hpp"
#include "app/systemd_notifier.hpp"
#include "presentd/common/clock.hpp"
#include "presentd/config/config.hpp"
#include "presentd/metrics/registry.hpp"
#include "presentd/signaling/local/http_router.hpp"
#include "presentd/signaling/local/https_server.hpp"

namespace presentd::discovery {
class AvahiPublisher;
}  // namespace presentd::discovery

namespace presentd::signaling {
class StaticFiles;
}  // namespace presentd::signaling

namespace presentd::render {
class Renderer;
}  // namespace presentd::render

namespace presentd::access {
class AccessControl;
class AdminEndpoint;
class JoinEndpoint;
}  // namespace presentd::access

namespace presentd::app {

class WebrtcService;
class CloudService;

class Daemon {
public:
  explicit Daemon(ConfigSource source);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Runs until SIGTERM/SIGINT; returns the process exit code.
  int run();

  // Idle-screen hook of the PIN keeper (event loop): the current PIN when the policy is
  // "rotate"; nullopt hides it.
  void set_pin(std::optional<std::string> pin);

private:
  void start(const config::Config& config);
  void run_loop();
  void wait_for_signal();
  void reload();
  void shutdown();
  void register_routes();
  void apply_runtime_settings(const config::Config& config);
  void replace_listener(const config::Config& config, std::shared_ptr<boost::asio::ssl::context> tls, bool hsts);
  std::string status_line() const;
  // The body of GET /api/v1/status; the presenters' addresses and ICE pairs only with
  // `network_detail` (GET /api/v1/admin/status).
  std::string status_json(bool network_detail) const;
  // What of the public status a reader acts on at once (app/status_cache.hpp).
  std::string status_key() const;
  void start_screen();
  void start_webrtc();
  void start_access();
  signaling::HttpsLimits https_limits(const config::Config& config, bool hsts) const;
  void update_screen();
  void publish_on_network();
  void start_cloud();
  void on_cloud_online(bool online);
  void update_room_status();

  ConfigSource source_;
  boost::asio::io_context io_{1};
  boost::asio::signal_set signals_;
  std::chrono::steady_clock::time_point shutdown_deadline_;
  SystemdNotifier notifier_;
  config::Config config_;
  // Before everything that registers metrics or holds references into them (destroyed last).
  metrics::Registry metrics_;
  DaemonMetrics daemon_metrics_{metrics_};
  signaling::HttpRouter router_;
  std::unique_ptr<signaling::StaticFiles> static_files_;
  std::unique_ptr<signaling::HttpsServer> https_;
  std::string certificate_fingerprint_;  // SHA-256 of the HTTPS certificate, published for pinning
  std::unique_ptr<discovery::AvahiPublisher> discovery_;
  std::chrono::steady_clock::time_point started_at_;
  std::unique_ptr<render::Renderer> renderer_;  // null: no display, running headless
  ScreenState screen_state_;
  std::unique_ptr<SnapshotWorker> snapshots_;  // after renderer_: joined before the renderer goes
  SteadyClock clock_;
  // GET /api/v1/status needs no token: its body is made at most once a second unless
  // status_key() changed (a reload invalidates it).
  StatusCache public_status_{clock_, std::chrono::seconds(1)};
  std::unique_ptr<access::AccessControl> access_;  // PIN, session tokens, back-off, room lock
  std::unique_ptr<access::JoinEndpoint> join_;
  std::unique_ptr<access::AdminEndpoint> admin_;
  std::unique_ptr<WebrtcService> webrtc_;  // after access_: its sessions report their end to it
  std::unique_ptr<CloudService> cloud_;    // the XMPP client (cloud section); idle when disabled
  bool stopping_ = false;
};

}  // namespace presentd::app
