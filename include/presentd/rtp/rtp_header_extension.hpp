// SPDX-License-Identifier: Apache-2.0
#pragma once
// RTP header extensions: the RFC 8285 one-byte and two-byte element formats, and the value
// formats of the extensions WebRTC negotiates (transport-wide sequence number, abs-send-time,
// playout-delay). Thread: none of its own; value types used by whichever thread parses.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace presentd::rtp {

// "defined by profile" values of the RFC 3550 §5.3.1 extension header.
inline constexpr std::uint16_t kOneByteExtensionProfile = 0xBEDE;
// Two-byte form: 0x100 followed by four "appbits" the application may use (RFC 8285 §4.3).
inline constexpr std::uint16_t kTwoByteExtensionProfileMask = 0xFFF0;
inline constexpr std::uint16_t kTwoByteExtensionProfile = 0x1000;

enum class ExtensionFormat { one_byte, two_byte, other };

// a=extmap URIs (RFC 8285 §5) of the extensions presentd reads or writes itself.
inline constexpr std::string_view kTransportCcUri =
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
inline constexpr std::string_view kAbsSendTimeUri = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
inline constexpr std::string_view kPlayoutDelayUri = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";
// RFC 8843 §15.2 (BUNDLE's MID) and RFC 8852 §3.3/§3.4 (RID, repaired RID).
inline constexpr std::string_view kMidUri = "urn:ietf:params:rtp-hdrext:sdes:mid";
inline constexpr std::string_view kRidUri = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
inline constexpr std::string_view kRepairedRidUri = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";

[[nodiscard]] ExtensionFormat extension_format(std::uint16_t profile);

struct HeaderExtensionElement {
  std::uint8_t id = 0;
  std::span<const std::uint8_t> data;
};

// Walks the elements of an RFC 8285 extension block (the bytes after the 4-byte extension
// header). Padding bytes (ID 0) between elements are skipped. A one-byte element with ID 15 ends
// the walk without error (RFC 8285 §4.2: "stop parsing"). An element running past the block is an
// error: next() returns nullopt and error() turns true.
class HeaderExtensionReader {
public:
  HeaderExtensionReader(ExtensionFormat format, std::span<const std::uint8_t> block) : format_(format), block_(block) {}

  [[nodiscard]] std::optional<HeaderExtensionElement> next();
  [[nodiscard]] bool error() const { return error_; }

private:
  ExtensionFormat format_;
  std::span<const std::uint8_t> block_;
  std::size_t offset_ = 0;
  bool error_ = false;
};

// True when every element of the block lies inside it (always true for an unknown profile,
// whose contents are opaque to us).
[[nodiscard]] bool validate_extension_block(ExtensionFormat format, std::span<const std::uint8_t> block);

// --- Values of the extensions WebRTC uses ---

// draft-holmer-rmcat-transport-wide-cc-extensions-01 §2: a 16-bit sequence number shared by all
// media streams of the transport.
[[nodiscard]] std::optional<std::uint16_t> parse_transport_sequence_number(std::span<const std::uint8_t> data);
[[nodiscard]] std::array<std::uint8_t, 2> write_transport_sequence_number(std::uint16_t seq);

// abs-send-time (webrtc.org/experiments/rtp-hdrext/abs-send-time): 24-bit 6.18 fixed-point
// seconds, i.e. the send time in units of 1/262144 s, wrapping every 64 s.
[[nodiscard]] std::optional<std::uint32_t> parse_abs_send_time(std::span<const std::uint8_t> data);
[[nodiscard]] std::array<std::uint8_t, 3> write_abs_send_time(std::uint32_t value_24bit);

// playout-delay (webrtc.org/experiments/rtp-hdrext/playout-delay): 12-bit minimum and 12-bit
// maximum delay, each in 10 ms units.
//   0                   1                   2
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
//  |       MIN delay       |       MAX delay       |
struct PlayoutDelay {
  std::uint32_t min_ms = 0;
  std::uint32_t max_ms = 0;
  bool operator==(const PlayoutDelay&) const = default;
};
inline constexpr std::uint32_t kPlayoutDelayUnitMs = 10;
inline constexpr std::uint32_t kPlayoutDelayMaxMs = 0xFFF * kPlayoutDelayUnitMs;
[[nodiscard]] std::optional<PlayoutDelay> parse_playout_delay(std::span<const std::uint8_t> data);
// Values are rounded down to 10 ms and clamped to 40950 ms.
[[nodiscard]] std::array<std::uint8_t, 3> write_playout_delay(PlayoutDelay delay);

}  // namespace presentd::rtp
