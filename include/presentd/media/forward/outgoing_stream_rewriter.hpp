// SPDX-License-Identifier: Apache-2.0
#pragma once
// OutgoingStreamRewriter: turns a presenter's decrypted RTP packet into the copy one viewer gets on
// one m-line (issue 15: forwarding, not transcoding). The viewer negotiated its own SSRC, payload
// types and header-extension IDs, and must see one continuous stream whoever presents.
//
// Rules:
//  - SSRC is the viewer's; the payload type is mapped from the source's to the viewer's (the
//    pairs come from SDP, where codec equivalence is decided); a packet of an unmapped payload
//    type is dropped and counted;
//  - header extensions are mapped by URI (RFC 8285) to the viewer's IDs; those the viewer did not
//    negotiate are removed. The one-byte form is written when every element fits it, else the
//    two-byte form if the viewer allowed it (a=extmap-allow-mixed), else the misfits are removed.
//    The box owns some extensions: MID is written with the viewer's own (RFC 8843 §15.2) and RID /
//    repaired RID are removed (the viewer did not ask for simulcast); transport-wide CC and
//    abs-send-time, when the viewer negotiated them, get room whose offset is returned, since only
//    the sender, at sending time, knows their values;
//  - sequence numbers and timestamps continue for the viewer. The first packet forwarded from a
//    source (after a switch, a restart of the source's numbering, or on join) anchors it: the next
//    sequence number, and the timestamp advanced by the wall-clock time since the last packet
//    sent, in the clock rate, at least one tick. After that, a source's packets keep their
//    relative sequence and timestamp offsets, so a real loss stays a gap the viewer can NACK and
//    reordered packets keep their order; only packets deliberately not forwarded (skip(), unmapped
//    payload types) are closed up, so the viewer never NACKs what will never come;
//  - a packet older than the anchor, or than a closed-up gap, would reuse a number already sent:
//    it is dropped and counted. Sequence numbers unwrap (common/sequence_number.hpp), so all of
//    this holds across 65535 → 0 and 2^32 → 0.
// The keyframe gate (KeyframeGate) sits in front: the caller hands over only what it admits, so
// the packet that opens the gate is the one that anchors. Source RTX is not forwarded (another
// SSRC); recovered packets arrive with their original numbers and fill the viewer's gap.
// No allocation per packet: the output goes into the caller's vector, whose capacity is reused.
//
// Thread: event loop (one per viewer m-line, no locks).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "presentd/common/clock.hpp"
#include "presentd/common/sequence_number.hpp"
#include "presentd/rtp/depacketizer/depacketizer.hpp"
#include "presentd/rtp/rtp_packet.hpp"

namespace presentd::media {

// One a=extmap line: an ID and the URI it stands for.
struct ExtensionMapping {
  std::uint8_t id = 0;
  std::string uri;
};

// A codec both sides negotiated: the source's payload type, the viewer's, and the format.
struct PayloadTypeMapping {
  std::uint8_t source = 0;
  std::uint8_t viewer = 0;
  rtp::PayloadFormat format = rtp::PayloadFormat::vp8;
};

struct ViewerStreamConfig {
  std::uint32_t ssrc = 0;
  std::uint32_t clock_rate = 90000;
  // RFC 3550 §5.1: random starting points (the caller draws them).
  std::uint16_t initial_sequence_number = 0;
  std::uint32_t initial_timestamp = 0;
  std::string mid;                           // this m-line's a=mid, written when MID is negotiated
  std::vector<ExtensionMapping> extensions;  // the viewer's a=extmap lines
  bool two_byte_extensions_allowed = false;  // a=extmap-allow-mixed (RFC 8285 §6)
};

struct SourceStreamConfig {
  std::uint32_t ssrc = 0;  // the presenter's media SSRC
  std::vector<PayloadTypeMapping> payload_types;
  std::vector<ExtensionMapping> extensions;  // the presenter's a=extmap lines
};

struct [[nodiscard]] RewrittenPacket {
  std::uint16_t sequence_number = 0;
  std::uint32_t timestamp = 0;
  // Offsets in the output of the element data the sender fills before SRTP (zero until then).
  std::optional<std::size_t> transport_sequence_number_offset;
  std::optional<std::size_t> abs_send_time_offset;
};

struct OutgoingStreamStats {
  std::uint64_t packets_forwarded = 0;
  std::uint64_t dropped_unmapped_payload_type = 0;
  std::uint64_t dropped_other_source = 0;  // not the m-line's current source, or none selected
  std::uint64_t dropped_too_late = 0;      // older than the anchor or a closed-up gap
  std::uint64_t packets_skipped = 0;       // deliberately not forwarded, gap closed up
  std::uint64_t source_restarts = 0;       // the source's numbering jumped: anchored again
};

class OutgoingStreamRewriter {
public:
  explicit OutgoingStreamRewriter(ViewerStreamConfig config);

