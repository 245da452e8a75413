// SPDX-License-Identifier: Apache-2.0
#include "presentd/session/dtls_srtp_stage.hpp"

#include <boost/asio/post.hpp>

#include "presentd/dtls/dtls_fingerprint.hpp"

namespace presentd::session {

DtlsSrtpStage::DtlsSrtpStage(boost::asio::io_context& io, const crypto::Identity& identity,
                             const sdp::Negotiated& negotiated, Send send, Listener& listener, Contain contain)
    : io_(io),
      send_(std::move(send)),
      listener_(listener),
      contain_(std::move(contain)),
      transport_(std::make_unique<dtls::DtlsTransport>(identity, config_for(negotiated), callbacks())),
      timer_(io) {}

DtlsSrtpStage::~DtlsSrtpStage() {
  liveness_.end();
  timer_.cancel();
}

dtls::DtlsConfig DtlsSrtpStage::config_for(const sdp::Negotiated& negotiated) {
  dtls::DtlsConfig config;
  // We answered a=setup:passive: the peer connects to us.
  config.role = negotiated.local_setup == sdp::Setup::passive ? rtp::DtlsRole::server : rtp::DtlsRole::client;
  for (const auto& fingerprint : negotiated.remote_fingerprints) {
    if (auto parsed = dtls::make_dtls_fingerprint(fingerprint.algorithm, fingerprint.value)) {
      config.remote_fingerprints.push_back(*parsed);
    }
  }
  return config;
}

dtls::DtlsCallbacks DtlsSrtpStage::callbacks() {
  dtls::DtlsCallbacks callbacks;
  callbacks.send = [this](std::vector<std::uint8_t> datagram) { send_(datagram); };
  callbacks.on_connected = [this](rtp::SrtpProfile profile, const rtp::SrtpKeyPair& keys) {
    listener_.on_srtp_keys(profile, keys);
  };
  // Failure and close are posted: the listener ends the session, which must not happen inside
  // the transport's own call.
  callbacks.on_failed = [this](const std::string& reason) {
    boost::asio::post(io_, [this, alive = liveness_.token(), reason] {
      if (alive) listener_.on_dtls_failed(reason);
    });
  };
  callbacks.on_closed = [this] {
    boost::asio::post(io_, [this, alive = liveness_.token()] {
      if (alive) listener_.on_dtls_closed();
    });
  };
  return callbacks;
}

void DtlsSrtpStage::start() {
  if (stopped_ || transport_->state() != dtls::DtlsState::idle) return;
  transport_->start();
  arm_timer();
}

void DtlsSrtpStage::stop() {
  stopped_ = true;
  timer_.cancel();
}

void DtlsSrtpStage::on_datagram(std::span<const std::uint8_t> datagram) {
  if (transport_->state() == dtls::DtlsState::idle) transport_->start();
  transport_->on_datagram(datagram);
  arm_timer();
}

// DtlsTransport's timer contract: after every call, ask for the next timeout and (re)arm.
void DtlsSrtpStage::arm_timer() {
  const auto timeout = transport_->next_timeout();
  timer_.cancel();
  if (!timeout || stopped_) return;
  timer_.expires_after(*timeout);
  timer_.async_wait([this, alive = liveness_.token()](boost::system::error_code ec) {
    if (ec || !alive) return;
    contain_("a DTLS retransmission", [this] {
      transport_->on_timeout();
      arm_timer();
    });
  });
}

}  // namespace presentd::session
