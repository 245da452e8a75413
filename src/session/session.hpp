// SPDX-License-Identifier: Apache-2.0
#pragma once
// One presenter's session: ICE → DTLS → SRTP → receive pipeline → decoders, from the offer to
// the end. Everything it owns is freed when it is destroyed; one session's failure never
// touches another (all errors end this session only).
//
// Lifetime: SessionManager creates it from a WHIP offer, calls start(), and destroys it when it
// reports `ended` (always from a posted handler, never inside one of its callbacks).
//
// Thread: event loop. Decoded pictures come out on the decode worker threads.
#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/liveness.hpp"
#include "common/loop_affinity.hpp"
#include "crypto/certificate.hpp"
#include "ice/ice_agent.hpp"
#include "media/decode/decode_worker.hpp"
#include "media/picture.hpp"
#include "metrics/rate_meter.hpp"
#include "metrics/registry.hpp"
#include "sdp/answer_builder.hpp"
#include "sdp/sdp_fragment.hpp"
#include "session/end_reason.hpp"
#include "session/lip_sync_gate.hpp"

namespace presentd::dtls {
class DtlsTransport;
}
namespace presentd::media {
class DecodeWorker;
class OpusDecoder;
class ReceivePipeline;
}  // namespace presentd::media

namespace presentd::session {

enum class SessionState { connecting, live, reconnecting, ended };

// Remote candidates one session takes in all (the offer's and every trickle since the last ICE
// restart). Each one costs libnice a check list entry and connectivity checks; a real sender
// has a dozen or two, so a presenter trickling without end is refused instead.
constexpr std::size_t kMaxRemoteCandidates = 128;
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

class Session {
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
  };
  // Why a session gave no answer; SessionManager turns it into a session::Refusal.
  struct AnswerFailure {
    enum class Kind {
      offer,       // build_answer refused the offer: `sdp_code` says why
      no_network,  // ICE could not open a socket (no address, the port range exhausted)
      ended,       // the session ended before it answered (replaced, shut down)
      internal,    // a layer threw while setting the session up (a defect: logged and counted)
    } kind = Kind::offer;
    sdp::ErrorCode sdp_code = sdp::ErrorCode::unsupported_offer;
    std::string message;
  };
  using AnswerCallback = std::function<void(std::optional<sdp::SessionDescription> answer, AnswerFailure failure)>;

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
  bool on_hold() const { return on_hold_; }
  // Meaningful once state() is ended.
  EndReason end_reason() const { return end_reason_; }

  const std::string& id() const { return id_; }
  const std::string& presenter() const { return presenter_; }
  SessionState state() const { return state_; }
  const std::string& ice_ufrag() const { return local_ufrag_; }
  bool was_live() const { return was_live_; }
  // A first complete media frame has arrived (on_session_media was or is about to be called).
  bool media_flowing() const { return media_flowing_; }
  // The sender's current ICE credentials (from the offer, or its last restart).
  const std::string& remote_ice_ufrag() const;
  const std::string& remote_ice_pwd() const;
  std::uint64_t ice_restarts() const { return ice_restarts_; }
  // Diagnostic detail (ICE, DTLS, SRTP, per stream) for the status API's "sessions". The
  // presenter's address and the ICE pair only with `network_detail` (the admin's view).
  nlohmann::json status(bool network_detail) const;
  // The documented per-presenter summary of the status API's "presenters" (docs/protocol.md).
  nlohmann::json presenter_status() const;
  // What of status() a reader acts on at once (state, ICE and DTLS states, codec and picture
  // size), cheap to make: a cached status is remade when it changes (app/status_cache.hpp).
  std::string status_key() const;
  SessionCounters counters() const;

private:
  LoopAffinity loop_;  // checks "Thread: event loop" in debug builds
  class IceEvents;
  // start()'s work; nullopt when the answer is on its way (gathering), else why not.
  std::optional<AnswerFailure> set_up(const sdp::SessionDescription& offer);
  // Runs one event-loop handler of this session; an exception ends this session only.
  template <class Work>
  void contained(std::string_view running, Work&& work);
  void handle_ice_data(std::span<const std::uint8_t> datagram);
  void note_media_flowing();
  void answer_now();
  void on_ice_state(ice::IceState state);
  void on_ice_data(std::span<const std::uint8_t> datagram);
  void on_dtls_connected();
  void arm_dtls_timer();
  void arm_tick();
  void on_tick();
  void set_state(SessionState state, const std::string& reason);
  void sample_rates();
  // Decoder figures of every decoder this session has had (a codec change replaces one).
  media::DecodeWorkerStats decode_totals() const;
  void on_picture_decoded(std::size_t stream, media::PicturePtr picture);

