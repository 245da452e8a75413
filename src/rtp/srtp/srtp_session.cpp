// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/srtp/srtp_session.hpp"

#include <srtp2/srtp.h>

#include <algorithm>
#include <climits>
#include <mutex>
#include <optional>
#include <span>
#include <utility>

#include "presentd/common/byte_reader.hpp"

namespace presentd::rtp {
namespace {

static_assert(kSrtpProtectScratch == SRTP_MAX_TRAILER_LEN);
static_assert(kMaxSrtpTrailerLength <= SRTP_MAX_TRAILER_LEN);

// Larger than any UDP payload; keeps every length comfortably inside libsrtp's `int`.
constexpr std::size_t kMaxPacketLength = 65536;

void init_libsrtp_once() {
  static std::once_flag once;
  static srtp_err_status_t status = srtp_err_status_ok;
  std::call_once(once, [] { status = srtp_init(); });
  if (status != srtp_err_status_ok) {
    throw SrtpError("srtp_init failed with libsrtp status " + std::to_string(static_cast<int>(status)));
  }
}

srtp_profile_t to_libsrtp(SrtpProfile profile) {
  switch (profile) {
    case SrtpProfile::aes_cm_128_hmac_sha1_80: return srtp_profile_aes128_cm_sha1_80;
    case SrtpProfile::aes_cm_128_hmac_sha1_32: return srtp_profile_aes128_cm_sha1_32;
    case SrtpProfile::aead_aes_128_gcm: return srtp_profile_aead_aes_128_gcm;
    case SrtpProfile::aead_aes_256_gcm: return srtp_profile_aead_aes_256_gcm;
  }
  return srtp_profile_reserved;
}

// RFC 3550 §5.1 fixed header, then CSRCs and the optional extension (RFC 3550 §5.3.1):
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |V=2|P|X|  CC   |M|     PT      |       sequence number         |
//  |                           timestamp                           |
//  |           synchronization source (SSRC) identifier            |
//  |            contributing source (CSRC) identifiers (CC)        |
//  |      defined by profile       |  extension length (words)     |  if X
//  |                        header extension                       |  if X
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// SRTP (RFC 3711 §3.1) leaves all of this in the clear, so it can be checked before libsrtp runs.
std::optional<std::size_t> rtp_header_length(std::span<const std::uint8_t> packet) {
  ByteReader reader(packet);
  const auto first = reader.u8();
  if (!first || (*first >> 6) != 2) return std::nullopt;
  const std::size_t csrc_count = *first & 0x0f;
  const bool has_extension = (*first & 0x10) != 0;
  if (!reader.skip(11) || !reader.skip(4 * csrc_count)) return std::nullopt;
  if (has_extension) {
    if (!reader.skip(2)) return std::nullopt;
    const auto words = reader.u16();
    if (!words || !reader.skip(4 * std::size_t{*words})) return std::nullopt;
  }
  return reader.offset();
}

// RFC 3550 §6.4.1 common RTCP header; SRTCP (RFC 3711 §3.4) leaves the first 8 octets in the clear:
//  |V=2|P|    RC   |   PT=SR=200   |             length            |
//  |                         SSRC of sender                        |
std::optional<std::size_t> rtcp_header_length(std::span<const std::uint8_t> packet) {
  ByteReader reader(packet);
  const auto first = reader.u8();
  if (!first || (*first >> 6) != 2 || !reader.skip(7)) return std::nullopt;
  return reader.offset();
}

SrtpResult map_status(srtp_err_status_t status) {
  switch (status) {
    case srtp_err_status_ok: return SrtpResult::ok;
    // libsrtp reports a failed GCM tag check as cipher_fail with some crypto back ends, and an
    // SRTCP packet whose E flag says "not encrypted" under a confidentiality policy (e.g. plain
    // RTCP) as cant_check. Either way nothing vouches for the packet.
    case srtp_err_status_auth_fail:
    case srtp_err_status_cipher_fail:
    case srtp_err_status_cant_check: return SrtpResult::auth_failed;
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old: return SrtpResult::replay;
    case srtp_err_status_bad_param:
    case srtp_err_status_parse_err: return SrtpResult::malformed;
    default: return SrtpResult::other;
  }
}

}  // namespace

std::string_view to_string(SrtpResult result) {
  switch (result) {
    case SrtpResult::ok: return "ok";
    case SrtpResult::auth_failed: return "auth_failed";
    case SrtpResult::replay: return "replay";
    case SrtpResult::malformed: return "malformed";
    case SrtpResult::other: return "other";
    case SrtpResult::too_many_streams: return "too_many_streams";
  }
  return "unknown";
}

void SrtpSession::Deleter::operator()(srtp_ctx_t_* ctx) const { srtp_dealloc(ctx); }

SrtpSession::SrtpSession(SrtpProfile profile, const SrtpMasterKey& master, Direction direction, Options options)
    : profile_(profile), direction_(direction), max_inbound_streams_(options.max_inbound_streams) {
  init_libsrtp_once();
  const auto& info = srtp_profile_info(profile);
  if (master.key().size() != info.master_key_length || master.salt().size() != info.master_salt_length) {
    throw SrtpError(std::string("SRTP master key/salt length does not match profile ") + std::string(info.name));
  }

  srtp_policy_t policy{};
  if (srtp_crypto_policy_set_from_profile_for_rtp(&policy.rtp, to_libsrtp(profile)) != srtp_err_status_ok ||
      srtp_crypto_policy_set_from_profile_for_rtcp(&policy.rtcp, to_libsrtp(profile)) != srtp_err_status_ok) {
    throw SrtpError(std::string("libsrtp does not support profile ") + std::string(info.name));
  }
  policy.ssrc.type = direction == Direction::inbound ? ssrc_any_inbound : ssrc_any_outbound;
  // libsrtp only reads the key during srtp_create() (it derives the session keys there).
  policy.key = const_cast<unsigned char*>(master.key_and_salt().data());
  policy.window_size = options.replay_window;
  policy.allow_repeat_tx = direction == Direction::outbound ? 1 : 0;
  policy.next = nullptr;

  srtp_t ctx = nullptr;
  const auto status = srtp_create(&ctx, &policy);
  if (status != srtp_err_status_ok) {
    if (ctx != nullptr) srtp_dealloc(ctx);
    throw SrtpError("srtp_create failed with libsrtp status " + std::to_string(static_cast<int>(status)));
  }
  ctx_.reset(ctx);
}

SrtpSession::SrtpSession(SrtpSession&&) noexcept = default;
SrtpSession& SrtpSession::operator=(SrtpSession&&) noexcept = default;
SrtpSession::~SrtpSession() = default;

SrtpResult SrtpSession::protect_rtp(std::vector<std::uint8_t>& packet) { return protect(packet, Kind::rtp); }
SrtpResult SrtpSession::protect_rtcp(std::vector<std::uint8_t>& packet) { return protect(packet, Kind::rtcp); }
SrtpResult SrtpSession::unprotect_rtp(std::vector<std::uint8_t>& packet) { return unprotect(packet, Kind::rtp); }
SrtpResult SrtpSession::unprotect_rtcp(std::vector<std::uint8_t>& packet) { return unprotect(packet, Kind::rtcp); }

SrtpResult SrtpSession::count(SrtpResult result, std::vector<std::uint8_t>& packet) {
  switch (result) {
    case SrtpResult::ok: ++stats_.ok; return result;
    case SrtpResult::auth_failed: ++stats_.auth_failed; break;
    case SrtpResult::replay: ++stats_.replayed; break;
    case SrtpResult::malformed: ++stats_.malformed; break;
    case SrtpResult::other: ++stats_.other; break;
    case SrtpResult::too_many_streams: ++stats_.streams_refused; break;
  }
  // Whatever libsrtp left in the buffer (GCM may have decrypted in place before the tag check)
  // must not reach a parser.
  packet.clear();
  return result;
}

SrtpResult SrtpSession::finish(int status, int length, std::vector<std::uint8_t>& packet) {
  if (status != srtp_err_status_ok) return count(map_status(static_cast<srtp_err_status_t>(status)), packet);
  if (length < 0 || static_cast<std::size_t>(length) > packet.size()) return count(SrtpResult::other, packet);
  packet.resize(static_cast<std::size_t>(length));
  return count(SrtpResult::ok, packet);
}

SrtpResult SrtpSession::protect(std::vector<std::uint8_t>& packet, Kind kind) {
  if (!ctx_ || direction_ != Direction::outbound) return count(SrtpResult::other, packet);
  const auto header = kind == Kind::rtp ? rtp_header_length(packet) : rtcp_header_length(packet);
  if (!header || packet.size() > kMaxPacketLength) return count(SrtpResult::malformed, packet);

  // libsrtp writes the trailer behind the payload and documents that it may touch up to
  // SRTP_MAX_TRAILER_LEN octets there; finish() cuts the vector to the length it reports
  // (plain length + the profile's trailer).
  const std::size_t plain_length = packet.size();
  packet.resize(plain_length + kSrtpProtectScratch);
  int length = static_cast<int>(plain_length);
  const auto status = kind == Kind::rtp ? srtp_protect(ctx_.get(), packet.data(), &length)
                                        : srtp_protect_rtcp(ctx_.get(), packet.data(), &length);
  return finish(status, length, packet);
}

SrtpResult SrtpSession::unprotect(std::vector<std::uint8_t>& packet, Kind kind) {
  if (!ctx_ || direction_ != Direction::inbound) return count(SrtpResult::other, packet);
  const auto header = kind == Kind::rtp ? rtp_header_length(packet) : rtcp_header_length(packet);
  const auto& info = srtp_profile_info(profile_);
  const std::size_t trailer = kind == Kind::rtp ? info.rtp_trailer_length : info.rtcp_trailer_length;
  if (!header || packet.size() < *header + trailer || packet.size() > kMaxPacketLength) {
    return count(SrtpResult::malformed, packet);
  }

  // The SSRC libsrtp looks its stream up by: RTP header octets 8-11, RTCP header octets 4-7
  // (both within the header length checked above).
  const std::size_t at = kind == Kind::rtp ? 8 : 4;
  const std::uint32_t ssrc = (std::uint32_t{packet[at]} << 24) | (std::uint32_t{packet[at + 1]} << 16) |
                             (std::uint32_t{packet[at + 2]} << 8) | packet[at + 3];
  if (!admits(ssrc)) return count(SrtpResult::too_many_streams, packet);

  int length = static_cast<int>(packet.size());
  const auto status = kind == Kind::rtp ? srtp_unprotect(ctx_.get(), packet.data(), &length)
                                        : srtp_unprotect_rtcp(ctx_.get(), packet.data(), &length);
  const auto result = finish(status, length, packet);
  // libsrtp cloned a stream for this SSRC once a packet of it authenticated.
  if (result == SrtpResult::ok &&
      std::find(inbound_ssrcs_.begin(), inbound_ssrcs_.end(), ssrc) == inbound_ssrcs_.end()) {
    inbound_ssrcs_.push_back(ssrc);
  }
  return result;
}

bool SrtpSession::admits(std::uint32_t ssrc) const {
  return inbound_ssrcs_.size() < max_inbound_streams_ ||
         std::find(inbound_ssrcs_.begin(), inbound_ssrcs_.end(), ssrc) != inbound_ssrcs_.end();
}

}  // namespace presentd::rtp
