// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/receive/receive_pipeline.hpp"

#include "presentd/common/sequence_number.hpp"
#include "presentd/rtp/packet_classifier.hpp"
#include "presentd/rtp/rtcp/receiver_report.hpp"
#include "presentd/rtp/rtcp/remb.hpp"
#include "presentd/rtp/rtcp/sender_report.hpp"
#include "presentd/rtp/rtp_header_extension.hpp"

namespace presentd::media {

ReceivePipeline::ReceivePipeline(const Clock& clock, ReceivePipelineConfig config,
                                 std::unique_ptr<rtp::SrtpContext> srtp, const VideoFrameSink& video_sink,
                                 AudioPacketSink audio_sink, PacketSender send_rtcp)
    : clock_(clock),
      config_(std::move(config)),
      srtp_(std::move(srtp)),
      audio_sink_(std::move(audio_sink)),
      send_rtcp_(std::move(send_rtcp)),
      statistics_(clock),
      transport_feedback_(clock, config_.local_ssrc),
      rtt_(clock, config_.local_ssrc),
      last_receiver_report_(clock.now()),
      last_transport_feedback_(clock.now()) {
  // Signalled SSRCs get their statistics from the first packet on (unsignalled ones when adopted).
  for (const auto& video : config_.video) {
    if (video.media_ssrc) statistics_.add_stream(*video.media_ssrc, 90000);
  }
  if (config_.audio && config_.audio->ssrc) statistics_.add_stream(*config_.audio->ssrc, config_.audio->clock_rate);
  for (std::size_t i = 0; i < config_.video.size(); ++i) {
    video_.push_back(std::make_unique<VideoReceiveStream>(
        clock, config_.video[i],
        [sink = video_sink, i](Frame&& frame, rtp::PayloadFormat format) { sink(i, std::move(frame), format); }));
  }
}

ReceivePipeline::~ReceivePipeline() = default;

void ReceivePipeline::on_packet(std::vector<std::uint8_t> datagram) {
  loop_.check("ReceivePipeline::on_packet");
  switch (rtp::classify_packet(datagram)) {
    case rtp::PacketKind::rtp: return on_rtp(datagram);
    case rtp::PacketKind::rtcp: return on_rtcp(datagram);
    default: ++stats_.malformed_rtp;  // STUN/DTLS are routed before this; anything else is noise
  }
}

void ReceivePipeline::on_rtp(std::vector<std::uint8_t>& packet) {
  // Authentication first: nothing of an unauthenticated packet is ever looked at.
  if (srtp_->inbound.unprotect_rtp(packet) != rtp::SrtpResult::ok) return;
  const auto parsed = rtp::RtpPacket::parse(packet);
  if (!parsed) {
    ++stats_.malformed_rtp;
    return;
  }
  ++stats_.rtp_packets;
  stats_.rtp_bytes += packet.size();
  if (config_.transport_cc_extension_id) {
    if (const auto data = parsed->find_extension(*config_.transport_cc_extension_id)) {
      if (const auto sequence = rtp::parse_transport_sequence_number(*data)) {
        transport_feedback_.on_packet(*sequence, parsed->ssrc());
      }
    }
  }
  if (config_.audio && (parsed->ssrc() == config_.audio->ssrc ||
                        (!config_.audio->ssrc && parsed->payload_type() == config_.audio->payload_type))) {
    return on_audio(*parsed);
  }
  for (auto& stream : video_) {
    if (!stream->accepts(*parsed)) continue;
    const bool first_media_packet = !stream->media_ssrc().has_value();
    stream->on_rtp(*parsed);
    if (first_media_packet && stream->media_ssrc()) statistics_.add_stream(*stream->media_ssrc(), 90000);
    if (parsed->ssrc() == stream->media_ssrc()) statistics_.on_packet(*parsed);
    return;
  }
  ++stats_.unknown_stream;
}

void ReceivePipeline::set_forward_tap(ForwardTap tap) {
  forward_tap_ = std::move(tap);
  for (std::size_t index = 0; index < video_.size(); ++index) {
    if (!forward_tap_) {
      video_[index]->set_packet_tap(nullptr);
      continue;
    }
    video_[index]->set_packet_tap(
        [this, index](const rtp::RtpPacket& packet) { forward_tap_(ReportedStream::video, index, packet); });
  }
}

void ReceivePipeline::on_audio(const rtp::RtpPacket& packet) {
  auto& audio = *config_.audio;
  if (!audio.ssrc) {
    audio.ssrc = packet.ssrc();
    statistics_.add_stream(packet.ssrc(), audio.clock_rate);
  }
  // Viewers get late packets too: their own jitter buffers decide, and the forwarder keeps order.
  if (forward_tap_) forward_tap_(ReportedStream::audio, 0, packet);
  statistics_.on_packet(packet);
  ++stats_.audio_packets;
  // Audio is not retransmitted; a late packet is worthless to the playout buffer.
  if (last_audio_sequence_ && !is_newer(packet.sequence_number(), *last_audio_sequence_)) {
    ++stats_.audio_late;
    return;
  }
  last_audio_sequence_ = packet.sequence_number();
  if (packet.payload().empty() || !audio_sink_) return;
  audio_sink_(std::vector<std::uint8_t>(packet.payload().begin(), packet.payload().end()), packet.timestamp());
}

void ReceivePipeline::on_rtcp(std::vector<std::uint8_t>& packet) {
  if (srtp_->inbound.unprotect_rtcp(packet) != rtp::SrtpResult::ok) return;
  // Only reports are read here; a sender's transport-wide feedback is framed, never expanded.
  const auto compound = rtp::rtcp::parse_compound(packet, {.transport_feedback = false});
  if (!compound) {
    ++stats_.malformed_rtcp;
    return;
  }
  ++stats_.rtcp_packets;
  stats_.malformed_rtcp += compound->malformed;
  for (const auto& message : compound->messages) {
    if (const auto* report = std::get_if<rtp::rtcp::SenderReport>(&message)) {
      statistics_.on_sender_report(*report);
      report_sender_clock(*report);
    }
    if (const auto* xr = std::get_if<rtp::rtcp::ExtendedReport>(&message); xr && rtt_.on_extended_report(*xr)) {
      // A measured round trip times NACK retries better than the default guess.
      for (auto& stream : video_) stream->set_rtt(*rtt_.rtt());
    }
  }
}

void ReceivePipeline::report_sender_clock(const rtp::rtcp::SenderReport& report) {
  if (!sender_report_observer_) return;
  if (config_.audio && config_.audio->ssrc == report.sender_ssrc) {
    sender_report_observer_(ReportedStream::audio, 0, report.ntp_timestamp, report.rtp_timestamp);
    return;
  }
  for (std::size_t index = 0; index < video_.size(); ++index) {
    if (video_[index]->media_ssrc() == report.sender_ssrc) {
      sender_report_observer_(ReportedStream::video, index, report.ntp_timestamp, report.rtp_timestamp);
      return;
    }
  }
}

void ReceivePipeline::request_keyframe(std::size_t stream_index) {
  loop_.check("ReceivePipeline::request_keyframe");
  if (stream_index < video_.size()) video_[stream_index]->request_keyframe();
}

void ReceivePipeline::on_tick() {
  loop_.check("ReceivePipeline::on_tick");
  const auto now = clock_.now();
  std::vector<rtp::rtcp::Message> messages;
  bool reference_time_due = false;
  if (now - last_receiver_report_ >= config_.receiver_report_interval) {
    last_receiver_report_ = now;
    messages.emplace_back(rtp::rtcp::ReceiverReport{config_.local_ssrc, statistics_.make_report_blocks()});
    reference_time_due = true;
    if (config_.remb_cap_bps > 0) {
      std::vector<std::uint32_t> ssrcs;
      for (const auto& stream : video_) {
        if (stream->media_ssrc()) ssrcs.push_back(*stream->media_ssrc());
      }
      if (!ssrcs.empty()) messages.emplace_back(rtp::rtcp::Remb{config_.local_ssrc, config_.remb_cap_bps, ssrcs});
    }
  }
  for (auto& stream : video_) stream->collect_feedback(config_.local_ssrc, messages);
  // Last in the compound, after the feedback, so a sender that skips XR loses nothing else.
  if (reference_time_due) messages.emplace_back(rtt_.make_reference_time());
  // Every compound starts with a receiver report (RFC 3550 §6.1): senders that did not negotiate
  // reduced-size RTCP (GStreamer's rtpbin) drop feedback that does not. An empty RR is 8 bytes.
  const auto starts_with_report = [](const std::vector<rtp::rtcp::Message>& list) {
    return !list.empty() && std::holds_alternative<rtp::rtcp::ReceiverReport>(list.front());
  };
  if (!messages.empty() && !starts_with_report(messages)) {
    messages.insert(messages.begin(), rtp::rtcp::ReceiverReport{config_.local_ssrc, {}});
  }
  if (!messages.empty()) send(rtp::rtcp::write_compound(messages));

  // Transport-wide feedback goes out in its own compound, so its cadence never depends on what
  // else is due.
  if (now - last_transport_feedback_ >= config_.transport_feedback_interval) {
    last_transport_feedback_ = now;
    for (auto& feedback : transport_feedback_.build_feedback()) {
      std::vector<rtp::rtcp::Message> compound{rtp::rtcp::ReceiverReport{config_.local_ssrc, {}}, std::move(feedback)};
      send(rtp::rtcp::write_compound(compound));
    }
  }
}

void ReceivePipeline::send(std::vector<std::uint8_t> compound) {
  if (compound.empty()) return;
  compound.reserve(compound.size() + rtp::kSrtpProtectScratch);
  if (srtp_->outbound.protect_rtcp(compound) != rtp::SrtpResult::ok) return;
  ++stats_.rtcp_sent;
  if (send_rtcp_) send_rtcp_(std::move(compound));
}

}  // namespace presentd::media
