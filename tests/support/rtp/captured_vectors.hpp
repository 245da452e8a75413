// SPDX-License-Identifier: Apache-2.0
#pragma once
// Reads the GStreamer captures in tests/vectors/depacketizer/ (see the README there) and decodes
// frames with FFmpeg, for the depacketizer tests and the benchmark-free checks that real streams
// come out bit-exact and decodable.
#include <cstdint>
#include <fstream>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "presentd/common/byte_reader.hpp"

namespace presentd::rtp::test {

using Bytes = std::vector<std::uint8_t>;

// A record file is a sequence of 4-byte big-endian lengths, each followed by that many bytes.
inline std::vector<Bytes> read_records(const std::string& name) {
  const std::string path = std::string(PRESENTD_SOURCE_DIR) + "/tests/vectors/depacketizer/" + name;
  std::ifstream in(path, std::ios::binary);
  const Bytes file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<Bytes> records;
  ByteReader reader(file);
  while (!reader.empty()) {
    const auto length = reader.u32();
    const auto body = length ? reader.bytes(*length) : std::nullopt;
    if (!body) return {};  // a corrupt file yields nothing, which every caller asserts against
    records.emplace_back(body->begin(), body->end());
  }
  return records;
}

// Just enough of RFC 3550 §5.1 to get at the payload of a captured packet.
struct RtpPacket {
  std::uint16_t sequence_number = 0;
  std::uint32_t timestamp = 0;
  bool marker = false;
  std::span<const std::uint8_t> payload;
};

inline std::optional<RtpPacket> parse_rtp(std::span<const std::uint8_t> packet) {
  ByteReader reader(packet);
  const auto b0 = reader.u8();
  const auto b1 = reader.u8();
  const auto seq = reader.u16();
  const auto ts = reader.u32();
  if (!b0 || !b1 || !seq || !ts || !reader.skip(4 + 4 * (*b0 & 0x0f))) return std::nullopt;
  if ((*b0 & 0x10) != 0) {
    const auto ext = reader.u32();
    if (!ext || !reader.skip(4 * (*ext & 0xffff))) return std::nullopt;
  }
  auto payload = reader.rest();
  if ((*b0 & 0x20) != 0) {
    if (payload.empty() || payload.back() > payload.size()) return std::nullopt;
    payload = payload.first(payload.size() - payload.back());
  }
  return RtpPacket{*seq, *ts, (*b1 & 0x80) != 0, payload};
}

// Groups in-order packets into frames by RTP timestamp, the way a jitter buffer would.
inline std::vector<std::vector<std::span<const std::uint8_t>>> frames_by_timestamp(const std::vector<Bytes>& packets) {
  std::vector<std::vector<std::span<const std::uint8_t>>> frames;
  std::optional<std::uint32_t> last_timestamp;
  for (const auto& raw : packets) {
    const auto packet = parse_rtp(raw);
    if (!packet) return {};
    if (packet->timestamp != last_timestamp) frames.emplace_back();
    last_timestamp = packet->timestamp;
    frames.back().push_back(packet->payload);
  }
  return frames;
}

}  // namespace presentd::rtp::test
