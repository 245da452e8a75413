// SPDX-License-Identifier: Apache-2.0
// The receive stage: what the negotiation tells the pipeline, and SRTP from a sender's own
// context (the keys DTLS-SRTP would export for the client) through to frames, Opus packets,
// sender reports and our RTCP, each reaching the stage's listener.
#include "presentd/session/receive_stage.hpp"

#include <gtest/gtest.h>

#include <random>

#include "presentd/rtp/rtcp/sender_report.hpp"
#include "presentd/rtp/rtp_packet.hpp"
#include "support/media/clip.hpp"

namespace presentd::session {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

constexpr std::uint8_t kVp8 = 96;
constexpr std::uint8_t kRtx = 97;
constexpr std::uint8_t kOpus = 111;
constexpr std::uint32_t kVideoSsrc = 0x1111;
constexpr std::uint32_t kAudioSsrc = 0x2222;

sdp::Negotiated one_video_one_audio() {
  sdp::Negotiated n;
  sdp::NegotiatedVideo video;
  video.payload_types[kVp8] = rtp::PayloadFormat::vp8;
  video.rtx_payload_types[kRtx] = kVp8;
  video.media_ssrc = kVideoSsrc;
  video.rtx_ssrc = 0x3333;
  video.nack = true;
  video.nack_pli = true;
  video.ccm_fir = false;
  video.playout_delay_extension_id = 6;
  n.video.push_back(video);
  n.audio = sdp::NegotiatedAudio{};
  n.audio->payload_type = kOpus;
  n.audio->ssrc = kAudioSsrc;
  n.transport_cc_extension_id = 3;
  return n;
}

struct Events : ReceiveStage::Listener {
  std::vector<std::pair<std::size_t, Bytes>> frames;
  std::vector<std::pair<Bytes, std::uint32_t>> audio;
  std::vector<std::uint32_t> sender_reports;
  std::vector<Bytes> rtcp;
  void on_video_frame(std::size_t stream, media::Frame&& frame, rtp::PayloadFormat format) override {
    EXPECT_EQ(format, rtp::PayloadFormat::vp8);
    frames.emplace_back(stream, std::move(frame.bitstream));
  }
  void on_audio_packet(Bytes&& opus, std::uint32_t rtp_timestamp) override {
    audio.emplace_back(std::move(opus), rtp_timestamp);
  }
  void on_sender_report(media::ReceivePipeline::ReportedStream, std::size_t, std::uint64_t,
                        std::uint32_t rtp_timestamp) override {
    sender_reports.push_back(rtp_timestamp);
  }
  void send_rtcp(Bytes&& srtcp) override { rtcp.push_back(std::move(srtcp)); }
};

TEST(ReceiveStageConfig, ThePipelineIsToldWhatWasNegotiated) {
  const auto config = ReceiveStage::pipeline_config(one_video_one_audio(), 8'000'000);
  ASSERT_EQ(config.video.size(), 1u);
  const auto& video = config.video[0];
  EXPECT_EQ(video.media_ssrc, kVideoSsrc);
  EXPECT_EQ(video.rtx_ssrc, 0x3333u);
  EXPECT_EQ(video.payload_types.at(kVp8), rtp::PayloadFormat::vp8);
  EXPECT_EQ(video.rtx_payload_types.at(kRtx), kVp8);
  EXPECT_TRUE(video.nack_negotiated);
  EXPECT_TRUE(video.keyframe_requests.pli_negotiated);
  EXPECT_FALSE(video.keyframe_requests.fir_negotiated);
  EXPECT_EQ(video.playout_delay_extension_id, 6);
  ASSERT_TRUE(config.audio);
  EXPECT_EQ(config.audio->payload_type, kOpus);
  EXPECT_EQ(config.audio->ssrc, kAudioSsrc);
  EXPECT_EQ(config.transport_cc_extension_id, 3);
  EXPECT_EQ(config.remb_cap_bps, 8'000'000u);
  // Our RTCP's SSRC is random and never 0.
  EXPECT_EQ(config.local_ssrc & 1u, 1u);
  EXPECT_FALSE(ReceiveStage::pipeline_config(sdp::Negotiated{}, 0).audio);
}

class ReceiveStageTest : public ::testing::Test {
protected:
  void SetUp() override {
    const auto profile = rtp::SrtpProfile::aes_cm_128_hmac_sha1_80;
    Bytes exported(rtp::keying_material_length(profile));
    std::mt19937 rng(7);
    for (auto& byte : exported) byte = static_cast<std::uint8_t>(rng());
    // presentd answers as the DTLS server; the sender is the client.
    const auto ours = rtp::split_dtls_srtp_keying_material(profile, exported, rtp::DtlsRole::server);
    const auto theirs = rtp::split_dtls_srtp_keying_material(profile, exported, rtp::DtlsRole::client);
    ASSERT_TRUE(ours && theirs);
    sender_ = std::make_unique<rtp::SrtpContext>(profile, *theirs);
    stage_ = std::make_unique<ReceiveStage>(clock_, one_video_one_audio(), 0, profile, *ours, events_);
  }
  Bytes protect(Bytes packet) {
    EXPECT_EQ(sender_->outbound.protect_rtp(packet), rtp::SrtpResult::ok);
    return packet;
  }
  Bytes rtp_packet(std::uint8_t payload_type, std::uint32_t ssrc, std::uint16_t sequence, std::uint32_t timestamp,
                   const Bytes& payload, bool marker) {
    return rtp::RtpPacketBuilder()
        .payload_type(payload_type)
        .ssrc(ssrc)
        .sequence_number(sequence)
        .timestamp(timestamp)
        .marker(marker)
        .payload(payload)
        .build();
  }

