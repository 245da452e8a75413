// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/rtcp/transport_feedback.hpp"

#include <algorithm>
#include <limits>

#include "presentd/common/sequence_number.hpp"

namespace presentd::rtp::rtcp {
namespace {

// Common header, two SSRCs, base/count, reference time/feedback count.
constexpr std::size_t kFixedSize = 4 + 8 + 4 + 4;
constexpr std::size_t kChunkSize = 2;
constexpr std::uint8_t kNotReceived = 0;
constexpr std::uint8_t kSmallDelta = 1;
constexpr std::uint8_t kLargeDelta = 2;
constexpr std::uint8_t kReservedSymbol = 3;
constexpr std::size_t kMaxRunLength = 0x1FFF;
constexpr std::size_t kOneBitCapacity = 14;
constexpr std::size_t kTwoBitCapacity = 7;
constexpr std::uint32_t kReferenceTimeMask = 0xFFFFFF;
constexpr std::int64_t kDeltaTicksPerReferenceTick = kReferenceTickUs / kDeltaTickUs;  // 256

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if (a % b != 0 && ((a < 0) != (b < 0))) --q;
  return q;
}

// Greedy chunk choice: a run-length chunk for long runs, otherwise the densest status vector that
// can hold the next symbols. Every chunk but the last covers at least 7 packets.
std::vector<std::uint16_t> encode_chunks(std::span<const std::uint8_t> symbols) {
  std::vector<std::uint16_t> chunks;
  std::size_t i = 0;
  while (i < symbols.size()) {
    const std::size_t remaining = symbols.size() - i;
    std::size_t run = 1;
    while (run < remaining && run < kMaxRunLength && symbols[i + run] == symbols[i]) ++run;
    const auto run_chunk = [&] {
      chunks.push_back(static_cast<std::uint16_t>((symbols[i] << 13) | run));
      i += run;
    };
    if (run >= kOneBitCapacity || run == remaining) {
      run_chunk();
      continue;
    }
    const std::size_t take_one_bit = std::min(kOneBitCapacity, remaining);
    if (std::all_of(symbols.begin() + static_cast<std::ptrdiff_t>(i),
                    symbols.begin() + static_cast<std::ptrdiff_t>(i + take_one_bit),
                    [](std::uint8_t s) { return s <= kSmallDelta; })) {
      std::uint16_t chunk = 0x8000;
      for (std::size_t k = 0; k < take_one_bit; ++k)
        chunk = static_cast<std::uint16_t>(chunk | (symbols[i + k] << (13 - k)));
      chunks.push_back(chunk);
      i += take_one_bit;
      continue;
    }
    if (run >= kTwoBitCapacity) {
      run_chunk();
      continue;
    }
    const std::size_t take_two_bit = std::min(kTwoBitCapacity, remaining);
    std::uint16_t chunk = 0xC000;
    for (std::size_t k = 0; k < take_two_bit; ++k)
      chunk = static_cast<std::uint16_t>(chunk | (symbols[i + k] << (12 - 2 * k)));
    chunks.push_back(chunk);
    i += take_two_bit;
  }
  return chunks;
}

// Appends the symbols of one chunk, never more than `needed`.
void decode_chunk(std::uint16_t chunk, std::size_t needed, std::vector<std::uint8_t>& symbols) {
  if ((chunk & 0x8000) == 0) {
    const std::size_t run = std::min<std::size_t>(chunk & kMaxRunLength, needed);
    symbols.insert(symbols.end(), run, static_cast<std::uint8_t>((chunk >> 13) & 0x3));
  } else if ((chunk & 0x4000) == 0) {
    for (std::size_t k = 0; k < kOneBitCapacity && k < needed; ++k) {
      symbols.push_back(static_cast<std::uint8_t>((chunk >> (13 - k)) & 0x1));
    }
  } else {
    for (std::size_t k = 0; k < kTwoBitCapacity && k < needed; ++k) {
      symbols.push_back(static_cast<std::uint8_t>((chunk >> (12 - 2 * k)) & 0x3));
    }
  }
}

struct Encoding {
  std::vector<std::uint16_t> chunks;
  std::vector<std::int16_t> deltas;
  std::size_t size = 0;  // whole packet, padded to 32 bits
};

std::optional<Encoding> encode(const TransportFeedback& feedback) {
  if (feedback.packets.empty() || feedback.packets.size() > kMaxPacketStatusCount) return std::nullopt;
  if (feedback.reference_time > kReferenceTimeMask) return std::nullopt;
  Encoding encoding;
  std::vector<std::uint8_t> symbols;
  symbols.reserve(feedback.packets.size());
  std::size_t delta_bytes = 0;
  std::int64_t previous_us = static_cast<std::int64_t>(feedback.reference_time) * kReferenceTickUs;
  for (std::size_t i = 0; i < feedback.packets.size(); ++i) {
    const TransportFeedback::Packet& packet = feedback.packets[i];
    if (packet.sequence_number != static_cast<std::uint16_t>(feedback.base_sequence + i)) return std::nullopt;
    if (!packet.arrival_time_us) {
      symbols.push_back(kNotReceived);
      continue;
    }
    const std::int64_t diff = *packet.arrival_time_us - previous_us;
    if (diff % kDeltaTickUs != 0) return std::nullopt;
    const std::int64_t delta = diff / kDeltaTickUs;
    if (delta < std::numeric_limits<std::int16_t>::min() || delta > std::numeric_limits<std::int16_t>::max()) {
      return std::nullopt;
    }
    const bool small = delta >= 0 && delta <= 0xFF;
    symbols.push_back(small ? kSmallDelta : kLargeDelta);
    delta_bytes += small ? 1 : 2;
    encoding.deltas.push_back(static_cast<std::int16_t>(delta));
    previous_us = *packet.arrival_time_us;
  }
  encoding.chunks = encode_chunks(symbols);
  const std::size_t unpadded = kFixedSize + encoding.chunks.size() * kChunkSize + delta_bytes;
  encoding.size = (unpadded + 3) / 4 * 4;
  return encoding;
}

}  // namespace

