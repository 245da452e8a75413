// SPDX-License-Identifier: Apache-2.0
#pragma once
// FrameAssembler: the video jitter buffer. It takes RTP packets of one stream in any order and
// hands back complete frames in decode order the moment they are complete: there is no fixed
// playout delay (a LAN does not need one; the playout-delay header extension is carried on the
// frame as data for the renderer).
//
// Guarantees to the decoder:
//  - frames leave strictly in sequence order, each exactly once;
//  - after a gap, no delta frame leaves until the gap is filled; a complete keyframe after the gap
//    supersedes it, and everything older than that keyframe is discarded;
//  - a frame the sender cut short never leaves. Once a stream has shown marker bits, a packet
//    whose predecessor has another RTP timestamp but no marker proves that the predecessor's frame
//    lost its tail without a sequence gap: libwebrtc's pacer drops the queued, not yet numbered
//    packets of a frame when a keyframe is queued behind them, so the keyframe's first packet
//    directly follows the cut frame's last one. That frame is dropped like a lost one;
//  - padding-only packets (insert_padding) fill their sequence number without being a frame;
//  - memory is bounded (packet count and bytes); on overflow the buffer is cleared and the caller
//    is told to request a keyframe.
// Sequence numbers are unwrapped to 64 bits (SequenceUnwrapper); RTP timestamps are only ever
// compared for equality, so both are wrap-safe.
//
// Thread: event loop (owned by the session's video stream, like the depacketizer it is given).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <vector>

#include "presentd/common/clock.hpp"
#include "presentd/common/sequence_number.hpp"
#include "presentd/rtp/depacketizer/depacketizer.hpp"

namespace presentd::media {

// Playout-delay RTP header extension (http://www.webrtc.org/experiments/rtp-hdrext/playout-delay):
// two 12-bit values in units of 10 ms. min = max = 0 asks the receiver to render at once.
struct PlayoutDelay {
  std::uint16_t min_10ms = 0;
  std::uint16_t max_10ms = 0;
  friend bool operator==(const PlayoutDelay&, const PlayoutDelay&) = default;
};

// One received RTP packet, already parsed and inspected by the depacketizer. The payload is owned
// so the buffer can keep it after the datagram buffer is reused.
struct MediaPacket {
  std::uint16_t sequence_number = 0;
  std::uint32_t rtp_timestamp = 0;
  bool marker = false;
  std::vector<std::uint8_t> payload;
  rtp::PayloadInfo info;
  Clock::TimePoint arrival{};
  std::optional<PlayoutDelay> playout_delay;
};

// A complete frame ready for the decoder.
struct Frame {
  std::vector<std::uint8_t> bitstream;
  bool keyframe = false;
  std::uint32_t rtp_timestamp = 0;
  std::uint16_t first_sequence_number = 0;
  std::uint16_t last_sequence_number = 0;
  // The latest arrival among the frame's packets: the moment the frame became complete.
  Clock::TimePoint last_packet_arrival{};
  // From the packet that stated them (keyframes of VP8/VP9); 0 when unknown.
  std::uint16_t width = 0;
  std::uint16_t height = 0;
  std::optional<PlayoutDelay> playout_delay;
};

// What the caller must do after an insert: decode `frames` in order, and when `keyframe_needed`
// ask the sender for a keyframe (through KeyframeRequester, which paces the requests).
struct [[nodiscard]] InsertResult {
  std::vector<Frame> frames;
  bool keyframe_needed = false;
};

struct FrameAssemblerConfig {
  // Packets held at once; also the span of sequence numbers the buffer accepts ahead of the oldest
  // frame it is still waiting for. 2048 packets is several seconds of 1080p screen content.
  std::size_t max_packets = 2048;
  // Payload bytes held at once.
  std::size_t max_buffered_bytes = std::size_t{16} * 1024 * 1024;
  // A frame larger than this is dropped (and a keyframe requested) rather than decoded.
  std::size_t max_frame_bytes = std::size_t{8} * 1024 * 1024;
};

struct FrameAssemblerStats {
  std::uint64_t packets_inserted = 0;
  std::uint64_t duplicate_packets = 0;
  // Arrived after their frame was emitted or discarded.
  std::uint64_t late_packets = 0;
  std::uint64_t frames_emitted = 0;
  // Packets thrown away unused: skipped for a keyframe, cleared on overflow, or in a bad frame.
  std::uint64_t packets_discarded = 0;
  std::uint64_t assembly_failures = 0;
  std::uint64_t oversized_frames = 0;
  std::uint64_t overflows = 0;
  // Frames whose end the sender never sent (see the class comment), dropped.
  std::uint64_t truncated_frames = 0;
  std::uint64_t padding_packets = 0;
};

class FrameAssembler {
public:
  explicit FrameAssembler(rtp::Depacketizer& depacketizer, FrameAssemblerConfig config = {});

