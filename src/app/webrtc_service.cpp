#include "app/webrtc_service.hpp"

#include <charconv>

#include <boost/asio/post.hpp>

#include "common/log.hpp"
#include "config/config_schema.hpp"
#include "dtls/dtls_identity_store.hpp"
#include "ice/glib_context_pump.hpp"
#include "render/renderer.hpp"
#include "sdp/answer_builder.hpp"
#include "session/session_manager.hpp"
#include "signaling/local/whip_endpoint.hpp"

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
  settings.remb_cap_bps = static_cast<std::uint64_t>(config.media.remb_cap_kbps) * 1000;
  settings.vp8_with_ffmpeg = config.media.vp8_decoder == config::Vp8Decoder::ffmpeg;
  settings.answer.max_bitrate_bps = config.media.max_bitrate_kbps > 0
                                        ? static_cast<std::uint64_t>(config.media.max_bitrate_kbps) * 1000
                                        : sdp::kDefaultMaxBitrateUpTo1080p;
  return settings;
}

session::AdmissionSettings admission_settings(const config::Config& config) {
  return {config.admission.max_presenters, config.admission.when_full};
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
                             std::function<std::optional<std::string>()> token)
    : io_(io), renderer_(renderer), context_(g_main_context_new()) {
  pump_ = std::make_unique<ice::GlibContextPump>(io_, context_);
  pump_->start();
  auto stored = dtls::load_or_create_dtls_identity(config.daemon.state_directory, crypto::KeyType::ecdsa_p256);
  auto identity = std::make_shared<const crypto::Identity>(std::move(stored.identity));

  session::SessionManager::Observer observer;
  observer.on_picture = [renderer](const std::string& session_id, std::size_t, media::PicturePtr picture) {
    if (renderer != nullptr) renderer->present(presenter_id(session_id), std::move(picture));
  };
  observer.on_audio = [renderer](const std::string& session_id, std::span<const float> samples) {
    if (renderer != nullptr) renderer->play_audio(presenter_id(session_id), samples);
  };
  observer.on_state = [this](const std::string& session_id, session::SessionState state) {
    // Posted: the session manager may still hold the ending session while it reports.
    boost::asio::post(io_, [this] {
      if (on_sessions_changed_) on_sessions_changed_();
    });
    if (renderer_ == nullptr) return;
    const auto id = presenter_id(session_id);
    switch (state) {
      case session::SessionState::live:
        renderer_->presenter_joined(id, "Presenter");
        renderer_->set_reconnecting(id, false);
        break;
      case session::SessionState::reconnecting: renderer_->set_reconnecting(id, true); break;
      case session::SessionState::ended: renderer_->presenter_left(id); break;
      case session::SessionState::connecting: break;
    }
  };
  sessions_ = std::make_unique<session::SessionManager>(io_, *pump_, identity, session_settings(config),
                                                        admission_settings(config), std::move(observer));
  signaling::WhipEndpointOptions options;
  options.expected_token = std::move(token);
  if (!config.ice.stun_server.empty()) {
    options.ice_server_links.push_back("<stun:" + config.ice.stun_server + ">; rel=\"ice-server\"");
  }
  whip_ = std::make_unique<signaling::WhipEndpoint>(clock_, *sessions_, options);
}

WebrtcService::~WebrtcService() {
  stop();
  whip_.reset();
  sessions_.reset();
  pump_.reset();
  g_main_context_unref(context_);
}

void WebrtcService::register_routes(signaling::HttpRouter& router) { whip_->register_routes(router); }

void WebrtcService::apply(const config::Config& config) {
  sessions_->set_admission(admission_settings(config));
  sessions_->set_settings(session_settings(config));
}

void WebrtcService::end_sessions(const std::string& reason) {
  if (sessions_) sessions_->end_all(reason);
}

void WebrtcService::stop() {
  end_sessions("the display is shutting down");
  // A running pump always waits on libnice's sockets, which would keep the event loop from
  // running dry at shutdown.
  if (pump_) pump_->stop();
}

nlohmann::json WebrtcService::status() const { return sessions_->status(); }

}  // namespace presentd::app
