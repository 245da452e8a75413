// SPDX-License-Identifier: Apache-2.0
#pragma once
// The media stage of a sending session (a viewer, issue 15): the sibling of ReceiveStage on the
// same SecureTransport, made once DTLS-SRTP has the keys. It owns one ViewerStreamForwarder per
// m-line the box sends on and everything per viewer around them:
//
//   presenter's decrypted RTP → forwarder (gate, rewrite, cache) → stamp → SRTP → listener
//   viewer's SRTCP → SRTP → RTCP → NACK / PLI / FIR to its forwarder, REMB / reports / transport
//                                   feedback to the congestion policy
//   tick → sender reports + SDES; the policy's pause / resume of the viewer's video
//
// Rules:
//  - outbound: each packet a forwarder hands over (first transmission or a NACK's resend) gets
//    the viewer's transport-wide sequence number (one counter across all its m-lines) and its
//    send time (OutgoingPacketStamper), then the viewer's outbound SRTP key. One buffer, sized at
//    construction, carries every packet: no allocation per packet;
//  - inbound: only SRTCP that authenticates with the viewer's key is parsed. RTP from the viewer
//    (recvonly, it has nothing to send) is counted and dropped unread; so is anything that is
//    neither. NACK, PLI and FIR go to the m-line whose SSRC they name, if it negotiated them;
//    REMB and transport-wide feedback to the congestion policy, if some m-line negotiated them;
//    report blocks about our SSRCs to the policy and to the round-trip time. Feedback for SSRCs
//    we do not send, or that the m-line did not negotiate, is counted and ignored. Nothing that
//    arrives throws: malformed input is counted;
//  - sender reports: every report_interval, one compound with an SR per m-line that has sent
//    something and an SDES CNAME chunk for each (RFC 3550 §6.1), the first on the tick after the
//    first packet so the viewer can sync sound and picture early. Their NTP time is the wall
//    clock read once at construction, run on from there by the injected clock: it never steps
//    when the system clock is set (the viewer's lip sync would jump), and the round trip from
//    the viewer's LSR/DLSR is measured in the same time base it was sent in;
//  - congestion: on every tick the policy is given the video bitrate this stage sent over the
//    last bitrate_window; pause_video pauses every video forwarder, resume_video resumes them
//    (each asks its presenter for a keyframe). Audio never pauses.
//
// Thread: event loop. The listener is called synchronously from inside forward(), the
// forwarders' own calls, on_packet() and on_tick(), and must not call back into this stage.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "presentd/common/clock.hpp"
#include "presentd/common/loop_affinity.hpp"
#include "presentd/media/forward/outgoing_packet_stamper.hpp"
#include "presentd/media/forward/viewer_congestion_policy.hpp"
#include "presentd/media/forward/viewer_stream_forwarder.hpp"
#include "presentd/metrics/rate_meter.hpp"
#include "presentd/rtp/rtcp/compound.hpp"
#include "presentd/rtp/rtp_packet.hpp"
#include "presentd/rtp/srtp/srtp_keys.hpp"
#include "presentd/rtp/srtp/srtp_profile.hpp"
#include "presentd/rtp/srtp/srtp_session.hpp"

namespace presentd::session {

struct SendStreamConfig {
  media::ViewerStreamForwarderConfig forwarder;
  // The feedback the viewer negotiated on this m-line (a=rtcp-fb, and a=extmap for transport-cc).
  bool nack = false;
  bool pli = false;
  bool fir = false;           // ccm fir
  bool remb = false;          // goog-remb
  bool transport_cc = false;  // transport-cc
};

struct SendStageConfig {
  std::vector<SendStreamConfig> streams;  // the m-lines the box sends the viewer, in order
  std::string cname;                      // RFC 3550 §6.5.1: ties our SSRCs together at the viewer
  media::ViewerCongestionConfig congestion;
  Clock::Duration report_interval = std::chrono::seconds{1};
  // What the bitrate sent is measured over (the policy's input and the status figure).
  Clock::Duration bitrate_window = std::chrono::seconds{1};
  std::uint16_t first_transport_sequence_number = 0;  // the caller draws it at random
  // The wall-clock time at construction; nullopt: the system clock's (tests fix it).
  std::optional<std::chrono::system_clock::time_point> wall_clock_at_start;
};

struct SendStageStats {
  std::uint64_t rtp_sent = 0;         // SRTP packets handed to the listener, resends included
  std::uint64_t rtp_bytes_sent = 0;   // their size, SRTP trailer included
  std::uint64_t rtcp_sent = 0;        // sender-report compounds
  std::uint64_t not_sent = 0;         // a placeholder out of place or SRTP refused (a bug)
  std::uint64_t rtcp_received = 0;    // authenticated compounds whose framing held
  std::uint64_t rtcp_malformed = 0;   // broken compounds, and malformed messages in good ones
  std::uint64_t rtp_from_viewer = 0;  // dropped unread: a viewer sends no media
  std::uint64_t not_rtp_or_rtcp = 0;
  std::uint64_t nacks = 0;
  std::uint64_t keyframe_requests = 0;  // PLI and FIR entries for one of our SSRCs
  std::uint64_t rembs = 0;
  std::uint64_t report_block_sets = 0;  // SR/RR with blocks about our SSRCs
  std::uint64_t transport_feedbacks = 0;
  std::uint64_t unknown_ssrc = 0;    // feedback or report blocks about SSRCs we do not send
  std::uint64_t not_negotiated = 0;  // feedback of a kind the m-line (or the viewer) did not negotiate
  std::uint64_t invalid_stream = 0;  // forward() etc. with an index past stream_count()
};

struct SendStreamStats {
  std::uint64_t packets_sent = 0;  // SRTP packets, resends included
  std::uint64_t bytes_sent = 0;    // their size, SRTP trailer included
};

class SendStage {
public:
  class Listener {
  public:
    virtual ~Listener() = default;
    // One SRTP or SRTCP datagram for the viewer (valid during the call only).
    virtual void send_srtp(std::span<const std::uint8_t> datagram) = 0;
    // The viewer needs a keyframe of presenter stream `source_ssrc` (the room's limiter decides).
    virtual void request_keyframe(std::uint32_t source_ssrc, Clock::TimePoint now) = 0;
  };

