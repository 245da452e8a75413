// SPDX-License-Identifier: Apache-2.0
#include "presentd/dtls/dtls_transport.hpp"

#include <sys/time.h>
#include <algorithm>
#include <array>

#include <openssl/err.h>
#include <openssl/srtp.h>

#include "dtls/dtls_record.hpp"
#include "presentd/common/log.hpp"
#include "presentd/crypto/openssl_error.hpp"

namespace presentd::dtls {
namespace {

// Self-signed certificates fail every chain check; the fingerprint is the trust anchor, so
// OpenSSL's verdict is ignored and the transport decides in verify_callback().
constexpr int kVerifyMode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;

std::string with_openssl_errors(std::string what) {
  auto errors = crypto::drain_openssl_errors();
  if (!errors.empty()) what += ": " + errors;
  return what;
}

}  // namespace

std::string_view to_string(DtlsState state) {
  switch (state) {
    case DtlsState::idle: return "idle";
    case DtlsState::connecting: return "connecting";
    case DtlsState::connected: return "connected";
    case DtlsState::failed: return "failed";
    case DtlsState::closed: return "closed";
  }
  return "unknown";
}

DtlsTransport::DtlsTransport(const crypto::Identity& identity, DtlsConfig config, DtlsCallbacks callbacks)
    : config_(std::move(config)), callbacks_(std::move(callbacks)) {
  if (!callbacks_.send) throw DtlsError("DTLS transport needs a send callback");
  if (!identity.certificate || !identity.private_key) throw DtlsError("DTLS transport needs a certificate and key");
  if (config_.srtp_profiles.empty()) throw DtlsError("DTLS transport needs at least one SRTP profile");
  if (config_.mtu < 256 || config_.mtu > kMaxDtlsDatagramLength) throw DtlsError("DTLS MTU out of range");
  const bool any_supported =
      std::any_of(config_.remote_fingerprints.begin(), config_.remote_fingerprints.end(),
                  [](const DtlsFingerprint& f) { return make_dtls_fingerprint(f.algorithm, f.value).has_value(); });
  // The answer builder takes only fingerprints this rule accepts (usable_fingerprint_algorithms),
  // so a session never gets here without one; the check stays for direct users of the class.
  if (!any_supported) {
    throw DtlsError("the offer has no usable a=fingerprint (" + usable_fingerprint_algorithms_text() + ")");
  }

  crypto::drain_openssl_errors();  // stale errors from elsewhere would pollute our messages
  context_.reset(SSL_CTX_new(DTLS_method()));
  if (!context_) throw DtlsError(with_openssl_errors("SSL_CTX_new(DTLS_method()) failed"));
  SSL_CTX* ctx = context_.get();
  if (SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) != 1 ||
      SSL_CTX_use_certificate(ctx, identity.certificate.get()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx, identity.private_key.get()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    throw DtlsError(with_openssl_errors("the DTLS certificate is unusable"));
  }
  // Unusually, this returns 0 on success.
  if (SSL_CTX_set_tlsext_use_srtp(ctx, rtp::srtp_openssl_profile_list(config_.srtp_profiles).c_str()) != 0) {
    throw DtlsError(with_openssl_errors("OpenSSL refused the SRTP profiles"));
  }
  SSL_CTX_set_verify(ctx, kVerifyMode, &DtlsTransport::verify_callback);
  // No renegotiation in WebRTC; no session resumption either (every association is new).
  SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);

  ssl_.reset(SSL_new(ctx));
  if (!ssl_) throw DtlsError(with_openssl_errors("SSL_new failed"));
  SSL_set_app_data(ssl_.get(), this);
  auto bio = make_datagram_bio(bio_state_);
  SSL_set_bio(ssl_.get(), bio.get(), bio.get());                       // one reference serves as both rbio and wbio
  (void)bio.release();                                                 // the SSL owns it now
  if (SSL_set_mtu(ssl_.get(), static_cast<long>(config_.mtu)) <= 0) {  // returns the MTU it set
    throw DtlsError(with_openssl_errors("OpenSSL refused the DTLS MTU"));
  }
  DTLS_set_timer_cb(ssl_.get(), &DtlsTransport::timer_callback);
  if (config_.role == rtp::DtlsRole::client) {
    SSL_set_connect_state(ssl_.get());
  } else {
    SSL_set_accept_state(ssl_.get());
  }
}

DtlsTransport::~DtlsTransport() = default;

