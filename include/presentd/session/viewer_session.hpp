// SPDX-License-Identifier: Apache-2.0
#pragma once
// One viewer's session (issue 15): the sending sibling of Session, on the same transport.
//
//   SecureTransport (IceStage → DtlsSrtpStage) → SendStage ⇄ viewer
//                                                  ↑ presenters' packets (ViewerHub)
//
// It answers a recvonly offer (sdp::build_viewer_answer: sendonly, the box's SSRCs), and once
// DTLS-SRTP has made the keys it owns the SendStage that protects what the hub forwards and reads
// the viewer's RTCP. It never decodes anything. It ends on close_notify, a failed path, the
// viewer's silence (a WebRTC receiver sends RTCP at least every few seconds), or end().
//
// Lifetime: ViewerHub creates it, calls start(), and destroys it after on_viewer_ended (posted,
// never inside one of its callbacks).
//
// Thread: event loop.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "presentd/common/clock.hpp"
#include "presentd/common/liveness.hpp"
#include "presentd/common/loop_affinity.hpp"
#include "presentd/crypto/certificate.hpp"
#include "presentd/ice/ice_agent.hpp"
#include "presentd/sdp/sdp_fragment.hpp"
#include "presentd/sdp/viewer_answer.hpp"
#include "presentd/session/answer_failure.hpp"
#include "presentd/session/end_reason.hpp"
#include "presentd/session/secure_transport.hpp"
#include "presentd/session/send_stage.hpp"

namespace presentd::session {

struct ViewerSettings {
  ice::IceAgentConfig ice;
  std::vector<rtp::PayloadFormat> video_codecs{rtp::PayloadFormat::vp8, rtp::PayloadFormat::h264,
                                               rtp::PayloadFormat::vp9};
  bool audio = true;
  std::size_t max_video_m_lines = 4;
  std::chrono::milliseconds gathering_timeout{1000};
  std::chrono::milliseconds tick{50};
  std::chrono::seconds end_after{10};
};

class ViewerSession : private SecureTransport::Listener, private SendStage::Listener {
public:
  class Listener {
  public:
    virtual ~Listener() = default;
    // DTLS-SRTP is up: the send stage exists and the hub may choose its sources.
    virtual void on_viewer_ready(ViewerSession& viewer) = 0;
    // Posted or from a handler of the viewer's own: the hub destroys it later, never inside.
    virtual void on_viewer_ended(ViewerSession& viewer, EndReason reason, const std::string& detail) = 0;
    // The viewer needs a keyframe of the presenter stream received as `source_ssrc`.
    virtual void on_viewer_keyframe_request(ViewerSession& viewer, std::uint32_t source_ssrc) = 0;
  };

  ViewerSession(boost::asio::io_context& io, ice::GlibContextPump& pump,
                std::shared_ptr<const crypto::Identity> dtls_identity, ViewerSettings settings, Listener& listener,
                std::string id, std::string address);
  ~ViewerSession() override;
  ViewerSession(const ViewerSession&) = delete;
  ViewerSession& operator=(const ViewerSession&) = delete;

  void start(const sdp::SessionDescription& offer, AnswerCallback done);
  [[nodiscard]] bool add_remote_candidates(const sdp::SdpFragment& fragment);
  [[nodiscard]] sdp::Result<std::string> restart_ice(const sdp::SdpFragment& fragment);
  void end(EndReason reason, const std::string& detail);

  const std::string& id() const { return id_; }
  const std::string& short_id() const { return short_id_; }
  const std::string& address() const { return address_; }
  bool ended() const { return ended_; }
  // The m-lines the box sends on, as answered (empty before the answer).
  const std::vector<sdp::ViewerMedia>& media() const { return media_; }
  // Null until DTLS-SRTP made the keys.
  SendStage* send_stage() { return send_.get(); }
  const SendStage* send_stage() const { return send_.get(); }
  const SecureTransport* transport() const { return transport_.get(); }
  Clock::Duration age() const { return clock_.now() - created_at_; }
  const Clock& clock() const { return clock_; }

private:
  LoopAffinity loop_;
  std::optional<AnswerFailure> set_up(const sdp::SessionDescription& offer);
  sdp::Result<sdp::ViewerAnswer> answer_with(const std::string& ufrag, const std::string& pwd,
                                             std::vector<std::string> candidates) const;
  void answer_now();
  void contained(std::string_view running, const std::function<void()>& work);
  void arm_tick();
  void on_tick();

  // SecureTransport::Listener
  void on_transport_gathered() override;
  void on_transport_keys(rtp::SrtpProfile profile, const rtp::SrtpKeyPair& keys) override;
  void on_transport_activity() override;
  void on_srtp_datagram(std::span<const std::uint8_t> datagram) override;
  void on_transport_ended(EndReason reason, const std::string& detail) override;
  // SendStage::Listener
  void send_srtp(std::span<const std::uint8_t> datagram) override;
  void request_keyframe(std::uint32_t source_ssrc, Clock::TimePoint now) override;

  boost::asio::io_context& io_;
  ice::GlibContextPump& pump_;
  std::shared_ptr<const crypto::Identity> dtls_identity_;
  ViewerSettings settings_;
  Listener& listener_;
  std::string id_;
  std::string short_id_;
  std::string address_;
  SteadyClock clock_;
  Clock::TimePoint created_at_;
  Clock::TimePoint last_packet_at_;
  bool ended_ = false;

  sdp::SessionDescription offer_;
  std::string local_fingerprint_;
  std::string cname_;
  std::vector<std::uint32_t> ssrcs_;
  std::vector<sdp::ViewerMedia> media_;
  std::optional<sdp::SessionDescription> answer_;
  AnswerCallback answer_callback_;

  std::unique_ptr<SecureTransport> transport_;
  std::unique_ptr<SendStage> send_;
  boost::asio::steady_timer gathering_timer_;
  boost::asio::steady_timer tick_timer_;
  Liveness liveness_;
};

}  // namespace presentd::session