  InsertResult insert(MediaPacket packet);
  // A padding-only packet (no payload): its sequence number carries no media and belongs to no
  // frame, but it must not be waited for either. Senders pad only between frames.
  InsertResult insert_padding(std::uint16_t sequence_number);

  // Drops everything held; the next frame emitted will be a keyframe.
  void clear();

  std::size_t buffered_packets() const { return buffered_packets_; }
  std::size_t buffered_bytes() const { return buffered_bytes_; }
  const FrameAssemblerConfig& config() const { return config_; }
  const FrameAssemblerStats& stats() const { return stats_; }

private:
  struct Slot {
    bool used = false;
    bool padding = false;
    std::int64_t seq = 0;
    MediaPacket packet;
  };
  struct FrameSpan {
    std::int64_t first = 0;
    std::int64_t last = 0;
  };

  Slot* find(std::int64_t seq);
  std::size_t index_of(std::int64_t seq) const;
  // Makes room for `seq` in the window; false when it is too old to keep.
  bool admit(std::int64_t seq, InsertResult& result);
  void overflow(std::int64_t seq, InsertResult& result);
  // Frees the oldest packets until `size` more bytes fit; false when even that is not enough.
  bool make_room(std::int64_t seq, std::size_t size, InsertResult& result);
  // Emits every frame that became complete, jumping to a keyframe where one supersedes a gap.
  void release(InsertResult& result);
  void release_in_order(InsertResult& result);
  bool jump_to_keyframe();
  void request_keyframe_if_stuck(std::int64_t inserted, InsertResult& result);
  // The complete frame containing `seq`, if its start and end are both known and nothing between
  // them is missing. `checked` is set to the last packet examined, which lies in the same frame.
  std::optional<FrameSpan> complete_frame_at(std::int64_t seq, std::int64_t& checked);
  InsertResult store(std::int64_t seq, MediaPacket packet, bool padding);
  void learn_marker_use(std::int64_t seq, const Slot& slot);
  // The packets at seq - 1 and seq are both here and a frame ends between them without a marker.
  bool ends_unmarked(std::int64_t seq, const Slot& slot);
  bool starts_frame(std::int64_t seq, const Slot& slot);
  // The frame before `seq` ended without its marker although the stream uses markers: the sender
  // dropped its tail. Only meaningful where starts_frame(seq) holds.
  bool cut_before(std::int64_t seq);
  // Drops the frame [floor_, end) that the sender cut short; `next` is the slot after it.
  void drop_cut_frame(std::int64_t end, const Slot& next, InsertResult& result);
  bool has_keyframe_packet(FrameSpan span);
  void emit(FrameSpan span, InsertResult& result);
  // Frees every slot below `seq` and moves the floor there.
  void discard_below(std::int64_t seq, bool boundary);
  void free_slot(Slot& slot);

  rtp::Depacketizer& depacketizer_;
  FrameAssemblerConfig config_;
  FrameAssemblerStats stats_;
  SequenceUnwrapper unwrapper_;
  std::vector<Slot> slots_;
  std::size_t buffered_packets_ = 0;
  std::size_t buffered_bytes_ = 0;

  // Nothing below floor_ is accepted: it was emitted or discarded. Unset until the first packet.
  std::optional<std::int64_t> floor_;
  // floor_ is known to begin a frame (the packet before it ended one we emitted).
  bool floor_is_boundary_ = false;
  // The decoder has every frame since the last keyframe, so the frame at floor_ may be a delta.
  bool have_reference_ = false;
  // In-order scan position while have_reference_: packets [floor_, scan_) are present and belong
  // to the frame that starts at floor_.
  std::int64_t scan_ = 0;
  // Whether the sender marks frame ends (see the class comment): a marker settles it for good;
  // unmarked frame ends with no marker ever seen make the stream markerless.
  bool markers_seen_ = false;
  bool markerless_ = false;
  int unmarked_ends_ = 0;
  // Packets that carry keyframe data, so a keyframe after a gap is found without a full scan.
  std::set<std::int64_t> keyframe_packets_;
  // Reused for assemble() so a frame does not allocate its span list.
  std::vector<std::span<const std::uint8_t>> payload_views_;
};

}  // namespace presentd::media
