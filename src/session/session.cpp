// SPDX-License-Identifier: Apache-2.0
#include "presentd/session/session.hpp"

#include <boost/asio/post.hpp>

#include "presentd/common/internal_errors.hpp"
#include "presentd/common/log.hpp"
#include "presentd/common/random.hpp"
#include "presentd/dtls/dtls_fingerprint.hpp"

namespace presentd::session {
namespace {
constexpr std::string_view kTag = "session";

// How often the fps and bitrate meters take a sample (on the 20 ms tick).
constexpr Clock::Duration kRateSampleInterval = std::chrono::milliseconds(500);
}  // namespace

std::string_view to_string(SessionState state) {
  switch (state) {
    case SessionState::connecting: return "connecting";
    case SessionState::live: return "live";
    case SessionState::reconnecting: return "reconnecting";
    case SessionState::ended: return "ended";
  }
  return "unknown";
}

Session::Session(boost::asio::io_context& io, ice::GlibContextPump& pump,
                 std::shared_ptr<const crypto::Identity> dtls_identity, SessionSettings settings, Listener& listener,
                 std::string id, std::string presenter)
    : io_(io),
      pump_(pump),
      dtls_identity_(std::move(dtls_identity)),
      settings_(std::move(settings)),
      listener_(listener),
      id_(std::move(id)),
      presenter_(std::move(presenter)),
      short_id_(id_.substr(0, 8)),
      created_at_(clock_.now()),
      last_packet_at_(clock_.now()),
      gathering_timer_(io),
      tick_timer_(io) {}

Session::~Session() {
  // Teardown order: timers, then the decode threads (joined), then the media path, and last the
  // transport (whose ICE agent's destructor is libnice's teardown barrier).
  liveness_.end();
  gathering_timer_.cancel();
  tick_timer_.cancel();
  decoders_.reset();
  sink_.reset();
  receive_.reset();
  transport_.reset();
}

void Session::start(const sdp::SessionDescription& offer, AnswerCallback done) {
  loop_.check("Session::start");
  std::optional<AnswerFailure> failure;
  answer_callback_ = std::move(done);
  try {
    failure = set_up(offer);
  } catch (...) {
    // The session's setup boundary: whatever a layer throws while this offer is turned into
    // ICE, DTLS and a pending answer ends this session only, with a 500 to its sender.
    report_current_exception(ErrorSite::session, kTag, "the setup of session " + short_id_);
    failure = AnswerFailure{AnswerFailure::Kind::internal, {}, "the session could not be set up"};
  }
  if (!failure || !answer_callback_) return;
  auto callback = std::move(answer_callback_);
  answer_callback_ = nullptr;
  callback(std::nullopt, std::move(*failure));
}

std::optional<Session::AnswerFailure> Session::set_up(const sdp::SessionDescription& offer) {
  offer_ = offer;
  local_fingerprint_ = dtls::certificate_fingerprint(dtls_identity_->certificate.get()).value;
  // A first answer without candidates validates the offer before any socket is opened.
  auto config = settings_.answer;
  config.ice_ufrag = "validate";
  config.ice_pwd = "validate-validate-validate";
  config.fingerprint = {"sha-256", local_fingerprint_};
  auto trial = sdp::build_answer(offer_, config);
  if (!trial) return AnswerFailure{AnswerFailure::Kind::offer, trial.error().code, trial.error().message};
  negotiated_ = trial->negotiated;

  const SecureTransport::Setup setup{settings_.ice, *dtls_identity_, *negotiated_, short_id_};
  transport_ = std::make_unique<SecureTransport>(
      io_, pump_, setup, static_cast<SecureTransport::Listener&>(*this),
      [this](std::string_view running, const std::function<void()>& work) { contained(running, work); });
  const auto usable = transport_->ice().set_remote(*negotiated_);
  PD_LOG(info, kTag) << short_id_ << ": offer from \"" << presenter_ << "\" with "
                     << negotiated_->remote_candidates.size() << " candidates (" << usable << " usable)";
  if (!transport_->ice().gather())
    return AnswerFailure{AnswerFailure::Kind::no_network, {}, "no usable network address or port for media"};
  gathering_timer_.expires_after(settings_.gathering_timeout);
  // Every timer handler checks `alive`: a timer that expired in the same loop turn in which the
  // session was destroyed has its handler queued with success already, and destroying the timer
  // cannot cancel it any more (found by ASan: ScreenLive's Del key ended a session whose tick
  // was due, heap-use-after-free in on_tick).
  gathering_timer_.async_wait([this, alive = liveness_.token()](boost::system::error_code ec) {
    if (!ec && alive && answer_callback_) contained("answering", [this] { answer_now(); });
  });
  arm_tick();
  return std::nullopt;
}

void Session::on_transport_gathered() {
  if (answer_callback_) answer_now();
}

void Session::answer_now() {
  gathering_timer_.cancel();
  auto callback = std::move(answer_callback_);
  answer_callback_ = nullptr;
  auto config = settings_.answer;
  const auto credentials = transport_->ice().local_credentials();
  config.ice_ufrag = credentials.ufrag;
  config.ice_pwd = credentials.password;
  config.fingerprint = {"sha-256", local_fingerprint_};
  config.candidates = transport_->ice().local_candidates();
  config.session_id = std::to_string(random_u32());
  auto answer = sdp::build_answer(offer_, config);
  if (!answer) return callback(std::nullopt, {AnswerFailure::Kind::offer, answer.error().code, answer.error().message});
  answer_ = answer->description;
  answered_after_ = clock_.now() - created_at_;
  callback(answer->description, {});
}

void Session::on_transport_keys(rtp::SrtpProfile profile, const rtp::SrtpKeyPair& keys) {
  build_media_chain(profile, keys);
  set_state(SessionState::live, "media flowing");
  arm_tick();
}

// The stages after the transport, made once the keys exist (nothing before can be authenticated).
void Session::build_media_chain(rtp::SrtpProfile profile, const rtp::SrtpKeyPair& keys) {
  const auto& negotiated = *negotiated_;
  MediaSink::Options sink_options;
  sink_options.video_streams = negotiated.video.size();
  if (negotiated.audio) sink_options.audio_clock_rate = negotiated.audio->clock_rate;
  sink_options.max_lip_sync_delay = settings_.max_lip_sync_delay;
  sink_options.started_at = created_at_;
  sink_ = std::make_unique<MediaSink>(io_, clock_, sink_options, static_cast<MediaSink::Output&>(*this));
  decoders_ = std::make_unique<DecoderSet>(io_, clock_, negotiated.video.size(),
                                           DecoderSetOptions{settings_.vp8_with_ffmpeg, settings_.decode_seconds},
                                           static_cast<DecoderSet::Listener&>(*this));
  receive_ = std::make_unique<ReceiveStage>(clock_, negotiated, settings_.remb_cap_bps, profile, keys,
                                            static_cast<ReceiveStage::Listener&>(*this));
}

void Session::on_transport_activity() {
  last_packet_at_ = clock_.now();
  if (state_ == SessionState::reconnecting) set_state(SessionState::live, "media back");
}

void Session::on_srtp_datagram(std::span<const std::uint8_t> datagram) {
  // Before the keys exist nothing can be authenticated: such packets are dropped.
  if (receive_) receive_->on_packet(datagram);
}

void Session::on_transport_ended(EndReason reason, const std::string& detail) { end(reason, detail); }

void Session::on_video_frame(std::size_t stream, media::Frame&& frame, rtp::PayloadFormat format) {
  note_media_flowing();
  if (on_hold_) return;  // waiting for approval or a place: nothing is decoded or shown
  decoders_->submit(stream, std::move(frame), format);
}

void Session::on_audio_packet(std::vector<std::uint8_t>&& opus, std::uint32_t rtp_timestamp) {
  note_media_flowing();
  if (on_hold_) return;
  sink_->on_audio_packet(opus, rtp_timestamp);
}

void Session::on_sender_report(media::ReceivePipeline::ReportedStream kind, std::size_t video_index,
                               std::uint64_t ntp_timestamp, std::uint32_t rtp_timestamp) {
  sink_->on_sender_report(kind, video_index, ntp_timestamp, rtp_timestamp);
}

void Session::send_rtcp(std::vector<std::uint8_t>&& srtcp) { (void)transport_->send(srtcp); }

void Session::on_media_packet(media::ReceivePipeline::ReportedStream kind, std::size_t video_index,
                              const rtp::RtpPacket& packet) {
  // Held back from the screen is held back from the viewers too.
  if (!on_hold_) listener_.on_session_packet(*this, kind, video_index, packet);
}

void Session::request_keyframe(std::size_t stream) {
  loop_.check("Session::request_keyframe");
  if (receive_ && stream < receive_->video_stream_count()) receive_->request_keyframe(stream);
}

// Decode worker thread: the sink is destroyed only after the decoders are joined.
void Session::on_decoded_picture(std::size_t stream, media::PicturePtr picture) {
  sink_->on_picture(stream, std::move(picture));
}

void Session::on_keyframe_needed(std::size_t stream) {
  if (receive_) receive_->request_keyframe(stream);
}

void Session::on_picture(std::size_t stream, media::PicturePtr picture) {
  listener_.on_session_picture(id_, stream, std::move(picture));
}

void Session::on_audio(std::span<const float> samples) { listener_.on_session_audio(id_, samples); }

void Session::note_media_flowing() {
  if (media_flowing_) return;
  media_flowing_ = true;
  PD_LOG(info, kTag) << short_id_ << ": first media frame received";
  // Posted: the listener may end other sessions or take this one off hold, which must not
  // happen inside the receive pipeline's own callback.
  boost::asio::post(io_, [this, alive = liveness_.token()] {
    if (alive && state_ != SessionState::ended) listener_.on_session_media(*this);
  });
}

void Session::set_on_hold(bool on_hold) {
  loop_.check("Session::set_on_hold");
  if (on_hold == on_hold_) return;
  on_hold_ = on_hold;
  // Frames were dropped while on hold: decoding can only start again from a keyframe.
  if (!on_hold_ && receive_) receive_->request_keyframes();
}

bool Session::add_remote_candidates(const sdp::SdpFragment& fragment) {
  loop_.check("Session::add_remote_candidates");
  return !transport_ || transport_->ice().add_trickle(fragment);
}

sdp::Result<std::string> Session::restart_ice(const sdp::SdpFragment& fragment) {
  loop_.check("Session::restart_ice");
  if (!transport_ || !answer_) {
    return sdp::make_error(sdp::ErrorCode::unsupported_offer, 0, "the session has not been answered yet");
  }
  return transport_->restart_ice(fragment, *answer_);
}

const std::string& Session::remote_ice_ufrag() const {
  static const std::string none;
  return transport_ ? transport_->ice().remote_ufrag() : none;
}

const std::string& Session::remote_ice_pwd() const {
  static const std::string none;
  return transport_ ? transport_->ice().remote_pwd() : none;
}

void Session::arm_tick() {
  tick_timer_.expires_after(settings_.feedback_tick);
  tick_timer_.async_wait([this, alive = liveness_.token()](boost::system::error_code ec) {
    if (!ec && alive) contained("the feedback tick", [this] { on_tick(); });
  });
}

void Session::on_tick() {
  if (state_ == SessionState::ended) return;
  if (receive_) receive_->on_tick();
  if (clock_.now() - last_rate_sample_ >= kRateSampleInterval) sample_rates();
  end_if_silent();
  if (state_ != SessionState::ended) arm_tick();
}

void Session::end_if_silent() {
  const auto silent = clock_.now() - last_packet_at_;
  if (silent > settings_.end_after) {
    // Silence before ICE ever connected (or media ever flowed) is ICE that never found a path,
    // whichever timer notices first (libnice's checks or this one).
    const auto seconds = std::to_string(settings_.end_after.count());
    if (!(transport_ && transport_->ever_connected()) && !was_live_) {
      return end(EndReason::ice_failed, "ICE did not connect within " + seconds + " s");
    }
    return end(EndReason::connection_lost, "no media or ICE traffic for " + seconds + " s");
  }
  if (silent > settings_.reconnecting_after && state_ == SessionState::live) {
    set_state(SessionState::reconnecting,
              "no media for " + std::to_string(settings_.reconnecting_after.count()) + " ms");
  }
}

void Session::contained(std::string_view running, const std::function<void()>& work) {
  try {
    work();
  } catch (...) {
    // A running session's boundary: the exception ends this session only (posted, since the
    // handler that threw may be deep inside the session's own objects).
    report_current_exception(ErrorSite::session, kTag, std::string(running) + " of session " + short_id_);
    boost::asio::post(io_, [this, alive = liveness_.token()] {
      if (alive) end(EndReason::error, "internal error (logged)");
    });
  }
}

void Session::end(EndReason reason, const std::string& detail) {
  loop_.check("Session::end");
  // The pending answer callback below may call end() again: the first reason stands.
  if (state_ == SessionState::ended || ending_) return;
  ending_ = true;
  end_reason_ = reason;
  gathering_timer_.cancel();
  tick_timer_.cancel();
  if (transport_) transport_->stop();
  if (answer_callback_) {
    auto callback = std::move(answer_callback_);
    answer_callback_ = nullptr;
    callback(std::nullopt, {AnswerFailure::Kind::ended, {}, detail});
  }
  set_state(SessionState::ended, detail);
}

void Session::set_state(SessionState state, const std::string& reason) {
  if (state == state_) return;
  state_ = state;
  if (state == SessionState::live) was_live_ = true;
  PD_LOG(notice, kTag) << short_id_ << ": " << to_string(state) << " (" << reason << ")";
  listener_.on_session_state(*this, state, reason);
}

void Session::sample_rates() {
  last_rate_sample_ = clock_.now();
  if (!receive_) return;
  frame_rate_.add_sample(last_rate_sample_, decoders_->totals().frames_decoded);
  bit_rate_.add_sample(last_rate_sample_, receive_->pipeline().stats().rtp_bytes * 8);
}

SessionCounters Session::counters() const {
  SessionCounters out;
  if (!receive_) return out;
  const auto& pipeline = receive_->pipeline();
  out.rtp_packets = pipeline.stats().rtp_packets;
  out.rtp_bytes = pipeline.stats().rtp_bytes;
  for (std::size_t i = 0; i < pipeline.video_stream_count(); ++i) {
    const auto& stream = pipeline.video_stream(i);
    out.packets_lost += stream.nack_stats().packets_given_up;
    out.packets_recovered += stream.nack_stats().packets_recovered;
    out.nack_requests += stream.nack_stats().requests_sent;
    out.plis_sent += stream.keyframe_stats().plis_sent;
    out.firs_sent += stream.keyframe_stats().firs_sent;
  }
  const auto decode = decoders_->totals();
  out.frames_decoded = decode.frames_decoded;
  out.frames_dropped_queue_full = decode.frames_dropped_queue_full;
  out.frames_dropped_waiting_for_keyframe = decode.frames_dropped_waiting_for_keyframe;
  out.frames_dropped_too_large = decode.frames_dropped_too_large;
  out.decode_errors = decode.decode_errors;
  return out;
}

}  // namespace presentd::session