  ManualClock clock_;
  Events events_;
  std::unique_ptr<rtp::SrtpContext> sender_;
  std::unique_ptr<ReceiveStage> stage_;
};

TEST_F(ReceiveStageTest, SrtpFromTheSenderComesOutAsFramesAndOpusPackets) {
  media::testing::Clip clip(media::testing::Encoder::vp8, 64, 48);
  clip.encode(1, {0});
  Bytes vp8_payload{0x10};  // VP8 payload descriptor: start of partition 0
  const auto& keyframe = clip.frames[0].bitstream;
  vp8_payload.insert(vp8_payload.end(), keyframe.begin(), keyframe.end());
  ASSERT_LT(vp8_payload.size(), 1200u);
  stage_->on_packet(protect(rtp_packet(kVp8, kVideoSsrc, 100, 9000, vp8_payload, true)));
  const Bytes opus{0xF8, 0xFF, 0xFE};
  stage_->on_packet(protect(rtp_packet(kOpus, kAudioSsrc, 7, 48000, opus, false)));

  ASSERT_EQ(events_.frames.size(), 1u);
  EXPECT_EQ(events_.frames[0].first, 0u);
  EXPECT_EQ(events_.frames[0].second, keyframe);
  ASSERT_EQ(events_.audio.size(), 1u);
  EXPECT_EQ(events_.audio[0].first, opus);
  EXPECT_EQ(events_.audio[0].second, 48000u);
  EXPECT_EQ(stage_->pipeline().srtp_stats().ok, 2u);

  // A packet that was not protected with the sender's keys never gets through.
  stage_->on_packet(rtp_packet(kOpus, kAudioSsrc, 8, 48960, Bytes(40, 0xF8), false));
  EXPECT_EQ(events_.audio.size(), 1u);
  EXPECT_EQ(stage_->pipeline().srtp_stats().auth_failed, 1u);
}

TEST_F(ReceiveStageTest, SenderReportsGoUpAndOurReportsGoOutOnTheTick) {
  stage_->on_packet(protect(rtp_packet(kOpus, kAudioSsrc, 7, 48000, Bytes{0xF8, 0xFF, 0xFE}, false)));
  rtp::rtcp::SenderReport report;
  report.sender_ssrc = kAudioSsrc;
  report.ntp_timestamp = 0xE000'0000'0000'0000ULL;
  report.rtp_timestamp = 48000;
  Bytes srtcp;
  report.write(srtcp);
  ASSERT_EQ(sender_->outbound.protect_rtcp(srtcp), rtp::SrtpResult::ok);
  stage_->on_packet(srtcp);
  ASSERT_EQ(events_.sender_reports.size(), 1u);
  EXPECT_EQ(events_.sender_reports[0], 48000u);

  clock_.advance(1s);
  stage_->on_tick();
  ASSERT_FALSE(events_.rtcp.empty());
  // What we send is SRTCP the sender can open with its keys.
  auto ours = events_.rtcp.front();
  EXPECT_EQ(sender_->inbound.unprotect_rtcp(ours), rtp::SrtpResult::ok);
}

}  // namespace
}  // namespace presentd::session
