// SPDX-License-Identifier: Apache-2.0
#include "app/daemon.hpp"

#include <csignal>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include <openssl/x509v3.h>

#include "app/cloud_service.hpp"
#include "app/config_check.hpp"
#include "app/daemon_routes.hpp"
#include "app/status_report.hpp"
#include "app/viewer_service.hpp"
#include "app/webrtc_service.hpp"
#include "presentd/access/access_control.hpp"
#include "presentd/access/admin_endpoint.hpp"
#include "presentd/access/admin_token.hpp"
#include "presentd/access/join_endpoint.hpp"
#include "presentd/common/build_info.hpp"
#include "presentd/common/internal_errors.hpp"
#include "presentd/common/log.hpp"
#include "presentd/common/meeting_id.hpp"
#include "presentd/config/config_schema.hpp"
#include "presentd/crypto/certificate.hpp"
#include "presentd/crypto/identity_store.hpp"
#include "presentd/discovery/avahi_publisher.hpp"
#include "presentd/render/renderer.hpp"
#include "presentd/signaling/local/https_server.hpp"
#include "presentd/signaling/local/static_files.hpp"
#include "presentd/signaling/local/tls_server_context.hpp"

namespace presentd::app {
namespace {

constexpr std::string_view kTag = "daemon";
// SIGTERM must end the process well within 2 s even if a peer does not close its connection.
constexpr std::chrono::milliseconds kShutdownGrace{1500};

std::filesystem::path web_root_of(const config::Config& config) {
  return config.daemon.web_root.empty() ? std::filesystem::path(build::kDefaultWebRoot)
                                        : std::filesystem::path(config.daemon.web_root);
}

signaling::SlotLimits slot_limits(const config::NetworkConfig& network) {
  return {static_cast<std::size_t>(network.max_connections),
          static_cast<std::size_t>(network.max_connections_per_address)};
}

boost::asio::ip::tcp::endpoint endpoint_of(const config::NetworkConfig& network) {
  return {boost::asio::ip::make_address(network.bind_address), static_cast<unsigned short>(network.https_port)};
}

struct LoadedTls {
  std::shared_ptr<boost::asio::ssl::context> context;
  std::string fingerprint;
  // A certificate the admin configured and a CA issued: only then may browsers be told HSTS
  // (with a self-signed one they must stay able to click through the warning).
  bool real_certificate = false;
};

LoadedTls load_tls(const config::Config& config) {
  const auto stored = crypto::load_or_create_https_identity({config.tls.certificate, config.tls.private_key},
                                                            config.daemon.state_directory);
  X509* certificate = stored.identity.certificate.get();
  LoadedTls loaded{nullptr, crypto::fingerprint(certificate),
                   !config.tls.certificate.empty() && X509_check_issued(certificate, certificate) != X509_V_OK};
  PD_LOG(info, "tls") << "HTTPS certificate " << stored.certificate_file.string() << " (SHA-256 " << loaded.fingerprint
                      << (loaded.real_certificate ? ")" : ", self-signed: no HSTS)");
  loaded.context = signaling::make_tls_server_context(stored.identity);
  return loaded;
}

}  // namespace

Daemon::Daemon(ConfigSource source)
    : source_(std::move(source)),
      signals_(io_, SIGINT, SIGTERM, SIGHUP),
      notifier_(io_),
      started_at_(std::chrono::steady_clock::now()) {}

Daemon::~Daemon() {
  // Also reached with the loop left early (an exception out of it), sessions and the cloud
  // still alive. Members would go in reverse declaration order, the cloud service (and its
  // Jingle handler) before the WebRTC service whose ending sessions call back into it; instead
  // the same order as shutdown(): remote presenters end and the Jingle handler goes while its
  // session core still exists, then the sessions, and only then the cloud service.
  if (cloud_) cloud_->stop();
  if (webrtc_) {
    webrtc_->stop();
    // Nothing the service still reports may reach the members that go next.
    webrtc_->set_on_session_end(nullptr);
    webrtc_->set_on_sessions_changed(nullptr);
  }
  webrtc_.reset();
  cloud_.reset();
}

int Daemon::run() {
  auto checked = load_and_check(source_);
  if (!checked.ok()) {
    for (const auto& problem : checked.problems) PD_LOG(error, "config") << problem;
    PD_LOG(error, kTag) << "not starting: the configuration has problems (check with presentd --check-config)";
    return 1;
  }
  if (!checked.file_found) PD_LOG(notice, "config") << source_.path << " not found: using the built-in defaults";
  try {
    start(checked.config);
  } catch (const std::exception& error) {
    PD_LOG(error, kTag) << "cannot start: " << error.what();
    return 1;
  }
  wait_for_signal();
  notifier_.ready(status_line());
  notifier_.start_watchdog();
  PD_LOG(notice, kTag) << "presentd " << build::kVersion << " ready: " << status_line();
  run_loop();
  PD_LOG(notice, kTag) << "stopped";
  return 0;
}

void Daemon::start(const config::Config& config) {
  apply_runtime_settings(config);
  std::filesystem::create_directories(config.daemon.state_directory);
  register_routes();
  auto tls = load_tls(config);
  certificate_fingerprint_ = tls.fingerprint;
  https_ =
      std::make_unique<signaling::HttpsServer>(io_, tls.context, router_, https_limits(config, tls.real_certificate));
  https_->count_in(daemon_metrics_.https_counters());
  https_->listen(endpoint_of(config.network));
  // Read at each scrape from whichever listener is current (a reload may replace it).
  metrics_.add_collector([this] {
    if (!https_) return;
    const auto total = https_->connection_count();
    const auto idle = https_->idle_connection_count();
    daemon_metrics_.set_https_connections(idle, total - idle);
  });
  config_ = config;
  start_screen();
  start_access();
  start_webrtc();
  start_cloud();  // announces the box on the network (publish_on_network) with the cloud's state
}

void Daemon::start_cloud() {
  cloud_ = std::make_unique<CloudService>(io_, [this](bool online) { on_cloud_online(online); });
  webrtc_->set_on_sessions_changed([this] { update_room_status(); });
  cloud_->set_on_remote_session([this](const std::string& session_id, const std::string& bare_jid) {
    access_->remote_session_started(session_id, bare_jid);
  });
  webrtc_->set_on_session_end([this](const std::string& session_id, session::EndReason reason) {
    access_->forget_session(session_id);
    if (cloud_) cloud_->session_ended(session_id, reason);
  });
  webrtc_->set_on_session_live([this](const std::string& session_id) {
    if (cloud_) cloud_->session_live(session_id);
  });
  // Remote presenters: the same sessions, admission and PIN back-off as WHIP senders.
  cloud_->set_session_port(webrtc_->session_port(),
                           [this](const std::optional<std::string>& pin, const std::string& bare_jid) {
                             using signaling::jingle::PinVerdict;
                             if (!pin && access_->pin().required() && !access_->locked()) return PinVerdict::missing;
                             const auto denied = access_->check_remote_pin(pin, bare_jid);
                             if (!denied) return PinVerdict::accepted;
                             switch (denied->reason) {
                               case access::AccessDenied::Reason::room_locked: return PinVerdict::room_locked;
                               case access::AccessDenied::Reason::locked_out: return PinVerdict::locked_out;
                               case access::AccessDenied::Reason::wrong_pin: break;
                             }
                             return PinVerdict::wrong;
                           });
  // TURN servers from the XMPP server (XEP-0215) join the configured ones for new sessions.
  cloud_->set_turn_listener([this](std::vector<TurnServerEntry> servers) {
    if (webrtc_) webrtc_->set_runtime_turn_servers(std::move(servers));
  });
  cloud_->set_proxy(config_.proxy);
  cloud_->apply(config_.cloud);
  on_cloud_online(cloud_->online());
}

void Daemon::on_cloud_online(bool online) {
  if (stopping_) return;
  screen_state_.cloud_connected = online;
  // The idle screen shows the cloud meeting ID only while the box is reachable through it
  // (screen_info.cpp); the status line says "cloud offline" otherwise.
  screen_state_.cloud_meeting_id = config_.cloud.enabled ? config::cloud_meeting_id(config_.cloud) : std::string();
  publish_on_network();
}

void Daemon::update_room_status() {
  if (!cloud_ || !webrtc_) return;
  // Called on every change of the sessions: a count, not the status document (every session's
  // statistics) it used to be read from.
  const auto active = static_cast<int>(webrtc_->session_count());
  cloud_->set_room_status(active == 0                                  ? xmpp::RoomStatus::idle
                          : active >= config_.admission.max_presenters ? xmpp::RoomStatus::full
                                                                       : xmpp::RoomStatus::presenting);
}

signaling::HttpsLimits Daemon::https_limits(const config::Config& config, bool hsts) const {
  signaling::HttpsLimits limits;
  limits.slots = slot_limits(config.network);
  limits.hsts = hsts;
  return limits;
}

void Daemon::start_access() {
  // The PIN keeper shows its PIN on the idle screen now and after every rotation.
  access_ = std::make_unique<access::AccessControl>(clock_, config_.pin,
                                                    [this](const std::optional<std::string>& pin) { set_pin(pin); });
  access_->count_in(daemon_metrics_.pin_failures, daemon_metrics_.pin_lockouts, daemon_metrics_.pin_room_saturated);
  join_ = std::make_unique<access::JoinEndpoint>(clock_, *access_);
  join_->register_routes(router_);
  access::AdminHooks hooks;
  // The admin's status is never cached: it is authenticated, and an admin wants it current.
  hooks.status = [this] { return status_json(true); };
  hooks.remove_presenter = [this](const std::string& session_id) {
    return webrtc_ && webrtc_->end_session(session_id, "removed");
  };
  hooks.list_viewers = [this] {
    return webrtc_ ? webrtc_->viewers().admin_list()["viewers"] : nlohmann::json::array();
  };
  hooks.remove_viewer = [this](const std::string& viewer_id) {
    return webrtc_ && webrtc_->viewers().remove(viewer_id);
  };
  if (renderer_) {
    snapshots_ = std::make_unique<SnapshotWorker>(io_);
    hooks.snapshot = [this](std::function<void(std::optional<std::string>)> done) {
      return renderer_ && snapshots_->take(*renderer_, std::move(done));
    };
  }
  admin_ = std::make_unique<access::AdminEndpoint>(clock_, *access_, std::move(hooks));
  admin_->configure(access::load_admin_token(config_.admin.token_file), config_.snapshot.enabled);
  admin_->register_routes(router_);
}

void Daemon::start_webrtc() {
  webrtc_ = std::make_unique<WebrtcService>(
      io_, config_, renderer_.get(), access_.get(),
      [this](const std::string& session_id) {
        // No rotation while shutting down: nobody is left to read it.
        if (!stopping_) access_->session_ended(session_id);
      },
      metrics_);
  webrtc_->register_routes(router_);
}

void Daemon::start_screen() {
  // After the listener: the idle screen shows a URL that already answers.
  auto options = renderer_options(config_);
  // Esc/Del on the box's keyboard: called on the render thread, handled on the event loop.
  options.on_end_all = [this] {
    boost::asio::post(io_, [this] {
      if (webrtc_ && !stopping_) webrtc_->end_sessions("ended from the box's keyboard");
    });
  };
  auto renderer = std::make_unique<render::Renderer>(std::move(options));
  if (!renderer->start()) return;  // logged by the renderer; the daemon still serves WHIP/HTTPS
  renderer_ = std::move(renderer);
  update_screen();
}

void Daemon::update_screen() {
  if (!renderer_) return;
  renderer_->set_audio_settings(audio_settings(config_.audio));
  renderer_->set_idle_info(make_idle_info(config_, screen_state_, local_ipv4_addresses()));
}

void Daemon::set_pin(std::optional<std::string> pin) {
  screen_state_.pin = std::move(pin);
  update_screen();
}

void Daemon::publish_on_network() {
  // The meeting ID follows the box's address, which may change between reloads (DHCP).
  const auto address = common::advertised_ipv4_address(config_.network.bind_address);
  const std::string meeting_id = address ? common::encode_meeting_id(*address) : std::string();
  if (meeting_id.empty()) PD_LOG(warning, "discovery") << "no IPv4 address: no meeting ID";
  if (address) {
    PD_LOG(info, "discovery") << "meeting ID " << meeting_id << " (" << common::ipv4_to_string(*address) << ")";
  }
  screen_state_.meeting_id = meeting_id;
  update_screen();
  auto settings = discovery::publish_settings(config_, meeting_id, certificate_fingerprint_,
                                              cloud_ ? cloud_->online_meeting_id() : std::string());
  if (discovery_) {
    discovery_->update(std::move(settings));
  } else {
    // The idle screen and the status show "https://<host>.local/" while Avahi answers for it.
    discovery_ = std::make_unique<discovery::AvahiPublisher>(io_, std::move(settings), [this](const std::string& name) {
      screen_state_.mdns_host_name = name;
      update_screen();
    });
  }
}

void Daemon::apply_runtime_settings(const config::Config& config) {
  log::set_level(config.daemon.log_level);
  static_files_ = std::make_unique<signaling::StaticFiles>(web_root_of(config));
}

void Daemon::register_routes() {
  DaemonRoutes routes;
  routes.on_response = [this](unsigned status) { daemon_metrics_.on_http_response(status); };
  // No token needed: made at most once a second, whoever asks how often.
  routes.status = [this] {
    const auto made_before = public_status_.made();
    const auto& body = public_status_.get(status_key(), [this] { return status_json(false); });
    daemon_metrics_.status_bodies_made.increment(public_status_.made() - made_before);
    return body;
  };
  routes.metrics = &metrics_;
  routes.static_files = [this]() -> const signaling::StaticFiles& { return *static_files_; };
  routes.https_port = [this] { return static_cast<unsigned short>(config_.network.https_port); };
  register_daemon_routes(router_, std::move(routes));
}

std::string Daemon::status_json(bool network_detail) const {
  StatusFacts facts;
  facts.uptime = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_at_);
  facts.addresses = local_ipv4_addresses();
  facts.meeting_id = screen_state_.meeting_id;
  if (webrtc_) facts.sessions = webrtc_->status(network_detail);
  facts.mdns_host_name = screen_state_.mdns_host_name;
  if (renderer_) {
    const auto screen = renderer_->screen_status();
    facts.screen = {{"up", screen.up}, {"driver", screen.video_driver}, {"renderer", screen.renderer}};
  }
  return make_status(config_, facts).dump();
}

