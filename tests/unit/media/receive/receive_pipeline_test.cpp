// SPDX-License-Identifier: Apache-2.0
// The whole receive path on real packets: GStreamer's VP8 capture (tests/vectors/depacketizer),
// encrypted with SRTP as a sender would, replayed through the ReceivePipeline. The frames that
// come out must be byte-identical to what the encoder wrote; losses must be NACKed exactly and
// recovered by RTX; nothing unauthenticated may get through.
#include "presentd/media/receive/receive_pipeline.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <random>
#include <set>
#include <string>

#include "presentd/rtp/rtcp/compound.hpp"
#include "presentd/rtp/rtcp/nack.hpp"
#include "presentd/rtp/rtcp/receiver_report.hpp"
#include "presentd/rtp/rtcp/transport_feedback.hpp"
#include "presentd/rtp/rtp_header_extension.hpp"
#include "presentd/rtp/rtp_packet.hpp"
#include "presentd/rtp/srtp/srtp_keys.hpp"
#include "support/rtp/captured_vectors.hpp"
#include "support/rtp/wrap_test_support.hpp"
#include "support/rtx_packet.hpp"

namespace presentd::media {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

constexpr std::uint8_t kVp8PayloadType = 96;
constexpr std::uint8_t kRtxPayloadType = 97;
constexpr std::uint32_t kRtxSsrc = 0x5EED0001;
constexpr std::uint8_t kTransportCcId = 3;

class ReceivePipelineTest : public ::testing::Test {
protected:
  void SetUp() override {
    const auto profile = rtp::SrtpProfile::aead_aes_128_gcm;
    Bytes exported(rtp::keying_material_length(profile));
    std::mt19937 rng(42);
    for (auto& byte : exported) byte = static_cast<std::uint8_t>(rng());
    // presentd answers actpass with passive: it is the DTLS server, the sender the client.
    const auto ours = rtp::split_dtls_srtp_keying_material(profile, exported, rtp::DtlsRole::server);
    const auto theirs = rtp::split_dtls_srtp_keying_material(profile, exported, rtp::DtlsRole::client);
    ASSERT_TRUE(ours && theirs);
    sender_ = std::make_unique<rtp::SrtpContext>(profile, *theirs);

    ReceivePipelineConfig config;
    config.local_ssrc = 0xB0B0B0B0;
    VideoStreamConfig video;
    video.payload_types[kVp8PayloadType] = rtp::PayloadFormat::vp8;
    video.rtx_payload_types[kRtxPayloadType] = kVp8PayloadType;
    config.video.push_back(video);
    config.transport_cc_extension_id = kTransportCcId;
    pipeline_ = std::make_unique<ReceivePipeline>(
        clock_, config, std::make_unique<rtp::SrtpContext>(profile, *ours),
        [this](std::size_t, Frame&& frame, rtp::PayloadFormat format) {
          EXPECT_EQ(format, rtp::PayloadFormat::vp8);
          frames_.push_back(std::move(frame.bitstream));
        },
        nullptr, [this](Bytes&& srtcp) { rtcp_.push_back(std::move(srtcp)); });

    // The capture, re-stamped with a transport-wide sequence number as Chrome sends it, and
    // with sequence numbers moved so the replay crosses the 16-bit wrap.
    const auto records = rtp::test::read_records("vp8.rtp");
    ASSERT_FALSE(records.empty());
    const auto start = rtp::test::start_near_wrap(static_cast<std::uint32_t>(std::hash<std::string>{}(
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name())),
                                                  20);  // a seeded start per test, within 20 packets of the wrap
    const auto shift = static_cast<std::uint16_t>(start - rtp::RtpPacket::parse(records[0])->sequence_number());
    for (std::size_t i = 0; i < records.size(); ++i) {
      const auto parsed = rtp::RtpPacket::parse(records[i]);
      ASSERT_TRUE(parsed);
      const auto twcc = rtp::write_transport_sequence_number(static_cast<std::uint16_t>(65530 + i));
      packets_.push_back(rtp::RtpPacketBuilder::from_packet(*parsed)
                             .sequence_number(static_cast<std::uint16_t>(parsed->sequence_number() + shift))
                             .add_extension(kTransportCcId, twcc)
                             .build());
    }
    expected_frames_ = rtp::test::read_records("vp8.frames");
  }

