// SPDX-License-Identifier: Apache-2.0
#pragma once
// One presenter's session, from the offer to the end: a chain of owned stages
//
//   SecureTransport (IceStage → DtlsSrtpStage) → ReceiveStage → DecoderSet → MediaSink → Listener
//
// built as the negotiation allows (the transport with the offer, the rest with the SRTP keys).
// The session wires the stages' listener interfaces together and keeps what spans them: the
// answer, hold, the state (connecting, live, reconnecting, ended) and its timers. A sending
// session (a viewer) is its sibling on the same SecureTransport. Everything it owns is freed
// when it is destroyed; one session's failure never touches another (errors end this session
// only).
//
// Lifetime: SessionManager creates it from a WHIP offer, calls start(), and destroys it when it
// reports `ended` (always from a posted handler, never inside one of its callbacks).
//
// Thread: event loop. Decoded pictures come out on the decode worker threads.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "presentd/common/clock.hpp"
#include "presentd/common/liveness.hpp"
#include "presentd/common/loop_affinity.hpp"
#include "presentd/crypto/certificate.hpp"
#include "presentd/ice/ice_agent.hpp"
#include "presentd/media/picture.hpp"
#include "presentd/metrics/rate_meter.hpp"
#include "presentd/metrics/registry.hpp"
#include "presentd/sdp/answer_builder.hpp"
#include "presentd/sdp/sdp_fragment.hpp"
#include "presentd/session/answer_failure.hpp"
#include "presentd/session/decoder_set.hpp"
#include "presentd/session/end_reason.hpp"
#include "presentd/session/ice_stage.hpp"
#include "presentd/session/media_sink.hpp"
#include "presentd/session/receive_stage.hpp"
#include "presentd/session/secure_transport.hpp"

