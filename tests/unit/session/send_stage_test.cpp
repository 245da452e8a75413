// SPDX-License-Identifier: Apache-2.0
// The send stage, driven as a viewer sees it: a viewer-side SRTP context made from the keys
// DTLS-SRTP would export for the other role unprotects what the stage sends (presenters' packets
// as the viewer's own streams, one transport-wide counter across them, resends for its NACKs,
// sender reports with SDES), and protects the RTCP the viewer sends back (NACK, PLI, FIR, REMB,
// reports, transport-wide feedback). Garbage, forged SRTCP and the viewer's own RTP are counted
// and change nothing. Sequence numbers start near the wrap, so every test crosses it.
#include "presentd/session/send_stage.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "presentd/media/forward/sender_report_clock.hpp"
#include "presentd/rtp/packet_classifier.hpp"
#include "presentd/rtp/rtcp/compound.hpp"
#include "presentd/rtp/rtp_header_extension.hpp"
#include "support/rtp/wrap_test_support.hpp"
#include "unit/media/forward/forward_test_packets.hpp"

namespace presentd::session {
namespace {

using namespace std::chrono_literals;
using media::test::Bytes;
using media::test::kVp8InterFrame;
using media::test::kVp8Keyframe;
using media::test::media_packet;

constexpr auto kProfile = rtp::SrtpProfile::aes_cm_128_hmac_sha1_80;
constexpr std::uint32_t kPresenterVideo = 0xA11CE;
constexpr std::uint32_t kPresenterAudio = 0xA11CF;
constexpr std::uint32_t kViewerVideo = 0x5EE0001;
constexpr std::uint32_t kViewerAudio = 0x5EE0002;
constexpr std::uint32_t kViewerRtcp = 0x7777;  // the viewer's own SSRC in its RTCP
constexpr std::uint8_t kPresenterVp8 = 96;
constexpr std::uint8_t kPresenterOpus = 111;
constexpr std::uint8_t kViewerVp8 = 102;
constexpr std::uint8_t kViewerOpus = 109;
constexpr std::uint8_t kMidId = 1;
constexpr std::uint8_t kAbsSendTimeId = 2;
constexpr std::uint8_t kTransportCcId = 3;
const Bytes kOpus = {0xFC, 0x01, 0x02};  // TOC: one 20 ms CELT frame
const auto kWallClockAtStart = std::chrono::system_clock::time_point{std::chrono::seconds{1'750'000'000}};

const media::SourceStreamConfig kSourceVideo{
    kPresenterVideo, {{kPresenterVp8, kViewerVp8, rtp::PayloadFormat::vp8}}, {}};
const media::SourceStreamConfig kSourceAudio{
    kPresenterAudio, {{kPresenterOpus, kViewerOpus, rtp::PayloadFormat::opus}}, {}};

SendStreamConfig stream_config(media::ForwardedMedia kind, std::uint32_t ssrc, std::uint16_t first_sequence) {
  SendStreamConfig config;
  config.forwarder.media = kind;
  const bool video = kind == media::ForwardedMedia::video;
  auto& stream = config.forwarder.stream;
  stream.ssrc = ssrc;
  stream.clock_rate = video ? 90000 : 48000;
  stream.initial_sequence_number = first_sequence;
  stream.initial_timestamp = video ? 0xFFFFF000 : 0x7FFFFF00;
  stream.mid = video ? "0" : "1";
  stream.extensions = {{kMidId, std::string(rtp::kMidUri)}, {kTransportCcId, std::string(rtp::kTransportCcUri)}};
  if (video) stream.extensions.push_back({kAbsSendTimeId, std::string(rtp::kAbsSendTimeUri)});
  // What a browser's recvonly offer negotiates: video NACK, PLI and FIR, transport-cc and REMB.
  config.nack = video;
  config.pli = video;
  config.fir = video;
  config.remb = video;
  config.transport_cc = true;
  return config;
}

SendStageConfig stage_config() {
  SendStageConfig config;
  config.streams.push_back(stream_config(media::ForwardedMedia::video, kViewerVideo, rtp::test::start_near_wrap(1)));
  config.streams.push_back(stream_config(media::ForwardedMedia::audio, kViewerAudio, rtp::test::start_near_wrap(2)));
  config.cname = "presentd-box";
  config.first_transport_sequence_number = rtp::test::start_near_wrap(3, 5);
  config.wall_clock_at_start = kWallClockAtStart;
  return config;
}

struct ViewerLink : SendStage::Listener {
  void send_srtp(std::span<const std::uint8_t> datagram) override {
    datagrams.emplace_back(datagram.begin(), datagram.end());
  }
  void request_keyframe(std::uint32_t source_ssrc, Clock::TimePoint) override {
    keyframe_requests.push_back(source_ssrc);
  }
  std::vector<Bytes> datagrams;
  std::vector<std::uint32_t> keyframe_requests;
};

// What the viewer made of the datagrams: RTP as plaintext, RTCP parsed.
struct Received {
  std::vector<Bytes> rtp;
  std::vector<rtp::rtcp::CompoundParseResult> rtcp;
};

double milliseconds(Clock::Duration duration) { return std::chrono::duration<double, std::milli>(duration).count(); }

std::uint16_t transport_sequence(const Bytes& packet) {
  const auto parsed = rtp::RtpPacket::parse(packet);
  const auto data = parsed ? parsed->find_extension(kTransportCcId) : std::nullopt;
  const auto sequence = data ? rtp::parse_transport_sequence_number(*data) : std::nullopt;
  EXPECT_TRUE(sequence);
  return sequence.value_or(0);
}

class SendStageTest : public ::testing::Test {
protected:
  void SetUp() override {
    Bytes exported(rtp::keying_material_length(kProfile));
    std::mt19937 rng(11);
    for (auto& byte : exported) byte = static_cast<std::uint8_t>(rng());
    // The box answers as the DTLS server; the viewer is the client.
    ours_ = *rtp::split_dtls_srtp_keying_material(kProfile, exported, rtp::DtlsRole::server);
    theirs_ = *rtp::split_dtls_srtp_keying_material(kProfile, exported, rtp::DtlsRole::client);
    viewer_ = std::make_unique<rtp::SrtpContext>(kProfile, theirs_);
    make_stage(stage_config());
  }

  void make_stage(SendStageConfig config) {
    stage_ = std::make_unique<SendStage>(clock_, std::move(config), kProfile, ours_, link_);
  }

  void select_presenters() {
    stage_->select_source(0, kSourceVideo);
    stage_->select_source(1, kSourceAudio);
  }

  void forward(std::size_t stream, const Bytes& packet) {
    const auto parsed = rtp::RtpPacket::parse(packet);
    ASSERT_TRUE(parsed);
    stage_->forward(stream, *parsed);
  }
  void forward_video(std::uint16_t offset, const Bytes& payload) {
    forward(0, media_packet(kPresenterVideo, kPresenterVp8, static_cast<std::uint16_t>(video_start_ + offset),
                            3000u * offset, payload));
  }
  void forward_audio(std::uint16_t offset) {
    forward(1, media_packet(kPresenterAudio, kPresenterOpus, static_cast<std::uint16_t>(audio_start_ + offset),
                            960u * offset, kOpus));
  }

  // Unprotects and parses everything sent since the last call.
  Received take() {
    Received received;
    for (auto& datagram : link_.datagrams) {
      if (rtp::classify_packet(datagram) == rtp::PacketKind::rtcp) {
        EXPECT_EQ(viewer_->inbound.unprotect_rtcp(datagram), rtp::SrtpResult::ok);
        auto compound = rtp::rtcp::parse_compound(datagram);
        EXPECT_TRUE(compound);
        if (compound) received.rtcp.push_back(std::move(*compound));
      } else {
        EXPECT_EQ(viewer_->inbound.unprotect_rtp(datagram), rtp::SrtpResult::ok);
        received.rtp.push_back(std::move(datagram));
      }
    }
    link_.datagrams.clear();
    return received;
  }

  // The viewer's RTCP, protected with its own key.
  void viewer_sends(const std::vector<rtp::rtcp::Message>& messages) {
    auto compound = rtp::rtcp::write_compound(messages);
    ASSERT_FALSE(compound.empty());
    ASSERT_EQ(viewer_->outbound.protect_rtcp(compound), rtp::SrtpResult::ok);
    stage_->on_packet(compound);
  }

  ManualClock clock_;
  rtp::SrtpKeyPair ours_;
  rtp::SrtpKeyPair theirs_;
  std::unique_ptr<rtp::SrtpContext> viewer_;
  ViewerLink link_;
  std::unique_ptr<SendStage> stage_;
  std::uint16_t video_start_ = rtp::test::start_near_wrap(4);
  std::uint16_t audio_start_ = rtp::test::start_near_wrap(5);
};

TEST_F(SendStageTest, PresenterPacketsReachTheViewerAsItsOwnStreamsWithOneTransportWideCounter) {
  select_presenters();
  EXPECT_EQ(link_.keyframe_requests, std::vector<std::uint32_t>{kPresenterVideo});  // the video's join
  forward_video(0, kVp8InterFrame);  // held: the viewer's decoder starts at a keyframe
  for (std::uint16_t i = 1; i <= 40; ++i) {
    forward_video(i, i == 1 ? kVp8Keyframe : kVp8InterFrame);
    forward_audio(i);
    clock_.advance(20ms);
  }
  const auto received = take();
  ASSERT_EQ(received.rtp.size(), 80u);
  const auto& config = stage_config();
  std::uint16_t next_video = config.streams[0].forwarder.stream.initial_sequence_number;
  std::uint16_t next_audio = config.streams[1].forwarder.stream.initial_sequence_number;
  std::uint16_t next_transport = config.first_transport_sequence_number;
  for (const auto& bytes : received.rtp) {
    const auto packet = rtp::RtpPacket::parse(bytes);
    ASSERT_TRUE(packet);
    const bool video = packet->ssrc() == kViewerVideo;
    ASSERT_TRUE(video || packet->ssrc() == kViewerAudio);
    EXPECT_EQ(packet->payload_type(), video ? kViewerVp8 : kViewerOpus);
    EXPECT_EQ(packet->sequence_number(), video ? next_video++ : next_audio++);
    EXPECT_EQ(transport_sequence(bytes), next_transport++);
    const auto mid = packet->find_extension(kMidId);
    ASSERT_TRUE(mid);
    EXPECT_EQ(std::string(mid->begin(), mid->end()), video ? "0" : "1");
    // Only the video negotiated abs-send-time.
    EXPECT_EQ(packet->find_extension(kAbsSendTimeId).has_value(), video);
  }
  EXPECT_LT(next_transport, config.first_transport_sequence_number);  // wrapped
  // The last video packet went out 20 ms ago.
  const auto last_video = rtp::RtpPacket::parse(received.rtp[received.rtp.size() - 2]);
  EXPECT_EQ(rtp::parse_abs_send_time(*last_video->find_extension(kAbsSendTimeId)),
            media::abs_send_time(clock_.now() - 20ms));
  EXPECT_EQ(stage_->next_transport_sequence_number(), next_transport);
  EXPECT_EQ(stage_->stats().rtp_sent, 80u);
  EXPECT_EQ(stage_->stream_stats(0).packets_sent, 40u);
  EXPECT_EQ(stage_->stream_stats(1).packets_sent, 40u);
  EXPECT_EQ(stage_->stats().rtp_bytes_sent, stage_->stream_stats(0).bytes_sent + stage_->stream_stats(1).bytes_sent);
  EXPECT_EQ(stage_->stream(0).gate().stats().packets_held, 1u);
  EXPECT_EQ(stage_->srtp_outbound_stats().ok, 80u);
}

TEST_F(SendStageTest, BitrateIsMeasuredPerStreamOverTheWindow) {
  select_presenters();
  Bytes payload = kVp8Keyframe;
  payload.resize(1000, 0xAB);
  for (std::uint16_t i = 0; i < 100; ++i) {
    forward_video(i, payload);
    stage_->on_tick();
    clock_.advance(20ms);
  }
  const auto bitrate = stage_->bitrate_bps(0);
  ASSERT_TRUE(bitrate);
  // 50 packets a second of 1000 bytes of payload plus headers and the SRTP tag.
  EXPECT_GT(*bitrate, 400'000u);
  EXPECT_LT(*bitrate, 440'000u);
  EXPECT_EQ(stage_->bitrate_bps(1), 0u);
}

TEST_F(SendStageTest, ANackIsAnsweredWithTheSameBytesProtectedAgain) {
  select_presenters();
  for (std::uint16_t i = 0; i < 3; ++i) forward_video(i, i == 0 ? kVp8Keyframe : kVp8InterFrame);
  auto sent = link_.datagrams;
  link_.datagrams.clear();
  ASSERT_EQ(sent.size(), 3u);
  // The viewer lost the second packet: it unprotects the others, and NACKs that one.
  ASSERT_EQ(viewer_->inbound.unprotect_rtp(sent[0]), rtp::SrtpResult::ok);
  ASSERT_EQ(viewer_->inbound.unprotect_rtp(sent[2]), rtp::SrtpResult::ok);
  const auto first_sequence = rtp::RtpPacket::parse(sent[0])->sequence_number();
  const auto lost = static_cast<std::uint16_t>(first_sequence + 1);
  // What the lost packet held, as the box first sent it (another receiver with the same key).
  rtp::SrtpSession witness(kProfile, theirs_.remote, rtp::SrtpSession::Direction::inbound);
  ASSERT_EQ(witness.unprotect_rtp(sent[1]), rtp::SrtpResult::ok);
  clock_.advance(30ms);
  const std::vector<std::uint16_t> lost_list{lost};
  viewer_sends(
      {rtp::rtcp::ReceiverReport{kViewerRtcp, {}}, rtp::rtcp::Nack::for_packets(kViewerRtcp, kViewerVideo, lost_list)});

  const auto received = take();
  ASSERT_EQ(received.rtp.size(), 1u);
  const auto& resend = received.rtp[0];
  ASSERT_EQ(resend.size(), sent[1].size());
  EXPECT_EQ(rtp::RtpPacket::parse(resend)->sequence_number(), lost);
  // A new transmission: a new transport-wide number and send time, every other byte the same.
  const auto first_transport = transport_sequence(sent[0]);
  EXPECT_EQ(transport_sequence(sent[1]), static_cast<std::uint16_t>(first_transport + 1));
  EXPECT_EQ(transport_sequence(resend), static_cast<std::uint16_t>(first_transport + 3));
  const auto placement = stage_->stream(0).rewriter().placement_of(*rtp::RtpPacket::parse(resend));
  Bytes expected = sent[1];
  const auto transport = rtp::write_transport_sequence_number(static_cast<std::uint16_t>(first_transport + 3));
  const auto send_time = rtp::write_abs_send_time(media::abs_send_time(clock_.now()));
  std::copy(transport.begin(), transport.end(),
            expected.begin() + static_cast<std::ptrdiff_t>(*placement.transport_sequence_number_offset));
  std::copy(send_time.begin(), send_time.end(),
            expected.begin() + static_cast<std::ptrdiff_t>(*placement.abs_send_time_offset));
  EXPECT_EQ(resend, expected);
  EXPECT_EQ(stage_->stream(0).stats().resends, 1u);
  EXPECT_EQ(stage_->stats().nacks, 1u);

  // A NACK for an SSRC the box does not send, and one for the audio, which negotiated none.
  viewer_sends({rtp::rtcp::Nack::for_packets(kViewerRtcp, 0xBAD, lost_list)});
  viewer_sends({rtp::rtcp::Nack::for_packets(kViewerRtcp, kViewerAudio, lost_list)});
  EXPECT_TRUE(link_.datagrams.empty());
  EXPECT_EQ(stage_->stats().unknown_ssrc, 1u);
  EXPECT_EQ(stage_->stats().not_negotiated, 1u);
  EXPECT_EQ(stage_->stats().nacks, 1u);
}

TEST_F(SendStageTest, PliAndFirAskThePresenterOfThatStream) {
  select_presenters();
  forward_video(0, kVp8Keyframe);
  link_.keyframe_requests.clear();
  viewer_sends({rtp::rtcp::Pli{kViewerRtcp, kViewerVideo}});
  EXPECT_EQ(link_.keyframe_requests, std::vector<std::uint32_t>{kPresenterVideo});
  viewer_sends({rtp::rtcp::Fir{kViewerRtcp, {{kViewerVideo, 1}, {0xBAD, 1}}}});
  EXPECT_EQ(link_.keyframe_requests, (std::vector<std::uint32_t>{kPresenterVideo, kPresenterVideo}));
  EXPECT_EQ(stage_->stream(0).stats().viewer_keyframe_requests, 2u);
  EXPECT_EQ(stage_->stats().keyframe_requests, 2u);
  EXPECT_EQ(stage_->stats().unknown_ssrc, 1u);
  // The audio m-line negotiated no PLI (and audio has no keyframes).
  viewer_sends({rtp::rtcp::Pli{kViewerRtcp, kViewerAudio}});
  EXPECT_EQ(link_.keyframe_requests.size(), 2u);
  EXPECT_EQ(stage_->stats().not_negotiated, 1u);
}

TEST_F(SendStageTest, SenderReportsWithSdesGoOutEveryIntervalOnceSomethingWasSent) {
  const auto start = clock_.now();
  stage_->on_tick();
  EXPECT_TRUE(link_.datagrams.empty());  // nothing sent: nothing to report
  select_presenters();
  forward_video(0, kVp8Keyframe);
  forward_audio(0);
  const auto media = take();
  ASSERT_EQ(media.rtp.size(), 2u);
  const auto video_timestamp = rtp::RtpPacket::parse(media.rtp[0])->timestamp();
  const auto audio_timestamp = rtp::RtpPacket::parse(media.rtp[1])->timestamp();

  const auto expect_reports = [&](std::uint32_t elapsed_ms) {
    const auto received = take();
    ASSERT_EQ(received.rtcp.size(), 1u);
    const auto& messages = received.rtcp[0].messages;
    ASSERT_EQ(messages.size(), 3u);
    const auto ntp = media::ntp_from_system_time(kWallClockAtStart + (clock_.now() - start));
    const auto* video = std::get_if<rtp::rtcp::SenderReport>(&messages[0]);
    const auto* audio = std::get_if<rtp::rtcp::SenderReport>(&messages[1]);
    const auto* sdes = std::get_if<rtp::rtcp::Sdes>(&messages[2]);
    ASSERT_TRUE(video && audio && sdes);
    EXPECT_EQ(video->sender_ssrc, kViewerVideo);
    EXPECT_EQ(audio->sender_ssrc, kViewerAudio);
    EXPECT_EQ(video->ntp_timestamp, ntp);
    EXPECT_EQ(audio->ntp_timestamp, ntp);
    // The RTP clocks run on from the packets sent, at each stream's rate.
    EXPECT_EQ(video->rtp_timestamp, video_timestamp + 90 * elapsed_ms);
    EXPECT_EQ(audio->rtp_timestamp, audio_timestamp + 48 * elapsed_ms);
    EXPECT_EQ(video->packet_count, 1u);
    EXPECT_EQ(video->octet_count, kVp8Keyframe.size());
    EXPECT_EQ(audio->octet_count, kOpus.size());
    EXPECT_EQ(sdes->chunks,
              (std::vector<rtp::rtcp::SdesChunk>{{kViewerVideo, "presentd-box"}, {kViewerAudio, "presentd-box"}}));
  };
  stage_->on_tick();  // the first report as soon as there is something to report
  expect_reports(0);
  clock_.advance(500ms);
  stage_->on_tick();
  EXPECT_TRUE(link_.datagrams.empty());
  clock_.advance(500ms);
  stage_->on_tick();
  expect_reports(1000);
  EXPECT_EQ(stage_->stats().rtcp_sent, 2u);
  // The NTP time keeps to the wall clock it started from: 2025, in NTP seconds since 1900.
  EXPECT_EQ(media::ntp_from_system_time(kWallClockAtStart) >> 32, 1'750'000'000u + 2'208'988'800u);
}

TEST_F(SendStageTest, ReportBlocksGiveTheRoundTripAndTheLoss) {
  select_presenters();
  forward_video(0, kVp8Keyframe);
  stage_->on_tick();
  const auto received = take();
  ASSERT_EQ(received.rtcp.size(), 1u);
  const auto report = std::get<rtp::rtcp::SenderReport>(received.rtcp[0].messages[0]);
  EXPECT_FALSE(stage_->rtt());
  EXPECT_FALSE(stage_->loss());

  // The viewer held the report 10 ms, and its answer took 30 ms to come back: 20 ms on the wire.
  clock_.advance(30ms);
  rtp::rtcp::ReportBlock block;
  block.source_ssrc = kViewerVideo;
  block.fraction_lost = 64;  // a quarter
  block.last_sr = report.compact_ntp();
  block.delay_since_last_sr = 655;  // 10 ms in 1/65536 s
  rtp::rtcp::ReportBlock stranger = block;
  stranger.source_ssrc = 0xBAD;
  stranger.fraction_lost = 255;  // about an SSRC the box does not send: not this viewer's path
  viewer_sends({rtp::rtcp::ReceiverReport{kViewerRtcp, {block, stranger}}});
  ASSERT_TRUE(stage_->rtt());
  EXPECT_NEAR(milliseconds(*stage_->rtt()), 20.0, 0.1);
  ASSERT_TRUE(stage_->loss());
  EXPECT_DOUBLE_EQ(*stage_->loss(), 0.25);
  EXPECT_EQ(stage_->stats().report_block_sets, 1u);
  EXPECT_EQ(stage_->stats().unknown_ssrc, 1u);

  // A block that echoes no report yet (LSR 0), or an echo from the future, leaves the RTT.
  block.last_sr = 0;
  viewer_sends({rtp::rtcp::ReceiverReport{kViewerRtcp, {block}}});
  block.last_sr = report.compact_ntp() + 65536;
  viewer_sends({rtp::rtcp::ReceiverReport{kViewerRtcp, {block}}});
  EXPECT_NEAR(milliseconds(*stage_->rtt()), 20.0, 0.1);
}

TEST_F(SendStageTest, TransportWideFeedbackReachesThePolicy) {
  select_presenters();
  const auto feedback = [](std::uint16_t base, std::uint8_t count) {
    rtp::rtcp::TransportFeedback message;
    message.sender_ssrc = kViewerRtcp;
    message.media_ssrc = kViewerVideo;
    message.base_sequence = base;
    message.feedback_count = count;
    for (std::uint16_t i = 0; i < 10; ++i) {
      // Every other packet lost.
      message.packets.push_back(
          {static_cast<std::uint16_t>(base + i), i % 2 == 0 ? std::optional<std::int64_t>(i * 1000) : std::nullopt});
    }
    return message;
  };
  const auto base = stage_config().first_transport_sequence_number;
  viewer_sends({rtp::rtcp::ReceiverReport{kViewerRtcp, {}}, feedback(base, 0)});
  EXPECT_FALSE(stage_->loss());  // one message is too few packets for a figure
  clock_.advance(1s);
  viewer_sends({rtp::rtcp::ReceiverReport{kViewerRtcp, {}}, feedback(static_cast<std::uint16_t>(base + 10), 1)});
  ASSERT_TRUE(stage_->loss());
  EXPECT_DOUBLE_EQ(*stage_->loss(), 0.5);
  EXPECT_EQ(stage_->stats().transport_feedbacks, 2u);
}

TEST_F(SendStageTest, FeedbackTheViewerDidNotNegotiateIsIgnored) {
  auto config = stage_config();
  for (auto& stream : config.streams) stream.remb = stream.transport_cc = false;
  make_stage(std::move(config));
  rtp::rtcp::TransportFeedback feedback;
  feedback.sender_ssrc = kViewerRtcp;
  feedback.media_ssrc = kViewerVideo;
  feedback.packets = {{0, std::nullopt}, {1, std::nullopt}};
  viewer_sends(
      {rtp::rtcp::ReceiverReport{kViewerRtcp, {}}, feedback, rtp::rtcp::Remb{kViewerRtcp, 1000, {kViewerVideo}}});
  clock_.advance(2s);
  viewer_sends({rtp::rtcp::ReceiverReport{kViewerRtcp, {}}, feedback});
  EXPECT_EQ(stage_->stats().not_negotiated, 3u);
  EXPECT_EQ(stage_->stats().rembs, 0u);
  EXPECT_EQ(stage_->stats().transport_feedbacks, 0u);
  EXPECT_FALSE(stage_->estimate_bps());
  EXPECT_FALSE(stage_->loss());
}

// A presenter sends video (1000-byte packets, 50 a second) and audio; the viewer's REMB says 50
// kbit/s. After 5 s of that its video pauses, its audio does not; when its REMB is back up and
// its reports show no loss for 5 s, the video resumes at the presenter's next keyframe, its
// numbering continuing without a gap.
TEST_F(SendStageTest, RembFarUnderTheBitratePausesVideoButNotAudioAndRecoveryResumesIt) {
  select_presenters();
  Bytes inter = kVp8InterFrame;
  inter.resize(1000, 0xAB);
  Bytes key = kVp8Keyframe;
  key.resize(1000, 0xAB);
  std::uint16_t packet = 0;
  std::uint16_t keyframe_at = 0;  // the presenter's next keyframe
  std::uint64_t remb_bps = 50'000;
  std::optional<std::uint16_t> last_video_sequence;
  std::size_t video_received = 0;
  std::size_t audio_received = 0;
  const auto run_for = [&](Clock::Duration duration, const std::function<bool()>& until) {
    for (auto end = clock_.now() + duration; clock_.now() < end && !until();) {
      clock_.advance(20ms);
      forward_video(packet, packet == keyframe_at ? key : inter);
      forward_audio(packet);
      ++packet;
      if (packet % 10 == 0) {
        viewer_sends({rtp::rtcp::ReceiverReport{kViewerRtcp, {{kViewerAudio, 0, 0, 0, 0, 0, 0}}},
                      rtp::rtcp::Remb{kViewerRtcp, remb_bps, {kViewerVideo}}});
      }
      stage_->on_tick();
      for (const auto& bytes : take().rtp) {
        const auto parsed = rtp::RtpPacket::parse(bytes);
        if (parsed->ssrc() == kViewerAudio) {
          ++audio_received;
          continue;
        }
        ++video_received;
        if (last_video_sequence) {
          EXPECT_EQ(parsed->sequence_number(), static_cast<std::uint16_t>(*last_video_sequence + 1));
        }
        last_video_sequence = parsed->sequence_number();
      }
    }
  };
  const auto paused = [&] { return stage_->video_paused(); };
  const auto started = clock_.now();
  run_for(10s, paused);
  ASSERT_TRUE(stage_->video_paused());
  EXPECT_GE(clock_.now() - started, 5s);
  EXPECT_LE(clock_.now() - started, 6500ms);
  EXPECT_TRUE(stage_->stream(0).paused());
  EXPECT_FALSE(stage_->stream(1).paused());
  EXPECT_EQ(stage_->estimate_bps(), 50'000u);

  // Paused: audio goes on, video does not.
  video_received = audio_received = 0;
  remb_bps = 10'000'000;
  link_.keyframe_requests.clear();
  run_for(1s, [] { return false; });
  EXPECT_EQ(video_received, 0u);
  EXPECT_EQ(audio_received, 50u);
  EXPECT_GT(stage_->stream(0).stats().packets_paused, 0u);
  EXPECT_EQ(stage_->bitrate_bps(0), 0u);

  // Recovered for 5 s: the video resumes and asks the presenter for a keyframe.
  run_for(10s, [&] { return !stage_->video_paused(); });
  ASSERT_FALSE(stage_->video_paused());
  EXPECT_EQ(link_.keyframe_requests, std::vector<std::uint32_t>{kPresenterVideo});
  EXPECT_EQ(stage_->congestion().stats().pauses, 1u);
  EXPECT_EQ(stage_->congestion().stats().resumes, 1u);
  // Held until the keyframe, then flowing again without a gap.
  video_received = 0;
  run_for(200ms, [] { return false; });
  EXPECT_EQ(video_received, 0u);
  keyframe_at = packet;
  run_for(200ms, [] { return false; });
  EXPECT_EQ(video_received, 10u);
}

TEST_F(SendStageTest, GarbageForgedSrtcpAndTheViewersOwnRtpAreCountedAndIgnored) {
  select_presenters();
  forward_video(0, kVp8Keyframe);
  link_.datagrams.clear();
  link_.keyframe_requests.clear();
  // Plain RTCP, never protected: it must not ask the presenter for anything.
  const auto plain = rtp::rtcp::write_compound(std::vector<rtp::rtcp::Message>{
      rtp::rtcp::ReceiverReport{kViewerRtcp, {}}, rtp::rtcp::Pli{kViewerRtcp, kViewerVideo},
      rtp::rtcp::Sdes{{{kViewerRtcp, "viewer"}}}});
  stage_->on_packet(plain);
  // Protected with the wrong key (ours, i.e. a reflection of what the box sends).
  auto reflected = plain;
  rtp::SrtpSession wrong(kProfile, ours_.local, rtp::SrtpSession::Direction::outbound);
  ASSERT_EQ(wrong.protect_rtcp(reflected), rtp::SrtpResult::ok);
  stage_->on_packet(reflected);
  // A protected packet with one bit flipped.
  auto flipped = plain;
  ASSERT_EQ(viewer_->outbound.protect_rtcp(flipped), rtp::SrtpResult::ok);
  flipped[9] ^= 0x01;
  stage_->on_packet(flipped);
  EXPECT_EQ(stage_->srtp_inbound_stats().auth_failed, 3u);
  EXPECT_TRUE(link_.keyframe_requests.empty());
  EXPECT_EQ(stage_->stats().rtcp_received, 0u);

  // Authenticated but broken: a length past the end, and a NACK without any entry.
  Bytes broken = {0x80, rtp::rtcp::kTypeReceiverReport, 0x00, 0x09, 0x00, 0x00, 0x77, 0x77};
  ASSERT_EQ(viewer_->outbound.protect_rtcp(broken), rtp::SrtpResult::ok);
  stage_->on_packet(broken);
  Bytes empty_nack = {0x81, rtp::rtcp::kTypeRtpFeedback, 0x00, 0x02, 0, 0, 0x77, 0x77, 0x05, 0xEE, 0x00, 0x01};
  ASSERT_EQ(viewer_->outbound.protect_rtcp(empty_nack), rtp::SrtpResult::ok);
  stage_->on_packet(empty_nack);
  EXPECT_EQ(stage_->stats().rtcp_malformed, 2u);
  EXPECT_EQ(stage_->stats().rtcp_received, 1u);

  // Neither RTP nor RTCP, and nothing at all.
  stage_->on_packet(Bytes{0x00, 0x01, 0x00, 0x00});
  stage_->on_packet(Bytes{});
  EXPECT_EQ(stage_->stats().not_rtp_or_rtcp, 2u);

  // RTP from the viewer, even correctly protected: a recvonly viewer sends no media.
  auto rtp_packet = media_packet(kViewerRtcp, 96, 1, 1, kVp8Keyframe);
  ASSERT_EQ(viewer_->outbound.protect_rtp(rtp_packet), rtp::SrtpResult::ok);
  stage_->on_packet(rtp_packet);
  EXPECT_EQ(stage_->stats().rtp_from_viewer, 1u);
  EXPECT_EQ(stage_->srtp_inbound_stats().ok, 2u);  // the two broken compounds only

  // A stream index past the m-lines.
  stage_->forward(2, *rtp::RtpPacket::parse(media_packet(kPresenterVideo, kPresenterVp8, 9, 9)));
  stage_->select_source(7, kSourceVideo);
  stage_->clear_source(7);
  EXPECT_EQ(stage_->stats().invalid_stream, 3u);
  EXPECT_TRUE(link_.datagrams.empty());
  EXPECT_TRUE(link_.keyframe_requests.empty());
}

}  // namespace
}  // namespace presentd::session
