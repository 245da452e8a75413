// SPDX-License-Identifier: Apache-2.0
#include "rtp/depacketizer/h264_depacketizer.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

#include "presentd/common/byte_reader.hpp"
#include "rtp/depacketizer/h264_sps.hpp"
#include "rtp/depacketizer/payload_bytes.hpp"

namespace presentd::rtp {
namespace {

constexpr std::array<std::uint8_t, 4> kStartCode = {0, 0, 0, 1};

std::uint8_t nal_type(std::uint8_t header) { return header & 0x1f; }

// One NAL unit, or one fragment of it, found in an RTP payload. For fragments, header is the NAL
// header rebuilt from the FU indicator and FU header and data is the fragment after them; for
// whole NAL units data starts after the one-byte header.
struct NalPiece {
  enum class Kind { whole, fu_start, fu_middle, fu_end };
  Kind kind = Kind::whole;
  std::uint8_t header = 0;
  std::span<const std::uint8_t> data;
};

// RFC 6184 §5.6: a single NAL unit packet carries types 1-23 as is.
bool is_single_nal_type(std::uint8_t type) { return type >= 1 && type <= 23; }

// RFC 6184 §5.7.1, STAP-A:
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |STAP-A NAL HDR |         NALU 1 Size           | NALU 1 HDR    |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                         NALU 1 Data                           |
//  :                                                               :
//  +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |               | NALU 2 Size                   | NALU 2 HDR    |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                         NALU 2 Data  ...                      |
template <class Visit>
bool visit_stap_a(ByteReader& reader, Visit& visit) {
  bool any = false;
  while (!reader.empty()) {
    const auto size = reader.u16();
    if (!size || *size == 0) return false;
    const auto nalu = reader.bytes(*size);
    if (!nalu) return false;
    // Aggregation and fragmentation units cannot be nested inside a STAP-A.
    if (!is_single_nal_type(nal_type((*nalu)[0]))) return false;
    visit(NalPiece{NalPiece::Kind::whole, (*nalu)[0], nalu->subspan(1)});
    any = true;
  }
  return any;
}

// RFC 6184 §5.8, FU-A:
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  | FU indicator  |   FU header   |                               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
//  |                         FU payload                            |
//  FU indicator: |F|NRI|Type=28|     FU header: |S|E|R|Type|
// The fragmented NAL unit's header is F and NRI from the indicator plus the type from the FU header.
template <class Visit>
bool visit_fu_a(std::uint8_t indicator, ByteReader& reader, Visit& visit) {
  const auto fu_header = reader.u8();
  if (!fu_header) return false;
  const bool start = (*fu_header & 0x80) != 0;
  const bool end = (*fu_header & 0x40) != 0;
  // §5.8: a NAL unit that fits in one packet must not be sent as a single FU.
  if (start && end) return false;
  if (!is_single_nal_type(nal_type(*fu_header))) return false;
  NalPiece piece;
  piece.kind = start ? NalPiece::Kind::fu_start : end ? NalPiece::Kind::fu_end : NalPiece::Kind::fu_middle;
  piece.header = static_cast<std::uint8_t>((indicator & 0xe0) | nal_type(*fu_header));
  piece.data = reader.rest();
  visit(piece);
  return true;
}

// Calls visit for every NAL unit or fragment in the payload; false if the payload is malformed
// or uses a packet type packetization-mode 1 does not allow (STAP-B, MTAP16/24, FU-B).
template <class Visit>
bool visit_nal_pieces(std::span<const std::uint8_t> payload, Visit&& visit) {
  ByteReader reader(payload);
  const auto header = reader.u8();
  if (!header) return false;
  const std::uint8_t type = nal_type(*header);
  if (is_single_nal_type(type)) {
    visit(NalPiece{NalPiece::Kind::whole, *header, reader.rest()});
    return true;
  }
  if (type == kH264StapA) return visit_stap_a(reader, visit);
  if (type == kH264FuA) return visit_fu_a(*header, reader, visit);
  return false;
}

// A slice whose header starts with first_mb_in_slice == 0 begins a picture. The field is ue(v),
// and ue(v) codes 0 as the single bit '1', so the first bit of the slice data decides.
bool is_first_slice_of_picture(const NalPiece& piece) {
  const std::uint8_t type = nal_type(piece.header);
  const bool slice = type == kH264Slice || type == 2 || type == kH264Idr;
  return slice && !piece.data.empty() && (piece.data[0] & 0x80) != 0;
}

bool starts_access_unit(const NalPiece& piece) {
  if (piece.kind == NalPiece::Kind::fu_start) return is_first_slice_of_picture(piece);
  if (piece.kind != NalPiece::Kind::whole) return false;
  switch (nal_type(piece.header)) {
    case kH264Aud:
    case kH264Sps:
    case kH264Pps:
    case kH264Sei: return true;
    default: return is_first_slice_of_picture(piece);
  }
}

bool is_keyframe_nal(std::uint8_t header) { return nal_type(header) == kH264Idr || nal_type(header) == kH264Sps; }

bool is_vcl(std::uint8_t type) { return type >= kH264Slice && type <= kH264Idr; }

// Where one NAL unit sits in the Annex B output: its start code begins at offset.
struct NalSpan {
  std::uint8_t type = 0;
  std::size_t offset = 0;
};

void append_annexb(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> nal) {
  out.insert(out.end(), kStartCode.begin(), kStartCode.end());
  out.insert(out.end(), nal.begin(), nal.end());
}

}  // namespace

std::optional<PayloadInfo> H264Depacketizer::inspect_payload(std::span<const std::uint8_t> payload) {
  PayloadInfo info;
  bool first = true;
  const bool ok = visit_nal_pieces(payload, [&](const NalPiece& piece) {
    if (first) info.frame_start = starts_access_unit(piece);
    first = false;
    if (is_keyframe_nal(piece.header)) info.keyframe = true;
    // The size a keyframe's SPS announces, for the decoder's pixel cap. An SPS cut into FU-A
    // fragments is not read here; the decoder's own pixel limit still refuses it.
    if (piece.kind == NalPiece::Kind::whole && nal_type(piece.header) == kH264Sps && info.width == 0) {
      if (const auto size = h264_sps_picture_size(piece.data)) {
        constexpr std::uint32_t kMax = 0xFFFF;
        info.width = static_cast<std::uint16_t>(std::min(size->width, kMax));
        info.height = static_cast<std::uint16_t>(std::min(size->height, kMax));
      }
    }
  });
  if (!ok) return std::nullopt;
  return info;
}

std::optional<AssembledFrame> H264Depacketizer::assemble(std::span<const std::span<const std::uint8_t>> payloads) {
  AssembledFrame frame;
  auto& out = frame.bitstream;
  // Start codes add at most 3 bytes per NAL unit over the RTP payload bytes (a STAP-A's 2-byte
  // size becomes a 4-byte start code); 64 more covers a typical packet count without a count pass.
  out.reserve(total_payload_bytes(payloads) + 64);
  std::vector<NalSpan> nals;
  bool fu_open = false;
  bool consistent = true;
  auto visit = [&](const NalPiece& piece) {
    const std::uint8_t type = nal_type(piece.header);
    switch (piece.kind) {
      case NalPiece::Kind::whole:
      case NalPiece::Kind::fu_start:
        // A new NAL unit while a fragmented one is still open: its end was lost.
        if (fu_open) consistent = false;
        nals.push_back({type, out.size()});
        out.insert(out.end(), kStartCode.begin(), kStartCode.end());
        out.push_back(piece.header);
        fu_open = piece.kind == NalPiece::Kind::fu_start;
        break;
      case NalPiece::Kind::fu_middle:
      case NalPiece::Kind::fu_end:
        // A continuation must follow the start of the same NAL unit.
        if (!fu_open || nals.empty() || nals.back().type != type) consistent = false;
        fu_open = piece.kind == NalPiece::Kind::fu_middle;
        break;
    }
    out.insert(out.end(), piece.data.begin(), piece.data.end());
  };
  for (const auto payload : payloads) {
    if (!visit_nal_pieces(payload, visit) || !consistent) return std::nullopt;
  }
  if (fu_open || nals.empty()) return std::nullopt;

  bool has_idr = false;
  bool has_sps = false;
  bool has_pps = false;
  std::optional<std::size_t> first_vcl;
  for (std::size_t i = 0; i < nals.size(); ++i) {
    const std::size_t begin = nals[i].offset + kStartCode.size();
    const std::size_t end = i + 1 < nals.size() ? nals[i + 1].offset : out.size();
    const std::span<const std::uint8_t> nal(out.data() + begin, end - begin);
    switch (nals[i].type) {
      case kH264Idr: has_idr = true; break;
      case kH264Sps:
        has_sps = true;
        last_sps_.assign(nal.begin(), nal.end());
        break;
      case kH264Pps:
        has_pps = true;
        last_pps_.assign(nal.begin(), nal.end());
        break;
      default: break;
    }
    if (!first_vcl && is_vcl(nals[i].type)) first_vcl = nals[i].offset;
  }
  if (has_idr && first_vcl && (!has_sps || !has_pps)) {
    std::vector<std::uint8_t> parameter_sets;
    if (!has_sps && !last_sps_.empty()) append_annexb(parameter_sets, last_sps_);
    if (!has_pps && !last_pps_.empty()) append_annexb(parameter_sets, last_pps_);
    out.insert(out.begin() + static_cast<std::ptrdiff_t>(*first_vcl), parameter_sets.begin(), parameter_sets.end());
  }
  frame.keyframe = has_idr || has_sps;
  return frame;
}

}  // namespace presentd::rtp
