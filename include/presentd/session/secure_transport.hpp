// SPDX-License-Identifier: Apache-2.0
#pragma once
// ICE, then DTLS-SRTP: the transport half of a session's chain, shared by sessions that receive
// (presenters) and sessions that send (viewers). It starts the handshake when ICE has a pair,
// splits what arrives by its first octet (RFC 7983: DTLS to the handshake, RTP and RTCP up to
// the listener) and turns the stages' failures into one end reason.
//
//   peer ⇄ IceStage ⇄ (demux) ⇄ DtlsSrtpStage → keys
//                        └──────→ SRTP/SRTCP datagrams → listener (receive or send stage)
//
// Thread: event loop. Work it runs from libnice's callbacks and its own timers is contained
// (session_boundary.hpp); on_transport_ended is posted, so the listener may destroy it there.
#include <memory>
#include <span>
#include <string>

#include <boost/asio/io_context.hpp>

#include "presentd/common/liveness.hpp"
#include "presentd/crypto/certificate.hpp"
#include "presentd/ice/ice_agent.hpp"
#include "presentd/sdp/answer_builder.hpp"
#include "presentd/sdp/sdp_fragment.hpp"
#include "presentd/session/dtls_srtp_stage.hpp"
#include "presentd/session/end_reason.hpp"
#include "presentd/session/ice_stage.hpp"
#include "presentd/session/session_boundary.hpp"

namespace presentd::session {

class SecureTransport : private IceStage::Listener, private DtlsSrtpStage::Listener {
public:
  class Listener {
  public:
    virtual ~Listener() = default;
    // Our candidates are known: the answer can be written.
    virtual void on_transport_gathered() = 0;
    // DTLS-SRTP is up: keys for our role.
    virtual void on_transport_keys(rtp::SrtpProfile profile, const rtp::SrtpKeyPair& keys) = 0;
    // Every datagram from the peer, before it is sorted (the session's liveness clock).
    virtual void on_transport_activity() = 0;
    // One SRTP or SRTCP datagram, still encrypted.
    virtual void on_srtp_datagram(std::span<const std::uint8_t> datagram) = 0;
    // The path or the handshake failed, or the peer closed: why, and a sentence for the log.
    virtual void on_transport_ended(EndReason reason, const std::string& detail) = 0;
  };

  struct Setup {
    ice::IceAgentConfig ice;
    const crypto::Identity& identity;
    const sdp::Negotiated& negotiated;  // read during construction only
    std::string log_name;
    std::string peer_noun = "sender";  // how end reasons name the peer ("the sender closed …")
  };

  SecureTransport(boost::asio::io_context& io, ice::GlibContextPump& pump, const Setup& setup, Listener& listener,
                  Contain contain);
  ~SecureTransport() override;
  SecureTransport(const SecureTransport&) = delete;
  SecureTransport& operator=(const SecureTransport&) = delete;

  IceStage& ice() { return *ice_; }
  const IceStage& ice() const { return *ice_; }
  const DtlsSrtpStage& dtls() const { return *dtls_; }
  // SRTP or SRTCP to the peer on the selected pair; false when there is none.
  bool send(std::span<const std::uint8_t> datagram) { return ice_->send(datagram); }
  // The session ended: no more DTLS retransmissions, and datagrams still arriving before the
  // transport is destroyed are dropped.
  void stop();
  // An ICE restart from the peer's fragment (new ufrag and pwd; RFC 8839 §4.4.1.1.1): our answer
  // fragment with the new credentials and candidates, written from `answer` as sent.
  [[nodiscard]] sdp::Result<std::string> restart_ice(const sdp::SdpFragment& fragment,
                                                     const sdp::SessionDescription& answer);
  // ICE connected once, or keys were made (a path existed): a failure now is a lost path.
  bool ever_connected() const { return ice_->ever_connected() || keyed_; }

private:
  void on_ice_gathering_done() override;
  void on_ice_connected() override;
  void on_ice_failed() override;
  void on_ice_datagram(std::span<const std::uint8_t> datagram) override;
  void on_srtp_keys(rtp::SrtpProfile profile, const rtp::SrtpKeyPair& keys) override;
  void on_dtls_failed(const std::string& reason) override;
  void on_dtls_closed() override;

  boost::asio::io_context& io_;
  Listener& listener_;
  Contain contain_;
  std::string log_name_;
  std::string peer_noun_;
  bool keyed_ = false;
  bool stopped_ = false;
  // The DTLS stage sends through the ICE stage, so it is destroyed first (members in reverse).
  std::unique_ptr<IceStage> ice_;
  std::unique_ptr<DtlsSrtpStage> dtls_;
  Liveness liveness_;
};

}  // namespace presentd::session
