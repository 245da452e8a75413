#include "app/daemon.hpp"

#include <csignal>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "app/cloud_service.hpp"
#include "app/config_check.hpp"
#include "common/build_info.hpp"
#include "config/config_schema.hpp"
#include "common/log.hpp"
#include "common/random.hpp"
#include "app/webrtc_service.hpp"
#include "common/meeting_id.hpp"
#include "crypto/certificate.hpp"
#include "crypto/identity_store.hpp"
#include "discovery/avahi_publisher.hpp"
#include "render/renderer.hpp"
#include "signaling/local/https_server.hpp"
#include "signaling/local/static_files.hpp"
#include "signaling/local/tls_server_context.hpp"

namespace presentd::app {
namespace {

constexpr std::string_view kTag = "daemon";
// SIGTERM must end the process well within 2 s even if a peer does not close its connection.
constexpr std::chrono::milliseconds kShutdownGrace{1500};

std::filesystem::path web_root_of(const config::Config& config) {
  return config.daemon.web_root.empty() ? std::filesystem::path(build::kDefaultWebRoot)
                                        : std::filesystem::path(config.daemon.web_root);
}

boost::asio::ip::tcp::endpoint endpoint_of(const config::NetworkConfig& network) {
  return {boost::asio::ip::make_address(network.bind_address), static_cast<unsigned short>(network.https_port)};
}

std::shared_ptr<boost::asio::ssl::context> load_tls(const config::Config& config,
                                                    std::string* fingerprint_out = nullptr) {
  const auto stored = crypto::load_or_create_https_identity(config.tls, config.daemon.state_directory);
  const auto fingerprint = crypto::fingerprint(stored.identity.certificate.get());
  PD_LOG(info, "tls") << "HTTPS certificate " << stored.certificate_file.string() << " (SHA-256 " << fingerprint << ")";
  if (fingerprint_out != nullptr) *fingerprint_out = fingerprint;
  return signaling::make_tls_server_context(stored.identity);
}

}  // namespace

Daemon::Daemon(ConfigSource source)
    : source_(std::move(source)),
      signals_(io_, SIGINT, SIGTERM, SIGHUP),
      notifier_(io_),
      started_at_(std::chrono::steady_clock::now()) {}

Daemon::~Daemon() = default;

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
  https_ = std::make_unique<signaling::HttpsServer>(io_, load_tls(config, &certificate_fingerprint_), router_);
  https_->listen(endpoint_of(config.network));
  config_ = config;
  start_screen();
  start_webrtc();
  publish_on_network();
  start_cloud();
}

void Daemon::start_cloud() {
  cloud_ = std::make_unique<CloudService>(io_, [this](bool online) { on_cloud_online(online); });
  webrtc_->set_on_sessions_changed([this] { update_room_status(); });
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
  const int active = webrtc_->status().value("active", 0);
  cloud_->set_room_status(active == 0                                    ? xmpp::RoomStatus::idle
                          : active >= config_.admission.max_presenters ? xmpp::RoomStatus::full
                                                                       : xmpp::RoomStatus::presenting);
}

void Daemon::start_webrtc() {
  if (config_.pin.policy == config::PinPolicy::rotate) {
    // The rotation itself (after each session, after failed attempts) belongs to the PIN
    // module; until then a fresh PIN per start keeps the box from having a guessable default.
    current_pin_ = random_digits(static_cast<std::size_t>(config_.pin.length));
    set_pin(current_pin_);
  }
  webrtc_ = std::make_unique<WebrtcService>(io_, config_, renderer_.get(), [this]() -> std::optional<std::string> {
    switch (config_.pin.policy) {
      case config::PinPolicy::fixed: return config_.pin.fixed;
      case config::PinPolicy::rotate: return current_pin_;
      case config::PinPolicy::off: return std::nullopt;
    }
    return std::nullopt;
  });
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
    discovery_ = std::make_unique<discovery::AvahiPublisher>(io_, std::move(settings));
  }
}

void Daemon::apply_runtime_settings(const config::Config& config) {
  log::set_level(config.daemon.log_level);
  static_files_ = std::make_unique<signaling::StaticFiles>(web_root_of(config));
}

void Daemon::register_routes() {
  router_.add(signaling::http::verb::get, "/api/v1/status",
              [this](const signaling::Request& request, const signaling::RequestContext&, signaling::Responder respond) {
                auto sessions = webrtc_ ? webrtc_->status() : nlohmann::json::object();
                const bool presenting = sessions.value("active", 0) > 0;
                const nlohmann::json status{
                    {"version", build::kVersion},
                    {"room", {{"name", config_.room.name}}},
                    {"state", presenting ? "presenting" : "idle"},
                    {"sessions", sessions},
                    {"pin_required", config_.pin.policy != config::PinPolicy::off},
                    {"uptime_seconds", std::chrono::duration_cast<std::chrono::seconds>(
                                           std::chrono::steady_clock::now() - started_at_)
                                           .count()},
                };
                respond(signaling::make_response(request, signaling::http::status::ok, status.dump(),
                                                 "application/json"));
              });
  router_.add_prefix(signaling::http::verb::get, "/",
                     [this](const signaling::Request& request, const signaling::RequestContext& context,
                            signaling::Responder respond) { static_files_->handle(request, context, respond); });
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
    std::string fingerprint;
    auto tls = load_tls(checked.config, &fingerprint);
    if (checked.config.network != config_.network) {
      replace_listener(checked.config, tls);
    }
    https_->set_tls_context(std::move(tls));
    apply_runtime_settings(checked.config);
    config_ = checked.config;
    if (webrtc_) webrtc_->apply(config_);
    if (cloud_) cloud_->apply(config_.cloud);
    if (cloud_) screen_state_.cloud_meeting_id = config_.cloud.enabled ? config::cloud_meeting_id(config_.cloud) : "";
    certificate_fingerprint_ = fingerprint;
    publish_on_network();
    update_screen();  // room name, URLs, PIN policy, audio; display changes need a restart
    PD_LOG(notice, "config") << "configuration reloaded";
  } catch (const std::exception& error) {
    PD_LOG(error, "config") << "keeping the previous configuration: " << error.what();
  }
  notifier_.ready(status_line());
}

void Daemon::replace_listener(const config::Config& config, std::shared_ptr<boost::asio::ssl::context> tls) {
  // Open the new listener before closing the old one, so a bad address or a taken port leaves
  // the box reachable where it was.
  auto replacement = std::make_unique<signaling::HttpsServer>(io_, std::move(tls), router_);
  replacement->listen(endpoint_of(config.network));
  https_ = std::move(replacement);
  PD_LOG(notice, "https") << "now listening on " << config.network.bind_address << " port " << config.network.https_port;
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
    io_.run_for(std::chrono::milliseconds(100));
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
