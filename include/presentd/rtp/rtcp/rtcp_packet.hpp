// SPDX-License-Identifier: Apache-2.0
#pragma once
// The RTCP common header (RFC 3550 §6.4.1), the walk over a compound packet (RFC 3550 §6.1), and
// the helpers every per-type writer shares. Thread: none of its own; value types.
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  |V=2|P| RC/FMT  |      PT       |  length (32-bit words - 1)    |
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "presentd/common/byte_reader.hpp"
#include "presentd/common/byte_writer.hpp"

namespace presentd::rtp::rtcp {

inline constexpr std::size_t kHeaderSize = 4;

// Packet types (RFC 3550 §12.1, RFC 4585 §6.1).
inline constexpr std::uint8_t kTypeSenderReport = 200;
inline constexpr std::uint8_t kTypeReceiverReport = 201;
inline constexpr std::uint8_t kTypeSdes = 202;
inline constexpr std::uint8_t kTypeBye = 203;
inline constexpr std::uint8_t kTypeApp = 204;
inline constexpr std::uint8_t kTypeRtpFeedback = 205;
inline constexpr std::uint8_t kTypePayloadFeedback = 206;

// Feedback message types (the FMT field).
inline constexpr std::uint8_t kFmtNack = 1;                // RTPFB, RFC 4585 §6.2.1
inline constexpr std::uint8_t kFmtTransportFeedback = 15;  // RTPFB, draft-holmer-...-01 §3.1
inline constexpr std::uint8_t kFmtPli = 1;                 // PSFB, RFC 4585 §6.3.1
inline constexpr std::uint8_t kFmtFir = 4;                 // PSFB, RFC 5104 §4.3.1
inline constexpr std::uint8_t kFmtApplicationLayer = 15;   // PSFB, RFC 4585 §6.4 (REMB)

// One packet of a compound: the header fields and the body that follows the 4-byte header, with
// any trailing padding (P bit) already removed.
struct PacketView {
  std::uint8_t count = 0;  // RC, SC or FMT depending on the type
  std::uint8_t type = 0;
  std::span<const std::uint8_t> body;
  std::span<const std::uint8_t> data;  // the whole packet, header and padding included
};

// Walks a compound packet by the length fields. Each length is checked against what remains; a
// version other than 2 or a length past the end stops the walk with error() set, because nothing
// after a broken length can be framed reliably.
class CompoundReader {
public:
  explicit CompoundReader(std::span<const std::uint8_t> compound) : rest_(compound) {}
  [[nodiscard]] std::optional<PacketView> next();
  [[nodiscard]] bool error() const { return error_; }

private:
  std::span<const std::uint8_t> rest_;
  bool error_ = false;
};

// Parses exactly one RTCP packet occupying the start of `data`; nullopt when malformed.
[[nodiscard]] std::optional<PacketView> parse_packet(std::span<const std::uint8_t> data);

// Writes a header with a zero length and returns its offset for finish_packet().
std::size_t begin_packet(std::vector<std::uint8_t>& out, std::uint8_t count, std::uint8_t type);
// Pads the body to a 32-bit boundary and fills in the length. With `padding_bit`, the padding is
// announced with the P bit and a count in its last byte (as WebRTC does for transport feedback);
// otherwise the pad bytes are zeros inside the body.
void finish_packet(std::vector<std::uint8_t>& out, std::size_t start, bool padding_bit = false);

// RFC 4585 §6.1: every feedback message starts with the sender and media source SSRCs.
struct FeedbackHeader {
  std::uint32_t sender_ssrc = 0;
  std::uint32_t media_ssrc = 0;
};
[[nodiscard]] std::optional<FeedbackHeader> read_feedback_header(ByteReader& reader);
// The header followed by a feedback control information list of one or more `entry_size` entries
// (NACK, FIR): nullopt unless what remains after the header is a whole, non-empty number of them.
[[nodiscard]] std::optional<FeedbackHeader> read_feedback_header_and_fci(ByteReader& reader, std::size_t entry_size);

}  // namespace presentd::rtp::rtcp
