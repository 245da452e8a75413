// SPDX-License-Identifier: Apache-2.0
#include "presentd/session/send_stage.hpp"

#include <algorithm>
#include <utility>
#include <variant>

#include "presentd/media/forward/sender_report_clock.hpp"
#include "presentd/rtp/packet_classifier.hpp"

namespace presentd::session {
namespace {

// An Ethernet MTU's packet plus the extensions the box may add, and libsrtp's scratch room.
constexpr std::size_t kOutboundCapacity = 1500 + 64 + rtp::kSrtpProtectScratch;
constexpr std::size_t kInboundCapacity = 1500;
// A round trip above this is a stale or forged echo, not a network.
constexpr Clock::Duration kMaxPlausibleRtt = std::chrono::seconds{30};
// The viewer rounds DLSR to 1/65536 s, so on a LAN the difference can come out a hair below zero:
// up to this much (~5 ms) is a zero round trip, more a bogus echo.
constexpr std::int32_t kRttRoundingTolerance = 330;

// RFC 3550 §6.4.1: the round trip is A − LSR − DLSR, all in 1/65536 s (the middle 32 bits of the
// NTP time), A being when the report arrived. nullopt: no SR echoed yet (LSR 0), or implausible.
std::optional<Clock::Duration> round_trip(const rtp::rtcp::ReportBlock& block, std::uint64_t ntp_now) {
  if (block.last_sr == 0) return std::nullopt;
  const auto arrival = static_cast<std::uint32_t>(ntp_now >> 16);
  // Unsigned arithmetic wraps as the 16.16 clock does; the result is read as signed.
  const auto units = static_cast<std::int32_t>(arrival - block.last_sr - block.delay_since_last_sr);
  if (units < -kRttRoundingTolerance) return std::nullopt;
  const auto rtt = std::chrono::duration_cast<Clock::Duration>(
      std::chrono::duration<double>(static_cast<double>(std::max(units, 0)) / 65536.0));
  if (rtt > kMaxPlausibleRtt) return std::nullopt;
  return rtt;
}

}  // namespace

// One m-line: its forwarder, whose listener it is (so each packet is counted on its own m-line),
// the feedback it negotiated, and what it sent.
struct SendStage::Stream final : media::ViewerStreamForwarder::Listener {
  Stream(SendStage& owner, const SendStreamConfig& config, Clock::Duration bitrate_window)
      : stage(owner),
        nack(config.nack),
        pli(config.pli),
        fir(config.fir),
        forwarder(config.forwarder, *this),
        meter(bitrate_window) {}

  void send_rtp(const media::OutgoingPacket& packet) override { stage.send_rtp(*this, packet); }
  void request_keyframe(std::uint32_t source_ssrc, Clock::TimePoint now) override {
    stage.listener_.request_keyframe(source_ssrc, now);
  }

