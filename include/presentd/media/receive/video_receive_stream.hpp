// SPDX-License-Identifier: Apache-2.0
#pragma once
// One incoming video stream (one media SSRC and its RTX SSRC): RTX recovery, loss tracking,
// frame assembly and the feedback the sender needs (NACK, PLI/FIR). Frames leave through the
// sink in decode order; the decoder lives on its own thread behind that sink.
//
// Thread: event loop. Time comes from the injected Clock; the owner calls collect_feedback()
// on its ~20 ms tick.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "presentd/common/clock.hpp"
#include "presentd/media/feedback/keyframe_requester.hpp"
#include "presentd/media/feedback/nack_requester.hpp"
#include "presentd/media/jitter/frame_assembler.hpp"
#include "presentd/rtp/depacketizer/depacketizer.hpp"
#include "presentd/rtp/rtcp/compound.hpp"
#include "presentd/rtp/rtp_packet.hpp"

namespace presentd::media {

struct VideoStreamConfig {
  // Either may be unknown until the first packet: offers without a=ssrc are demultiplexed by
  // payload type, and the first SSRC seen with a media (or RTX) payload type is adopted.
  std::optional<std::uint32_t> media_ssrc;
  std::optional<std::uint32_t> rtx_ssrc;
  std::map<std::uint8_t, rtp::PayloadFormat> payload_types;  // e.g. 96 → vp8
  std::map<std::uint8_t, std::uint8_t> rtx_payload_types;    // RTX pt → associated (apt) pt
  std::optional<std::uint8_t> playout_delay_extension_id;
  KeyframeRequesterConfig keyframe_requests;
  // A packet only reordered next to a real loss is already 2 sequence numbers behind; waiting
  // for 8 newer packets (5–20 ms at screen-sharing rates) or 10 ms spares the sender needless
  // retransmissions while a real loss is still NACKed within a tick or two.
  NackConfig nack{.reorder_distance = 8};
  bool nack_negotiated = true;
};

struct VideoStreamStats {
  std::uint64_t packets = 0;  // media and RTX packets accepted
  std::uint64_t bytes = 0;
  std::uint64_t rtx_packets = 0;
  std::uint64_t rtx_padding_packets = 0;    // bandwidth probes: no media inside
  std::uint64_t media_padding_packets = 0;  // the same on the media SSRC (senders without RTX)
  std::uint64_t malformed_packets = 0;
  std::uint64_t unknown_payload_type = 0;
  std::uint64_t frames_assembled = 0;
  std::uint64_t keyframes_assembled = 0;
};

class VideoReceiveStream {
public:
  // Receives each complete frame with the payload format it was sent in.
  using FrameSink = std::function<void(Frame&&, rtp::PayloadFormat)>;
  // Sees every media packet of the stream as the sender first sent it, before frame assembly:
  // the packets on the media SSRC, and those RTX recovered rebuilt with their original SSRC,
  // sequence number and payload type (viewers are forwarded these, issue 15). Padding-only RTX
  // probes are not media and never reach it.
  using PacketTap = std::function<void(const rtp::RtpPacket&)>;

  VideoReceiveStream(const Clock& clock, VideoStreamConfig config, FrameSink sink);

  // True when `packet` belongs to this stream (its media or RTX SSRC, or an unclaimed SSRC
  // with one of its payload types).
  bool accepts(const rtp::RtpPacket& packet) const;
  void on_rtp(const rtp::RtpPacket& packet);
  void set_packet_tap(PacketTap tap) { tap_ = std::move(tap); }

  // The decoder failed or fell behind: ask the sender for a keyframe (paced).
  void request_keyframe() { keyframes_.request(); }
  void set_rtt(Clock::Duration rtt) { nack_.set_rtt(rtt); }

  // Appends the NACK and PLI/FIR messages due now.
  void collect_feedback(std::uint32_t sender_ssrc, std::vector<rtp::rtcp::Message>& out);

  std::optional<std::uint32_t> media_ssrc() const { return config_.media_ssrc; }
  const VideoStreamStats& stats() const { return stats_; }
  const NackStats& nack_stats() const { return nack_.stats(); }
  const KeyframeRequesterStats& keyframe_stats() const { return keyframes_.stats(); }
  const FrameAssemblerStats* assembler_stats() const { return assembler_ ? &assembler_->stats() : nullptr; }

private:
  void insert(const rtp::RtpPacket& packet, std::uint8_t payload_type, std::uint16_t sequence_number,
              std::span<const std::uint8_t> payload, bool retransmission);
  // Acts on what the assembler returned: keyframe request, frames to the sink.
  void deliver(InsertResult result);
  bool select_format(rtp::PayloadFormat format);
  // Rebuilds the original of a packet RTX recovered, for the tap.
  void tap_recovered(const rtp::RtpPacket& rtx, std::uint8_t payload_type, std::uint16_t sequence_number,
                     std::span<const std::uint8_t> payload);

  const Clock& clock_;
  VideoStreamConfig config_;
  FrameSink sink_;
  PacketTap tap_;
  NackRequester nack_;
  KeyframeRequester keyframes_;
  std::optional<rtp::PayloadFormat> format_;
  std::unique_ptr<rtp::Depacketizer> depacketizer_;
  std::unique_ptr<FrameAssembler> assembler_;
  VideoStreamStats stats_;
};

}  // namespace presentd::media