  boost::asio::io_context& io_;
  ice::GlibContextPump& pump_;
  std::shared_ptr<const crypto::Identity> dtls_identity_;
  SessionSettings settings_;
  Listener& listener_;
  std::string id_;
  std::string presenter_;
  SteadyClock clock_;
  SessionState state_ = SessionState::connecting;
  bool was_live_ = false;
  bool media_flowing_ = false;
  bool ice_connected_ = false;   // ICE reached connected at least once (ice_failed vs connection_lost)
  Clock::TimePoint created_at_;  // the offer was parsed a few microseconds before
  std::optional<Clock::Duration> answered_after_;       // offer → answer handed to the WHIP endpoint
  std::optional<Clock::Duration> first_picture_after_;  // offer → first decoded picture (pictures_mutex_)
  EndReason end_reason_ = EndReason::error;
  bool on_hold_ = false;
  bool ending_ = false;
  Clock::TimePoint last_packet_at_;

  sdp::SessionDescription offer_;
  std::optional<sdp::Negotiated> negotiated_;
  std::optional<sdp::SessionDescription> answer_;  // as sent; ICE restarts answer from its tagged m-line
  std::uint64_t ice_restarts_ = 0;
  std::string local_ufrag_;
  std::string local_fingerprint_;  // sha-256 of our DTLS certificate, for both answers
  AnswerCallback answer_callback_;
  std::vector<std::string> local_candidates_;
  std::size_t remote_candidates_ = 0;  // taken since the offer or the last ICE restart

  std::unique_ptr<IceEvents> ice_events_;
  std::unique_ptr<ice::IceAgent> ice_;
  std::unique_ptr<dtls::DtlsTransport> dtls_;
  std::unique_ptr<media::ReceivePipeline> pipeline_;
  std::vector<std::unique_ptr<media::DecodeWorker>> decoders_;
  std::unique_ptr<media::OpusDecoder> audio_decoder_;  // Opus is cheap: decoded on the event loop
  std::vector<int> decoder_formats_;                   // rtp::PayloadFormat per decoder, -1 when none yet
  media::DecodeWorkerStats retired_decoders_;          // figures of decoders replaced by a codec change

  // Rates for the status API, sampled every kRateSampleInterval on the tick.
  metrics::RateMeter frame_rate_;
  metrics::RateMeter bit_rate_;
  Clock::TimePoint last_rate_sample_{};
  std::unique_ptr<LipSyncGate> lip_sync_;  // only when the session carries audio

  // What the status API says of the latest picture per stream: measured on the decode thread
  // when the picture is made (a sample of its pixels), so a status request never reads pixels.
  struct PictureFacts {
    int width = 0;
    int height = 0;
    std::array<double, 3> mean_yuv{};
  };
  mutable std::mutex pictures_mutex_;
  std::vector<std::optional<PictureFacts>> latest_pictures_;

  boost::asio::steady_timer gathering_timer_;
  boost::asio::steady_timer dtls_timer_;
  boost::asio::steady_timer tick_timer_;
  Liveness liveness_;  // tokens in deferred handlers: liveness.hpp
};

}  // namespace presentd::session