  SendStage& stage;
  bool nack;
  bool pli;
  bool fir;
  media::ViewerStreamForwarder forwarder;
  metrics::RateMeter meter;  // bytes_sent, sampled on the tick
  SendStreamStats stats;
};

SendStage::SendStage(const Clock& clock, SendStageConfig config, rtp::SrtpProfile profile, const rtp::SrtpKeyPair& keys,
                     Listener& listener)
    : clock_(clock),
      config_(std::move(config)),
      listener_(listener),
      srtp_(profile, keys),
      stamper_(config_.first_transport_sequence_number),
      policy_(config_.congestion),
      wall_at_start_(config_.wall_clock_at_start.value_or(std::chrono::system_clock::now())),
      clock_at_start_(clock.now()) {
  for (const auto& stream : config_.streams) {
    streams_.push_back(std::make_unique<Stream>(*this, stream, config_.bitrate_window));
    remb_negotiated_ = remb_negotiated_ || stream.remb;
    transport_cc_negotiated_ = transport_cc_negotiated_ || stream.transport_cc;
  }
  // The forwarders keep their own copies; the stage needs only the flags read above.
  config_.streams.clear();
  outbound_.reserve(kOutboundCapacity);
  inbound_.reserve(kInboundCapacity);
  report_.reserve(kOutboundCapacity);
}

SendStage::~SendStage() = default;

media::ViewerStreamForwarder& SendStage::stream(std::size_t index) { return streams_.at(index)->forwarder; }

const media::ViewerStreamForwarder& SendStage::stream(std::size_t index) const { return streams_.at(index)->forwarder; }

const SendStreamStats& SendStage::stream_stats(std::size_t index) const { return streams_.at(index)->stats; }

std::optional<std::uint64_t> SendStage::bitrate_bps(std::size_t index) const {
  const auto bytes_per_second = streams_.at(index)->meter.per_second();
  if (!bytes_per_second) return std::nullopt;
  return static_cast<std::uint64_t>(*bytes_per_second * 8);
}

std::optional<double> SendStage::loss() const { return policy_.loss(clock_.now()); }

std::optional<std::uint64_t> SendStage::estimate_bps() const { return policy_.estimate_bps(clock_.now()); }

SendStage::Stream* SendStage::find_stream(std::size_t index) {
  if (index < streams_.size()) return streams_[index].get();
  ++stats_.invalid_stream;
  return nullptr;
}

SendStage::Stream* SendStage::find_ssrc(std::uint32_t ssrc) {
  for (auto& stream : streams_) {
    if (stream->forwarder.ssrc() == ssrc) return stream.get();
  }
  return nullptr;
}

std::uint64_t SendStage::ntp_time(Clock::TimePoint at) const {
  return media::ntp_from_system_time(wall_at_start_ + (at - clock_at_start_));
}

void SendStage::select_source(std::size_t stream, const media::SourceStreamConfig& source) {
  loop_.check("SendStage::select_source");
  if (auto* s = find_stream(stream)) s->forwarder.select_source(source, clock_.now());
}

void SendStage::clear_source(std::size_t stream) {
  loop_.check("SendStage::clear_source");
  if (auto* s = find_stream(stream)) s->forwarder.clear_source();
}

void SendStage::forward(std::size_t stream, const rtp::RtpPacket& packet) {
  loop_.check("SendStage::forward");
  if (auto* s = find_stream(stream)) s->forwarder.on_packet(packet, clock_.now());
}

// --- Outbound ---

void SendStage::send_rtp(Stream& stream, const media::OutgoingPacket& packet) {
  // Copied, not stamped in place: the forwarder's bytes are its resend cache's, kept as they were
  // first written so every transmission is stamped afresh.
  outbound_.assign(packet.bytes.begin(), packet.bytes.end());
  if (!stamper_.stamp(outbound_, packet.placement, clock_.now())) {
    ++stats_.not_sent;
    return;
  }
  if (srtp_.outbound.protect_rtp(outbound_) != rtp::SrtpResult::ok) {
    ++stats_.not_sent;
    return;
  }
  ++stats_.rtp_sent;
  stats_.rtp_bytes_sent += outbound_.size();
  ++stream.stats.packets_sent;
  stream.stats.bytes_sent += outbound_.size();
  listener_.send_srtp(outbound_);
}

void SendStage::on_tick() {
  loop_.check("SendStage::on_tick");
  const auto now = clock_.now();
  for (auto& stream : streams_) stream->meter.add_sample(now, stream->stats.bytes_sent);
  apply_congestion(now);
  send_reports_if_due(now);
}

void SendStage::apply_congestion(Clock::TimePoint now) {
  std::uint64_t video_bitrate_bps = 0;
  for (std::size_t i = 0; i < streams_.size(); ++i) {
    if (streams_[i]->forwarder.media() == media::ForwardedMedia::video) video_bitrate_bps += bitrate_bps(i).value_or(0);
  }
  switch (policy_.update(now, video_bitrate_bps)) {
    case media::CongestionAction::pause_video:
      for (auto& stream : streams_) stream->forwarder.pause();  // audio ignores it
      break;
    case media::CongestionAction::resume_video:
      for (auto& stream : streams_) stream->forwarder.resume(now);
      break;
    case media::CongestionAction::none: break;
  }
}

void SendStage::send_reports_if_due(Clock::TimePoint now) {
  if (last_report_ && now - *last_report_ < config_.report_interval) return;
  const auto ntp_now = ntp_time(now);
  report_.clear();
  rtp::rtcp::Sdes sdes;
  for (const auto& stream : streams_) {
    const auto report = stream->forwarder.sender_report(now, ntp_now);
    if (!report) continue;
    report->write(report_);
    sdes.chunks.push_back({report->sender_ssrc, config_.cname});
  }
  // Nothing sent yet: there is nothing to relate, and the viewer is told nothing.
  if (sdes.chunks.empty()) return;
  sdes.write(report_);
  last_report_ = now;
  report_.reserve(report_.size() + rtp::kSrtpProtectScratch);
  if (srtp_.outbound.protect_rtcp(report_) != rtp::SrtpResult::ok) {
    ++stats_.not_sent;
    return;
  }
  ++stats_.rtcp_sent;
  listener_.send_srtp(report_);
}

// --- Inbound ---

void SendStage::on_packet(std::span<const std::uint8_t> datagram) {
  loop_.check("SendStage::on_packet");
  switch (rtp::classify_packet(datagram)) {
    case rtp::PacketKind::rtcp: return on_rtcp(datagram);
    // A recvonly viewer has no media to send: not even authenticated, so libsrtp keeps no state.
    case rtp::PacketKind::rtp: ++stats_.rtp_from_viewer; return;
    default: ++stats_.not_rtp_or_rtcp;  // STUN/DTLS are routed before this; anything else is noise
  }
}

void SendStage::on_rtcp(std::span<const std::uint8_t> datagram) {
  inbound_.assign(datagram.begin(), datagram.end());
  // Authentication first: nothing of an unauthenticated packet is ever looked at (the SRTP
  // session counts the failures).
  if (srtp_.inbound.unprotect_rtcp(inbound_) != rtp::SrtpResult::ok) return;
  // A few dozen bytes of transport-wide feedback can announce 65535 statuses (1.5 MB expanded):
  // they are expanded only for a viewer that negotiated it and whose feedback the policy reads.
  const auto compound = rtp::rtcp::parse_compound(inbound_, {.transport_feedback = transport_cc_negotiated_});
  if (!compound) {
    ++stats_.rtcp_malformed;
    return;
  }
  ++stats_.rtcp_received;
  stats_.rtcp_malformed += compound->malformed;
  const auto now = clock_.now();
  for (const auto& message : compound->messages) dispatch(message, now);
}

void SendStage::dispatch(const rtp::rtcp::Message& message, Clock::TimePoint now) {
  if (const auto* nack = std::get_if<rtp::rtcp::Nack>(&message)) return on_nack(*nack, now);
  if (const auto* pli = std::get_if<rtp::rtcp::Pli>(&message)) return on_keyframe_request(pli->media_ssrc, false, now);
  if (const auto* fir = std::get_if<rtp::rtcp::Fir>(&message)) {
    for (const auto& entry : fir->entries) on_keyframe_request(entry.ssrc, true, now);
    return;
  }
  if (const auto* report = std::get_if<rtp::rtcp::ReceiverReport>(&message)) {
    return on_report_blocks(report->report_blocks, now);
  }
  if (const auto* report = std::get_if<rtp::rtcp::SenderReport>(&message)) {
    return on_report_blocks(report->report_blocks, now);
  }
  if (const auto* remb = std::get_if<rtp::rtcp::Remb>(&message)) {
    if (!remb_negotiated_) {
      ++stats_.not_negotiated;
      return;
    }
    ++stats_.rembs;
    return policy_.on_remb(*remb, now);
  }
  if (const auto* feedback = std::get_if<rtp::rtcp::TransportFeedback>(&message)) {
    // Parsed only when negotiated (on_rtcp): otherwise it arrives as an UnknownPacket.
    ++stats_.transport_feedbacks;
    return policy_.on_transport_feedback(*feedback, now);
  }
  if (const auto* unknown = std::get_if<rtp::rtcp::UnknownPacket>(&message);
      unknown && unknown->type == rtp::rtcp::kTypeRtpFeedback && unknown->count == rtp::rtcp::kFmtTransportFeedback) {
    ++stats_.not_negotiated;  // transport-wide feedback left unexpanded (on_rtcp)
  }
  // SDES, BYE (the transport ends the session), XR and the rest: nothing for a sender to do.
}

void SendStage::on_nack(const rtp::rtcp::Nack& nack, Clock::TimePoint now) {
  auto* stream = find_ssrc(nack.media_ssrc);
  if (!stream) {
    ++stats_.unknown_ssrc;
    return;
  }
  if (!stream->nack) {
    ++stats_.not_negotiated;
    return;
  }
  ++stats_.nacks;
  stream->forwarder.on_nack(nack, now);
}

void SendStage::on_keyframe_request(std::uint32_t media_ssrc, bool fir, Clock::TimePoint now) {
  auto* stream = find_ssrc(media_ssrc);
  if (!stream) {
    ++stats_.unknown_ssrc;
    return;
  }
  if (!(fir ? stream->fir : stream->pli)) {
    ++stats_.not_negotiated;
    return;
  }
  ++stats_.keyframe_requests;
  stream->forwarder.on_keyframe_request(now);
}

void SendStage::on_report_blocks(std::span<const rtp::rtcp::ReportBlock> blocks, Clock::TimePoint now) {
  // Only blocks about what we send speak for this viewer's path to us (a viewer that also sends
  // would report nothing else, but a forged SSRC must not move the policy).
  our_blocks_.clear();
  const auto ntp_now = ntp_time(now);
  for (const auto& block : blocks) {
    if (!find_ssrc(block.source_ssrc)) {
      ++stats_.unknown_ssrc;
      continue;
    }
    our_blocks_.push_back(block);
    if (const auto rtt = round_trip(block, ntp_now)) rtt_ = rtt;
  }
  if (our_blocks_.empty()) return;
  ++stats_.report_block_sets;
  policy_.on_report_blocks(our_blocks_, now);
}

}  // namespace presentd::session