std::string Daemon::status_key() const {
  std::string key = screen_state_.meeting_id + '|' + screen_state_.cloud_meeting_id + '|' +
                    (screen_state_.cloud_connected ? "cloud" : "") + '|' + screen_state_.mdns_host_name;
  if (renderer_) {
    const auto screen = renderer_->screen_status();
    key += '|' + std::string(screen.up ? "up " : "down ") + screen.video_driver + ' ' + screen.renderer;
  }
  if (webrtc_) key += '|' + webrtc_->status_key();
  return key;
}

void Daemon::wait_for_signal() {
  signals_.async_wait([this](boost::system::error_code ec, int signal_number) {
    if (ec) return;
    if (signal_number == SIGHUP) {
      reload();
      wait_for_signal();
    } else {
      PD_LOG(notice, kTag) << "received " << (signal_number == SIGTERM ? "SIGTERM" : "SIGINT") << ", stopping";
      shutdown();
    }
  });
}

void Daemon::reload() {
  notifier_.reloading();
  PD_LOG(notice, "config") << "reloading " << source_.path;
  auto checked = load_and_check(source_);
  if (!checked.ok()) {
    for (const auto& problem : checked.problems) PD_LOG(error, "config") << problem;
    PD_LOG(error, "config") << "keeping the previous configuration: the new one has " << checked.problems.size()
                            << " problem(s)";
    notifier_.ready(status_line());
    return;
  }
  try {
    // The certificate files are re-read even when their paths did not change: an admin renews a
    // certificate in place and reloads, as with nginx.
    auto tls = load_tls(checked.config);
    auto admin_token = access::load_admin_token(checked.config.admin.token_file);
    // Only a new address or port needs a new listener (media ports and limits do not).
    if (endpoint_of(checked.config.network) != endpoint_of(config_.network)) {
      replace_listener(checked.config, tls.context, tls.real_certificate);
    }
    https_->set_tls_context(tls.context);
    https_->set_hsts(tls.real_certificate);
    https_->set_slot_limits(slot_limits(checked.config.network));
    apply_runtime_settings(checked.config);
    const bool driver_changed = checked.config.display.driver != config_.display.driver;
    const bool display_changed = checked.config.display != config_.display;
    config_ = checked.config;
    public_status_.invalidate();
    access_->apply(config_.pin);
    admin_->configure(std::move(admin_token), config_.snapshot.enabled);
    if (webrtc_) webrtc_->apply(config_);
    if (cloud_) cloud_->set_proxy(config_.proxy);
    if (cloud_) cloud_->apply(config_.cloud);
    if (cloud_) screen_state_.cloud_meeting_id = config_.cloud.enabled ? config::cloud_meeting_id(config_.cloud) : "";
    certificate_fingerprint_ = tls.fingerprint;
    publish_on_network();
    update_screen();  // room name, URLs, PIN policy, audio
    // Screen, fullscreen and vsync: the render thread re-creates its window. The video driver is
    // SDL's first choice at start (and a daemon without a display has no render thread at all).
    if (renderer_) renderer_->apply_display(display_settings(config_.display));
    if (driver_changed || (display_changed && !renderer_)) {
      PD_LOG(notice, "config") << "display" << (driver_changed ? ".driver" : "")
                               << " takes effect at the next start (systemctl restart presentd)";
    }
    PD_LOG(notice, "config") << "configuration reloaded";
  } catch (const std::exception& error) {
    PD_LOG(error, "config") << "keeping the previous configuration: " << error.what();
  }
  notifier_.ready(status_line());
}

