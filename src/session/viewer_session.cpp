// SPDX-License-Identifier: Apache-2.0
#include "presentd/session/viewer_session.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>

#include "presentd/common/internal_errors.hpp"
#include "presentd/common/log.hpp"
#include "presentd/common/random.hpp"
#include "presentd/dtls/dtls_fingerprint.hpp"

namespace presentd::session {
namespace {
constexpr std::string_view kTag = "viewer";

// Distinct, non-zero SSRCs: one per m-line the box may send on (RFC 3550 §8: random).
std::vector<std::uint32_t> draw_ssrcs(std::size_t count) {
  std::vector<std::uint32_t> ssrcs;
  while (ssrcs.size() < count) {
    const auto ssrc = random_u32();
    if (ssrc != 0 && std::find(ssrcs.begin(), ssrcs.end(), ssrc) == ssrcs.end()) ssrcs.push_back(ssrc);
  }
  return ssrcs;
}

SendStageConfig send_config(const std::vector<sdp::ViewerMedia>& media, const std::string& cname) {
  SendStageConfig config;
  config.cname = cname;
  config.first_transport_sequence_number = static_cast<std::uint16_t>(random_u32());
  for (const auto& line : media) {
    SendStreamConfig stream;
    const bool video = line.kind == sdp::ViewerMedia::Kind::video;
    auto& forwarder = stream.forwarder;
    forwarder.media = video ? media::ForwardedMedia::video : media::ForwardedMedia::audio;
    forwarder.stream.ssrc = line.ssrc;
    forwarder.stream.clock_rate = line.codecs.empty() ? (video ? 90000 : 48000) : line.codecs.front().clock_rate;
    forwarder.stream.initial_sequence_number = static_cast<std::uint16_t>(random_u32());
    forwarder.stream.initial_timestamp = random_u32();
    forwarder.stream.mid = line.mid;
    for (const auto& extension : line.extensions) {
      // RFC 8285 IDs are 1..255; the answer builder never answers another.
      if (extension.id > 0 && extension.id < 256) {
        forwarder.stream.extensions.push_back({static_cast<std::uint8_t>(extension.id), extension.uri});
      }
    }
    forwarder.stream.two_byte_extensions_allowed = line.two_byte_extensions_allowed;
    if (!video) {
      // 1.5 s of Opus is ~75 packets of a few hundred bytes: the video's 2 MB would be waste.
      forwarder.resend.max_bytes = std::size_t{64} * 1024;
      forwarder.resend.max_packets = 256;
    }
    stream.nack = line.nack;
    stream.pli = line.nack_pli;
    stream.fir = line.ccm_fir;
    stream.remb = line.goog_remb;
    stream.transport_cc = line.transport_cc;
    config.streams.push_back(std::move(stream));
  }
  return config;
}
}  // namespace

ViewerSession::ViewerSession(boost::asio::io_context& io, ice::GlibContextPump& pump,
                             std::shared_ptr<const crypto::Identity> dtls_identity, ViewerSettings settings,
                             Listener& listener, std::string id, std::string address)
    : io_(io),
      pump_(pump),
      dtls_identity_(std::move(dtls_identity)),
      settings_(std::move(settings)),
      listener_(listener),
      id_(std::move(id)),
      short_id_(id_.substr(0, 8)),
      address_(std::move(address)),
      created_at_(clock_.now()),
      last_packet_at_(clock_.now()),
      cname_(random_hex(8)),
      ssrcs_(draw_ssrcs(settings_.max_video_m_lines + 1)),
      gathering_timer_(io),
      tick_timer_(io) {}

ViewerSession::~ViewerSession() {
  liveness_.end();
  gathering_timer_.cancel();
  tick_timer_.cancel();
  send_.reset();
  transport_.reset();
}

sdp::Result<sdp::ViewerAnswer> ViewerSession::answer_with(const std::string& ufrag, const std::string& pwd,
                                                          std::vector<std::string> candidates) const {
  sdp::ViewerAnswerConfig config;
  config.video_codecs = settings_.video_codecs;
  config.accept_audio = settings_.audio;
  config.max_video_m_lines = settings_.max_video_m_lines;
  config.ice_ufrag = ufrag;
  config.ice_pwd = pwd;
  config.fingerprint = {"sha-256", local_fingerprint_};
  config.candidates = std::move(candidates);
  config.session_id = std::to_string(random_u32());
  config.ssrcs = ssrcs_;
  config.cname = cname_;
  return sdp::build_viewer_answer(offer_, config);
}

void ViewerSession::start(const sdp::SessionDescription& offer, AnswerCallback done) {
  loop_.check("ViewerSession::start");
  answer_callback_ = std::move(done);
  std::optional<AnswerFailure> failure;
  try {
    failure = set_up(offer);
  } catch (...) {
    report_current_exception(ErrorSite::session, kTag, "the setup of viewer " + short_id_);
    failure = AnswerFailure{AnswerFailure::Kind::internal, {}, "the viewer could not be set up"};
  }
  if (!failure || !answer_callback_) return;
  auto callback = std::move(answer_callback_);
  answer_callback_ = nullptr;
  callback(std::nullopt, std::move(*failure));
}

std::optional<AnswerFailure> ViewerSession::set_up(const sdp::SessionDescription& offer) {
  offer_ = offer;
  local_fingerprint_ = dtls::certificate_fingerprint(dtls_identity_->certificate.get()).value;
  // An answer without candidates validates the offer before any socket is opened.
  auto trial = answer_with("validate", "validate-validate-validate", {});
  if (!trial) return AnswerFailure{AnswerFailure::Kind::offer, trial.error().code, trial.error().message};
  media_ = trial->media;
  const SecureTransport::Setup setup{settings_.ice, *dtls_identity_, trial->transport, "viewer " + short_id_, "viewer"};
  transport_ = std::make_unique<SecureTransport>(
      io_, pump_, setup, static_cast<SecureTransport::Listener&>(*this),
      [this](std::string_view running, const std::function<void()>& work) { contained(running, work); });
  (void)transport_->ice().set_remote(trial->transport);
  if (!transport_->ice().gather())
    return AnswerFailure{AnswerFailure::Kind::no_network, {}, "no usable network address or port for media"};
  gathering_timer_.expires_after(settings_.gathering_timeout);
  gathering_timer_.async_wait([this, alive = liveness_.token()](boost::system::error_code ec) {
    if (!ec && alive && answer_callback_) contained("answering", [this] { answer_now(); });
  });
  arm_tick();
  return std::nullopt;
}

void ViewerSession::on_transport_gathered() {
  if (answer_callback_) answer_now();
}

void ViewerSession::answer_now() {
  gathering_timer_.cancel();
  auto callback = std::move(answer_callback_);
  answer_callback_ = nullptr;
  const auto credentials = transport_->ice().local_credentials();
  auto answer = answer_with(credentials.ufrag, credentials.password, transport_->ice().local_candidates());
  if (!answer) return callback(std::nullopt, {AnswerFailure::Kind::offer, answer.error().code, answer.error().message});
  answer_ = answer->description;
  media_ = answer->media;
  callback(answer->description, {});
}

void ViewerSession::on_transport_keys(rtp::SrtpProfile profile, const rtp::SrtpKeyPair& keys) {
  send_ = std::make_unique<SendStage>(clock_, send_config(media_, cname_), profile, keys,
                                      static_cast<SendStage::Listener&>(*this));
  PD_LOG(notice, kTag) << short_id_ << ": watching from " << address_;
  listener_.on_viewer_ready(*this);
}

void ViewerSession::on_transport_activity() { last_packet_at_ = clock_.now(); }

void ViewerSession::on_srtp_datagram(std::span<const std::uint8_t> datagram) {
  if (send_) send_->on_packet(datagram);
}

void ViewerSession::on_transport_ended(EndReason reason, const std::string& detail) { end(reason, detail); }

void ViewerSession::send_srtp(std::span<const std::uint8_t> datagram) { (void)transport_->send(datagram); }

void ViewerSession::request_keyframe(std::uint32_t source_ssrc, Clock::TimePoint /*now*/) {
  listener_.on_viewer_keyframe_request(*this, source_ssrc);
}

bool ViewerSession::add_remote_candidates(const sdp::SdpFragment& fragment) {
  loop_.check("ViewerSession::add_remote_candidates");
  return !transport_ || transport_->ice().add_trickle(fragment);
}

sdp::Result<std::string> ViewerSession::restart_ice(const sdp::SdpFragment& fragment) {
  loop_.check("ViewerSession::restart_ice");
  if (!transport_ || !answer_) {
    return sdp::make_error(sdp::ErrorCode::unsupported_offer, 0, "the viewer has not been answered yet");
  }
  return transport_->restart_ice(fragment, *answer_);
}

void ViewerSession::arm_tick() {
  tick_timer_.expires_after(settings_.tick);
  tick_timer_.async_wait([this, alive = liveness_.token()](boost::system::error_code ec) {
    if (!ec && alive) contained("the viewer's tick", [this] { on_tick(); });
  });
}

void ViewerSession::on_tick() {
  if (ended_) return;
  if (send_) send_->on_tick();
  if (clock_.now() - last_packet_at_ > settings_.end_after) {
    const auto seconds = std::to_string(settings_.end_after.count());
    if (!(transport_ && transport_->ever_connected())) {
      return end(EndReason::ice_failed, "ICE did not connect within " + seconds + " s");
    }
    return end(EndReason::connection_lost, "nothing from the viewer for " + seconds + " s");
  }
  arm_tick();
}

void ViewerSession::contained(std::string_view running, const std::function<void()>& work) {
  try {
    work();
  } catch (...) {
    // One viewer's boundary: the exception ends this viewer only.
    report_current_exception(ErrorSite::session, kTag, std::string(running) + " of viewer " + short_id_);
    boost::asio::post(io_, [this, alive = liveness_.token()] {
      if (alive) end(EndReason::error, "internal error (logged)");
    });
  }
}

void ViewerSession::end(EndReason reason, const std::string& detail) {
  loop_.check("ViewerSession::end");
  if (ended_) return;
  ended_ = true;
  gathering_timer_.cancel();
  tick_timer_.cancel();
  if (transport_) transport_->stop();
  if (answer_callback_) {
    auto callback = std::move(answer_callback_);
    answer_callback_ = nullptr;
    callback(std::nullopt, {AnswerFailure::Kind::ended, {}, detail});
  }
  if (send_) {
    const auto& stats = send_->stats();
    PD_LOG(notice, kTag) << short_id_ << ": ended (" << detail << "); sent " << stats.rtp_sent << " packets and "
                         << stats.rtcp_sent << " reports, received " << stats.rtcp_received << " RTCP compounds";
  } else {
    PD_LOG(notice, kTag) << short_id_ << ": ended (" << detail << ")";
  }
  listener_.on_viewer_ended(*this, reason, detail);
}

}  // namespace presentd::session
