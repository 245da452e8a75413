// SPDX-License-Identifier: Apache-2.0
#pragma once
// ViewerStreamForwarder: one viewer's m-line, composed of the forwarding core (issue 15). The
// room hands it each decrypted presenter packet once per viewer; it hands back, through its
// Listener, the viewer's copy before SRTP and the keyframe requests for the presenter.
//
// Rules:
//  - a packet passes: (video only) the KeyframeGate, then the OutgoingStreamRewriter; the copy is
//    stored in the ResendCache, counted in the SenderReportClock and given to send_rtp(). A
//    packet the gate holds is reported to the rewriter's skip(), so the viewer sees no gap;
//  - the gate sees only the current source's packets: another presenter's keyframe must not open
//    it (the rewriter drops and counts those anyway);
//  - video asks the presenter for a keyframe (request_keyframe(), which the caller routes to the
//    room's KeyframeRequestLimiter) on select_source(), on resume(), on the viewer's own PLI/FIR,
//    and again every keyframe_retry_interval while the gate holds packets, since a lost PLI would
//    otherwise leave the viewer black. Audio never asks, and its gate is always open;
//  - pause() (ViewerCongestionPolicy's decision) drops the video unsent and uncounted by the
//    rewriter; resume() anchors the source again (OutgoingStreamRewriter::restart_source) behind a
//    closed gate, so the viewer's numbering continues at the next keyframe with no gap however
//    long the pause. Audio ignores both: a viewer that cannot keep up still hears the room;
//  - a NACK for this m-line's SSRC is answered from the cache through send_rtp() (resend set),
//    each copy's placeholders located again so the send stage stamps it anew; misses are counted.
//    A NACK for another SSRC is counted and ignored.
// No allocation per packet: the rewritten copy goes into a buffer whose capacity is reused, and a
// NACK is answered without building lists. Malformed or unexpected input is counted, never thrown.
//
// Thread: event loop (one per viewer m-line, no locks). The listener is called synchronously and
// must not call back into this forwarder.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "presentd/common/clock.hpp"
#include "presentd/media/forward/keyframe_gate.hpp"
#include "presentd/media/forward/outgoing_stream_rewriter.hpp"
#include "presentd/media/forward/resend_cache.hpp"
#include "presentd/media/forward/sender_report_clock.hpp"
#include "presentd/rtp/rtcp/nack.hpp"
#include "presentd/rtp/rtcp/sender_report.hpp"
#include "presentd/rtp/rtp_packet.hpp"

namespace presentd::media {

enum class ForwardedMedia { audio, video };

struct ViewerStreamForwarderConfig {
  ForwardedMedia media = ForwardedMedia::video;
  ViewerStreamConfig stream;
  ResendCacheConfig resend;
  // A keyframe that has not come by then was probably never asked for (a lost PLI); the room's
  // limiter still holds the presenter to one request a second whatever the viewers ask.
  Clock::Duration keyframe_retry_interval = std::chrono::milliseconds{500};
};

struct ViewerStreamForwarderStats {
  std::uint64_t packets_sent = 0;              // first transmissions given to send_rtp()
  std::uint64_t packets_paused = 0;            // video not sent while paused
  std::uint64_t keyframe_requests = 0;         // request_keyframe() calls, for any reason
  std::uint64_t viewer_keyframe_requests = 0;  // the viewer's PLI/FIR while its video plays
  std::uint64_t resends = 0;                   // packets sent again for a NACK
  std::uint64_t resend_misses = 0;             // NACKed packets the cache no longer held
  std::uint64_t nacks_other_ssrc = 0;          // NACKs not for this m-line's SSRC: ignored
};

// One packet for the viewer: its bytes before SRTP (valid only during the call) and where the
// send stage writes the transport-wide sequence number and the send time before protecting it.
struct OutgoingPacket {
  std::span<const std::uint8_t> bytes;
  RewrittenPacket placement;
  bool resend = false;
};

class ViewerStreamForwarder {
public:
  class Listener {
  public:
    virtual ~Listener() = default;
    // Stamp, protect with the viewer's SRTP keys, send.
    virtual void send_rtp(const OutgoingPacket& packet) = 0;
    // The viewer needs a keyframe of presenter stream `source_ssrc` (its SSRC as received).
    virtual void request_keyframe(std::uint32_t source_ssrc, Clock::TimePoint now) = 0;
  };

  ViewerStreamForwarder(ViewerStreamForwarderConfig config, Listener& listener);

  // The m-line shows `source` from its next keyframe (join, switch). Video asks for that keyframe.
  void select_source(const SourceStreamConfig& source, Clock::TimePoint now);
  // Nobody presents on this m-line.
  void clear_source();

  // One decrypted packet of any presenter; only the current source's reach the viewer.
  void on_packet(const rtp::RtpPacket& packet, Clock::TimePoint now);

  // The viewer's NACK (RFC 4585 §6.2.1).
  void on_nack(const rtp::rtcp::Nack& nack, Clock::TimePoint now);
  // The viewer's PLI or FIR: the presenter is asked (video, not paused, a source selected).
  void on_keyframe_request(Clock::TimePoint now);
  // The sender report for this m-line; nullopt before anything was sent.
  [[nodiscard]] std::optional<rtp::rtcp::SenderReport> sender_report(Clock::TimePoint now, std::uint64_t ntp_now) const;

  // Video only; audio ignores both.
  void pause();
  void resume(Clock::TimePoint now);
  bool paused() const { return paused_; }

  ForwardedMedia media() const { return config_.media; }
  std::uint32_t ssrc() const { return config_.stream.ssrc; }
  const ViewerStreamForwarderStats& stats() const { return stats_; }
  const OutgoingStreamRewriter& rewriter() const { return rewriter_; }
  const KeyframeGate& gate() const { return gate_; }
  const ResendCache& resend_cache() const { return cache_; }

private:
  bool is_video() const { return config_.media == ForwardedMedia::video; }
  // false: the gate holds `packet` (skipped, a keyframe asked for again when due).
  bool admit(const rtp::RtpPacket& packet, Clock::TimePoint now);
  void ask_for_keyframe(Clock::TimePoint now);
  void send(std::span<const std::uint8_t> bytes, const RewrittenPacket& placement, std::size_t payload_size,
            bool resend, Clock::TimePoint now);
  void resend(std::span<const std::uint8_t> bytes, Clock::TimePoint now);

  ViewerStreamForwarderConfig config_;
  Listener& listener_;
  OutgoingStreamRewriter rewriter_;
  KeyframeGate gate_;
  ResendCache cache_;
  SenderReportClock report_clock_;
  ViewerStreamForwarderStats stats_;
  std::vector<std::uint8_t> buffer_;  // the rewritten copy; its capacity is reused
  std::optional<Clock::TimePoint> last_keyframe_request_;
  bool paused_ = false;
};

}  // namespace presentd::media
