// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/jitter/frame_assembler.hpp"

#include <algorithm>
#include <utility>

#include "presentd/common/log.hpp"

namespace presentd::media {

FrameAssembler::FrameAssembler(rtp::Depacketizer& depacketizer, FrameAssemblerConfig config)
    : depacketizer_(depacketizer), config_(config) {
  // A window of one packet could never hold a frame and its successor's first packet.
  config_.max_packets = std::max<std::size_t>(config_.max_packets, 2);
  // A frame must fit in the buffer, or a frame at the size limit could never be completed.
  config_.max_frame_bytes = std::min(config_.max_frame_bytes, config_.max_buffered_bytes);
  slots_.resize(config_.max_packets);
}

InsertResult FrameAssembler::insert(MediaPacket packet) {
  ++stats_.packets_inserted;
  const std::int64_t seq = unwrapper_.unwrap(packet.sequence_number);
  if (packet.payload.size() > config_.max_frame_bytes) {
    // Its frame can never be decoded: only a keyframe gets the stream going again.
    ++stats_.oversized_frames;
    InsertResult result;
    result.keyframe_needed = true;
    return result;
  }
  return store(seq, std::move(packet), false);
}

InsertResult FrameAssembler::insert_padding(std::uint16_t sequence_number) {
  ++stats_.padding_packets;
  MediaPacket packet;
  packet.sequence_number = sequence_number;
  return store(unwrapper_.unwrap(sequence_number), std::move(packet), true);
}

InsertResult FrameAssembler::store(std::int64_t seq, MediaPacket packet, bool padding) {
  InsertResult result;
  if (!admit(seq, result)) {
    if (!padding) ++stats_.late_packets;
    return result;
  }
  Slot& slot = slots_[index_of(seq)];
  if (slot.used) {
    // admit() keeps every held packet within one window, so an occupied slot holds this very seq.
    if (!padding) ++stats_.duplicate_packets;
    return result;
  }
  const std::size_t size = packet.payload.size();
  if (!make_room(seq, size, result)) {
    ++stats_.packets_discarded;
    return result;
  }
  slot.used = true;
  slot.padding = padding;
  slot.seq = seq;
  slot.packet = std::move(packet);
  ++buffered_packets_;
  buffered_bytes_ += size;
  if (slot.packet.info.keyframe) keyframe_packets_.insert(seq);
  learn_marker_use(seq, slot);

  release(result);
  if (!have_reference_ && !padding) request_keyframe_if_stuck(seq, result);
  return result;
}

void FrameAssembler::clear() {
  for (Slot& slot : slots_) {
    if (slot.used) {
      if (!slot.padding) ++stats_.packets_discarded;
      free_slot(slot);
    }
  }
  keyframe_packets_.clear();
  have_reference_ = false;
  floor_is_boundary_ = false;
}

std::size_t FrameAssembler::index_of(std::int64_t seq) const {
  const auto n = static_cast<std::int64_t>(slots_.size());
  return static_cast<std::size_t>(((seq % n) + n) % n);
}

FrameAssembler::Slot* FrameAssembler::find(std::int64_t seq) {
  if (!floor_ || seq < *floor_ || seq - *floor_ >= static_cast<std::int64_t>(slots_.size())) return nullptr;
  Slot& slot = slots_[index_of(seq)];
  return slot.used && slot.seq == seq ? &slot : nullptr;
}

bool FrameAssembler::admit(std::int64_t seq, InsertResult& result) {
  const auto window = static_cast<std::int64_t>(slots_.size());
  if (!floor_) {
    // First packet: leave half the window below it for packets that were overtaken on the way.
    floor_ = seq - window / 2;
    scan_ = *floor_;
    floor_is_boundary_ = false;
  }
  if (seq < *floor_) return false;
  if (seq - *floor_ >= window) overflow(seq, result);
  return true;
}

void FrameAssembler::overflow(std::int64_t seq, InsertResult& result) {
  // The oldest frame has waited for a whole window of packets (or the sender jumped its sequence
  // numbers): that gap will not be filled. Keep the newest half window, which may hold the start
  // of the keyframe that fixes things, and ask for one.
  ++stats_.overflows;
  result.keyframe_needed = true;
  // Rate-limited: a sender that keeps jumping its numbering must not flood the journal.
  if (stats_.overflows == 1 || stats_.overflows % 100 == 0) {
    PD_LOG(warning, "jitter") << "packet buffer overflow #" << stats_.overflows << ", requesting a keyframe";
  }
  discard_below(seq - static_cast<std::int64_t>(slots_.size()) / 2, false);
  have_reference_ = false;
}

bool FrameAssembler::make_room(std::int64_t seq, std::size_t size, InsertResult& result) {
  if (buffered_bytes_ + size <= config_.max_buffered_bytes) return true;
  // Too many bytes held: like a packet overflow, give up the oldest frames (the ones stuck behind
  // a gap) but keep the newest packets, which may be the start of the keyframe we need.
  ++stats_.overflows;
  result.keyframe_needed = true;
  have_reference_ = false;
  std::int64_t end = *floor_;
  std::size_t freed = 0;
  while (end < seq && buffered_bytes_ - freed + size > config_.max_buffered_bytes) {
    if (const Slot* slot = find(end)) freed += slot->packet.payload.size();
    ++end;
  }
  discard_below(end, false);
  // Still no room: newer packets fill the budget, and this older one is the one to lose.
  return buffered_bytes_ + size <= config_.max_buffered_bytes;
}

void FrameAssembler::release(InsertResult& result) {
  do {
    if (have_reference_) release_in_order(result);
  } while (jump_to_keyframe());
}

void FrameAssembler::release_in_order(InsertResult& result) {
  // Invariant: packets [floor_, scan_) are present and form the frame that starts at floor_.
  while (have_reference_) {
    const Slot* slot = find(scan_);
    if (slot == nullptr) return;
    if (scan_ > *floor_ && starts_frame(scan_, *slot)) {
      if (cut_before(scan_)) {
        drop_cut_frame(scan_, *slot, result);
        return;
      }
      emit({*floor_, scan_ - 1}, result);
      continue;
    }
    if (slot->padding) {
      // At floor_: no frame here, the next one starts after it.
      discard_below(scan_ + 1, true);
      continue;
    }
    if (slot->packet.marker) {
      emit({*floor_, scan_}, result);
      continue;
    }
    ++scan_;
  }
}

bool FrameAssembler::jump_to_keyframe() {
  if (!floor_) return false;
  // With a reference, only a keyframe beyond the gap at scan_ can help; without one, any will.
  auto it = keyframe_packets_.lower_bound(have_reference_ ? scan_ + 1 : *floor_);
  while (it != keyframe_packets_.end()) {
    std::int64_t checked = *it;
    if (const auto span = complete_frame_at(*it, checked)) {
      const std::int64_t skipped_from = *floor_;
      discard_below(span->first, true);
      if (have_reference_ && span->first > skipped_from) {
        PD_LOG(debug, "jitter") << "keyframe supersedes a gap of " << (span->first - skipped_from) << " packets";
      }
      have_reference_ = true;
      scan_ = span->first;
      return true;
    }
    // Every keyframe packet up to `checked` lies in the same incomplete frame.
    it = keyframe_packets_.upper_bound(checked);
  }
  return false;
}

void FrameAssembler::request_keyframe_if_stuck(std::int64_t inserted, InsertResult& result) {
  // Waiting for a keyframe and a complete delta frame shows up with no keyframe data before it in
  // the buffer: the keyframe we need was never sent to us (we joined late) or is lost. Only the
  // frame this packet completed is checked, so each such frame asks once; KeyframeRequester paces
  // what actually goes out.
  std::int64_t completed = inserted;
  if (const Slot* prev = find(inserted - 1); prev != nullptr && !prev->packet.marker) {
    // Without a marker, the previous frame ends only when this packet shows it started a new one.
    if (const Slot* self = find(inserted); self != nullptr && starts_frame(inserted, *self)) {
      completed = inserted - 1;
    }
  }
  std::int64_t checked = completed;
  const auto span = complete_frame_at(completed, checked);
  if (!span || has_keyframe_packet(*span)) return;
  if (keyframe_packets_.empty() || *keyframe_packets_.begin() > span->first) result.keyframe_needed = true;
}

std::optional<FrameAssembler::FrameSpan> FrameAssembler::complete_frame_at(std::int64_t seq, std::int64_t& checked) {
  const Slot* slot = find(seq);
  if (slot == nullptr || slot->padding) return std::nullopt;
  // Forward to the end: a marker, or a next packet that starts another frame.
  std::int64_t last = seq;
  while (!slot->packet.marker) {
    const Slot* next = find(last + 1);
    // Missing, or the sender cut the frame short: it will never be complete.
    if (next == nullptr || (starts_frame(last + 1, *next) && cut_before(last + 1))) {
      checked = last;
      return std::nullopt;
    }
    if (starts_frame(last + 1, *next)) break;
    slot = next;
    ++last;
  }
  checked = last;
  // Back to the start, which must be known for certain.
  std::int64_t first = seq;
  for (;;) {
    const Slot* current = find(first);
    if (starts_frame(first, *current)) break;
    if (find(first - 1) == nullptr) return std::nullopt;
    --first;
  }
  return FrameSpan{first, last};
}

bool FrameAssembler::starts_frame(std::int64_t seq, const Slot& slot) {
  // Padding belongs to no frame, so it ends whatever came before it and the packet after it
  // starts afresh.
  if (slot.padding) return true;
  const MediaPacket& packet = slot.packet;
  // When the previous packet is here it decides: a packet right after one of the same picture
  // (same RTP timestamp, no marker) continues that picture even if its payload header reads as
  // a start. H.264 parameter sets after an access unit delimiter and the spatial layers of one
  // VP9 superframe look like starts but belong to the picture before them.
  if (const Slot* prev = find(seq - 1)) {
    return prev->padding || prev->packet.marker || prev->packet.rtp_timestamp != packet.rtp_timestamp;
  }
  if (packet.info.frame_start) return true;
  return floor_ && seq == *floor_ && floor_is_boundary_;
}

namespace {
// Unmarked frame ends, with no marker ever, that make a sender markerless. More than one, so a
// conforming sender whose very first frame is cut short before any marker arrived is not taken
// for one; few, so a markerless sender's first frames are held (not lost) only briefly.
constexpr int kUnmarkedEndsOfMarkerlessSender = 3;
}  // namespace

void FrameAssembler::learn_marker_use(std::int64_t seq, const Slot& slot) {
  if (slot.packet.marker) markers_seen_ = true;
  if (markers_seen_ || markerless_) return;
  // Each boundary is counted once: when the later of its two packets arrives.
  if (ends_unmarked(seq, slot)) ++unmarked_ends_;
  if (const Slot* next = find(seq + 1); next != nullptr && ends_unmarked(seq + 1, *next)) ++unmarked_ends_;
  if (unmarked_ends_ >= kUnmarkedEndsOfMarkerlessSender) {
    markerless_ = true;
    PD_LOG(notice, "jitter") << "the sender sets no RTP marker bits: frames end at a new timestamp";
  }
}

bool FrameAssembler::ends_unmarked(std::int64_t seq, const Slot& slot) {
  const Slot* prev = find(seq - 1);
  if (prev == nullptr || prev->padding || prev->packet.marker) return false;
  return slot.padding || prev->packet.rtp_timestamp != slot.packet.rtp_timestamp;
}

bool FrameAssembler::cut_before(std::int64_t seq) {
  if (markerless_) return false;
  const Slot* prev = find(seq - 1);
  return prev != nullptr && !prev->padding && !prev->packet.marker;
}

void FrameAssembler::drop_cut_frame(std::int64_t end, const Slot& next, InsertResult& result) {
  ++stats_.truncated_frames;
  PD_LOG(debug, "jitter") << "dropping a frame the sender cut short (" << (end - *floor_) << " packets, no marker)";
  // The decoder misses a frame, so what follows must wait for a keyframe. Usually the next frame
  // is the very keyframe whose queuing made the sender drop the tail: then there is nothing to ask.
  have_reference_ = false;
  if (!next.packet.info.keyframe) result.keyframe_needed = true;
  discard_below(end, true);
}

bool FrameAssembler::has_keyframe_packet(FrameSpan span) {
  const auto it = keyframe_packets_.lower_bound(span.first);
  return it != keyframe_packets_.end() && *it <= span.last;
}

void FrameAssembler::emit(FrameSpan span, InsertResult& result) {
  Frame frame;
  frame.keyframe = has_keyframe_packet(span);
  std::size_t total = 0;
  payload_views_.clear();
  for (std::int64_t seq = span.first; seq <= span.last; ++seq) {
    const MediaPacket& packet = find(seq)->packet;
    payload_views_.emplace_back(packet.payload);
    total += packet.payload.size();
    frame.last_packet_arrival = std::max(frame.last_packet_arrival, packet.arrival);
    if (frame.width == 0 && packet.info.width != 0) {
      frame.width = packet.info.width;
      frame.height = packet.info.height;
    }
    if (packet.playout_delay) frame.playout_delay = packet.playout_delay;
  }
  const MediaPacket& first_packet = find(span.first)->packet;
  frame.rtp_timestamp = first_packet.rtp_timestamp;
  frame.first_sequence_number = first_packet.sequence_number;
  frame.last_sequence_number = find(span.last)->packet.sequence_number;

  std::optional<rtp::AssembledFrame> assembled;
  if (total > config_.max_frame_bytes) {
    ++stats_.oversized_frames;
  } else {
    assembled = depacketizer_.assemble(payload_views_);
    if (!assembled) ++stats_.assembly_failures;
  }
  payload_views_.clear();
  if (assembled) {
    frame.bitstream = std::move(assembled->bitstream);
    frame.keyframe = frame.keyframe || assembled->keyframe;
    ++stats_.frames_emitted;
    result.frames.push_back(std::move(frame));
    for (std::int64_t seq = span.first; seq <= span.last; ++seq) free_slot(*find(seq));
  } else {
    // The decoder would lose its reference: drop the frame and everything that depends on it.
    have_reference_ = false;
    result.keyframe_needed = true;
  }
  discard_below(span.last + 1, true);
}

void FrameAssembler::discard_below(std::int64_t seq, bool boundary) {
  if (floor_) {
    const std::int64_t end = std::min(seq, *floor_ + static_cast<std::int64_t>(slots_.size()));
    for (std::int64_t s = *floor_; s < end; ++s) {
      Slot& slot = slots_[index_of(s)];
      if (slot.used && slot.seq == s) {
        if (!slot.padding) ++stats_.packets_discarded;
        free_slot(slot);
      }
    }
  }
  floor_ = seq;
  floor_is_boundary_ = boundary;
  scan_ = std::max(scan_, seq);
  keyframe_packets_.erase(keyframe_packets_.begin(), keyframe_packets_.lower_bound(seq));
}

void FrameAssembler::free_slot(Slot& slot) {
  --buffered_packets_;
  buffered_bytes_ -= slot.packet.payload.size();
  slot.used = false;
  slot.padding = false;
  // Release the payload now so freed slots do not pin memory beyond the byte bound.
  slot.packet = MediaPacket{};
}

}  // namespace presentd::media
