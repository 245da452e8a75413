// SPDX-License-Identifier: Apache-2.0
#pragma once
// The third stage of a receiving session: the negotiated streams turned into a ReceivePipeline
// (SRTP, jitter buffers, NACK/RTX, keyframe requests, receiver reports and bandwidth feedback)
// once DTLS-SRTP has made the keys. Assembled video frames and Opus packets go up to the
// listener; RTCP to the sender goes out through it too.
//
// Thread: event loop. The listener is called from inside on_packet()/on_tick().
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "presentd/common/clock.hpp"
#include "presentd/media/receive/receive_pipeline.hpp"
#include "presentd/rtp/srtp/srtp_keys.hpp"
#include "presentd/rtp/srtp/srtp_profile.hpp"
#include "presentd/sdp/answer_builder.hpp"

namespace presentd::session {

class ReceiveStage {
public:
  class Listener {
  public:
    virtual ~Listener() = default;
    // One complete video frame of stream `stream` (the offer's video m-lines, in order).
    virtual void on_video_frame(std::size_t stream, media::Frame&& frame, rtp::PayloadFormat format) = 0;
    // One Opus packet, in order.
    virtual void on_audio_packet(std::vector<std::uint8_t>&& opus, std::uint32_t rtp_timestamp) = 0;
    // A sender report: the sender's wall clock against a stream's RTP clock (lip sync).
    virtual void on_sender_report(media::ReceivePipeline::ReportedStream kind, std::size_t video_index,
                                  std::uint64_t ntp_timestamp, std::uint32_t rtp_timestamp) = 0;
    // One SRTCP compound packet (feedback, reports) for the sender.
    virtual void send_rtcp(std::vector<std::uint8_t>&& srtcp) = 0;
    // Every authenticated media packet as sent, before the jitter buffer (ReceivePipeline's
    // forward tap): what viewers are forwarded. Valid only during the call.
    virtual void on_media_packet(media::ReceivePipeline::ReportedStream /*kind*/, std::size_t /*video_index*/,
                                 const rtp::RtpPacket& /*packet*/) {}
  };

  // What the pipeline is told of the negotiated streams (also the unit tests' view).
  static media::ReceivePipelineConfig pipeline_config(const sdp::Negotiated& negotiated, std::uint64_t remb_cap_bps);

  ReceiveStage(const Clock& clock, const sdp::Negotiated& negotiated, std::uint64_t remb_cap_bps,
               rtp::SrtpProfile profile, const rtp::SrtpKeyPair& keys, Listener& listener);
  ReceiveStage(const ReceiveStage&) = delete;
  ReceiveStage& operator=(const ReceiveStage&) = delete;

  // One SRTP or SRTCP datagram from the transport.
  void on_packet(std::span<const std::uint8_t> datagram);
  // The session's feedback tick (NACK, reports, transport-wide feedback).
  void on_tick() { pipeline_->on_tick(); }
  void request_keyframe(std::size_t stream) { pipeline_->request_keyframe(stream); }
  void request_keyframes();
  std::size_t video_stream_count() const { return pipeline_->video_stream_count(); }
  // The pipeline's figures (status, metrics).
  const media::ReceivePipeline& pipeline() const { return *pipeline_; }

private:
  std::unique_ptr<media::ReceivePipeline> pipeline_;
};

}  // namespace presentd::session
