// SPDX-License-Identifier: Apache-2.0
#pragma once
// The seam between the jitter buffer and each RTP payload format.
//
// The jitter buffer calls inspect() once per packet as it arrives, to learn frame boundaries and
// keyframes without copying; once every packet of a frame is present it calls assemble() with the
// payloads in sequence order and hands the result to the decoder.
// Thread: event loop (the session's media streams live there).
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace presentd::rtp {

enum class PayloadFormat { vp8, vp9, h264, opus };

// The video formats presentd receives end to end: each has a depacketizer here and a decoder
// (media::make_video_decoder). The one list the SDP answer builder picks video codecs from, so an
// answer never names a format the receive path would refuse (tests/unit/session/shared_rules_test).
inline constexpr std::array kVideoPayloadFormats{PayloadFormat::vp8, PayloadFormat::vp9, PayloadFormat::h264};

// What one RTP payload says about the frame it belongs to.
struct PayloadInfo {
  // The payload format itself marks this packet as the first of a frame (VP8 S=1 with partition 0,
  // VP9 B bit, H.264 a packet starting with SPS/AUD/a first slice). When false, the jitter buffer
  // decides from the previous packet (marker bit or a different RTP timestamp).
  bool frame_start = false;
  // This packet carries (the start of) an independently decodable frame.
  bool keyframe = false;
  // Picture size when a keyframe header states it (VP8/VP9 keyframes, an H.264 SPS, each side
  // at most 65535); 0 when unknown.
  std::uint16_t width = 0;
  std::uint16_t height = 0;
};

// A complete frame in the form its decoder takes: a VP8/VP9 frame, an H.264 Annex B access unit
// (with the latest SPS/PPS prepended to IDR frames that lack them), or one Opus packet.
struct AssembledFrame {
  std::vector<std::uint8_t> bitstream;
  bool keyframe = false;
};

class Depacketizer {
public:
  virtual ~Depacketizer() = default;
  // nullopt: the payload is malformed; the caller drops the packet and counts it.
  virtual std::optional<PayloadInfo> inspect(std::span<const std::uint8_t> payload) = 0;
  // Payloads of one frame in sequence order. nullopt: the frame cannot be built (malformed or
  // inconsistent fragments); the caller drops it and asks for a keyframe.
  virtual std::optional<AssembledFrame> assemble(std::span<const std::span<const std::uint8_t>> payloads) = 0;
};

std::unique_ptr<Depacketizer> make_depacketizer(PayloadFormat format);

// What one payload says about its frame, without a depacketizer: inspect() reads nothing but the
// payload, so code that only looks at packets (the viewers' forwarder) shares the one parser per
// format with the jitter buffer. nullopt: the payload is malformed.
[[nodiscard]] std::optional<PayloadInfo> inspect_payload(PayloadFormat format, std::span<const std::uint8_t> payload);

// True when `payload` is the first packet of a keyframe: where a receiver holding nothing can
// start decoding. VP8: S=1, partition 0, P=0 in the frame tag (RFC 7741 §4.2–4.3); VP9: B=1 in the
// base spatial layer, P=0 (RFC 9628 §4.2); H.264: the first NAL unit of the packet starts an access
// unit and the packet carries an IDR slice or an SPS (RFC 6184: a single IDR NAL unit, a STAP-A
// holding SPS/PPS/IDR, an FU-A start of an IDR); Opus: every packet. A malformed payload is not.
[[nodiscard]] bool starts_keyframe(PayloadFormat format, std::span<const std::uint8_t> payload);

}  // namespace presentd::rtp
