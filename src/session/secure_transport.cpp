// SPDX-License-Identifier: Apache-2.0
#include "presentd/session/secure_transport.hpp"

#include <boost/asio/post.hpp>

#include "presentd/common/log.hpp"
#include "presentd/rtp/packet_classifier.hpp"

namespace presentd::session {
namespace {
constexpr std::string_view kTag = "session";
}

SecureTransport::SecureTransport(boost::asio::io_context& io, ice::GlibContextPump& pump, const Setup& setup,
                                 Listener& listener, Contain contain)
    : io_(io),
      listener_(listener),
      contain_(std::move(contain)),
      log_name_(setup.log_name),
      peer_noun_(setup.peer_noun) {
  ice_ = std::make_unique<IceStage>(pump, setup.ice, static_cast<IceStage::Listener&>(*this), log_name_, peer_noun_,
                                    contain_);
  // Our answer to a ClientHello can be ready before our side of ICE has selected the pair the
  // sender already uses: held until it has (IceAgent::send_when_connected says why).
  auto send = [this](std::span<const std::uint8_t> datagram) { ice_->send_when_connected(datagram); };
  dtls_ = std::make_unique<DtlsSrtpStage>(io, setup.identity, setup.negotiated, std::move(send),
                                          static_cast<DtlsSrtpStage::Listener&>(*this), contain_);
}

void SecureTransport::stop() {
  stopped_ = true;
  dtls_->stop();
}

SecureTransport::~SecureTransport() {
  liveness_.end();
  dtls_.reset();
  ice_.reset();
}

sdp::Result<std::string> SecureTransport::restart_ice(const sdp::SdpFragment& fragment,
                                                      const sdp::SessionDescription& answer) {
  auto credentials = ice_->restart(fragment);
  if (!credentials) return sdp::make_error(credentials.error().code, 0, credentials.error().message);
  return sdp::write_restart_fragment(answer, credentials->ufrag, credentials->password, ice_->local_candidates());
}

// IceStage calls these inside the session's boundary.
void SecureTransport::on_ice_gathering_done() { listener_.on_transport_gathered(); }

void SecureTransport::on_ice_connected() {
  if (!stopped_) dtls_->start();
}

void SecureTransport::on_ice_failed() {
  // Posted: libnice is inside its own callback. Never connected is a path that does not exist
  // (an admin's firewall or NAT question); connected once and then failed is a path that went away.
  boost::asio::post(io_, [this, alive = liveness_.token()] {
    if (!alive) return;
    if (ever_connected()) {
      return listener_.on_transport_ended(EndReason::connection_lost,
                                          "ICE failed: the path to the " + peer_noun_ + " went away");
    }
    listener_.on_transport_ended(EndReason::ice_failed, "ICE failed: no network path to the " + peer_noun_);
  });
}

void SecureTransport::on_ice_datagram(std::span<const std::uint8_t> datagram) {
  if (stopped_) return;
  listener_.on_transport_activity();
  switch (rtp::classify_packet(datagram)) {
    case rtp::PacketKind::dtls: return dtls_->on_datagram(datagram);
    case rtp::PacketKind::rtp:
    case rtp::PacketKind::rtcp: return listener_.on_srtp_datagram(datagram);
    default: return;  // STUN is consumed by libnice; anything else is noise
  }
}

void SecureTransport::on_srtp_keys(rtp::SrtpProfile profile, const rtp::SrtpKeyPair& keys) {
  keyed_ = true;
  PD_LOG(notice, kTag) << log_name_ << ": DTLS-SRTP established (" << rtp::srtp_profile_info(profile).name << ")";
  listener_.on_transport_keys(profile, keys);
}

void SecureTransport::on_dtls_failed(const std::string& reason) {
  PD_LOG(warning, kTag) << log_name_ << ": DTLS failed: " << reason;
  listener_.on_transport_ended(EndReason::dtls_failed, "DTLS failed: " + reason);
}

void SecureTransport::on_dtls_closed() {
  listener_.on_transport_ended(EndReason::stopped, "the " + peer_noun_ + " closed the connection");
}

}  // namespace presentd::session