  Bytes encrypt(Bytes packet) {
    packet.reserve(packet.size() + rtp::kSrtpProtectScratch);
    EXPECT_EQ(sender_->outbound.protect_rtp(packet), rtp::SrtpResult::ok);
    return packet;
  }

  void deliver(const Bytes& plain) {
    pipeline_->on_packet(encrypt(plain));
    clock_.advance(2ms);
  }

  Bytes rtx_for(const Bytes& original, std::uint16_t rtx_sequence) {
    return test::make_rtx_packet(original, kRtxPayloadType, kRtxSsrc, rtx_sequence);
  }

  // Decrypts what the pipeline sent and returns the typed RTCP messages.
  std::vector<rtp::rtcp::Message> sent_messages() {
    std::vector<rtp::rtcp::Message> out;
    for (auto& packet : rtcp_) {
      EXPECT_EQ(sender_->inbound.unprotect_rtcp(packet), rtp::SrtpResult::ok);
      const auto compound = rtp::rtcp::parse_compound(packet);
      EXPECT_TRUE(compound.has_value());
      if (!compound) continue;
      // RFC 3550 §6.1: every compound starts with a report, or non-rsize senders drop it.
      EXPECT_TRUE(!compound->messages.empty() &&
                  std::holds_alternative<rtp::rtcp::ReceiverReport>(compound->messages.front()));
      out.insert(out.end(), compound->messages.begin(), compound->messages.end());
    }
    rtcp_.clear();
    return out;
  }

  std::set<std::uint16_t> nacked(const std::vector<rtp::rtcp::Message>& messages) {
    std::set<std::uint16_t> out;
    for (const auto& message : messages) {
      if (const auto* nack = std::get_if<rtp::rtcp::Nack>(&message)) {
        for (auto seq : nack->sequence_numbers()) out.insert(seq);
      }
    }
    return out;
  }

