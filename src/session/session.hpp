#pragma once
// One presenter's session: ICE → DTLS → SRTP → receive pipeline → decoders, from the offer to
// the end. Everything it owns is freed when it is destroyed; one session's failure never
// touches another (all errors end this session only).
//
// Lifetime: SessionManager creates it from a WHIP offer, calls start(), and destroys it when it
// reports `ended` (always from a posted handler, never inside one of its callbacks).
//
// Thread: event loop. Decoded pictures come out on the decode worker threads.
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
#include "crypto/certificate.hpp"
#include "ice/ice_agent.hpp"
#include "media/picture.hpp"
#include "session/lip_sync_gate.hpp"
#include "sdp/answer_builder.hpp"
#include "sdp/sdp_fragment.hpp"

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
std::string_view to_string(SessionState state);

struct SessionSettings {
  ice::IceAgentConfig ice;
  sdp::AnswerConfig answer;  // codec preference, bitrate; ICE/DTLS fields are filled in per session
  std::uint64_t remb_cap_bps = 0;
  bool vp8_with_ffmpeg = false;  // FFmpeg's VP8 decoder instead of libvpx
  std::chrono::milliseconds gathering_timeout{1000};
  std::chrono::milliseconds feedback_tick{20};
  std::chrono::seconds reconnecting_after{3};
  std::chrono::seconds end_after{10};
  // Lip sync: the longest a picture is held back to meet its sound; zero turns it off.
  std::chrono::milliseconds max_lip_sync_delay{300};
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
  };
  using AnswerCallback = std::function<void(std::optional<std::string> answer_sdp, std::string error)>;

  Session(boost::asio::io_context& io, ice::GlibContextPump& pump, std::shared_ptr<const crypto::Identity> dtls_identity,
          SessionSettings settings, Listener& listener, std::string id, std::string presenter);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Validates the offer, gathers our candidates and answers (within gathering_timeout).
  void start(const sdp::SessionDescription& offer, AnswerCallback done);
  // Trickled candidates from a WHIP PATCH.
  void add_remote_candidates(const sdp::SdpFragment& fragment);
  void end(const std::string& reason);

  const std::string& id() const { return id_; }
  const std::string& presenter() const { return presenter_; }
  SessionState state() const { return state_; }
  const std::string& ice_ufrag() const { return local_ufrag_; }
  nlohmann::json status() const;

private:
  class IceEvents;
  void answer_now();
  void on_ice_state(ice::IceState state);
  void on_ice_data(std::span<const std::uint8_t> datagram);
  void on_dtls_connected();
  void arm_dtls_timer();
  void arm_tick();
  void on_tick();
  void set_state(SessionState state, const std::string& reason);
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
  Clock::TimePoint created_at_;
  Clock::TimePoint last_packet_at_;

  sdp::SessionDescription offer_;
  std::optional<sdp::Negotiated> negotiated_;
  std::string local_ufrag_;
  std::string local_fingerprint_;  // sha-256 of our DTLS certificate, for both answers
  AnswerCallback answer_callback_;
  std::vector<std::string> local_candidates_;

  std::unique_ptr<IceEvents> ice_events_;
  std::unique_ptr<ice::IceAgent> ice_;
  std::unique_ptr<dtls::DtlsTransport> dtls_;
  std::unique_ptr<media::ReceivePipeline> pipeline_;
  std::vector<std::unique_ptr<media::DecodeWorker>> decoders_;
  std::unique_ptr<media::OpusDecoder> audio_decoder_;  // Opus is cheap: decoded on the event loop
  std::vector<int> decoder_formats_;  // rtp::PayloadFormat per decoder, -1 when none yet
  std::unique_ptr<LipSyncGate> lip_sync_;  // only when the session carries audio

  // Latest picture per stream, for the status API (written on decode threads).
  mutable std::mutex pictures_mutex_;
  std::vector<media::PicturePtr> latest_pictures_;

  boost::asio::steady_timer gathering_timer_;
  boost::asio::steady_timer dtls_timer_;
  boost::asio::steady_timer tick_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // guards posts from decode threads
};

}  // namespace presentd::session