std::optional<TransportFeedback> TransportFeedback::parse(const PacketView& packet) {
  if (packet.type != kTypeRtpFeedback || packet.count != kFmtTransportFeedback) return std::nullopt;
  ByteReader reader(packet.body);
  const auto header = read_feedback_header(reader);
  const auto base = reader.u16();
  const auto status_count = reader.u16();
  const auto reference = reader.u24();
  const auto feedback_count = reader.u8();
  if (!header || !base || !status_count || !reference || !feedback_count) return std::nullopt;
  if (*status_count == 0) return std::nullopt;

  std::vector<std::uint8_t> symbols;
  while (symbols.size() < *status_count) {
    const auto chunk = reader.u16();
    if (!chunk) return std::nullopt;
    decode_chunk(*chunk, *status_count - symbols.size(), symbols);
  }

  TransportFeedback feedback;
  feedback.sender_ssrc = header->sender_ssrc;
  feedback.media_ssrc = header->media_ssrc;
  feedback.base_sequence = *base;
  feedback.reference_time = *reference;
  feedback.feedback_count = *feedback_count;
  feedback.packets.reserve(symbols.size());
  std::int64_t time_us = static_cast<std::int64_t>(*reference) * kReferenceTickUs;
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    Packet result{static_cast<std::uint16_t>(*base + i), std::nullopt};
    if (symbols[i] == kReservedSymbol) return std::nullopt;
    if (symbols[i] == kSmallDelta) {
      const auto delta = reader.u8();
      if (!delta) return std::nullopt;
      time_us += *delta * kDeltaTickUs;
      result.arrival_time_us = time_us;
    } else if (symbols[i] == kLargeDelta) {
      const auto delta = reader.u16();
      if (!delta) return std::nullopt;
      time_us += static_cast<std::int16_t>(*delta) * kDeltaTickUs;
      result.arrival_time_us = time_us;
    }
    feedback.packets.push_back(result);
  }
  // What remains is zero padding to the 32-bit boundary.
  return feedback;
}

std::size_t TransportFeedback::encoded_size() const {
  const auto encoding = encode(*this);
  return encoding ? encoding->size : 0;
}

