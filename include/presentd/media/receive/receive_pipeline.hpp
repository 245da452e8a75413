// SPDX-License-Identifier: Apache-2.0
#pragma once
// The receive path of one presenter's session, from an encrypted datagram to complete frames:
// SRTP/SRTCP unprotect → RTP parse → route by SSRC/payload type → per-stream RTX, NACK, frame
// assembly → frame sinks. It also produces everything the sender needs back (receiver reports,
// NACK, PLI/FIR, transport-wide CC feedback, an optional REMB cap), protected with SRTCP.
//
// Packets that fail SRTP authentication are dropped and counted and never parsed. Malformed
// RTP/RTCP is counted and dropped; nothing here throws per packet.
//
// Thread: event loop. The session feeds packets and calls on_tick() every ~20 ms.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "presentd/common/clock.hpp"
#include "presentd/common/loop_affinity.hpp"
#include "presentd/media/feedback/rtt_estimator.hpp"
#include "presentd/media/feedback/transport_feedback_recorder.hpp"
#include "presentd/media/receive/video_receive_stream.hpp"
#include "presentd/rtp/receive_statistics.hpp"
#include "presentd/rtp/srtp/srtp_session.hpp"

namespace presentd::media {

struct AudioStreamConfig {
  std::optional<std::uint32_t> ssrc;  // adopted from the first packet when not signalled
  std::uint8_t payload_type = 111;
  std::uint32_t clock_rate = 48000;
};

struct ReceivePipelineConfig {
  std::uint32_t local_ssrc = 1;  // the SSRC our RTCP is sent from
  std::vector<VideoStreamConfig> video;
  std::optional<AudioStreamConfig> audio;
  std::optional<std::uint8_t> transport_cc_extension_id;
  Clock::Duration receiver_report_interval = std::chrono::milliseconds(500);
  Clock::Duration transport_feedback_interval = std::chrono::milliseconds(100);
  std::uint64_t remb_cap_bps = 0;  // 0: no REMB is sent
};

struct ReceivePipelineStats {
  std::uint64_t rtp_packets = 0;
  std::uint64_t rtp_bytes = 0;  // of the authenticated packets, RTP header included
  std::uint64_t rtcp_packets = 0;
  std::uint64_t malformed_rtp = 0;
  std::uint64_t malformed_rtcp = 0;
  std::uint64_t unknown_stream = 0;  // an SSRC/payload type no stream claims
  std::uint64_t audio_packets = 0;
  std::uint64_t audio_late = 0;
  std::uint64_t rtcp_sent = 0;
};

class ReceivePipeline {
public:
  using VideoFrameSink = std::function<void(std::size_t stream_index, Frame&&, rtp::PayloadFormat)>;
  // One Opus packet with its RTP timestamp, in sequence order (late packets are dropped).
  using AudioPacketSink = std::function<void(std::vector<std::uint8_t>&& opus, std::uint32_t rtp_timestamp)>;
  using PacketSender = std::function<void(std::vector<std::uint8_t>&& srtcp)>;
  // A sender report for the audio stream or a video stream (its wall-clock ↔ RTP time mapping).
  enum class ReportedStream { audio, video };
  using SenderReportObserver = std::function<void(ReportedStream, std::size_t video_index, std::uint64_t ntp_timestamp,
                                                  std::uint32_t rtp_timestamp)>;

  ReceivePipeline(const Clock& clock, ReceivePipelineConfig config, std::unique_ptr<rtp::SrtpContext> srtp,
                  const VideoFrameSink& video_sink, AudioPacketSink audio_sink, PacketSender send_rtcp);
  ~ReceivePipeline();

  // One datagram that RFC 7983 classified as RTP or RTCP (still encrypted).
  void on_packet(std::vector<std::uint8_t> datagram);
  void set_sender_report_observer(SenderReportObserver observer) { sender_report_observer_ = std::move(observer); }
  // Every authenticated media packet as the sender sent it, before the jitter buffer: video
  // (VideoReceiveStream::PacketTap, RTX recovered rebuilt) and audio, late ones included. The
  // viewers are forwarded these (issue 15); the packet is valid only during the call.
  using ForwardTap = std::function<void(ReportedStream kind, std::size_t video_index, const rtp::RtpPacket& packet)>;
  void set_forward_tap(ForwardTap tap);
  // Sends the feedback that is due; call every ~20 ms.
  void on_tick();
  // The decoder of `stream_index` needs a keyframe (error or overflow).
  void request_keyframe(std::size_t stream_index);

  const ReceivePipelineStats& stats() const { return stats_; }
  const rtp::SrtpStats& srtp_stats() const { return srtp_->inbound.stats(); }
  const VideoReceiveStream& video_stream(std::size_t index) const { return *video_[index]; }
  std::size_t video_stream_count() const { return video_.size(); }
  const rtp::ReceiveStatistics& statistics() const { return statistics_; }
  const TransportFeedbackStats& transport_feedback_stats() const { return transport_feedback_.stats(); }
  // From RTCP XR (RFC 3611), when the sender answers our reference time reports.
  std::optional<Clock::Duration> rtt() const { return rtt_.rtt(); }

private:
  LoopAffinity loop_;  // checks "Thread: event loop" in debug builds
  void on_rtp(std::vector<std::uint8_t>& packet);
  void on_rtcp(std::vector<std::uint8_t>& packet);
  void on_audio(const rtp::RtpPacket& packet);
  void send(std::vector<std::uint8_t> compound);
  void report_sender_clock(const rtp::rtcp::SenderReport& report);

  const Clock& clock_;
  ReceivePipelineConfig config_;
  std::unique_ptr<rtp::SrtpContext> srtp_;
  AudioPacketSink audio_sink_;
  PacketSender send_rtcp_;
  SenderReportObserver sender_report_observer_;
  ForwardTap forward_tap_;
  std::vector<std::unique_ptr<VideoReceiveStream>> video_;
  rtp::ReceiveStatistics statistics_;
  TransportFeedbackRecorder transport_feedback_;
  RttEstimator rtt_;
  std::optional<std::uint16_t> last_audio_sequence_;
  Clock::TimePoint last_receiver_report_{};
  Clock::TimePoint last_transport_feedback_{};
  ReceivePipelineStats stats_;
};

}  // namespace presentd::media
