// SPDX-License-Identifier: Apache-2.0
#pragma once
// The second stage: the DTLS-SRTP handshake (RFC 5764) over the ICE stage's pair, with the
// retransmission timer DtlsTransport asks its owner to run. It yields the SRTP keys once the
// peer's certificate matched a fingerprint from its SDP, and reports failure or close_notify.
//
// The role and fingerprints come from the negotiation (sdp::Negotiated); datagrams go out through
// the `send` function given at construction (the ICE stage).
//
// Thread: event loop. on_srtp_keys is called from inside on_datagram()/on_timeout();
// on_dtls_failed and on_dtls_closed are posted, so the listener may destroy the stage in them.
#include <functional>
#include <memory>
#include <span>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "presentd/common/liveness.hpp"
#include "presentd/crypto/certificate.hpp"
#include "presentd/dtls/dtls_transport.hpp"
#include "presentd/rtp/srtp/srtp_keys.hpp"
#include "presentd/rtp/srtp/srtp_profile.hpp"
#include "presentd/sdp/answer_builder.hpp"
#include "presentd/session/session_boundary.hpp"

namespace presentd::session {

class DtlsSrtpStage {
public:
  class Listener {
  public:
    virtual ~Listener() = default;
    // The handshake completed and the peer proved its certificate: SRTP keys for our role.
    virtual void on_srtp_keys(rtp::SrtpProfile profile, const rtp::SrtpKeyPair& keys) = 0;
    // Handshake error, fingerprint mismatch, fatal alert or too many retransmissions.
    virtual void on_dtls_failed(const std::string& reason) = 0;
    // The peer sent close_notify.
    virtual void on_dtls_closed() = 0;
  };
  using Send = std::function<void(std::span<const std::uint8_t> datagram)>;

  // Throws dtls::DtlsError when no remote fingerprint is usable (the answer builder refuses such
  // offers first: sdp/shared_rules).
  DtlsSrtpStage(boost::asio::io_context& io, const crypto::Identity& identity, const sdp::Negotiated& negotiated,
                Send send, Listener& listener, Contain contain);
  ~DtlsSrtpStage();
  DtlsSrtpStage(const DtlsSrtpStage&) = delete;
  DtlsSrtpStage& operator=(const DtlsSrtpStage&) = delete;

  // ICE has a pair: a client sends its ClientHello; a server waits. Only the first call counts.
  void start();
  // The session ended: the retransmission timer stops for good.
  void stop();
  // One datagram RFC 7983 classified as DTLS. One arriving before start() starts the stage.
  void on_datagram(std::span<const std::uint8_t> datagram);

  dtls::DtlsState state() const { return transport_->state(); }
  const dtls::DtlsStats& stats() const { return transport_->stats(); }

private:
  static dtls::DtlsConfig config_for(const sdp::Negotiated& negotiated);
  dtls::DtlsCallbacks callbacks();
  void arm_timer();

  boost::asio::io_context& io_;
  Send send_;
  Listener& listener_;
  Contain contain_;
  std::unique_ptr<dtls::DtlsTransport> transport_;
  boost::asio::steady_timer timer_;
  bool stopped_ = false;
  Liveness liveness_;  // tokens in the posted failure reports and timer handlers
};

}  // namespace presentd::session