void Daemon::replace_listener(const config::Config& config, std::shared_ptr<boost::asio::ssl::context> tls, bool hsts) {
  // Open the new listener before closing the old one, so a bad address or a taken port leaves
  // the box reachable where it was.
  auto replacement = std::make_unique<signaling::HttpsServer>(io_, std::move(tls), router_, https_limits(config, hsts));
  replacement->count_in(daemon_metrics_.https_counters());
  replacement->listen(endpoint_of(config.network));
  https_ = std::move(replacement);
  PD_LOG(notice, "https") << "now listening on " << config.network.bind_address << " port "
                          << config.network.https_port;
}

void Daemon::shutdown() {
  if (stopping_) return;
  stopping_ = true;
  notifier_.stopping();
  // Order (docs/architecture.md): withdraw the DNS-SD records (nobody should find a box that is
  // going away), stop accepting and close connections, stop timers, then let the loop run dry;
  // run_loop() stops it at the deadline if anything still lingers.
  if (discovery_) discovery_->stop();
  // Unavailable presence first, so remote senders see the room leave before anything else stops.
  if (cloud_) cloud_->stop();
  if (https_) https_->close();
  // Sessions end before the renderer stops, so nothing presents into a stopped screen.
  if (webrtc_) webrtc_->stop();
  notifier_.stop_watchdog();
  signals_.cancel();
  // The render thread answers a stop within one event; joining it here keeps SDL's teardown
  // (window, audio device) ordered before the process exits.
  if (renderer_) renderer_->stop();
  shutdown_deadline_ = std::chrono::steady_clock::now() + kShutdownGrace;
}

void Daemon::run_loop() {
  // Once shutdown has begun the loop normally runs dry on its own; the deadline is checked
  // between short slices (a timer would itself keep the loop alive for its whole duration).
  while (!io_.stopped()) {
    try {
      io_.run_for(std::chrono::milliseconds(100));
    } catch (...) {
      // The error boundary of the loop (docs/architecture.md, "Error boundary"): Asio lets a
      // handler's exception out of run_for() with the loop intact (the handler that threw is
      // gone, every other one still pending), so the next run_for() resumes serving everyone else.
      report_current_exception(ErrorSite::event_loop, kTag, "an event-loop handler");
    }
    if (stopping_ && std::chrono::steady_clock::now() > shutdown_deadline_ && !io_.stopped()) {
      PD_LOG(warning, kTag) << "work still pending " << kShutdownGrace.count() << " ms after SIGTERM; stopping anyway";
      io_.stop();
    }
  }
}

std::string Daemon::status_line() const {
  return "room \"" + config_.room.name + "\", https on " + config_.network.bind_address + " port " +
         std::to_string(config_.network.https_port);
}

}  // namespace presentd::app