void DtlsTransport::start() {
  if (state_ != DtlsState::idle) return;
  state_ = DtlsState::connecting;
  drive();
}

void DtlsTransport::on_datagram(std::span<const std::uint8_t> datagram) {
  if (state_ == DtlsState::failed || state_ == DtlsState::closed) {
    ++stats_.ignored_datagrams;
    return;
  }
  if (!count_dtls_records(datagram)) {
    ++stats_.malformed_datagrams;
    return;
  }
  if (state_ == DtlsState::idle) state_ = DtlsState::connecting;
  ++stats_.datagrams_received;
  if (state_ == DtlsState::connecting) {
    // Handshake datagrams only (a handful per association): their timing is what a slow
    // connection setup is diagnosed from.
    PD_LOG(debug, "dtls") << "handshake datagram in: " << datagram.size() << " bytes, content type "
                          << static_cast<int>(datagram[0]);
  }
  bio_state_.input = datagram;
  drive();
  bio_state_.input = {};  // OpenSSL may not have wanted it (e.g. a record it buffers); never keep the span
}

std::optional<Clock::Duration> DtlsTransport::next_timeout() const {
  if (state_ != DtlsState::connecting && state_ != DtlsState::connected) return std::nullopt;
  timeval remaining{};
  if (DTLSv1_get_timeout(ssl_.get(), &remaining) != 1) return std::nullopt;
  return std::chrono::seconds(remaining.tv_sec) + std::chrono::microseconds(remaining.tv_usec);
}

void DtlsTransport::on_timeout() {
  if (state_ != DtlsState::connecting && state_ != DtlsState::connected) return;
  const int result = DTLSv1_handle_timeout(ssl_.get());
  if (result > 0) ++stats_.retransmission_timeouts;
  if (result < 0) {
    fail(with_openssl_errors("DTLS handshake timed out after repeated retransmissions"));
    return;
  }
  flush_output();
}

void DtlsTransport::close() {
  if (state_ == DtlsState::failed || state_ == DtlsState::closed) return;
  const bool was_connected = state_ == DtlsState::connected;
  state_ = DtlsState::closed;
  if (was_connected) {
    SSL_shutdown(ssl_.get());
    flush_output();
  }
  crypto::drain_openssl_errors();
}

int DtlsTransport::verify_callback(int /*preverify_ok*/, X509_STORE_CTX* store) {
  // Only the leaf (depth 0) is the peer's certificate; intermediates, if any, are irrelevant.
  if (X509_STORE_CTX_get_error_depth(store) != 0) return 1;
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* self = ssl == nullptr ? nullptr : static_cast<DtlsTransport*>(SSL_get_app_data(ssl));
  if (self == nullptr) return 0;
  if (self->fingerprint_matches(X509_STORE_CTX_get_current_cert(store))) return 1;
  self->fingerprint_mismatch_ = true;
  X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
  return 0;
}

unsigned int DtlsTransport::timer_callback(SSL* ssl, unsigned int previous_us) {
  const auto* self = static_cast<const DtlsTransport*>(SSL_get_app_data(ssl));
  const auto initial = std::chrono::duration_cast<std::chrono::microseconds>(self->config_.initial_retransmit_timeout);
  const auto cap = std::chrono::duration_cast<std::chrono::microseconds>(self->config_.max_retransmit_timeout);
  const auto next =
      previous_us == 0 ? initial : std::min(std::chrono::microseconds(2 * static_cast<std::int64_t>(previous_us)), cap);
  PD_LOG(debug, "dtls") << "retransmission timer " << (previous_us == 0 ? "armed" : "backed off") << " at "
                        << next.count() / 1000 << " ms";
  return static_cast<unsigned int>(next.count());
}

bool DtlsTransport::fingerprint_matches(X509* certificate) {
  bool checked_any = false;
  for (const auto& expected : config_.remote_fingerprints) {
    if (!make_dtls_fingerprint(expected.algorithm, expected.value)) continue;  // e.g. sha-1: not ours to judge
    if (!certificate_matches(certificate, expected)) return false;
    checked_any = true;
  }
  return checked_any;
}

