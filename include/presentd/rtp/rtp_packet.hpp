// SPDX-License-Identifier: Apache-2.0
#pragma once
// A read-only view of one RTP packet (RFC 3550 §5.1) and a builder that serialises one.
// Thread: none of its own; the view borrows the caller's buffer and must not outlive it.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "presentd/rtp/rtp_header_extension.hpp"

namespace presentd::rtp {

inline constexpr std::size_t kRtpFixedHeaderSize = 12;
inline constexpr std::size_t kMaxCsrcs = 15;

class RtpPacket {
public:
  // nullopt for anything that is not a well-formed RTP packet: version other than 2, header,
  // CSRC list or extension longer than the buffer, padding count of 0 or larger than what follows
  // the header, or an RFC 8285 extension block whose elements overrun it.
  [[nodiscard]] static std::optional<RtpPacket> parse(std::span<const std::uint8_t> data);

  bool marker() const { return marker_; }
  std::uint8_t payload_type() const { return payload_type_; }
  std::uint16_t sequence_number() const { return sequence_number_; }
  std::uint32_t timestamp() const { return timestamp_; }
  std::uint32_t ssrc() const { return ssrc_; }
  std::span<const std::uint32_t> csrcs() const { return std::span(csrcs_).first(csrc_count_); }

  // Header size including CSRCs and the extension block.
  std::size_t header_size() const { return header_size_; }
  std::size_t padding_size() const { return padding_size_; }
  std::span<const std::uint8_t> payload() const { return payload_; }
  std::span<const std::uint8_t> data() const { return data_; }

  bool has_extension() const { return has_extension_; }
  std::uint16_t extension_profile() const { return extension_profile_; }
  // The extension block after its 4-byte header (empty when there is none).
  std::span<const std::uint8_t> extension_block() const { return extension_block_; }
  HeaderExtensionReader extensions() const {
    return HeaderExtensionReader(extension_format(extension_profile_), extension_block_);
  }
  // Data of the first RFC 8285 element with this ID; nullopt when absent or ID 0.
  [[nodiscard]] std::optional<std::span<const std::uint8_t>> find_extension(std::uint8_t id) const;

private:
  RtpPacket() = default;

  std::span<const std::uint8_t> data_;
  std::span<const std::uint8_t> payload_;
  std::span<const std::uint8_t> extension_block_;
  std::array<std::uint32_t, kMaxCsrcs> csrcs_{};
  std::size_t header_size_ = 0;
  std::size_t padding_size_ = 0;
  std::uint32_t timestamp_ = 0;
  std::uint32_t ssrc_ = 0;
  std::uint16_t sequence_number_ = 0;
  std::uint16_t extension_profile_ = 0;
  std::uint8_t payload_type_ = 0;
  std::uint8_t csrc_count_ = 0;
  bool marker_ = false;
  bool has_extension_ = false;
};

// Builds RTP packets for tests and for RTX recovery (which rewrites SSRC, sequence number and
// payload type of a retransmitted packet). Extensions use the one-byte form when every element
// fits it (ID 1..14, 1..16 bytes) and the two-byte form otherwise.
class RtpPacketBuilder {
public:
  RtpPacketBuilder() = default;
  // Starts from a parsed packet: every header field, RFC 8285 extension and the payload (padding
  // is dropped). RTX recovery then overrides SSRC, sequence number, payload type and payload.
  [[nodiscard]] static RtpPacketBuilder from_packet(const RtpPacket& packet);

  RtpPacketBuilder& marker(bool m) {
    marker_ = m;
    return *this;
  }
  RtpPacketBuilder& payload_type(std::uint8_t pt) {
    payload_type_ = static_cast<std::uint8_t>(pt & 0x7F);
    return *this;
  }
  RtpPacketBuilder& sequence_number(std::uint16_t seq) {
    sequence_number_ = seq;
    return *this;
  }
  RtpPacketBuilder& timestamp(std::uint32_t ts) {
    timestamp_ = ts;
    return *this;
  }
  RtpPacketBuilder& ssrc(std::uint32_t ssrc) {
    ssrc_ = ssrc;
    return *this;
  }
  // At most kMaxCsrcs are kept.
  RtpPacketBuilder& csrcs(std::span<const std::uint32_t> csrcs);
  // ID 1..255, at most 255 bytes; ignored otherwise. Order of calls is kept.
  RtpPacketBuilder& add_extension(std::uint8_t id, std::span<const std::uint8_t> data);
  RtpPacketBuilder& payload(std::span<const std::uint8_t> payload);
  // Number of padding bytes (1..255, the last one holding the count); 0 for none.
  RtpPacketBuilder& padding(std::uint8_t count) {
    padding_ = count;
    return *this;
  }

  [[nodiscard]] std::vector<std::uint8_t> build() const;

private:
  struct Element {
    std::uint8_t id;
    std::vector<std::uint8_t> data;
  };
  std::vector<std::uint32_t> csrcs_;
  std::vector<Element> extensions_;
  std::vector<std::uint8_t> payload_;
  std::uint32_t timestamp_ = 0;
  std::uint32_t ssrc_ = 0;
  std::uint16_t sequence_number_ = 0;
  std::uint8_t payload_type_ = 0;
  std::uint8_t padding_ = 0;
  bool marker_ = false;
};

}  // namespace presentd::rtp