  ManualClock clock_;
  std::unique_ptr<rtp::SrtpContext> sender_;
  std::unique_ptr<ReceivePipeline> pipeline_;
  std::vector<Bytes> packets_;
  std::vector<Bytes> expected_frames_;
  std::vector<Bytes> frames_;
  std::vector<Bytes> rtcp_;
};

TEST_F(ReceivePipelineTest, CleanReplayYieldsTheEncodersFramesByteForByte) {
  for (const auto& packet : packets_) deliver(packet);
  EXPECT_EQ(frames_, expected_frames_);
  EXPECT_EQ(pipeline_->stats().rtp_packets, packets_.size());
  EXPECT_EQ(pipeline_->srtp_stats().ok, packets_.size());
}

TEST_F(ReceivePipelineTest, LossesAreNackedExactlyAndRecoveredByRtx) {
  // Drop every 9th packet (≈11 %) and swap some neighbours.
  std::vector<std::size_t> order;
  std::set<std::uint16_t> dropped;
  for (std::size_t i = 0; i < packets_.size(); ++i) {
    if (i % 9 == 4) {
      dropped.insert(rtp::RtpPacket::parse(packets_[i])->sequence_number());
    } else {
      order.push_back(i);
    }
  }
  for (std::size_t i = 1; i + 1 < order.size(); i += 7) std::swap(order[i], order[i + 1]);
  order.push_back(order[3]);  // and a duplicate
  for (const auto index : order) deliver(packets_[index]);
  EXPECT_LT(frames_.size(), expected_frames_.size());

  clock_.advance(20ms);
  pipeline_->on_tick();
  EXPECT_EQ(nacked(sent_messages()), dropped);

  std::uint16_t rtx_sequence = 100;
  for (std::size_t i = 0; i < packets_.size(); ++i) {
    const auto seq = rtp::RtpPacket::parse(packets_[i])->sequence_number();
    if (dropped.contains(seq)) deliver(rtx_for(packets_[i], rtx_sequence++));
  }
  EXPECT_EQ(frames_, expected_frames_);
  const auto& nack_stats = pipeline_->video_stream(0).nack_stats();
  EXPECT_EQ(nack_stats.packets_recovered, dropped.size());
  EXPECT_EQ(pipeline_->video_stream(0).stats().rtx_packets, dropped.size());

  // Nothing is missing any more, so nothing is NACKed again.
  clock_.advance(200ms);
  pipeline_->on_tick();
  EXPECT_TRUE(nacked(sent_messages()).empty());
}

TEST_F(ReceivePipelineTest, SendsReceiverReportsAndTransportFeedbackForEveryPacket) {
  for (const auto& packet : packets_) deliver(packet);
  clock_.advance(600ms);
  pipeline_->on_tick();
  const auto messages = sent_messages();
  std::size_t feedback_packets = 0;
  bool report = false;
  for (const auto& message : messages) {
    if (const auto* feedback = std::get_if<rtp::rtcp::TransportFeedback>(&message)) {
      EXPECT_EQ(feedback->base_sequence, 65530);
      for (const auto& packet : feedback->packets) EXPECT_TRUE(packet.arrival_time_us.has_value());
      feedback_packets += feedback->packets.size();
    }
    if (const auto* rr = std::get_if<rtp::rtcp::ReceiverReport>(&message); rr && !rr->report_blocks.empty()) {
      ASSERT_EQ(rr->report_blocks.size(), 1u);
      EXPECT_EQ(rr->report_blocks[0].fraction_lost, 0);
      report = true;
    }
  }
  EXPECT_TRUE(report);
  EXPECT_EQ(feedback_packets, packets_.size());
}

TEST_F(ReceivePipelineTest, TamperedAndPlaintextPacketsAreDroppedUnparsed) {
  auto tampered = encrypt(packets_[0]);
  tampered[tampered.size() / 2] ^= 0x01;
  pipeline_->on_packet(tampered);
  pipeline_->on_packet(packets_[1]);  // plaintext RTP is never accepted
  pipeline_->on_packet(Bytes{0x80, 0x60});
  pipeline_->on_packet(Bytes{});
  EXPECT_EQ(pipeline_->srtp_stats().auth_failed, 2u);
  EXPECT_EQ(pipeline_->stats().rtp_packets, 0u);
  EXPECT_TRUE(frames_.empty());

  // The stream is unharmed: the genuine packets still make every frame.
  for (const auto& packet : packets_) deliver(packet);
  EXPECT_EQ(frames_, expected_frames_);
}

TEST_F(ReceivePipelineTest, ADecoderKeyframeRequestBecomesAPacedPli) {
  deliver(packets_[0]);
  pipeline_->request_keyframe(0);
  clock_.advance(20ms);
  pipeline_->on_tick();
  auto count_pli = [](const std::vector<rtp::rtcp::Message>& messages) {
    return std::count_if(messages.begin(), messages.end(),
                         [](const auto& m) { return std::holds_alternative<rtp::rtcp::Pli>(m); });
  };
  EXPECT_EQ(count_pli(sent_messages()), 1);
  pipeline_->request_keyframe(0);
  clock_.advance(20ms);
  pipeline_->on_tick();
  EXPECT_EQ(count_pli(sent_messages()), 0);  // within 300 ms of the last one
  clock_.advance(300ms);
  pipeline_->on_tick();
  EXPECT_EQ(count_pli(sent_messages()), 1);
}

}  // namespace
}  // namespace presentd::media
