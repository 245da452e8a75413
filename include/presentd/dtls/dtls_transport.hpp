// SPDX-License-Identifier: Apache-2.0
#pragma once
// One DTLS-SRTP association (RFC 5764) driven passively from the event loop: it owns no socket and
// no timer. The owner (the session, fed by libnice) hands it every received datagram that RFC 7983
// classified as DTLS (first octet 20..63), sends what comes out of `send`, and runs the
// retransmission timer for it.
//
// Timer contract (RFC 6347 §4.2.4): after every call into the transport, ask next_timeout(); if it
// has a value, (re)arm one steady_timer for that long, else cancel it. When the timer fires, call
// on_timeout() and ask again. OpenSSL 3.0 measures this timer against the system clock itself
// (there is no hook for an injected clock), so the transport takes no Clock: next_timeout() is
// only ever relative, which is all a steady_timer needs. Durations under 15 ms are reported as 0
// (OpenSSL treats them as due to avoid waking early).
//
// Trust: WebRTC certificates are self-signed, so OpenSSL's chain verification is bypassed and the
// peer is authenticated only by the fingerprints from its SDP. They are checked inside the
// certificate callback (so a mismatch aborts the handshake with a bad_certificate alert) and again
// after the handshake; only after both succeed is keying material exported. A mismatch never
// produces keys.
//
// Cookies: no HelloVerifyRequest. ICE consent (STUN checks authenticated with the ICE password
// from the signalled SDP) already proves the peer owns its address before any DTLS record is
// accepted from it, so the cookie round trip (RFC 6347 §4.2.1) would only add latency. Clients
// that expect one (Firefox) handle a server that does not send it.
//
// Versions: DTLS 1.2 only (DTLS_method() with DTLS 1.2 as minimum; OpenSSL 3.0 has no DTLS 1.3).
// A DTLS 1.3 ClientHello (Firefox) carries legacy_version DTLS 1.2 and is answered with 1.2; its
// large post-quantum key share makes it span several records/datagrams, which OpenSSL reassembles
// because each datagram is fed on its own.
//
// Callbacks run synchronously from inside on_datagram()/on_timeout()/start()/close(), after
// OpenSSL returned. They must not destroy the transport (post the destruction to the loop).
//
// Thread: the event loop. Not thread-safe.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "presentd/common/clock.hpp"
#include "presentd/crypto/certificate.hpp"
#include "presentd/dtls/datagram_bio.hpp"
#include "presentd/dtls/dtls_fingerprint.hpp"
#include "presentd/rtp/srtp/srtp_keys.hpp"
#include "presentd/rtp/srtp/srtp_profile.hpp"

namespace presentd::dtls {

// Thrown only by construction (bad configuration, OpenSSL refusing the certificate).
class DtlsError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

enum class DtlsState : std::uint8_t {
  idle,        // constructed, nothing sent or received yet
  connecting,  // handshake in progress
  connected,   // handshake done, fingerprint matched, keys reported
  failed,      // handshake error, fingerprint mismatch, fatal alert, too many retransmissions
  closed,      // the peer sent close_notify, or close() was called
};

std::string_view to_string(DtlsState state);

struct DtlsStats {
  std::uint64_t datagrams_received = 0;  // handed to OpenSSL
  std::uint64_t datagrams_sent = 0;
  std::uint64_t malformed_datagrams = 0;      // not DTLS records, or too large: dropped before OpenSSL
  std::uint64_t ignored_datagrams = 0;        // arrived after failure or close
  std::uint64_t application_data_bytes = 0;   // data-channel traffic presentd does not use
  std::uint64_t retransmission_timeouts = 0;  // timer expiries that resent a flight
};

struct DtlsConfig {
  // Client when we answered a=setup:active, server when we answered a=setup:passive.
  rtp::DtlsRole role = rtp::DtlsRole::server;
  // The peer's a=fingerprint lines. Every one with a supported algorithm must match (RFC 8122 §5
  // lets an offer list several); at least one must be supported or construction throws.
  std::vector<DtlsFingerprint> remote_fingerprints;
  // Offered (client) or accepted (server) in this order of preference.
  std::vector<rtp::SrtpProfile> srtp_profiles{rtp::default_srtp_profiles().begin(), rtp::default_srtp_profiles().end()};
  // Largest DTLS datagram we send. 1200 fits any path ICE uses, including TURN over TCP.
  std::size_t mtu = 1200;
  // Double on every expiry, cap at 60 s (RFC 6347 §4.2.4.1). RFC 6347 started at 1 s; RFC 9147
  // §5.8.2, which obsoletes it, recommends 100 ms, and browsers start at 50 ms. A flight lost on
  // a path ICE has just proven would otherwise cost a presenter a whole second; a spurious
  // resend on a long path costs one duplicate flight of ~1 KB, which the peer discards.
  std::chrono::milliseconds initial_retransmit_timeout{100};
  std::chrono::milliseconds max_retransmit_timeout{60000};
};

struct DtlsCallbacks {
  // One DTLS datagram to send on the selected ICE pair. Required.
  std::function<void(std::vector<std::uint8_t>)> send;
  // The handshake completed and the fingerprint matched: SRTP keys for our role.
  std::function<void(rtp::SrtpProfile, const rtp::SrtpKeyPair&)> on_connected;
  // Failure with a one-line reason (OpenSSL's errors included, no secrets).
  std::function<void(const std::string&)> on_failed;
  // The peer closed the association (close_notify).
  std::function<void()> on_closed;
};

class DtlsTransport {
public:
  // Copies what it needs from `identity` (certificate and key are reference-counted by OpenSSL).
  // Throws DtlsError on unusable configuration.
  DtlsTransport(const crypto::Identity& identity, DtlsConfig config, DtlsCallbacks callbacks);
  ~DtlsTransport();
  DtlsTransport(const DtlsTransport&) = delete;
  DtlsTransport& operator=(const DtlsTransport&) = delete;

  // Begins the handshake: a client sends its ClientHello, a server waits for one. Call once ICE
  // has a selected pair. A datagram arriving first starts the transport implicitly.
  void start();

  // One received DTLS datagram. Never throws; bad input is counted in stats().
  void on_datagram(std::span<const std::uint8_t> datagram);

  // See the timer contract above. nullopt: no timer needed now.
  [[nodiscard]] std::optional<Clock::Duration> next_timeout() const;
  void on_timeout();

  // Sends close_notify (once connected) and stops; later datagrams are ignored. No callback.
  void close();

  DtlsState state() const { return state_; }
  const std::string& failure_reason() const { return failure_reason_; }
  const DtlsStats& stats() const { return stats_; }
  rtp::DtlsRole role() const { return config_.role; }
  // Set once connected.
  std::optional<rtp::SrtpProfile> srtp_profile() const { return profile_; }

private:
  static int verify_callback(int preverify_ok, X509_STORE_CTX* store);
  static unsigned int timer_callback(SSL* ssl, unsigned int previous_us);

  bool fingerprint_matches(X509* certificate);
  void drive();  // runs the handshake or drains records, depending on state
  void finish_handshake();
  void drain_records();
  void fail(std::string reason);
  void flush_output();

  DtlsConfig config_;
  DtlsCallbacks callbacks_;
  DatagramBioState bio_state_;
  crypto::SslCtxPtr context_;
  crypto::SslPtr ssl_;
  DtlsState state_ = DtlsState::idle;
  bool fingerprint_mismatch_ = false;
  std::optional<rtp::SrtpProfile> profile_;
  std::string failure_reason_;
  DtlsStats stats_;
};

}  // namespace presentd::dtls
