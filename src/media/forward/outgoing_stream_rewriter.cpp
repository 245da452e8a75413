// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/forward/outgoing_stream_rewriter.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "media/forward/viewer_extensions.hpp"
#include "presentd/common/byte_writer.hpp"
#include "presentd/rtp/rtp_header_extension.hpp"

namespace presentd::media {
namespace {

// A jump this far in a source's numbering is no loss burst (NACK gives up long before): the
// sender restarted its numbering, and the stream is anchored again as after a switch.
constexpr std::int64_t kRestartDistance = 4096;
// Closed-up gaps further behind the newest forwarded packet than this are folded into the offset;
// a packet that late would be useless to the viewer anyway.
constexpr std::int64_t kSkipHorizon = 1024;

bool is_box_owned(std::string_view uri) {
  return uri == rtp::kMidUri || uri == rtp::kRidUri || uri == rtp::kRepairedRidUri || uri == rtp::kTransportCcUri ||
         uri == rtp::kAbsSendTimeUri;
}

}  // namespace

OutgoingStreamRewriter::OutgoingStreamRewriter(ViewerStreamConfig config)
    : config_(std::move(config)),
      newest_sent_(static_cast<std::int64_t>(config_.initial_sequence_number) - 1),
      newest_sent_timestamp_(config_.initial_timestamp) {
  mid_id_ = viewer_extension_id(rtp::kMidUri);
  transport_cc_id_ = viewer_extension_id(rtp::kTransportCcUri);
  abs_send_time_id_ = viewer_extension_id(rtp::kAbsSendTimeUri);
}

std::uint8_t OutgoingStreamRewriter::viewer_extension_id(std::string_view uri) const {
  for (const ExtensionMapping& e : config_.extensions) {
    if (e.uri == uri) return e.id;
  }
  return 0;
}

void OutgoingStreamRewriter::select_source(const SourceStreamConfig& source) {
  // URIs and payload types are matched here, once, so a packet costs table lookups only.
  Source s;
  s.ssrc = source.ssrc;
  s.payload_types.fill(kUnmapped);
  for (const PayloadTypeMapping& m : source.payload_types) {
    if (m.source > 127 || m.viewer > 127) continue;
    s.payload_types[m.source] = m.viewer;
    s.formats[m.source] = m.format;
  }
  for (const ExtensionMapping& e : source.extensions) {
    if (e.id == 0 || is_box_owned(e.uri)) continue;
    s.extension_ids[e.id] = viewer_extension_id(e.uri);
  }
  source_ = s;
}

std::optional<rtp::PayloadFormat> OutgoingStreamRewriter::source_format(std::uint8_t payload_type) const {
  if (!source_ || payload_type > 127 || source_->payload_types[payload_type] == kUnmapped) return std::nullopt;
  return source_->formats[payload_type];
}

void OutgoingStreamRewriter::anchor(Source& source, std::int64_t sequence, std::uint32_t timestamp,
                                    Clock::TimePoint now) {
  std::uint32_t viewer_timestamp = config_.initial_timestamp;
  if (newest_sent_at_) {
    // Media time advances as wall time did since the viewer's last packet, so its jitter buffer
    // and A/V sync see no jump; at least one tick, so the new frame is a new frame.
    const auto elapsed = std::max<std::int64_t>(0, (now - *newest_sent_at_).count());
    const auto ticks = std::max<std::int64_t>(1, elapsed * config_.clock_rate / 1'000'000);
    viewer_timestamp = newest_sent_timestamp_ + static_cast<std::uint32_t>(ticks);
  }
  source.anchor = sequence;
  source.newest_forwarded = sequence;
  source.sequence_offset = newest_sent_ + 1 - sequence;
  source.timestamp_offset = viewer_timestamp - timestamp;
  source.skip_count = 0;
  source.folded_up_to = std::numeric_limits<std::int64_t>::min();
}

void OutgoingStreamRewriter::restart_source() {
  // A fresh unwrapper too: after a long pause the old reference may be half the range away.
  if (!source_) return;
  source_->anchor.reset();
  source_->unwrapper = SequenceUnwrapper{};
}

std::optional<std::uint32_t> OutgoingStreamRewriter::source_ssrc() const {
  if (!source_) return std::nullopt;
  return source_->ssrc;
}

RewrittenPacket OutgoingStreamRewriter::placement_of(const rtp::RtpPacket& rewritten) const {
  RewrittenPacket placement{rewritten.sequence_number(), rewritten.timestamp(), std::nullopt, std::nullopt};
  const auto offset_of = [&](std::uint8_t id) -> std::optional<std::size_t> {
    const auto data = rewritten.find_extension(id);
    if (!data) return std::nullopt;
    return static_cast<std::size_t>(data->data() - rewritten.data().data());
  };
  placement.transport_sequence_number_offset = offset_of(transport_cc_id_);
  placement.abs_send_time_offset = offset_of(abs_send_time_id_);
  return placement;
}

std::optional<OutgoingStreamRewriter::Placement> OutgoingStreamRewriter::place(const rtp::RtpPacket& packet,
                                                                               Clock::TimePoint now) {
  Source& s = *source_;
  std::int64_t sequence = s.unwrapper.unwrap(packet.sequence_number());
  if (s.anchor && std::abs(sequence - s.newest_forwarded) > kRestartDistance) {
    ++stats_.source_restarts;
    s.unwrapper = SequenceUnwrapper{};
    sequence = s.unwrapper.unwrap(packet.sequence_number());
    s.anchor.reset();
  }
  if (!s.anchor) anchor(s, sequence, packet.timestamp(), now);
  if (sequence < *s.anchor || sequence <= s.folded_up_to) {
    ++stats_.dropped_too_late;
    return std::nullopt;
  }
  s.newest_forwarded = std::max(s.newest_forwarded, sequence);
  while (s.skip_count > 0 && s.skips[0] < s.newest_forwarded - kSkipHorizon) fold_oldest_skip(s);
  const std::int64_t viewer_sequence = sequence + s.sequence_offset - skips_below(s, sequence);
  const std::uint32_t viewer_timestamp = packet.timestamp() + s.timestamp_offset;
  if (viewer_sequence > newest_sent_) {
    newest_sent_ = viewer_sequence;
    newest_sent_timestamp_ = viewer_timestamp;
    newest_sent_at_ = now;
  }
  return Placement{static_cast<std::uint16_t>(viewer_sequence), viewer_timestamp};
}

std::int64_t OutgoingStreamRewriter::skips_below(const Source& source, std::int64_t sequence) const {
  const auto end = source.skips.begin() + static_cast<std::ptrdiff_t>(source.skip_count);
  return std::lower_bound(source.skips.begin(), end, sequence) - source.skips.begin();
}

void OutgoingStreamRewriter::fold_oldest_skip(Source& source) {
  // From now on every packet of the source counts this gap; the ones it should not (older than
  // it) are refused as too late instead of being numbered one short.
  source.folded_up_to = std::max(source.folded_up_to, source.skips[0]);
  --source.sequence_offset;
  std::copy(source.skips.begin() + 1, source.skips.begin() + static_cast<std::ptrdiff_t>(source.skip_count),
            source.skips.begin());
  --source.skip_count;
}

void OutgoingStreamRewriter::add_skip(Source& source, std::int64_t sequence) {
  // Closing up a gap renumbers every later packet: only safe while none of them was sent.
  if (sequence <= source.newest_forwarded || sequence <= source.folded_up_to) return;
  auto end = source.skips.begin() + static_cast<std::ptrdiff_t>(source.skip_count);
  if (std::binary_search(source.skips.begin(), end, sequence)) return;  // a duplicate
  if (source.skip_count == kMaxSkips) {
    fold_oldest_skip(source);
    end = source.skips.begin() + static_cast<std::ptrdiff_t>(source.skip_count);
    // Older than the gap just folded: left a gap (the viewer's NACK of it misses), since a folded
    // gap cannot tell a new skip from a duplicate one, and counting one twice would reuse a number.
    if (sequence <= source.folded_up_to) return;
  }
  const auto at = std::lower_bound(source.skips.begin(), end, sequence);
  std::copy_backward(at, end, end + 1);
  *at = sequence;
  ++source.skip_count;
}

void OutgoingStreamRewriter::skip(const rtp::RtpPacket& packet) {
  // Before the anchor nothing needs closing up: the anchor continues from the last packet sent.
  if (!source_ || packet.ssrc() != source_->ssrc || !source_->anchor) return;
  ++stats_.packets_skipped;
  add_skip(*source_, source_->unwrapper.unwrap(packet.sequence_number()));
}

std::optional<RewrittenPacket> OutgoingStreamRewriter::rewrite(const rtp::RtpPacket& packet, Clock::TimePoint now,
                                                               std::vector<std::uint8_t>& out) {
  if (!source_ || packet.ssrc() != source_->ssrc) {
    ++stats_.dropped_other_source;
    return std::nullopt;
  }
  const std::uint8_t payload_type = source_->payload_types[packet.payload_type()];
  if (payload_type == kUnmapped) {
    ++stats_.dropped_unmapped_payload_type;
    if (source_->anchor) add_skip(*source_, source_->unwrapper.unwrap(packet.sequence_number()));
    return std::nullopt;
  }
  const auto placement = place(packet, now);
  if (!placement) return std::nullopt;

  // RFC 3550 §5.1 fixed header, CSRCs as the source sent them.
  out.clear();
  out.reserve(packet.data().size() + 32);
  ByteWriter writer(out);
  const auto csrcs = packet.csrcs();
  const bool padding = packet.padding_size() > 0;
  writer.u8(static_cast<std::uint8_t>(0x80 | (padding ? 0x20 : 0) | csrcs.size()));
  writer.u8(static_cast<std::uint8_t>((packet.marker() ? 0x80 : 0) | payload_type));
  writer.u16(placement->sequence_number);
  writer.u32(placement->timestamp);
  writer.u32(config_.ssrc);
  for (const std::uint32_t csrc : csrcs) writer.u32(csrc);

  const ViewerExtensionIds ids{&source_->extension_ids, mid_id_,     transport_cc_id_,
                               abs_send_time_id_,       config_.mid, config_.two_byte_extensions_allowed};
  const ViewerExtensionOffsets extensions = append_viewer_extensions(packet, ids, out);
  if (extensions.written) out[0] |= 0x10;  // X
  // Payload and the source's padding (whose last byte counts it) unchanged.
  writer.bytes(packet.data().subspan(packet.header_size()));
  ++stats_.packets_forwarded;
  return RewrittenPacket{placement->sequence_number, placement->timestamp, extensions.transport_sequence_number,
                         extensions.abs_send_time};
}

}  // namespace presentd::media
