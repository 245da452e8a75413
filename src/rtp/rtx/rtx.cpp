// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/rtx/rtx.hpp"

#include <algorithm>

#include "presentd/common/byte_reader.hpp"

namespace presentd::rtp {

// RFC 4588 §4, RTX packet payload:
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                         RTP Header                            |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |            OSN                |                               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
//  |                  Original RTP Packet Payload                  |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
std::optional<RtxRecovered> parse_rtx_payload(std::span<const std::uint8_t> rtx_payload) {
  ByteReader reader(rtx_payload);
  const auto osn = reader.u16();
  if (!osn) return std::nullopt;
  return RtxRecovered{*osn, reader.rest()};
}

bool RtxMap::add_payload_type(std::uint8_t rtx_payload_type, std::uint8_t associated_payload_type) {
  if (rtx_payload_type >= kPayloadTypes || associated_payload_type >= kPayloadTypes) return false;
  if (rtx_payload_type == associated_payload_type) return false;
  auto& slot = apt_[rtx_payload_type];
  if (slot && *slot != associated_payload_type) return false;
  slot = associated_payload_type;
  return true;
}

bool RtxMap::add_ssrc(std::uint32_t rtx_ssrc, std::uint32_t media) {
  if (rtx_ssrc == media) return false;
  const auto existing = media_ssrc(rtx_ssrc);
  if (existing) return *existing == media;
  ssrcs_.emplace_back(rtx_ssrc, media);
  return true;
}

std::optional<std::uint8_t> RtxMap::associated_payload_type(std::uint8_t rtx_payload_type) const {
  if (rtx_payload_type >= kPayloadTypes) return std::nullopt;
  return apt_[rtx_payload_type];
}

std::optional<std::uint32_t> RtxMap::media_ssrc(std::uint32_t rtx_ssrc) const {
  const auto it =
      std::find_if(ssrcs_.begin(), ssrcs_.end(), [&](const auto& entry) { return entry.first == rtx_ssrc; });
  if (it == ssrcs_.end()) return std::nullopt;
  return it->second;
}

std::optional<RtxMap::Original> RtxMap::resolve(std::uint8_t rtx_payload_type, std::uint32_t rtx_ssrc) const {
  const auto payload_type = associated_payload_type(rtx_payload_type);
  const auto ssrc = media_ssrc(rtx_ssrc);
  if (!payload_type || !ssrc) return std::nullopt;
  return Original{*payload_type, *ssrc};
}

}  // namespace presentd::rtp