bool TransportFeedback::write(std::vector<std::uint8_t>& out) const {
  const auto encoding = encode(*this);
  if (!encoding) return false;
  const std::size_t start = begin_packet(out, kFmtTransportFeedback, kTypeRtpFeedback);
  ByteWriter writer(out);
  writer.u32(sender_ssrc);
  writer.u32(media_ssrc);
  writer.u16(base_sequence);
  writer.u16(static_cast<std::uint16_t>(packets.size()));
  writer.u24(reference_time);
  writer.u8(feedback_count);
  for (const std::uint16_t chunk : encoding->chunks) writer.u16(chunk);
  for (const std::int16_t delta : encoding->deltas) {
    if (delta >= 0 && delta <= 0xFF) {
      writer.u8(static_cast<std::uint8_t>(delta));
    } else {
      writer.u16(static_cast<std::uint16_t>(delta));
    }
  }
  // WebRTC pads this message with the P bit and a count; its parser expects that form.
  finish_packet(out, start, /*padding_bit=*/true);
  return true;
}

std::vector<TransportFeedback> build_transport_feedback(std::uint32_t sender_ssrc, std::uint32_t media_ssrc,
                                                        std::span<const PacketArrival> arrivals,
                                                        std::uint8_t first_feedback_count,
                                                        std::size_t max_packet_size) {
  // One entry per sequence number from the first to the last, gaps filled as not received, times
  // in 250 µs ticks.
  struct Item {
    std::uint16_t sequence_number;
    std::optional<std::int64_t> ticks;
  };
  std::vector<Item> items;
  items.reserve(arrivals.size());
  for (const PacketArrival& arrival : arrivals) {
    if (!items.empty()) {
      if (!is_newer(arrival.sequence_number, items.back().sequence_number)) continue;
      for (auto seq = static_cast<std::uint16_t>(items.back().sequence_number + 1); seq != arrival.sequence_number;
           ++seq) {
        items.push_back({seq, std::nullopt});
      }
    }
    std::optional<std::int64_t> ticks;
    if (arrival.arrival_time_us) ticks = floor_div(*arrival.arrival_time_us, kDeltaTickUs);
    items.push_back({arrival.sequence_number, ticks});
  }

  std::vector<TransportFeedback> messages;
  std::uint8_t feedback_count = first_feedback_count;
  std::int64_t reference = 0;  // 64 ms units, before masking to 24 bits
  std::size_t pos = 0;
  while (pos < items.size()) {
    // The reference time is the first received packet's time, rounded down, so its delta is small.
    const auto first_received = std::find_if(items.begin() + static_cast<std::ptrdiff_t>(pos), items.end(),
                                             [](const Item& i) { return i.ticks; });
    if (first_received != items.end()) reference = floor_div(*first_received->ticks, kDeltaTicksPerReferenceTick);
    const std::int64_t masked = reference & kReferenceTimeMask;
    // Arrival times are expressed in the masked reference's time base, as a parser will see them.
    const std::int64_t base_shift_ticks = (reference - masked) * kDeltaTicksPerReferenceTick;

    TransportFeedback message;
    message.sender_ssrc = sender_ssrc;
    message.media_ssrc = media_ssrc;
    message.base_sequence = items[pos].sequence_number;
    message.reference_time = static_cast<std::uint32_t>(masked);
    message.feedback_count = feedback_count++;
    std::int64_t previous_ticks = reference * kDeltaTicksPerReferenceTick;
    for (std::size_t end = pos; end < items.size() && message.packets.size() < kMaxPacketStatusCount; ++end) {
      const Item& item = items[end];
      if (item.ticks) {
        const std::int64_t delta = *item.ticks - previous_ticks;
        if (delta < std::numeric_limits<std::int16_t>::min() || delta > std::numeric_limits<std::int16_t>::max()) break;
        previous_ticks = *item.ticks;
        message.packets.push_back({item.sequence_number, (*item.ticks - base_shift_ticks) * kDeltaTickUs});
      } else {
        message.packets.push_back({item.sequence_number, std::nullopt});
      }
    }
    // Too big: keep the longest prefix that fits (the size grows with the prefix length).
    if (message.encoded_size() > max_packet_size) {
      std::size_t lo = 1;
      std::size_t hi = message.packets.size();
      TransportFeedback trial = message;
      while (lo < hi) {
        const std::size_t mid = lo + (hi - lo + 1) / 2;
        trial.packets.assign(message.packets.begin(), message.packets.begin() + static_cast<std::ptrdiff_t>(mid));
        if (trial.encoded_size() <= max_packet_size) {
          lo = mid;
        } else {
          hi = mid - 1;
        }
      }
      message.packets.resize(lo);
    }
    pos += message.packets.size();
    messages.push_back(std::move(message));
  }
  return messages;
}

}  // namespace presentd::rtp::rtcp
