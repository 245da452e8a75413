// SPDX-License-Identifier: Apache-2.0
#include "app/webrtc_service.hpp"

#include <charconv>

#include <boost/asio/post.hpp>

#include "app/event_channel_bridge.hpp"
#include "app/session_status.hpp"
#include "app/viewer_service.hpp"
#include "app/whip_session_adapter.hpp"
#include "presentd/access/access_control.hpp"
#include "presentd/common/log.hpp"
#include "presentd/config/config_schema.hpp"
#include "presentd/dtls/dtls_identity_store.hpp"
#include "presentd/ice/glib_context_pump.hpp"
#include "presentd/metrics/registry.hpp"
#include "presentd/render/renderer.hpp"
#include "presentd/sdp/answer_builder.hpp"
#include "presentd/session/session_manager.hpp"
#include "presentd/session/session_metrics.hpp"
#include "presentd/signaling/local/event_channel.hpp"
#include "presentd/signaling/local/whip_endpoint.hpp"

namespace presentd::app {
namespace {

session::SessionSettings session_settings(const config::Config& config) {
  session::SessionSettings settings;
  settings.ice.port_min = static_cast<std::uint16_t>(config.network.media_port_min);
  settings.ice.port_max = static_cast<std::uint16_t>(config.network.media_port_max);
  settings.ice.tcp = config.ice.tcp;
  if (const auto stun = config::parse_host_port(config.ice.stun_server)) {
    settings.ice.stun_server = {{stun->host, stun->port}};
  }
  settings.answer.video_codecs.clear();
  for (const auto codec : config.media.video_codecs) {
    settings.answer.video_codecs.push_back(codec == config::VideoCodec::vp8    ? rtp::PayloadFormat::vp8
                                           : codec == config::VideoCodec::h264 ? rtp::PayloadFormat::h264
                                                                               : rtp::PayloadFormat::vp9);
  }
  settings.answer.accept_audio = config.media.audio;
  // The screen and the presenter page's camera (docs/protocol.md, "The page").
  settings.answer.max_video_streams = 2;
  settings.remb_cap_bps = static_cast<std::uint64_t>(config.media.remb_cap_kbps) * 1000;
  settings.vp8_with_ffmpeg = config.media.vp8_decoder == config::Vp8Decoder::ffmpeg;
  settings.max_lip_sync_delay = std::chrono::milliseconds(config.audio.lip_sync_max_delay_ms);
  settings.answer.max_bitrate_bps = config.media.max_bitrate_kbps > 0
                                        ? static_cast<std::uint64_t>(config.media.max_bitrate_kbps) * 1000
                                        : sdp::kDefaultMaxBitrateUpTo1080p;
  return settings;
}

session::AdmissionSettings admission_settings(const config::Config& config) {
  session::AdmissionSettings admission;
  admission.mode = config.admission.mode;
  admission.max_presenters = config.admission.max_presenters;
  admission.when_full = config.admission.when_full;
  return admission;
}

// What the presenter page needs to know before it offers (GET /api/v1/capabilities): nothing
// secret, so no token is needed.
nlohmann::json capabilities(const config::Config& config) {
  auto codecs = nlohmann::json::array();
  for (const auto codec : config.media.video_codecs) {
    codecs.push_back(codec == config::VideoCodec::vp8 ? "vp8" : codec == config::VideoCodec::h264 ? "h264" : "vp9");
  }
  return {{"room", config.room.name},
          {"pin_required", config.pin.policy != config::PinPolicy::off},
          {"video_codecs", codecs},
          {"audio", config.media.audio},
          {"admission", config.admission.mode == config::AdmissionMode::approve ? "approve" : "auto"},
          {"max_presenters", config.admission.max_presenters},
          {"whip", "/whip"},
          // The viewers' page (/watch) asks here whether it needs the PIN (issue 15).
          {"watch",
           {{"policy", std::string(config::name_in(config::kViewerPolicyNames, config.viewers.policy))},
            {"whep", "/whep"}}},
          // Where "Present in another room" sends a 6-digit cloud meeting ID ("" = nowhere).
          {"remote_page", config.cloud.remote_page_url}};
}

// A presenter's renderer ID, derived from the session ID alone, so the decode threads can
// compute it without sharing a lookup table with the event loop.
render::PresenterId presenter_id(const std::string& session_id) {
  render::PresenterId id = 0;
  std::from_chars(session_id.data(), session_id.data() + std::min<std::size_t>(session_id.size(), 16), id, 16);
  return id;
}

}  // namespace

WebrtcService::WebrtcService(boost::asio::io_context& io, const config::Config& config, render::Renderer* renderer,
                             access::AccessControl* access, std::function<void(const std::string&)> on_session_ended,
                             metrics::Registry& registry)
    : io_(io),
      config_(config),
      renderer_(renderer),
      registry_(registry),
      metrics_(std::make_unique<session::SessionMetrics>(registry)),
      context_(g_main_context_new()) {
  pump_ = std::make_unique<ice::GlibContextPump>(io_, context_);
  pump_->start();
  auto stored = dtls::load_or_create_dtls_identity(config.daemon.state_directory, crypto::KeyType::ecdsa_p256);
  auto identity = std::make_shared<const crypto::Identity>(std::move(stored.identity));

  session::SessionManager::Observer observer;
  observer.on_picture = [this, renderer](const std::string& session_id, std::size_t stream, media::PicturePtr picture) {
    if (renderer == nullptr) return;
    // A second video stream is the presenter's camera: its own tile beside the screen, opened
    // on the event loop when its first picture arrives.
    if (stream > 0) boost::asio::post(io_, [this, session_id] { show_camera_tile(session_id); });
    renderer->present(presenter_id(session_id) + stream, std::move(picture));
  };
  observer.on_audio = [renderer](const std::string& session_id, std::span<const float> samples) {
    if (renderer != nullptr) renderer->play_audio(presenter_id(session_id), samples);
  };
  observer.audio_output_delay = [renderer](const std::string& session_id) -> std::optional<Clock::Duration> {
    if (renderer == nullptr) return std::nullopt;
    return renderer->audio_output_delay(presenter_id(session_id));
  };
  observer.on_packet = [this](const std::string& session_id, media::ReceivePipeline::ReportedStream kind,
                              std::size_t video_index, const rtp::RtpPacket& packet) {
    if (viewers_) viewers_->on_packet(session_id, kind, video_index, packet);
  };
  observer.on_ended = [this](const std::string& session_id, session::EndReason reason) {
    if (on_session_end_) on_session_end_(session_id, reason);
  };
  observer.on_state = [this, on_session_ended = std::move(on_session_ended)](
                          const std::string& session_id, session::SessionState state, const std::string& name) {
    if (state == session::SessionState::ended && on_session_ended) on_session_ended(session_id);
    if (state == session::SessionState::live && on_session_live_) on_session_live_(session_id);
    if (viewers_ && state == session::SessionState::live) viewers_->presenter_live(session_id, name);
    if (viewers_ && state == session::SessionState::ended) viewers_->presenter_ended(session_id);
    // Posted: the session manager may still hold the ending session while it reports.
    boost::asio::post(io_, [this] {
      if (on_sessions_changed_) on_sessions_changed_();
    });
    if (renderer_ == nullptr) return;
    const auto id = presenter_id(session_id);
    switch (state) {
      case session::SessionState::live:
        names_[session_id] = name;
        renderer_->presenter_joined(id, name);
        renderer_->set_reconnecting(id, false);
        break;
      case session::SessionState::reconnecting: renderer_->set_reconnecting(id, true); break;
      case session::SessionState::ended:
        renderer_->presenter_left(id);
        if (camera_tiles_.erase(session_id) > 0) renderer_->presenter_left(id + 1);
        names_.erase(session_id);
        break;
      case session::SessionState::connecting: break;
    }
  };
  sessions_ = std::make_unique<session::SessionManager>(io_, *pump_, identity, settings_with_metrics(config),
                                                        admission_settings(config), std::move(observer));
  sessions_->set_metrics(metrics_.get());
  // Before each scrape: bring the media counters up to date from the running sessions.
  collector_ = registry_.add_collector([this] {
    sessions_->for_each_session(
        [this](const session::SessionManager::SessionView& view) { metrics_->update(view.session); });
    metrics_->set_active(sessions_->session_count());
  });
  viewers_ = std::make_unique<ViewerService>(io_, *pump_, identity, config, *access, *sessions_, registry_);
  signaling::WhipEndpointOptions options;
  options.authorizer = access;
  whip_sessions_ = std::make_unique<WhipSessionAdapter>(*sessions_, metrics_.get());
  whip_ = std::make_unique<signaling::WhipEndpoint>(clock_, *whip_sessions_, options);
  event_bridge_ = std::make_unique<EventChannelBridge>(*sessions_);
  events_ = std::make_unique<signaling::EventChannel>(io_, *event_bridge_);
  event_bridge_->set_channel(events_.get());
  sessions_->set_page_events(event_bridge_.get());
  capabilities_ = capabilities(config);
  relays_ = std::make_unique<TurnRelays>(io_, [this] { refresh_settings(); });
  relays_->configure(config_);
  refresh_settings();
}

void WebrtcService::refresh_settings() {
  auto settings = settings_with_metrics(config_);
  if (relays_) settings.ice.turn_servers = relays_->ice_servers();
  // Viewers reach the box the same ways presenters do.
  viewers_->apply(config_, settings.ice);
  sessions_->set_settings(std::move(settings));
  std::vector<std::string> links;
  if (!config_.ice.stun_server.empty()) links.push_back("<stun:" + config_.ice.stun_server + ">; rel=\"ice-server\"");
  auto public_links = links;
  if (relays_) {
    auto turn = relays_->whip_links(config_.ice.share_turn_credentials);
    links.insert(links.end(), turn.begin(), turn.end());
    // OPTIONS needs no token: it names the TURN servers, never their credentials.
    auto bare = relays_->whip_links(false);
    public_links.insert(public_links.end(), bare.begin(), bare.end());
  }
  viewers_->set_ice_server_links(links, public_links);
  whip_->set_ice_server_links(std::move(links), std::move(public_links));
}

void WebrtcService::set_runtime_turn_servers(std::vector<TurnServerEntry> servers) {
  if (!relays_) return;
  relays_->set_runtime_servers(std::move(servers));
  refresh_settings();
}

WebrtcService::~WebrtcService() {
  registry_.remove_collector(collector_);
  stop();
  if (sessions_) sessions_->set_page_events(nullptr);
  events_.reset();
  event_bridge_.reset();
  whip_.reset();
  whip_sessions_.reset();
  // Viewers before the sessions whose packets they are sent, and before the pump their ICE runs on.
  viewers_.reset();
  sessions_.reset();
  pump_.reset();
  g_main_context_unref(context_);
}

void WebrtcService::show_camera_tile(const std::string& session_id) {
  const auto name = names_.find(session_id);
  if (renderer_ == nullptr || name == names_.end() || !camera_tiles_.insert(session_id).second) return;
  renderer_->presenter_joined(presenter_id(session_id) + 1, name->second + " (camera)");
}

session::SessionPort& WebrtcService::session_port() { return *sessions_; }

void WebrtcService::register_routes(signaling::HttpRouter& router) {
  whip_->register_routes(router);
  viewers_->register_routes(router);
  events_->register_routes(router);
  router.add(
      signaling::http::verb::get, "/api/v1/capabilities",
      [this](const signaling::Request& request, const signaling::RequestContext&, const signaling::Responder& respond) {
        respond(
            signaling::make_response(request, signaling::http::status::ok, capabilities_.dump(), "application/json"));
      });
}

void WebrtcService::apply(const config::Config& config) {
  config_ = config;
  sessions_->set_admission(admission_settings(config));
  capabilities_ = capabilities(config);
  if (relays_) relays_->configure(config_);
  refresh_settings();
}

void WebrtcService::end_sessions(const std::string& reason) {
  if (sessions_) sessions_->end_all(session::EndReason::ended_at_box, reason);
}

bool WebrtcService::end_session(const std::string& session_id, const std::string& reason) {
  return sessions_ && sessions_->end_session(session_id, session::EndReason::removed, reason);
}

void WebrtcService::stop() {
  if (viewers_) viewers_->stop();
  if (sessions_) sessions_->end_all(session::EndReason::shutdown, "the display is shutting down");
  // Their last events are queued; the streams close with the HTTPS connections.
  if (events_) events_->close_all();
  // A running pump always waits on libnice's sockets, which would keep the event loop from
  // running dry at shutdown.
  if (pump_) pump_->stop();
  // The tunnels' listeners would keep the loop from running dry too.
  relays_.reset();
}

session::SessionSettings WebrtcService::settings_with_metrics(const config::Config& config) const {
  auto settings = session_settings(config);
  settings.decode_seconds = &metrics_->decode_seconds();
  return settings;
}

nlohmann::json WebrtcService::status(bool network_detail) const {
  auto out = sessions_status(*sessions_, network_detail);
  out["viewers"] = viewers_->status(network_detail);
  if (relays_) out["turn"] = relays_->status();
  return out;
}

std::size_t WebrtcService::session_count() const { return sessions_->session_count(); }

std::string WebrtcService::status_key() const {
  std::string key = sessions_status_key(*sessions_) + '|' + viewers_->status_key();
  if (relays_) key += '|' + relays_->status().dump();
  return key;
}

}  // namespace presentd::app