namespace presentd::session {

enum class SessionState { connecting, live, reconnecting, ended };

std::string_view to_string(SessionState state);

struct SessionSettings {
  ice::IceAgentConfig ice;
  sdp::AnswerConfig answer;  // codec preference, bitrate; ICE/DTLS fields are filled in per session
  std::uint64_t remb_cap_bps = 0;
  bool vp8_with_ffmpeg = false;  // FFmpeg's VP8 decoder instead of libvpx
  std::chrono::milliseconds gathering_timeout{1000};
  std::chrono::milliseconds feedback_tick{20};
  // A presenter's page says "reconnecting" within 3 s of its media stopping (issue 12's goal):
  // 2.5 s of silence plus the tick. Senders' RTCP alone arrives every second or more often
  // (libwebrtc's video RTCP interval), so a still screen is not taken for a lost one.
  std::chrono::milliseconds reconnecting_after{2500};
  std::chrono::seconds end_after{10};
  // Lip sync: the longest a picture is held back to meet its sound; zero turns it off.
  std::chrono::milliseconds max_lip_sync_delay{300};
  // Decode times go here, one histogram per codec (observed on the decode threads); null: none.
  metrics::HistogramFamily* decode_seconds = nullptr;
};

// A session's cumulative media figures, for the metrics (SessionMetrics adds the differences).
struct SessionCounters {
  std::uint64_t rtp_packets = 0;
  std::uint64_t rtp_bytes = 0;
  std::uint64_t packets_lost = 0;  // given up after NACK
  std::uint64_t packets_recovered = 0;
  std::uint64_t nack_requests = 0;
  std::uint64_t plis_sent = 0;
  std::uint64_t firs_sent = 0;
  std::uint64_t frames_decoded = 0;
  std::uint64_t frames_dropped_queue_full = 0;
  std::uint64_t frames_dropped_waiting_for_keyframe = 0;
  std::uint64_t frames_dropped_too_large = 0;
  std::uint64_t decode_errors = 0;
};

class Session : private SecureTransport::Listener,
                private ReceiveStage::Listener,
                private DecoderSet::Listener,
                private MediaSink::Output {
public:
  class Listener {
  public:
    virtual ~Listener() = default;
    virtual void on_session_state(Session& session, SessionState state, const std::string& reason) = 0;
    // Decode worker thread, or the event loop when lip sync held the picture back: hand the
    // picture over (e.g. into a mailbox) and return.
    virtual void on_session_picture(const std::string& session_id, std::size_t stream, media::PicturePtr picture) = 0;
    // Event loop: 48 kHz interleaved stereo samples of the presenter's sound, in order.
    virtual void on_session_audio(const std::string& session_id, std::span<const float> samples) = 0;
    // Event loop: how long sound handed over now waits before it is heard (mixer queue and
    // device buffer), for lip sync; nullopt when nobody hears it (no audio device), and then
    // video never waits for sound.
    virtual std::optional<Clock::Duration> audio_output_delay(const std::string& /*session_id*/) {
      return std::nullopt;
    }
    // Event loop, once: the sender's media flows (ICE and DTLS-SRTP up and a first complete
    // frame, video or sound, authenticated and assembled), on hold or not.
    virtual void on_session_media(Session& /*session*/) {}
    // Event loop: each authenticated media packet of a session not on hold, as the presenter
    // sent it (ReceiveStage::Listener::on_media_packet), for the viewers. Valid during the call.
    virtual void on_session_packet(const Session& /*session*/, media::ReceivePipeline::ReportedStream /*kind*/,
                                   std::size_t /*video_index*/, const rtp::RtpPacket& /*packet*/) {}
  };
  // Why a session gave no answer (answer_failure.hpp); SessionManager turns it into a Refusal.
  using AnswerFailure = session::AnswerFailure;
  using AnswerCallback = session::AnswerCallback;

  Session(boost::asio::io_context& io, ice::GlibContextPump& pump,
          std::shared_ptr<const crypto::Identity> dtls_identity, SessionSettings settings, Listener& listener,
          std::string id, std::string presenter);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Validates the offer, gathers our candidates and answers (within gathering_timeout).
  void start(const sdp::SessionDescription& offer, AnswerCallback done);
  // Trickled candidates from a WHIP PATCH (or Jingle transport-info). False, with nothing
  // added, when they would take the session past kMaxRemoteCandidates.
  [[nodiscard]] bool add_remote_candidates(const sdp::SdpFragment& fragment);
  // An ICE restart asked for by a WHIP PATCH (RFC 9725 §4.3.2) whose fragment carries the
  // sender's new ufrag and pwd: ICE restarts with new local credentials while DTLS and SRTP go on
  // over the pair in use. Returns our answer fragment (new credentials and candidates).
  [[nodiscard]] sdp::Result<std::string> restart_ice(const sdp::SdpFragment& fragment);
  // Ends the session; `detail` is a readable sentence for logs and the event channel.
  void end(EndReason reason, const std::string& detail);
  // On hold (admission "approve"): the session connects and receives, but no frame is
  // decoded or shown. Leaving hold asks the sender for a keyframe.
  void set_on_hold(bool on_hold);
  // A viewer needs a keyframe of video stream `stream` (paced by the stream's requester).
  void request_keyframe(std::size_t stream);
  // What the presenter negotiated, for forwarding its packets (null before the offer was taken).
  const sdp::Negotiated* negotiated() const { return negotiated_ ? &*negotiated_ : nullptr; }
  // Our answer as sent (its a=extmap lines name the header extensions the presenter uses).
  const sdp::SessionDescription* answer() const { return answer_ ? &*answer_ : nullptr; }
  bool on_hold() const { return on_hold_; }
  // Meaningful once state() is ended.
  EndReason end_reason() const { return end_reason_; }

  const std::string& id() const { return id_; }
  const std::string& presenter() const { return presenter_; }
  SessionState state() const { return state_; }
  bool was_live() const { return was_live_; }
  // A first complete media frame has arrived (on_session_media was or is about to be called).
  bool media_flowing() const { return media_flowing_; }
  // The sender's current ICE credentials (from the offer, or its last restart).
  const std::string& remote_ice_ufrag() const;
  const std::string& remote_ice_pwd() const;
  // The first 8 characters of id(): how logs and the status API name the session.
  const std::string& short_id() const { return short_id_; }
  // The stages, for the status report (app/session_status) and the metrics; null until made (the
  // transport with the offer, the rest with the SRTP keys).
  const SecureTransport* transport() const { return transport_.get(); }
  const ReceiveStage* receive_stage() const { return receive_.get(); }
  const DecoderSet* decoders() const { return decoders_.get(); }
  const MediaSink* sink() const { return sink_.get(); }
  Clock::Duration age() const { return clock_.now() - created_at_; }
  // Offer → answer handed to the signalling.
  std::optional<Clock::Duration> answered_after() const { return answered_after_; }
  // Decoded frames and received bits per second, sampled every half second.
  std::optional<double> frame_rate() const { return frame_rate_.per_second(); }
  std::optional<double> bit_rate() const { return bit_rate_.per_second(); }
  // How long sound handed over now waits before it is heard (Listener::audio_output_delay); also
  // what the media sink asks, as its Output.
  std::optional<Clock::Duration> audio_output_delay() const override { return listener_.audio_output_delay(id_); }
  SessionCounters counters() const;

private:
  LoopAffinity loop_;  // checks "Thread: event loop" in debug builds
  // start()'s work; nullopt when the answer is on its way (gathering), else why not.
  std::optional<AnswerFailure> set_up(const sdp::SessionDescription& offer);
  // Runs one event-loop handler of this session; an exception ends this session only.
  void contained(std::string_view running, const std::function<void()>& work);
  void answer_now();
  void build_media_chain(rtp::SrtpProfile profile, const rtp::SrtpKeyPair& keys);
  void note_media_flowing();
  void arm_tick();
  void on_tick();
  void end_if_silent();
  void set_state(SessionState state, const std::string& reason);
  void sample_rates();

  // SecureTransport::Listener
  void on_transport_gathered() override;
  void on_transport_keys(rtp::SrtpProfile profile, const rtp::SrtpKeyPair& keys) override;
  void on_transport_activity() override;
  void on_srtp_datagram(std::span<const std::uint8_t> datagram) override;
  void on_transport_ended(EndReason reason, const std::string& detail) override;
  // ReceiveStage::Listener
  void on_video_frame(std::size_t stream, media::Frame&& frame, rtp::PayloadFormat format) override;
  void on_audio_packet(std::vector<std::uint8_t>&& opus, std::uint32_t rtp_timestamp) override;
  void on_sender_report(media::ReceivePipeline::ReportedStream kind, std::size_t video_index,
                        std::uint64_t ntp_timestamp, std::uint32_t rtp_timestamp) override;
  void send_rtcp(std::vector<std::uint8_t>&& srtcp) override;
  void on_media_packet(media::ReceivePipeline::ReportedStream kind, std::size_t video_index,
                       const rtp::RtpPacket& packet) override;
  // DecoderSet::Listener
  void on_decoded_picture(std::size_t stream, media::PicturePtr picture) override;
  void on_keyframe_needed(std::size_t stream) override;
  // MediaSink::Output
  void on_picture(std::size_t stream, media::PicturePtr picture) override;
  void on_audio(std::span<const float> samples) override;

  boost::asio::io_context& io_;
  ice::GlibContextPump& pump_;
  std::shared_ptr<const crypto::Identity> dtls_identity_;
  SessionSettings settings_;
  Listener& listener_;
  std::string id_;
  std::string presenter_;
  std::string short_id_;
  SteadyClock clock_;
  SessionState state_ = SessionState::connecting;
  bool was_live_ = false;
  bool media_flowing_ = false;
  Clock::TimePoint created_at_;  // the offer was parsed a few microseconds before
  std::optional<Clock::Duration> answered_after_;
  EndReason end_reason_ = EndReason::error;
  bool on_hold_ = false;
  bool ending_ = false;
  Clock::TimePoint last_packet_at_;

  sdp::SessionDescription offer_;
  std::optional<sdp::Negotiated> negotiated_;
  std::optional<sdp::SessionDescription> answer_;  // as sent; ICE restarts answer from its tagged m-line
  std::string local_fingerprint_;                  // sha-256 of our DTLS certificate, for both answers
  AnswerCallback answer_callback_;

  // The chain, in the order data flows; destroyed in reverse by ~Session (decode threads first).
  std::unique_ptr<SecureTransport> transport_;
  std::unique_ptr<ReceiveStage> receive_;
  std::unique_ptr<MediaSink> sink_;
  std::unique_ptr<DecoderSet> decoders_;

  // Rates for the status API, sampled every kRateSampleInterval on the tick.
  metrics::RateMeter frame_rate_;
  metrics::RateMeter bit_rate_;
  Clock::TimePoint last_rate_sample_{};

  boost::asio::steady_timer gathering_timer_;
  boost::asio::steady_timer tick_timer_;
  Liveness liveness_;  // tokens in deferred handlers: liveness.hpp
};

}  // namespace presentd::session
