// SPDX-License-Identifier: Apache-2.0
#pragma once
// RAII wrapper around one libsrtp2 session (srtp_t) for ONE direction: an inbound session only
// unprotects what the peer sent, an outbound session only protects what we send. Each direction
// has its own master key (RFC 5764 §4.2), so two srtp_t per DTLS association is the natural shape;
// SrtpContext bundles the pair. Per-packet calls never throw: they return an SrtpResult and count
// failures in SrtpStats. On any failure the packet buffer is emptied, so a packet that failed
// authentication can never be handed on by mistake.
//
// Buffer room: protect_*() grows the vector by the profile's trailer (SrtpProfileInfo::
// rtp_trailer_length / rtcp_trailer_length: 16 or 20 octets for GCM, 10 or 14 for
// AES_CM_..._80, 4 or 14 for _32); unprotect_*() shrinks it by the same amount. While libsrtp
// runs, the vector is temporarily kSrtpProtectScratch octets longer (libsrtp's documented worst
// case, MKI included), so reserve size() + kSrtpProtectScratch to protect without reallocating.
//
// Rollover counter: libsrtp estimates it per SSRC (RFC 3711 §3.3.1) starting from 0 at the first
// packet that authenticates. Senders start at a random sequence number with ROC 0, so this only
// fails if every packet before the first wrap is lost; then the stream cannot authenticate and
// the caller sees a run of auth_failed (the session must be renegotiated).
//
// Thread: the event loop. Not thread-safe; one object per direction per presenter.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "presentd/rtp/srtp/srtp_keys.hpp"
#include "presentd/rtp/srtp/srtp_profile.hpp"

struct srtp_ctx_t_;

namespace presentd::rtp {

// libsrtp's SRTP_MAX_TRAILER_LEN (checked in the .cpp), kept out of this header's includes.
inline constexpr std::size_t kSrtpProtectScratch = 144;

// clang-format 14 misreads an attribute on an enum.
// clang-format off
enum class [[nodiscard]] SrtpResult : std::uint8_t {
  ok,
  auth_failed,  // tag mismatch: forged, corrupted, wrong key, or plaintext RTP
  replay,       // index already seen or older than the replay window
  malformed,    // too short or not an RTP/RTCP header; libsrtp was not asked
  too_many_streams,  // an SSRC beyond Options::max_inbound_streams; libsrtp was not asked
  other,        // anything else libsrtp reports, or the wrong direction for this session
};
// clang-format on

std::string_view to_string(SrtpResult result);

struct SrtpStats {
  std::uint64_t ok = 0;
  std::uint64_t auth_failed = 0;
  std::uint64_t replayed = 0;
  std::uint64_t malformed = 0;
  std::uint64_t other = 0;
  std::uint64_t streams_refused = 0;  // packets of SSRCs past the stream cap
};

// Thrown only by construction (bad key length, libsrtp refusing the policy); caught at the
// session boundary like other setup errors.
class SrtpError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class SrtpSession {
public:
  enum class Direction : std::uint8_t { inbound, outbound };

  struct Options {
    // libsrtp's default is 128 packets. Video at 4K/60 with NACK retransmissions (which arrive one
    // RTT late and, without RTX, reuse the original sequence number) can fall further behind, so
    // presentd keeps 1024. libsrtp accepts 64..32767.
    std::size_t replay_window = 1024;
    // libsrtp clones a stream (keys, replay window, ~1 kB) for every SSRC whose first packet
    // authenticates, and never frees one. A sender holding the keys could make it clone one per
    // packet; inbound sessions stop at this many SSRCs and drop packets of any other, before
    // libsrtp sees them. A presenter has at most 2 video streams with RTX and one audio stream
    // (5 SSRCs, some unsignalled), so 16 leaves room for probing and FEC.
    std::size_t max_inbound_streams = 16;
  };

  // The master key must match the profile's key and salt lengths (throws SrtpError otherwise).
  // Inbound sessions match any SSRC (ssrc_any_inbound), outbound any SSRC (ssrc_any_outbound).
  // Outbound sessions allow repeated transmission of the same index (allow_repeat_tx) so RTP
  // retransmitted in answer to a NACK can be protected again.
  SrtpSession(SrtpProfile profile, const SrtpMasterKey& master, Direction direction, Options options);
  SrtpSession(SrtpProfile profile, const SrtpMasterKey& master, Direction direction)
      : SrtpSession(profile, master, direction, Options{}) {}

  SrtpSession(SrtpSession&&) noexcept;
  SrtpSession& operator=(SrtpSession&&) noexcept;
  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;
  ~SrtpSession();

  // Outbound only. The packet must be a complete plaintext RTP/RTCP packet.
  [[nodiscard]] SrtpResult protect_rtp(std::vector<std::uint8_t>& packet);
  [[nodiscard]] SrtpResult protect_rtcp(std::vector<std::uint8_t>& packet);
  // Inbound only. On ok the vector holds the plaintext packet; on anything else it is empty.
  [[nodiscard]] SrtpResult unprotect_rtp(std::vector<std::uint8_t>& packet);
  [[nodiscard]] SrtpResult unprotect_rtcp(std::vector<std::uint8_t>& packet);

  const SrtpStats& stats() const { return stats_; }
  SrtpProfile profile() const { return profile_; }
  Direction direction() const { return direction_; }

private:
  enum class Kind : std::uint8_t { rtp, rtcp };
  SrtpResult protect(std::vector<std::uint8_t>& packet, Kind kind);
  SrtpResult unprotect(std::vector<std::uint8_t>& packet, Kind kind);
  // Maps libsrtp's status and output length to a result; resizes the packet on success.
  SrtpResult finish(int status, int length, std::vector<std::uint8_t>& packet);
  // Counts the result; on failure empties the packet.
  SrtpResult count(SrtpResult result, std::vector<std::uint8_t>& packet);

  struct Deleter {
    void operator()(srtp_ctx_t_* ctx) const;
  };
  std::unique_ptr<srtp_ctx_t_, Deleter> ctx_;
  // Inbound: whether a packet of this SSRC may reach libsrtp (a known one, or room for one more).
  bool admits(std::uint32_t ssrc) const;

  SrtpProfile profile_;
  Direction direction_;
  SrtpStats stats_;
  std::size_t max_inbound_streams_ = 0;
  std::vector<std::uint32_t> inbound_ssrcs_;  // SSRCs libsrtp holds a stream for (≤ the cap: a scan is cheap)
};

// Both directions of one DTLS-SRTP association.
struct SrtpContext {
  SrtpContext(SrtpProfile profile, const SrtpKeyPair& keys, SrtpSession::Options options = {})
      : inbound(profile, keys.remote, SrtpSession::Direction::inbound, options),
        outbound(profile, keys.local, SrtpSession::Direction::outbound, options) {}

  SrtpSession inbound;
  SrtpSession outbound;
};

}  // namespace presentd::rtp