void DtlsTransport::drive() {
  if (state_ == DtlsState::connecting) {
    const int result = SSL_do_handshake(ssl_.get());
    if (result == 1) {
      finish_handshake();
      return;
    }
    const int error = SSL_get_error(ssl_.get(), result);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      flush_output();
      return;
    }
    if (fingerprint_mismatch_) {
      crypto::drain_openssl_errors();
      fail("the peer's DTLS certificate does not match the a=fingerprint of its offer");
    } else {
      fail(with_openssl_errors("DTLS handshake failed"));
    }
    return;
  }
  if (state_ == DtlsState::connected) drain_records();
}

void DtlsTransport::finish_handshake() {
  // Second, independent check: the callback is the first line, this one guards against any path
  // (a future OpenSSL, a resumed session) that completes without calling it for the leaf.
  crypto::X509Ptr peer(SSL_get1_peer_certificate(ssl_.get()));
  if (!peer || !fingerprint_matches(peer.get())) {
    fail("the peer's DTLS certificate does not match the a=fingerprint of its offer");
    return;
  }
  const SRTP_PROTECTION_PROFILE* selected = SSL_get_selected_srtp_profile(ssl_.get());
  const auto profile = selected == nullptr ? std::nullopt : rtp::srtp_profile_from_openssl_name(selected->name);
  if (!profile) {
    fail("the DTLS peer negotiated no SRTP profile presentd supports (use_srtp, RFC 5764 §4.1.1)");
    return;
  }
  std::vector<std::uint8_t> exported(rtp::keying_material_length(*profile));
  const int ok =
      SSL_export_keying_material(ssl_.get(), exported.data(), exported.size(), rtp::kDtlsSrtpExporterLabel.data(),
                                 rtp::kDtlsSrtpExporterLabel.size(), nullptr, 0, 0);
  auto keys = ok == 1 ? rtp::split_dtls_srtp_keying_material(*profile, exported, config_.role) : std::nullopt;
  OPENSSL_cleanse(exported.data(), exported.size());
  if (!keys) {
    fail(with_openssl_errors("exporting the DTLS-SRTP keying material failed"));
    return;
  }
  state_ = DtlsState::connected;
  profile_ = profile;
  flush_output();
  PD_LOG(info, "dtls") << "DTLS-SRTP connected as " << (config_.role == rtp::DtlsRole::server ? "server" : "client")
                       << ", " << SSL_get_version(ssl_.get()) << ", " << SSL_get_cipher_name(ssl_.get()) << ", "
                       << rtp::srtp_profile_info(*profile).name;
  if (callbacks_.on_connected) callbacks_.on_connected(*profile, *keys);
  // Records that arrived in the same datagram as the last handshake message (rare) wait in OpenSSL.
  if (state_ == DtlsState::connected) drain_records();
}

void DtlsTransport::drain_records() {
  std::array<std::uint8_t, 2048> buffer{};
  for (;;) {
    const int result = SSL_read(ssl_.get(), buffer.data(), static_cast<int>(buffer.size()));
    if (result > 0) {
      // presentd offers no data channel; count and drop.
      stats_.application_data_bytes += static_cast<std::uint64_t>(result);
      continue;
    }
    const int error = SSL_get_error(ssl_.get(), result);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      flush_output();  // e.g. our final flight, resent because the peer repeated its Finished
      return;
    }
    if (error == SSL_ERROR_ZERO_RETURN) {
      state_ = DtlsState::closed;
      SSL_shutdown(ssl_.get());  // answer with our close_notify
      flush_output();
      crypto::drain_openssl_errors();
      PD_LOG(info, "dtls") << "the DTLS peer closed the association";
      if (callbacks_.on_closed) callbacks_.on_closed();
      return;
    }
    fail(with_openssl_errors("DTLS association failed"));
    return;
  }
}

void DtlsTransport::fail(std::string reason) {
  state_ = DtlsState::failed;
  failure_reason_ = std::move(reason);
  flush_output();  // the fatal alert OpenSSL queued tells the peer why
  PD_LOG(warning, "dtls") << failure_reason_;
  if (callbacks_.on_failed) callbacks_.on_failed(failure_reason_);
}

void DtlsTransport::flush_output() {
  auto datagrams = std::move(bio_state_.output);
  bio_state_.output.clear();
  if (!datagrams.empty() && state_ == DtlsState::connecting) {
    PD_LOG(debug, "dtls") << "handshake flight out: " << datagrams.size() << " datagram(s)";
  }
  for (auto& datagram : datagrams) {
    ++stats_.datagrams_sent;
    callbacks_.send(std::move(datagram));
  }
}

}  // namespace presentd::dtls