  // Throws (setup): SrtpError for keys that do not fit the profile.
  SendStage(const Clock& clock, SendStageConfig config, rtp::SrtpProfile profile, const rtp::SrtpKeyPair& keys,
            Listener& listener);
  ~SendStage();
  SendStage(const SendStage&) = delete;
  SendStage& operator=(const SendStage&) = delete;

  std::size_t stream_count() const { return streams_.size(); }
  // The m-line's forwarder, for its figures or to drive it directly. These and the per-m-line
  // figures below take `index` < stream_count() (std::out_of_range otherwise: a caller's bug).
  media::ViewerStreamForwarder& stream(std::size_t index);
  const media::ViewerStreamForwarder& stream(std::size_t index) const;

  // The forwarder's calls with the time read from the clock; an index past stream_count() is
  // counted (invalid_stream) and ignored.
  void select_source(std::size_t stream, const media::SourceStreamConfig& source);
  void clear_source(std::size_t stream);
  // One decrypted presenter packet for m-line `stream`.
  void forward(std::size_t stream, const rtp::RtpPacket& packet);

  // One SRTP or SRTCP datagram from the viewer, still protected.
  void on_packet(std::span<const std::uint8_t> datagram);
  // The session's feedback tick (every 20–100 ms): bitrates, the congestion policy, reports.
  void on_tick();

  // --- Figures (status, metrics) ---
  const SendStageStats& stats() const { return stats_; }
  const SendStreamStats& stream_stats(std::size_t index) const;
  // Bit/s sent on m-line `index` over the last bitrate_window (as of the last tick).
  [[nodiscard]] std::optional<std::uint64_t> bitrate_bps(std::size_t index) const;
  const rtp::SrtpStats& srtp_outbound_stats() const { return srtp_.outbound.stats(); }
  const rtp::SrtpStats& srtp_inbound_stats() const { return srtp_.inbound.stats(); }
  // From the viewer's latest report block that echoed one of our sender reports.
  std::optional<Clock::Duration> rtt() const { return rtt_; }
  // Fresh feedback only (the policy's view): the viewer's loss fraction and its REMB estimate.
  [[nodiscard]] std::optional<double> loss() const;
  [[nodiscard]] std::optional<std::uint64_t> estimate_bps() const;
  bool video_paused() const { return policy_.paused(); }
  const media::ViewerCongestionPolicy& congestion() const { return policy_; }
  std::uint16_t next_transport_sequence_number() const { return stamper_.next_transport_sequence_number(); }

private:
  struct Stream;

  Stream* find_stream(std::size_t index);
  Stream* find_ssrc(std::uint32_t ssrc);
  std::uint64_t ntp_time(Clock::TimePoint at) const;
  // Outbound.
  void send_rtp(Stream& stream, const media::OutgoingPacket& packet);
  void send_reports_if_due(Clock::TimePoint now);
  void apply_congestion(Clock::TimePoint now);
  // Inbound.
  void on_rtcp(std::span<const std::uint8_t> datagram);
  void dispatch(const rtp::rtcp::Message& message, Clock::TimePoint now);
  void on_nack(const rtp::rtcp::Nack& nack, Clock::TimePoint now);
  void on_keyframe_request(std::uint32_t media_ssrc, bool fir, Clock::TimePoint now);
  void on_report_blocks(std::span<const rtp::rtcp::ReportBlock> blocks, Clock::TimePoint now);

  LoopAffinity loop_;
  const Clock& clock_;
  SendStageConfig config_;
  Listener& listener_;
  rtp::SrtpContext srtp_;
  media::OutgoingPacketStamper stamper_;
  media::ViewerCongestionPolicy policy_;
  std::vector<std::unique_ptr<Stream>> streams_;
  bool remb_negotiated_ = false;
  bool transport_cc_negotiated_ = false;
  // The NTP time base: the wall clock and the injected clock read together at construction.
  std::chrono::system_clock::time_point wall_at_start_;
  Clock::TimePoint clock_at_start_;
  std::optional<Clock::TimePoint> last_report_;
  std::optional<Clock::Duration> rtt_;
  SendStageStats stats_;
  // Reused buffers (their capacity is kept): the packet being protected, the viewer's datagram
  // being unprotected, the report compound, and the report blocks about our SSRCs.
  std::vector<std::uint8_t> outbound_;
  std::vector<std::uint8_t> inbound_;
  std::vector<std::uint8_t> report_;
  std::vector<rtp::rtcp::ReportBlock> our_blocks_;
};

}  // namespace presentd::session