  // Maps the m-line to `source` from the next packet it forwards (join, switch, or the same
  // source again to restart after the viewer's video was paused).
  void select_source(const SourceStreamConfig& source);
  // Nobody presents on this m-line: every packet is dropped until select_source().
  void clear_source() { source_.reset(); }
  // The current source's next forwarded packet anchors it again, as after select_source(): the
  // viewer's video resumes after a pause, however far the source's numbering moved meanwhile.
  void restart_source();
  // The SSRC of the current source; nullopt while nobody presents on this m-line.
  [[nodiscard]] std::optional<std::uint32_t> source_ssrc() const;

  // The codec of the current source's `payload_type`, for the keyframe gate; nullopt if unmapped.
  [[nodiscard]] std::optional<rtp::PayloadFormat> source_format(std::uint8_t payload_type) const;

  // Writes the viewer's copy of `packet` into `out` (cleared first). nullopt: not forwarded, and
  // counted in stats(). `now`: the time it is sent.
  [[nodiscard]] std::optional<RewrittenPacket> rewrite(const rtp::RtpPacket& packet, Clock::TimePoint now,
                                                       std::vector<std::uint8_t>& out);
  // A packet of the current source the caller chose not to forward (held by a gate that closed
  // mid-stream): later packets close the gap. A packet older than one already forwarded cannot
  // be closed up without renumbering it, so it stays a gap.
  void skip(const rtp::RtpPacket& packet);
  // Where the sender's placeholders are in a packet this rewriter wrote (a resend from the cache
  // is stamped again: every transmission gets its own transport-wide number and send time).
  [[nodiscard]] RewrittenPacket placement_of(const rtp::RtpPacket& rewritten) const;

  const OutgoingStreamStats& stats() const { return stats_; }

private:
  static constexpr std::uint8_t kUnmapped = 0xFF;
  // At most this many closed-up gaps are remembered exactly; older ones fold into the offset.
  static constexpr std::size_t kMaxSkips = 32;

  struct Source {
    std::uint32_t ssrc = 0;
    std::array<std::uint8_t, 128> payload_types{};  // source PT -> viewer PT or kUnmapped
    std::array<rtp::PayloadFormat, 128> formats{};  // source PT -> codec
    std::array<std::uint8_t, 256> extension_ids{};  // source ID -> viewer ID, 0: removed
    SequenceUnwrapper unwrapper;
    std::optional<std::int64_t> anchor;  // first forwarded sequence, unwrapped
    std::int64_t newest_forwarded = 0;
    std::int64_t sequence_offset = 0;  // viewer = source + offset - skips below
    std::uint32_t timestamp_offset = 0;
    std::array<std::int64_t, kMaxSkips> skips{};  // ascending
    std::size_t skip_count = 0;
    std::int64_t folded_up_to = 0;  // packets at or below: too late
  };

  struct Placement {
    std::uint16_t sequence_number = 0;
    std::uint32_t timestamp = 0;
  };

  std::optional<Placement> place(const rtp::RtpPacket& packet, Clock::TimePoint now);
  void anchor(Source& source, std::int64_t sequence, std::uint32_t timestamp, Clock::TimePoint now);
  std::int64_t skips_below(const Source& source, std::int64_t sequence) const;
  void add_skip(Source& source, std::int64_t sequence);
  void fold_oldest_skip(Source& source);
  std::uint8_t viewer_extension_id(std::string_view uri) const;

  ViewerStreamConfig config_;
  OutgoingStreamStats stats_;
  std::optional<Source> source_;
  // IDs of the extensions the box writes itself (0: not negotiated).
  std::uint8_t mid_id_ = 0;
  std::uint8_t transport_cc_id_ = 0;
  std::uint8_t abs_send_time_id_ = 0;
  // What the viewer has been sent: the newest sequence number (unwrapped), its timestamp and
  // when it went, from which a new source's anchor continues.
  std::int64_t newest_sent_;
  std::uint32_t newest_sent_timestamp_;
  std::optional<Clock::TimePoint> newest_sent_at_;
};

}  // namespace presentd::media
