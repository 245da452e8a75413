// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/receive/video_receive_stream.hpp"

#include "presentd/common/log.hpp"
#include "presentd/rtp/rtcp/fir.hpp"
#include "presentd/rtp/rtcp/nack.hpp"
#include "presentd/rtp/rtcp/pli.hpp"
#include "presentd/rtp/rtp_header_extension.hpp"
#include "presentd/rtp/rtx/rtx.hpp"

namespace presentd::media {

VideoReceiveStream::VideoReceiveStream(const Clock& clock, VideoStreamConfig config, FrameSink sink)
    : clock_(clock),
      config_(std::move(config)),
      sink_(std::move(sink)),
      nack_(clock, config_.nack),
      keyframes_(clock, config_.keyframe_requests) {}

bool VideoReceiveStream::accepts(const rtp::RtpPacket& packet) const {
  const auto ssrc = packet.ssrc();
  if (ssrc == config_.media_ssrc || ssrc == config_.rtx_ssrc) return true;
  const auto pt = packet.payload_type();
  if (!config_.media_ssrc && config_.payload_types.contains(pt)) return true;
  return !config_.rtx_ssrc && config_.rtx_payload_types.contains(pt);
}

void VideoReceiveStream::on_rtp(const rtp::RtpPacket& packet) {
  const auto pt = packet.payload_type();
  if (const auto apt = config_.rtx_payload_types.find(pt); apt != config_.rtx_payload_types.end()) {
    // RFC 4588 §4: the RTX payload starts with the original sequence number (OSN).
    if (!config_.rtx_ssrc) config_.rtx_ssrc = packet.ssrc();
    if (packet.ssrc() != config_.rtx_ssrc) return;
    const auto recovered = rtp::parse_rtx_payload(packet.payload());
    ++stats_.packets;
    stats_.bytes += packet.data().size();
    if (!recovered && packet.payload().empty() && packet.padding_size() > 0) {
      // libwebrtc's bandwidth probes on the RTX SSRC carry RTP padding and not even an OSN.
      ++stats_.rtx_padding_packets;
      return;
    }
    if (!recovered) {
      ++stats_.malformed_packets;
      return;
    }
    if (recovered->is_padding_only()) {
      ++stats_.rtx_padding_packets;
      return;
    }
    ++stats_.rtx_packets;
    if (tap_) tap_recovered(packet, apt->second, recovered->original_sequence_number, recovered->original_payload);
    return insert(packet, apt->second, recovered->original_sequence_number, recovered->original_payload, true);
  }
  if (!config_.payload_types.contains(pt)) {
    ++stats_.unknown_payload_type;
    return;
  }
  if (!config_.media_ssrc) config_.media_ssrc = packet.ssrc();
  if (packet.ssrc() != config_.media_ssrc) return;
  ++stats_.packets;
  stats_.bytes += packet.data().size();
  if (tap_) tap_(packet);
  insert(packet, pt, packet.sequence_number(), packet.payload(), false);
}

void VideoReceiveStream::tap_recovered(const rtp::RtpPacket& rtx, std::uint8_t payload_type,
                                       std::uint16_t sequence_number, std::span<const std::uint8_t> payload) {
  // Without the media SSRC there is nothing to rebuild the packet as (its first packets lost).
  if (!config_.media_ssrc) return;
  // Retransmissions are rare next to media, so one allocation each is fine here.
  const auto rebuilt = rtp::RtpPacketBuilder::from_packet(rtx)
                           .ssrc(*config_.media_ssrc)
                           .sequence_number(sequence_number)
                           .payload_type(payload_type)
                           .payload(payload)
                           .build();
  if (const auto original = rtp::RtpPacket::parse(rebuilt)) tap_(*original);
}

bool VideoReceiveStream::select_format(rtp::PayloadFormat format) {
  if (format_ == format) return true;
  // A new codec (the sender switched payload types) starts a new frame sequence.
  depacketizer_ = rtp::make_depacketizer(format);
  if (!depacketizer_) return false;
  assembler_ = std::make_unique<FrameAssembler>(*depacketizer_);
  // A switch needs a keyframe in the new codec. The first packet of a stream does not: senders
  // start with a keyframe, and one joined mid-stream is asked for by the assembler as soon as a
  // delta frame shows. A PLI sent while that first keyframe is still being paced out would make
  // libwebrtc queue another one and drop the rest of the first.
  if (format_) keyframes_.request();
  format_ = format;
  return true;
}

void VideoReceiveStream::insert(const rtp::RtpPacket& packet, std::uint8_t payload_type, std::uint16_t sequence_number,
                                std::span<const std::uint8_t> payload, bool retransmission) {
  const auto format = config_.payload_types.find(payload_type);
  if (format == config_.payload_types.end()) {
    ++stats_.unknown_payload_type;
    return;
  }
  if (!select_format(format->second)) return;
  nack_.on_packet(sequence_number, retransmission);
  if (payload.empty()) {
    // Padding-only media packet (a sender without RTX probing bandwidth): counted for loss and
    // given to the assembler so it does not wait for media under that sequence number.
    ++stats_.media_padding_packets;
    return deliver(assembler_->insert_padding(sequence_number));
  }

  const auto info = depacketizer_->inspect(payload);
  if (!info) {
    // The frame it belonged to cannot be built, and no retransmission will fix the packet.
    ++stats_.malformed_packets;
    keyframes_.request();
    return;
  }
  MediaPacket media{
      sequence_number, packet.timestamp(), packet.marker(), std::vector<std::uint8_t>(payload.begin(), payload.end()),
      *info,           clock_.now(),       std::nullopt};
  if (config_.playout_delay_extension_id) {
    if (const auto data = packet.find_extension(*config_.playout_delay_extension_id)) {
      if (const auto delay = rtp::parse_playout_delay(*data)) {
        media.playout_delay = PlayoutDelay{static_cast<std::uint16_t>(delay->min_ms / 10),
                                           static_cast<std::uint16_t>(delay->max_ms / 10)};
      }
    }
  }
  deliver(assembler_->insert(std::move(media)));
}

void VideoReceiveStream::deliver(InsertResult result) {
  if (result.keyframe_needed) keyframes_.request();
  for (auto& frame : result.frames) {
    ++stats_.frames_assembled;
    if (frame.keyframe) {
      ++stats_.keyframes_assembled;
      keyframes_.on_keyframe();
      // Losses before a keyframe no longer matter: the decoder restarts from it.
      nack_.clear_before(frame.first_sequence_number);
    }
    sink_(std::move(frame), *format_);
  }
}

void VideoReceiveStream::collect_feedback(std::uint32_t sender_ssrc, std::vector<rtp::rtcp::Message>& out) {
  if (!config_.media_ssrc) return;
  const auto media_ssrc = *config_.media_ssrc;
  auto batch = nack_.on_tick();
  if (batch.keyframe_needed) keyframes_.request();
  if (config_.nack_negotiated && !batch.sequence_numbers.empty()) {
    out.emplace_back(rtp::rtcp::Nack::for_packets(sender_ssrc, media_ssrc, batch.sequence_numbers));
  }
  const auto keyframe = keyframes_.poll();
  if (keyframe.kind == KeyframeRequestKind::pli) {
    out.emplace_back(rtp::rtcp::Pli{sender_ssrc, media_ssrc});
  } else if (keyframe.kind == KeyframeRequestKind::fir) {
    out.emplace_back(rtp::rtcp::Fir{sender_ssrc, {{media_ssrc, keyframe.fir_sequence_number}}});
  }
}

}  // namespace presentd::media
