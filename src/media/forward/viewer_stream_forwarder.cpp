// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/forward/viewer_stream_forwarder.hpp"

#include <utility>

namespace presentd::media {
namespace {

// An Ethernet MTU's packet plus the extensions the box may add: one allocation, at construction.
constexpr std::size_t kInitialBufferSize = 1500 + 64;

}  // namespace

ViewerStreamForwarder::ViewerStreamForwarder(ViewerStreamForwarderConfig config, Listener& listener)
    : config_(std::move(config)),
      listener_(listener),
      rewriter_(config_.stream),
      cache_(config_.resend),
      report_clock_(config_.stream.ssrc, config_.stream.clock_rate) {
  buffer_.reserve(kInitialBufferSize);
}

void ViewerStreamForwarder::select_source(const SourceStreamConfig& source, Clock::TimePoint now) {
  rewriter_.select_source(source);
  gate_.close();
  // A paused viewer asks when it resumes; until then a keyframe would be wasted on it.
  if (is_video() && !paused_) ask_for_keyframe(now);
}

void ViewerStreamForwarder::clear_source() {
  rewriter_.clear_source();
  gate_.close();
}

void ViewerStreamForwarder::pause() {
  if (is_video()) paused_ = true;
}

void ViewerStreamForwarder::resume(Clock::TimePoint now) {
  if (!paused_) return;
  paused_ = false;
  // The decoder lost track while nothing came: it needs a keyframe, and the rewriter a new anchor
  // (the source's numbering moved on by however many packets the pause dropped).
  rewriter_.restart_source();
  gate_.close();
  ask_for_keyframe(now);
}

void ViewerStreamForwarder::on_keyframe_request(Clock::TimePoint now) {
  if (!is_video() || paused_) return;
  ++stats_.viewer_keyframe_requests;
  ask_for_keyframe(now);
}

void ViewerStreamForwarder::ask_for_keyframe(Clock::TimePoint now) {
  const auto source = rewriter_.source_ssrc();
  if (!source) return;
  last_keyframe_request_ = now;
  ++stats_.keyframe_requests;
  listener_.request_keyframe(*source, now);
}

bool ViewerStreamForwarder::admit(const rtp::RtpPacket& packet, Clock::TimePoint now) {
  // Audio, another presenter's packet (the rewriter drops it) and an unmapped payload type (the
  // rewriter drops and closes it up) are not the gate's to judge.
  if (!is_video() || packet.ssrc() != rewriter_.source_ssrc()) return true;
  const auto format = rewriter_.source_format(packet.payload_type());
  if (!format || gate_.admit(*format, packet.payload())) return true;
  rewriter_.skip(packet);
  if (!last_keyframe_request_ || now - *last_keyframe_request_ >= config_.keyframe_retry_interval) {
    ask_for_keyframe(now);
  }
  return false;
}

void ViewerStreamForwarder::on_packet(const rtp::RtpPacket& packet, Clock::TimePoint now) {
  if (paused_) {
    ++stats_.packets_paused;
    return;
  }
  if (!admit(packet, now)) return;
  const auto placement = rewriter_.rewrite(packet, now, buffer_);
  if (!placement) return;
  cache_.store(placement->sequence_number, buffer_, now);
  ++stats_.packets_sent;
  send(buffer_, *placement, packet.payload().size(), false, now);
}

void ViewerStreamForwarder::send(std::span<const std::uint8_t> bytes, const RewrittenPacket& placement,
                                 std::size_t payload_size, bool resend, Clock::TimePoint now) {
  report_clock_.on_packet_sent(placement.timestamp, payload_size, now);
  listener_.send_rtp(OutgoingPacket{bytes, placement, resend});
}

void ViewerStreamForwarder::resend(std::span<const std::uint8_t> bytes, Clock::TimePoint now) {
  // The cache holds only what this rewriter wrote, so this parse fails only on a bug; it is
  // counted as a miss rather than trusted.
  const auto packet = rtp::RtpPacket::parse(bytes);
  if (!packet) {
    ++stats_.resend_misses;
    return;
  }
  ++stats_.resends;
  send(bytes, rewriter_.placement_of(*packet), packet->payload().size(), true, now);
}

void ViewerStreamForwarder::on_nack(const rtp::rtcp::Nack& nack, Clock::TimePoint now) {
  if (nack.media_ssrc != config_.stream.ssrc) {
    ++stats_.nacks_other_ssrc;
    return;
  }
  cache_.for_each_answer(nack, now, [&](std::uint16_t, std::optional<std::span<const std::uint8_t>> packet) {
    if (packet) {
      resend(*packet, now);
    } else {
      ++stats_.resend_misses;
    }
  });
}

std::optional<rtp::rtcp::SenderReport> ViewerStreamForwarder::sender_report(Clock::TimePoint now,
                                                                            std::uint64_t ntp_now) const {
  return report_clock_.report(now, ntp_now);
}

}  // namespace presentd::media
