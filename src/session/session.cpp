// SPDX-License-Identifier: Apache-2.0
#include "session/session.hpp"

#include <boost/asio/post.hpp>

#include "common/internal_errors.hpp"
#include "common/log.hpp"
#include "common/random.hpp"
#include "dtls/dtls_fingerprint.hpp"
#include "dtls/dtls_transport.hpp"
#include "media/decode/decode_worker.hpp"
#include "media/decode/opus_decoder.hpp"
#include "media/decode/video_decoder.hpp"
#include "media/receive/receive_pipeline.hpp"
#include "rtp/packet_classifier.hpp"

namespace presentd::session {
namespace {
constexpr std::string_view kTag = "session";

std::string short_id(const std::string& id) { return id.substr(0, 8); }

// How often the fps and bitrate meters take a sample (on the 20 ms tick).
constexpr Clock::Duration kRateSampleInterval = std::chrono::milliseconds(500);

std::string_view codec_name(rtp::PayloadFormat format) {
  switch (format) {
    case rtp::PayloadFormat::vp8: return "vp8";
    case rtp::PayloadFormat::vp9: return "vp9";
    case rtp::PayloadFormat::h264: return "h264";
    case rtp::PayloadFormat::opus: return "opus";
  }
  return "unknown";
}

void add_decode_stats(media::DecodeWorkerStats& total, const media::DecodeWorkerStats& more) {
  total.frames_decoded += more.frames_decoded;
  total.frames_dropped_queue_full += more.frames_dropped_queue_full;
  total.frames_dropped_waiting_for_keyframe += more.frames_dropped_waiting_for_keyframe;
  total.frames_dropped_too_large += more.frames_dropped_too_large;
  total.decode_errors += more.decode_errors;
}

// Mean Y/U/V of a picture: tells an admin (and the tests) whether real video, not a black or
// frozen screen, is arriving, without exposing what is presented. Read from a grid of at most
// 64x64 samples per plane, so it costs the decode thread a few microseconds whatever the size.
std::array<double, 3> sampled_mean(const media::Picture& picture) {
  constexpr int kSamples = 64;
  std::array<double, 3> mean{};
  for (int plane = 0; plane < std::min(3, picture.plane_count()); ++plane) {
    const int rows = picture.plane_rows(plane);
    const int columns = picture.plane_row_bytes(plane);
    if (rows <= 0 || columns <= 0) continue;
    const int row_step = std::max(1, rows / kSamples);
    const int column_step = std::max(1, columns / kSamples);
    double sum = 0;
    std::size_t count = 0;
    for (int y = 0; y < rows; y += row_step) {
      const auto row = picture.row(plane, y);
      for (std::size_t x = 0; x < row.size(); x += static_cast<std::size_t>(column_step)) {
        sum += row[x];
        ++count;
      }
    }
    mean[static_cast<std::size_t>(plane)] = sum / static_cast<double>(count);
  }
  return mean;
}

double milliseconds(Clock::Duration duration) { return std::chrono::duration<double, std::milli>(duration).count(); }

nlohmann::json optional_number(std::optional<double> value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}
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

// Forwards libnice's events to the session without exposing the listener interface publicly.
class Session::IceEvents : public ice::IceAgent::Listener {
public:
  explicit IceEvents(Session& session) : session_(session) {}
  void on_ice_candidate(const std::string& line) override { session_.local_candidates_.push_back(line); }
  void on_ice_gathering_done() override {
    if (session_.answer_callback_) session_.contained("answering", [this] { session_.answer_now(); });
  }
  void on_ice_state(ice::IceState state) override {
    session_.contained("an ICE state change", [&] { session_.on_ice_state(state); });
  }
  void on_ice_data(std::span<const std::uint8_t> datagram) override { session_.on_ice_data(datagram); }

private:
  Session& session_;
};

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
      created_at_(clock_.now()),
      last_packet_at_(clock_.now()),
      gathering_timer_(io),
      dtls_timer_(io),
      tick_timer_(io) {}

Session::~Session() {
  // Teardown order: timers, then the decode threads (joined), then the media path, DTLS and
  // last ICE (whose destructor is libnice's teardown barrier).
  liveness_.end();
  gathering_timer_.cancel();
  dtls_timer_.cancel();
  tick_timer_.cancel();
  for (auto& decoder : decoders_) {
    if (decoder) decoder->stop();
  }
  decoders_.clear();
  pipeline_.reset();
  lip_sync_.reset();
  audio_decoder_.reset();
  dtls_.reset();
  ice_.reset();
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
    report_current_exception(ErrorSite::session, kTag, "the setup of session " + short_id(id_));
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

  ice_events_ = std::make_unique<IceEvents>(*this);
  ice_ = std::make_unique<ice::IceAgent>(pump_, settings_.ice, *ice_events_);
  local_ufrag_ = ice_->local_credentials().ufrag;
  ice_->set_remote_credentials(negotiated_->remote_ice_ufrag, negotiated_->remote_ice_pwd);
  remote_candidates_ = negotiated_->remote_candidates.size();
  std::size_t usable = 0;
  for (const auto& candidate : negotiated_->remote_candidates) {
    usable += ice_->add_remote_candidate(sdp::format_candidate(candidate)) ? 1 : 0;
  }
  if (negotiated_->remote_end_of_candidates) ice_->remote_gathering_done();
  PD_LOG(info, kTag) << short_id(id_) << ": offer from \"" << presenter_ << "\" with "
                     << negotiated_->remote_candidates.size() << " candidates (" << usable << " usable)";

  dtls::DtlsConfig dtls_config;
  dtls_config.role = negotiated_->local_setup == sdp::Setup::passive ? rtp::DtlsRole::server : rtp::DtlsRole::client;
  for (const auto& fingerprint : negotiated_->remote_fingerprints) {
    if (auto parsed = dtls::make_dtls_fingerprint(fingerprint.algorithm, fingerprint.value)) {
      dtls_config.remote_fingerprints.push_back(*parsed);
    }
  }
  dtls::DtlsCallbacks callbacks;
  callbacks.send = [this](std::vector<std::uint8_t> datagram) {
    // Our answer to a ClientHello can be ready before our side of ICE has selected the pair the
    // sender already uses: held until it has (IceAgent::send_when_connected says why).
    if (ice_) ice_->send_when_connected(datagram);
  };
  callbacks.on_connected = [this](rtp::SrtpProfile profile, const rtp::SrtpKeyPair& keys) {
    media::ReceivePipelineConfig pipeline_config;
    pipeline_config.local_ssrc = random_u32() | 1;
    for (const auto& video : negotiated_->video) {
      media::VideoStreamConfig stream;
      stream.media_ssrc = video.media_ssrc;
      stream.rtx_ssrc = video.rtx_ssrc;
      stream.payload_types = video.payload_types;
      stream.rtx_payload_types = video.rtx_payload_types;
      stream.playout_delay_extension_id = video.playout_delay_extension_id;
      stream.keyframe_requests.pli_negotiated = video.nack_pli;
      stream.keyframe_requests.fir_negotiated = video.ccm_fir;
      stream.nack_negotiated = video.nack;
      pipeline_config.video.push_back(stream);
    }
    if (negotiated_->audio) {
      pipeline_config.audio = media::AudioStreamConfig{negotiated_->audio->ssrc, negotiated_->audio->payload_type,
                                                       negotiated_->audio->clock_rate};
    }
    pipeline_config.transport_cc_extension_id = negotiated_->transport_cc_extension_id;
    pipeline_config.remb_cap_bps = settings_.remb_cap_bps;
    decoders_.resize(pipeline_config.video.size());
    decoder_formats_.assign(pipeline_config.video.size(), -1);
    {
      std::lock_guard lock(pictures_mutex_);
      latest_pictures_.assign(pipeline_config.video.size(), std::nullopt);
    }
    pipeline_ = std::make_unique<media::ReceivePipeline>(
        clock_, pipeline_config, std::make_unique<rtp::SrtpContext>(profile, keys),
        [this](std::size_t stream, media::Frame&& frame, rtp::PayloadFormat format) {
          note_media_flowing();
          if (on_hold_) return;  // waiting for approval or a place: nothing is decoded or shown
          if (decoder_formats_[stream] != static_cast<int>(format)) {
            if (decoders_[stream]) {
              decoders_[stream]->stop();
              add_decode_stats(retired_decoders_, decoders_[stream]->stats());
            }
            // The histogram child is looked up here, on the loop; the decode thread only
            // observes into it (lock-free).
            metrics::Histogram* decode_seconds =
                settings_.decode_seconds ? &settings_.decode_seconds->with({std::string(codec_name(format))}) : nullptr;
            media::DecodeWorkerCallbacks decode_callbacks;
            decode_callbacks.on_picture = [this, stream, decode_seconds](media::PicturePtr picture) {
              if (decode_seconds != nullptr) {
                decode_seconds->observe(std::chrono::duration<double>(picture->timing().decode_duration()).count());
              }
              on_picture_decoded(stream, std::move(picture));
            };
            decode_callbacks.post_to_loop = [this, alive = liveness_.token()](std::function<void()> work) {
              boost::asio::post(io_, [alive, work = std::move(work)] {
                if (alive) work();
              });
            };
            decode_callbacks.on_keyframe_needed = [this, stream] {
              if (pipeline_) pipeline_->request_keyframe(stream);
            };
            media::VideoDecoderOptions options;
            if (format == rtp::PayloadFormat::vp8 && settings_.vp8_with_ffmpeg) {
              options.backend = media::VideoDecoderBackend::libavcodec;
            }
            decoders_[stream] = std::make_unique<media::DecodeWorker>(media::make_video_decoder(format, options),
                                                                      clock_, std::move(decode_callbacks));
            decoder_formats_[stream] = static_cast<int>(format);
          }
          decoders_[stream]->submit(std::move(frame));
        },
        [this](std::vector<std::uint8_t>&& opus, std::uint32_t rtp_timestamp) {
          note_media_flowing();
          if (on_hold_) return;
          if (!audio_decoder_) audio_decoder_ = std::make_unique<media::OpusDecoder>();
          if (auto block = audio_decoder_->decode(opus, rtp_timestamp)) {
            // Measured before the hand-over: this block waits behind what is queued already.
            const auto output_delay = listener_.audio_output_delay(id_);
            listener_.on_session_audio(id_, block->samples);
            if (lip_sync_ && output_delay) lip_sync_->on_audio_scheduled(rtp_timestamp, clock_.now() + *output_delay);
          }
        },
        [this](std::vector<std::uint8_t>&& srtcp) {
          if (ice_) (void)ice_->send(srtcp);
        });
    if (negotiated_->audio && settings_.max_lip_sync_delay.count() > 0) {
      lip_sync_ =
          std::make_unique<LipSyncGate>(io_, clock_, negotiated_->audio->clock_rate, settings_.max_lip_sync_delay,
                                        [this](std::size_t stream, media::PicturePtr picture) {
                                          listener_.on_session_picture(id_, stream, std::move(picture));
                                        });
      pipeline_->set_sender_report_observer([this](media::ReceivePipeline::ReportedStream kind, std::size_t index,
                                                   std::uint64_t ntp, std::uint32_t rtp_timestamp) {
        if (kind == media::ReceivePipeline::ReportedStream::audio) {
          lip_sync_->on_audio_sender_report(ntp, rtp_timestamp);
        } else if (index == 0) {
          lip_sync_->on_video_sender_report(ntp, rtp_timestamp);
        }
      });
    }
    PD_LOG(notice, kTag) << short_id(id_) << ": DTLS-SRTP established (" << rtp::srtp_profile_info(profile).name
                         << "), media flowing";
    set_state(SessionState::live, "media flowing");
    arm_tick();
  };
  callbacks.on_failed = [this](const std::string& reason) {
    PD_LOG(warning, kTag) << short_id(id_) << ": DTLS failed: " << reason;
    boost::asio::post(io_, [this, alive = liveness_.token(), reason] {
      if (alive) end(EndReason::dtls_failed, "DTLS failed: " + reason);
    });
  };
  callbacks.on_closed = [this] {
    boost::asio::post(io_, [this, alive = liveness_.token()] {
      if (alive) end(EndReason::stopped, "the sender closed the connection");
    });
  };
  dtls_ = std::make_unique<dtls::DtlsTransport>(*dtls_identity_, dtls_config, std::move(callbacks));

  if (!ice_->gather())
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

void Session::answer_now() {
  gathering_timer_.cancel();
  auto callback = std::move(answer_callback_);
  answer_callback_ = nullptr;
  auto config = settings_.answer;
  const auto credentials = ice_->local_credentials();
  config.ice_ufrag = credentials.ufrag;
  config.ice_pwd = credentials.password;
  config.fingerprint = {"sha-256", local_fingerprint_};
  config.candidates = ice_->local_candidates();
  config.session_id = std::to_string(random_u32());
  auto answer = sdp::build_answer(offer_, config);
  if (!answer) return callback(std::nullopt, {AnswerFailure::Kind::offer, answer.error().code, answer.error().message});
  answer_ = answer->description;
  answered_after_ = clock_.now() - created_at_;
  callback(answer->description, {});
}

void Session::note_media_flowing() {
  if (media_flowing_) return;
  media_flowing_ = true;
  PD_LOG(info, kTag) << short_id(id_) << ": first media frame received";
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
  if (on_hold_ || !pipeline_) return;
  // Frames were dropped while on hold: decoding can only start again from a keyframe.
  for (std::size_t stream = 0; stream < pipeline_->video_stream_count(); ++stream) pipeline_->request_keyframe(stream);
}

bool Session::add_remote_candidates(const sdp::SdpFragment& fragment) {
  loop_.check("Session::add_remote_candidates");
  if (!ice_) return true;
  if (remote_candidates_ + fragment.candidates.size() > kMaxRemoteCandidates) {
    PD_LOG(notice, kTag) << short_id(id_) << ": refused " << fragment.candidates.size()
                         << " trickled candidates: the session already has " << remote_candidates_;
    return false;
  }
  remote_candidates_ += fragment.candidates.size();
  for (const auto& trickled : fragment.candidates)
    ice_->add_remote_candidate(sdp::format_candidate(trickled.candidate));
  if (fragment.end_of_candidates) ice_->remote_gathering_done();
  return true;
}

sdp::Result<std::string> Session::restart_ice(const sdp::SdpFragment& fragment) {
  loop_.check("Session::restart_ice");
  if (!ice_ || !answer_ || !negotiated_) {
    return sdp::make_error(sdp::ErrorCode::unsupported_offer, 0, "the session has not been answered yet");
  }
  // RFC 9725 §4.3.2: a restart carries both new credentials (RFC 8839 §5.4 limits are the
  // parser's); half a pair cannot authenticate checks.
  if (!fragment.ice_ufrag || !fragment.ice_pwd) {
    return sdp::make_error(sdp::ErrorCode::missing_field, 0, "an ICE restart needs both a=ice-ufrag and a=ice-pwd");
  }
  if (!ice_->restart(*fragment.ice_ufrag, *fragment.ice_pwd)) {
    return sdp::make_error(sdp::ErrorCode::unsupported_offer, 0, "the ICE agent refused to restart");
  }
  negotiated_->remote_ice_ufrag = *fragment.ice_ufrag;
  negotiated_->remote_ice_pwd = *fragment.ice_pwd;
  ++ice_restarts_;
  // A restart starts a new check list (libnice forgets the old remote candidates).
  remote_candidates_ = fragment.candidates.size();
  std::size_t usable = 0;
  for (const auto& trickled : fragment.candidates) {
    usable += ice_->add_remote_candidate(sdp::format_candidate(trickled.candidate)) ? 1 : 0;
  }
  if (fragment.end_of_candidates) ice_->remote_gathering_done();
  const auto credentials = ice_->local_credentials();
  local_ufrag_ = credentials.ufrag;
  PD_LOG(notice, kTag) << short_id(id_) << ": ICE restart asked by the sender with " << fragment.candidates.size()
                       << " candidates (" << usable << " usable); DTLS and SRTP carry on";
  return sdp::write_restart_fragment(*answer_, credentials.ufrag, credentials.password, ice_->local_candidates());
}

const std::string& Session::remote_ice_ufrag() const {
  static const std::string kNone;
  return negotiated_ ? negotiated_->remote_ice_ufrag : kNone;
}

const std::string& Session::remote_ice_pwd() const {
  static const std::string kNone;
  return negotiated_ ? negotiated_->remote_ice_pwd : kNone;
}

void Session::on_ice_state(ice::IceState state) {
  PD_LOG(info, kTag) << short_id(id_) << ": ICE " << ice::to_string(state);
  if (state == ice::IceState::connected) {
    ice_connected_ = true;
    if (auto pair = ice_->selected_pair_description()) PD_LOG(info, kTag) << short_id(id_) << ": selected " << *pair;
    if (dtls_ && dtls_->state() == dtls::DtlsState::idle) {
      dtls_->start();
      arm_dtls_timer();
    }
  } else if (state == ice::IceState::failed) {
    // Never connected is a path that does not exist (an admin's firewall or NAT question);
    // connected once and then failed is a path that went away.
    boost::asio::post(io_, [this, alive = liveness_.token()] {
      if (!alive) return;
      if (ice_connected_ || was_live_) {
        return end(EndReason::connection_lost, "ICE failed: the path to the sender went away");
      }
      end(EndReason::ice_failed, "ICE failed: no network path to the sender");
    });
  }
}

void Session::on_ice_data(std::span<const std::uint8_t> datagram) {
  contained("a received datagram", [&] { handle_ice_data(datagram); });
}

void Session::handle_ice_data(std::span<const std::uint8_t> datagram) {
  last_packet_at_ = clock_.now();
  if (state_ == SessionState::reconnecting) set_state(SessionState::live, "media back");
  switch (rtp::classify_packet(datagram)) {
    case rtp::PacketKind::dtls:
      if (dtls_) {
        if (dtls_->state() == dtls::DtlsState::idle) dtls_->start();
        dtls_->on_datagram(datagram);
        arm_dtls_timer();
      }
      return;
    case rtp::PacketKind::rtp:
    case rtp::PacketKind::rtcp:
      // Before the keys exist nothing can be authenticated: such packets are dropped.
      if (pipeline_) pipeline_->on_packet(std::vector<std::uint8_t>(datagram.begin(), datagram.end()));
      return;
    default: return;  // STUN is consumed by libnice; anything else is noise
  }
}

void Session::arm_dtls_timer() {
  if (!dtls_) return;
  const auto timeout = dtls_->next_timeout();
  dtls_timer_.cancel();
  if (!timeout) return;
  dtls_timer_.expires_after(*timeout);
  dtls_timer_.async_wait([this, alive = liveness_.token()](boost::system::error_code ec) {
    if (ec || !alive || !dtls_) return;
    contained("a DTLS retransmission", [this] {
      dtls_->on_timeout();
      arm_dtls_timer();
    });
  });
}

void Session::arm_tick() {
  tick_timer_.expires_after(settings_.feedback_tick);
  tick_timer_.async_wait([this, alive = liveness_.token()](boost::system::error_code ec) {
    if (!ec && alive) contained("the feedback tick", [this] { on_tick(); });
  });
}

void Session::on_tick() {
  if (state_ == SessionState::ended) return;
  if (pipeline_) pipeline_->on_tick();
  if (clock_.now() - last_rate_sample_ >= kRateSampleInterval) sample_rates();
  const auto silent = clock_.now() - last_packet_at_;
  if (silent > settings_.end_after) {
    // Silence before ICE ever connected (or media ever flowed) is ICE that never found a path,
    // whichever timer notices first (libnice's checks or this one).
    const auto seconds = std::to_string(settings_.end_after.count());
    if (!ice_connected_ && !was_live_) {
      return end(EndReason::ice_failed, "ICE did not connect within " + seconds + " s");
    }
    return end(EndReason::connection_lost, "no media or ICE traffic for " + seconds + " s");
  }
  if (silent > settings_.reconnecting_after && state_ == SessionState::live) {
    set_state(SessionState::reconnecting,
              "no media for " + std::to_string(settings_.reconnecting_after.count()) + " ms");
  }
  arm_tick();
}

template <class Work>
void Session::contained(std::string_view running, Work&& work) {
  try {
    work();
  } catch (...) {
    // A running session's boundary: the exception ends this session only (posted, since the
    // handler that threw may be deep inside the session's own objects).
    report_current_exception(ErrorSite::session, kTag, std::string(running) + " of session " + short_id(id_));
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
  dtls_timer_.cancel();
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
  PD_LOG(notice, kTag) << short_id(id_) << ": " << to_string(state) << " (" << reason << ")";
  listener_.on_session_state(*this, state, reason);
}

// Decode worker thread.
void Session::on_picture_decoded(std::size_t stream, media::PicturePtr picture) {
  const PictureFacts facts{picture->width(), picture->height(), sampled_mean(*picture)};
  {
    std::lock_guard lock(pictures_mutex_);
    latest_pictures_[stream] = facts;
    if (!first_picture_after_) first_picture_after_ = clock_.now() - created_at_;
  }
  if (!lip_sync_) {
    listener_.on_session_picture(id_, stream, std::move(picture));
    return;
  }
  // lip_sync_ is created before the first frame reaches a decoder and lives as long as the
  // pipeline, so reading the pointer here races with nothing; the gate itself is used on the loop.
  boost::asio::post(io_, [this, alive = liveness_.token(), stream, picture = std::move(picture)]() mutable {
    if (alive && lip_sync_) lip_sync_->on_picture(stream, std::move(picture));
  });
}

nlohmann::json Session::status(bool network_detail) const {
  nlohmann::json out{
      {"id", short_id(id_)},
      {"state", to_string(state_)},
      {"uptime_seconds", std::chrono::duration_cast<std::chrono::seconds>(clock_.now() - created_at_).count()}};
  // Time to answer and to the first picture, from the offer: what a presenter waits for.
  const auto milliseconds = [](Clock::Duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  if (answered_after_) out["answer_ms"] = milliseconds(*answered_after_);
  {
    std::lock_guard lock(pictures_mutex_);
    if (first_picture_after_) out["first_picture_ms"] = milliseconds(*first_picture_after_);
  }
  if (ice_) {
    out["ice"] = {{"state", ice::to_string(ice_->state())}, {"restarts", ice_restarts_}};
    if (auto pair = network_detail ? ice_->selected_pair_description() : std::nullopt) {
      out["ice"]["selected_pair"] = *pair;
    }
  }
  // Where the presenter is (an address, or an XMPP address): for the admin only.
  if (network_detail) out["presenter"] = presenter_;
  if (dtls_) out["dtls"] = {{"state", dtls::to_string(dtls_->state())}};
  if (pipeline_) {
    const auto& srtp = pipeline_->srtp_stats();
    out["srtp"] = {{"ok", srtp.ok}, {"auth_failed", srtp.auth_failed}, {"replayed", srtp.replayed}};
    auto streams = nlohmann::json::array();
    std::lock_guard lock(pictures_mutex_);
    for (std::size_t i = 0; i < pipeline_->video_stream_count(); ++i) {
      const auto& stream = pipeline_->video_stream(i);
      const auto& nack = stream.nack_stats();
      nlohmann::json entry{
          {"packets", stream.stats().packets},
          {"bytes", stream.stats().bytes},
          {"rtx_packets", stream.stats().rtx_packets},
          {"frames_assembled", stream.stats().frames_assembled},
          {"nack_requests", nack.requests_sent},
          {"packets_recovered", nack.packets_recovered},
          {"packets_lost", nack.packets_given_up},
          {"keyframes_requested", stream.keyframe_stats().plis_sent + stream.keyframe_stats().firs_sent}};
      if (i < decoders_.size() && decoders_[i]) {
        const auto decode = decoders_[i]->stats();
        entry["decoder"] = decoders_[i]->decoder_name();
        entry["frames_decoded"] = decode.frames_decoded;
        entry["frames_dropped"] = decode.frames_dropped_queue_full + decode.frames_dropped_waiting_for_keyframe;
        entry["decode_errors"] = decode.decode_errors;
        entry["decode_ms_p50"] = std::chrono::duration<double, std::milli>(decode.decode_time_p50).count();
        entry["decode_ms_p99"] = std::chrono::duration<double, std::milli>(decode.decode_time_p99).count();
      }
      if (i < latest_pictures_.size() && latest_pictures_[i]) {
        const auto& picture = *latest_pictures_[i];
        entry["picture"] = {{"width", picture.width}, {"height", picture.height}, {"mean_yuv", picture.mean_yuv}};
      }
      streams.push_back(entry);
    }
    out["video"] = streams;
    const auto& pipeline_stats = pipeline_->stats();
    out["audio_packets"] = pipeline_stats.audio_packets;
    if (audio_decoder_) out["audio_blocks_decoded"] = audio_decoder_->stats().packets_decoded;
    out["rtcp_sent"] = pipeline_stats.rtcp_sent;
    if (lip_sync_) {
      const auto sync = lip_sync_->state();
      out["lip_sync"] = {{"active", sync.active},
                         {"video_delay_ms", std::chrono::duration<double, std::milli>(sync.video_delay).count()},
                         {"pictures_held", lip_sync_->pictures_held()}};
      if (const auto output = listener_.audio_output_delay(id_)) {
        out["lip_sync"]["sound_output_delay_ms"] = std::chrono::duration<double, std::milli>(*output).count();
      }
      if (sync.audio_lag) {
        out["lip_sync"]["audio_lag_ms"] = std::chrono::duration<double, std::milli>(*sync.audio_lag).count();
      }
    }
    out["transport_feedback_messages"] = pipeline_->transport_feedback_stats().feedback_messages;
  }
  return out;
}

}  // namespace presentd::session

namespace presentd::session {

void Session::sample_rates() {
  last_rate_sample_ = clock_.now();
  if (!pipeline_) return;
  frame_rate_.add_sample(last_rate_sample_, decode_totals().frames_decoded);
  bit_rate_.add_sample(last_rate_sample_, pipeline_->stats().rtp_bytes * 8);
}

media::DecodeWorkerStats Session::decode_totals() const {
  auto total = retired_decoders_;
  for (const auto& decoder : decoders_) {
    if (decoder) add_decode_stats(total, decoder->stats());
  }
  return total;
}

SessionCounters Session::counters() const {
  SessionCounters out;
  if (!pipeline_) return out;
  out.rtp_packets = pipeline_->stats().rtp_packets;
  out.rtp_bytes = pipeline_->stats().rtp_bytes;
  for (std::size_t i = 0; i < pipeline_->video_stream_count(); ++i) {
    const auto& stream = pipeline_->video_stream(i);
    out.packets_lost += stream.nack_stats().packets_given_up;
    out.packets_recovered += stream.nack_stats().packets_recovered;
    out.nack_requests += stream.nack_stats().requests_sent;
    out.plis_sent += stream.keyframe_stats().plis_sent;
    out.firs_sent += stream.keyframe_stats().firs_sent;
  }
  const auto decode = decode_totals();
  out.frames_decoded = decode.frames_decoded;
  out.frames_dropped_queue_full = decode.frames_dropped_queue_full;
  out.frames_dropped_waiting_for_keyframe = decode.frames_dropped_waiting_for_keyframe;
  out.frames_dropped_too_large = decode.frames_dropped_too_large;
  out.decode_errors = decode.decode_errors;
  return out;
}

std::string Session::status_key() const {
  std::string key = short_id(id_) + ' ' + std::string(to_string(state_));
  if (ice_) key += ' ' + std::string(ice::to_string(ice_->state())) + ' ' + std::to_string(ice_restarts_);
  if (dtls_) key += ' ' + std::string(dtls::to_string(dtls_->state()));
  for (const int format : decoder_formats_) key += ' ' + std::to_string(format);
  std::lock_guard lock(pictures_mutex_);
  if (first_picture_after_) key += " pictured";
  for (const auto& picture : latest_pictures_) {
    if (picture) key += ' ' + std::to_string(picture->width) + 'x' + std::to_string(picture->height);
  }
  return key;
}

nlohmann::json Session::presenter_status() const {
  nlohmann::json out{
      {"id", short_id(id_)},
      {"name", presenter_},
      {"state", to_string(state_)},
      {"since_seconds", std::chrono::duration_cast<std::chrono::seconds>(clock_.now() - created_at_).count()},
      {"codec", nullptr},
      {"resolution", nullptr},
      {"fps", optional_number(frame_rate_.per_second())},
      {"bitrate_bps", optional_number(bit_rate_.per_second())},
      {"loss_fraction", nullptr},
      {"packets_lost", 0},
      {"rtt_ms", nullptr},
      {"jitter_ms", nullptr},
      {"nacks_sent", 0},
      {"plis_sent", 0},
      {"frames_decoded", 0},
      {"frames_dropped", 0},
      {"decode_ms", nullptr}};
  if (!pipeline_) return out;
  const auto totals = counters();
  out["packets_lost"] = totals.packets_lost;
  out["nacks_sent"] = totals.nack_requests;
  out["plis_sent"] = totals.plis_sent;
  out["frames_decoded"] = totals.frames_decoded;
  out["frames_dropped"] = totals.frames_dropped_queue_full + totals.frames_dropped_waiting_for_keyframe;
  if (const auto rtt = pipeline_->rtt()) out["rtt_ms"] = milliseconds(*rtt);
  // Codec, picture size, wire loss and jitter describe the main (first) video stream.
  if (pipeline_->video_stream_count() > 0) {
    if (!decoder_formats_.empty() && decoder_formats_[0] >= 0) {
      out["codec"] = codec_name(static_cast<rtp::PayloadFormat>(decoder_formats_[0]));
    }
    {
      std::lock_guard lock(pictures_mutex_);
      if (!latest_pictures_.empty() && latest_pictures_[0]) {
        out["resolution"] = {{"width", latest_pictures_[0]->width}, {"height", latest_pictures_[0]->height}};
      }
    }
    const auto ssrc = pipeline_->video_stream(0).media_ssrc();
    if (const auto* statistics = ssrc ? pipeline_->statistics().stream(*ssrc) : nullptr) {
      // RFC 3550 A.3: lost on the wire, before NACK/RTX recovered what it could.
      const auto lost = std::max<std::int64_t>(statistics->cumulative_lost(), 0);
      const auto expected = static_cast<double>(statistics->packets_received()) + static_cast<double>(lost);
      out["loss_fraction"] = expected > 0 ? static_cast<double>(lost) / expected : 0.0;
      out["jitter_ms"] = statistics->jitter() / 90.0;  // 90 kHz video clock
    }
    if (!decoders_.empty() && decoders_[0]) {
      const auto decode = decoders_[0]->stats();
      out["decode_ms"] = {{"p50", milliseconds(decode.decode_time_p50)},
                          {"p95", milliseconds(decode.decode_time_p95)},
                          {"p99", milliseconds(decode.decode_time_p99)}};
    }
  }
  return out;
}

}  // namespace presentd::session
