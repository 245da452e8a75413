// SPDX-License-Identifier: Apache-2.0
#include "presentd/session/receive_stage.hpp"

#include "presentd/common/random.hpp"

namespace presentd::session {

media::ReceivePipelineConfig ReceiveStage::pipeline_config(const sdp::Negotiated& negotiated,
                                                           std::uint64_t remb_cap_bps) {
  media::ReceivePipelineConfig config;
  // Our RTCP's SSRC: random, odd so it is never 0.
  config.local_ssrc = random_u32() | 1;
  for (const auto& video : negotiated.video) {
    media::VideoStreamConfig stream;
    stream.media_ssrc = video.media_ssrc;
    stream.rtx_ssrc = video.rtx_ssrc;
    stream.payload_types = video.payload_types;
    stream.rtx_payload_types = video.rtx_payload_types;
    stream.playout_delay_extension_id = video.playout_delay_extension_id;
    stream.keyframe_requests.pli_negotiated = video.nack_pli;
    stream.keyframe_requests.fir_negotiated = video.ccm_fir;
    stream.nack_negotiated = video.nack;
    config.video.push_back(stream);
  }
  if (negotiated.audio) {
    config.audio =
        media::AudioStreamConfig{negotiated.audio->ssrc, negotiated.audio->payload_type, negotiated.audio->clock_rate};
  }
  config.transport_cc_extension_id = negotiated.transport_cc_extension_id;
  config.remb_cap_bps = remb_cap_bps;
  return config;
}

ReceiveStage::ReceiveStage(const Clock& clock, const sdp::Negotiated& negotiated, std::uint64_t remb_cap_bps,
                           rtp::SrtpProfile profile, const rtp::SrtpKeyPair& keys, Listener& listener) {
  pipeline_ = std::make_unique<media::ReceivePipeline>(
      clock, pipeline_config(negotiated, remb_cap_bps), std::make_unique<rtp::SrtpContext>(profile, keys),
      [&listener](std::size_t stream, media::Frame&& frame, rtp::PayloadFormat format) {
        listener.on_video_frame(stream, std::move(frame), format);
      },
      [&listener](std::vector<std::uint8_t>&& opus, std::uint32_t rtp_timestamp) {
        listener.on_audio_packet(std::move(opus), rtp_timestamp);
      },
      [&listener](std::vector<std::uint8_t>&& srtcp) { listener.send_rtcp(std::move(srtcp)); });
  pipeline_->set_sender_report_observer(
      [&listener](media::ReceivePipeline::ReportedStream kind, std::size_t index, std::uint64_t ntp,
                  std::uint32_t rtp_timestamp) { listener.on_sender_report(kind, index, ntp, rtp_timestamp); });
  pipeline_->set_forward_tap(
      [&listener](media::ReceivePipeline::ReportedStream kind, std::size_t index, const rtp::RtpPacket& packet) {
        listener.on_media_packet(kind, index, packet);
      });
}

void ReceiveStage::on_packet(std::span<const std::uint8_t> datagram) {
  pipeline_->on_packet(std::vector<std::uint8_t>(datagram.begin(), datagram.end()));
}

void ReceiveStage::request_keyframes() {
  for (std::size_t stream = 0; stream < pipeline_->video_stream_count(); ++stream) pipeline_->request_keyframe(stream);
}

}  // namespace presentd::session
