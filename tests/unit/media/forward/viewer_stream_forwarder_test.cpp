// SPDX-License-Identifier: Apache-2.0
// ViewerStreamForwarder: joins, switches between presenters of other SSRCs and payload types,
// pauses and resumes played as scripts from random starts that cross the 16-bit wrap, with the
// viewer numbers and keyframe requests each expects; then NACKs answered byte for byte, sender
// reports, audio, and the congestion policy driving a viewer's video and audio end to end.
#include "presentd/media/forward/viewer_stream_forwarder.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "presentd/media/forward/viewer_congestion_policy.hpp"
#include "presentd/rtp/rtp_header_extension.hpp"
#include "support/rtp/wrap_test_support.hpp"
#include "unit/media/forward/forward_test_packets.hpp"

namespace presentd::media {
namespace {

using namespace std::chrono_literals;
using rtp::PayloadFormat;
using test::Bytes;
using test::kH264Idr;
using test::kH264Slice;
using test::kVp8InterFrame;
using test::kVp8Keyframe;
using test::media_packet;
using Action = CongestionAction;

constexpr std::uint32_t kViewerSsrc = 0x5EE0001;
constexpr std::uint32_t kSsrcA = 0xA;  // presents VP8 as PT 96
constexpr std::uint32_t kSsrcB = 0xB;  // presents H.264 as PT 126
constexpr std::uint32_t kSsrcC = 0xC;  // presents VP8 as PT 96, as A does
constexpr std::uint8_t kViewerVp8 = 102;
constexpr std::uint8_t kViewerH264 = 104;

// Opus (RFC 6716 §3.1): TOC 0xFC, one 20 ms fullband CELT frame; every packet starts a frame.
const Bytes kOpus = {0xFC, 0x01, 0x02};

const SourceStreamConfig kSourceA{kSsrcA, {{96, kViewerVp8, PayloadFormat::vp8}}, {}};
const SourceStreamConfig kSourceB{kSsrcB, {{126, kViewerH264, PayloadFormat::h264}}, {}};

// What the send stage and the room's limiter were handed.
class RecordingListener : public ViewerStreamForwarder::Listener {
public:
  struct Sent {
    Bytes bytes;
    RewrittenPacket placement;
    bool resend;
  };
  void send_rtp(const OutgoingPacket& packet) override {
    sent.push_back({Bytes(packet.bytes.begin(), packet.bytes.end()), packet.placement, packet.resend});
  }
  void request_keyframe(std::uint32_t source_ssrc, Clock::TimePoint) override {
    keyframe_requests.push_back(source_ssrc);
  }
  std::vector<Sent> sent;
  std::vector<std::uint32_t> keyframe_requests;
};

ViewerStreamForwarderConfig video_config(std::uint16_t initial_sequence) {
  ViewerStreamForwarderConfig config;
  config.media = ForwardedMedia::video;
  config.stream.ssrc = kViewerSsrc;
  config.stream.initial_sequence_number = initial_sequence;
  config.stream.initial_timestamp = 1000;
  return config;
}

// --- Scripts ---

enum class Op {
  select_a,
  select_b,
  clear,
  inter_a,
  key_a,
  inter_b,
  key_b,
  key_c,
  pause,
  resume,
  viewer_pli,
  advance_ms
};

struct Step {
  Op op;
  int seq = 0;               // packets: offset from the source's random start; advance: ms
  std::optional<int> out{};  // packets: the viewer's offset it must be sent with; nullopt: not sent
};

Step inter_a(int seq, std::optional<int> out = std::nullopt) { return {Op::inter_a, seq, out}; }
Step key_a(int seq, std::optional<int> out = std::nullopt) { return {Op::key_a, seq, out}; }
Step inter_b(int seq, std::optional<int> out = std::nullopt) { return {Op::inter_b, seq, out}; }
Step key_b(int seq, std::optional<int> out = std::nullopt) { return {Op::key_b, seq, out}; }
Step key_c(int seq) { return {Op::key_c, seq}; }
Step advance(int ms) { return {Op::advance_ms, ms}; }
const Step kSelectA{Op::select_a};
const Step kSelectB{Op::select_b};
const Step kClear{Op::clear};
const Step kPause{Op::pause};
const Step kResume{Op::resume};
const Step kViewerPli{Op::viewer_pli};

struct Case {
  const char* name;
  std::vector<Step> steps;
  std::vector<std::uint32_t> keyframe_requests;  // in order
};

const std::vector<Case> kCases = {
    {"join_holds_video_until_a_keyframe",
     {kSelectA, inter_a(0), inter_a(1), key_a(2, 0), inter_a(3, 1), inter_a(4, 2), inter_a(5, 3)},
     {kSsrcA}},
    {"switch_continues_after_the_new_keyframe",
     {kSelectA, key_a(0, 0), inter_a(1, 1), kSelectB, inter_b(0), inter_a(2), inter_b(1), key_b(2, 2), inter_b(3, 3),
      inter_a(3), inter_b(4, 4)},
     {kSsrcA, kSsrcB}},
    {"switch_back_and_forth",
     {kSelectA, key_a(0, 0), kSelectB, key_b(0, 1), inter_b(1, 2), kSelectA, inter_a(5), key_a(6, 3), inter_a(7, 4)},
     {kSsrcA, kSsrcB, kSsrcA}},
    {"held_packets_ask_again_every_500ms",
     {kSelectA, inter_a(0), advance(300), inter_a(1), advance(200), inter_a(2), advance(100), inter_a(3), key_a(4, 0)},
     {kSsrcA, kSsrcA}},
    {"another_presenters_keyframe_does_not_open_the_gate",
     {kSelectA, key_c(0), key_b(0), inter_a(0), key_a(1, 0), inter_a(2, 1)},
     {kSsrcA}},
    {"viewer_pli_asks_the_presenter", {kSelectA, key_a(0, 0), kViewerPli, inter_a(1, 1)}, {kSsrcA, kSsrcA}},
    {"paused_video_is_not_sent_and_resumes_at_a_keyframe_without_a_gap",
     {kSelectA, key_a(0, 0), inter_a(1, 1), kPause, inter_a(2), key_a(3), inter_a(4), kViewerPli, advance(5000),
      kResume, inter_a(5), inter_a(6), key_a(7, 2), inter_a(8, 3)},
     {kSsrcA, kSsrcA}},
    {"pause_longer_than_the_restart_distance",
     {kSelectA, key_a(0, 0), kPause, advance(60000), kResume, key_a(9000, 1), inter_a(9001, 2)},
     {kSsrcA, kSsrcA}},
    {"switch_while_paused_asks_on_resume",
     {kSelectA, key_a(0, 0), kPause, kSelectB, key_b(0), kResume, inter_b(1), key_b(2, 1)},
     {kSsrcA, kSsrcB}},
    {"resume_when_not_paused_is_nothing", {kSelectA, key_a(0, 0), kResume, inter_a(1, 1)}, {kSsrcA}},
    {"nobody_presents", {inter_a(0), kSelectA, key_a(1, 0), kClear, key_a(2), kViewerPli}, {kSsrcA}},
};

// gtest names a failing case by its name, not its steps.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

struct Script {
  explicit Script(std::uint32_t seed)
      : viewer_start(rtp::test::start_near_wrap(seed, 6)),
        a_start(rtp::test::start_near_wrap(seed + 100, 6)),
        b_start(rtp::test::start_near_wrap(seed + 200, 6)),
        forwarder(video_config(viewer_start), listener) {}

  // Runs one step; for a packet, checks what reached the send stage.
  void run(const Step& step) {
    switch (step.op) {
      case Op::select_a: forwarder.select_source(kSourceA, clock.now()); return;
      case Op::select_b: forwarder.select_source(kSourceB, clock.now()); return;
      case Op::clear: forwarder.clear_source(); return;
      case Op::pause: forwarder.pause(); return;
      case Op::resume: forwarder.resume(clock.now()); return;
      case Op::viewer_pli: forwarder.on_keyframe_request(clock.now()); return;
      case Op::advance_ms: clock.advance(std::chrono::milliseconds{step.seq}); return;
      default: break;
    }
    const bool vp8 = step.op == Op::inter_a || step.op == Op::key_a || step.op == Op::key_c;
    const bool from_a = vp8 && step.op != Op::key_c;
    const bool key = step.op == Op::key_a || step.op == Op::key_b || step.op == Op::key_c;
    const std::uint32_t ssrc = from_a ? kSsrcA : (vp8 ? kSsrcC : kSsrcB);
    const auto seq = static_cast<std::uint16_t>((from_a ? a_start : b_start) + step.seq);
    const Bytes payload = vp8 ? (key ? kVp8Keyframe : kVp8InterFrame) : (key ? kH264Idr : kH264Slice);
    const Bytes bytes = media_packet(ssrc, vp8 ? 96 : 126, seq, static_cast<std::uint32_t>(step.seq * 3000), payload);
    const std::size_t before = listener.sent.size();
    forwarder.on_packet(*rtp::RtpPacket::parse(bytes), clock.now());
    ASSERT_EQ(listener.sent.size(), before + (step.out ? 1 : 0));
    if (!step.out) return;
    const auto sent = rtp::RtpPacket::parse(listener.sent.back().bytes);
    ASSERT_TRUE(sent);
    EXPECT_EQ(sent->sequence_number(), static_cast<std::uint16_t>(viewer_start + *step.out));
    EXPECT_EQ(sent->ssrc(), kViewerSsrc);
    EXPECT_EQ(sent->payload_type(), from_a ? kViewerVp8 : kViewerH264);
    EXPECT_FALSE(listener.sent.back().resend);
  }

  std::uint16_t viewer_start;
  std::uint16_t a_start;
  std::uint16_t b_start;
  ManualClock clock;
  RecordingListener listener;
  ViewerStreamForwarder forwarder;
};

class ForwarderCases : public ::testing::TestWithParam<Case> {};

TEST_P(ForwarderCases, ContinuousForTheViewerWithOneKeyframeRequestPerNeed) {
  for (std::uint32_t seed = 1; seed <= 8; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    Script script(seed);
    for (std::size_t i = 0; i < GetParam().steps.size(); ++i) {
      SCOPED_TRACE(::testing::Message() << "step " << i);
      script.run(GetParam().steps[i]);
    }
    EXPECT_EQ(script.listener.keyframe_requests, GetParam().keyframe_requests);
    EXPECT_EQ(script.forwarder.stats().keyframe_requests, GetParam().keyframe_requests.size());
    EXPECT_EQ(script.forwarder.rewriter().stats().source_restarts, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Forward, ForwarderCases, ::testing::ValuesIn(kCases),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// --- NACKs and sender reports ---

TEST(ViewerStreamForwarder, NackResendsExactlyTheCachedBytes) {
  for (std::uint32_t seed = 1; seed <= 8; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    const std::uint16_t viewer_start = rtp::test::start_near_wrap(seed, 30);
    ViewerStreamForwarderConfig config = video_config(viewer_start);
    config.stream.extensions = {{2, std::string(rtp::kAbsSendTimeUri)}, {3, std::string(rtp::kTransportCcUri)}};
    RecordingListener listener;
    ViewerStreamForwarder forwarder(config, listener);
    ManualClock clock;
    forwarder.select_source(kSourceA, clock.now());
    for (int i = 0; i < 40; ++i) {
      const Bytes& payload = i == 0 ? kVp8Keyframe : kVp8InterFrame;
      const Bytes bytes = media_packet(kSsrcA, 96, static_cast<std::uint16_t>(500 + i), 0, payload);
      forwarder.on_packet(*rtp::RtpPacket::parse(bytes), clock.now());
      clock.advance(5ms);
    }
    ASSERT_EQ(listener.sent.size(), 40u);
    const std::vector<RecordingListener::Sent> first = listener.sent;
    listener.sent.clear();

    std::vector<std::uint16_t> nacked;
    for (int offset : {3, 5, 8, 21, 30, 39, 40}) nacked.push_back(static_cast<std::uint16_t>(viewer_start + offset));
    forwarder.on_nack(rtp::rtcp::Nack::for_packets(1, kViewerSsrc, nacked), clock.now());
    ASSERT_EQ(listener.sent.size(), 6u);  // 40 was never sent
    const std::vector<int> hits = {3, 5, 8, 21, 30, 39};
    for (std::size_t i = 0; i < hits.size(); ++i) {
      const auto& original = first[static_cast<std::size_t>(hits[i])];
      EXPECT_EQ(listener.sent[i].bytes, original.bytes);
      EXPECT_TRUE(listener.sent[i].resend);
      EXPECT_EQ(listener.sent[i].placement.sequence_number, original.placement.sequence_number);
      ASSERT_TRUE(listener.sent[i].placement.transport_sequence_number_offset);
      EXPECT_EQ(listener.sent[i].placement.transport_sequence_number_offset,
                original.placement.transport_sequence_number_offset);
      EXPECT_EQ(listener.sent[i].placement.abs_send_time_offset, original.placement.abs_send_time_offset);
    }
    EXPECT_EQ(forwarder.stats().resends, 6u);
    EXPECT_EQ(forwarder.stats().resend_misses, 1u);

    forwarder.on_nack(rtp::rtcp::Nack::for_packets(1, kSsrcA, nacked), clock.now());  // not this m-line's
    EXPECT_EQ(forwarder.stats().nacks_other_ssrc, 1u);
    clock.advance(2s);  // older than the cache keeps
    forwarder.on_nack(rtp::rtcp::Nack::for_packets(1, kViewerSsrc, nacked), clock.now());
    EXPECT_EQ(listener.sent.size(), 6u);
    EXPECT_EQ(forwarder.stats().resends, 6u);
    EXPECT_EQ(forwarder.stats().resend_misses, 8u);
  }
}

TEST(ViewerStreamForwarder, SenderReportCountsWhatWasSentResendsIncluded) {
  RecordingListener listener;
  ViewerStreamForwarder forwarder(video_config(100), listener);
  ManualClock clock;
  EXPECT_EQ(forwarder.sender_report(clock.now(), 1), std::nullopt);
  forwarder.select_source(kSourceA, clock.now());
  forwarder.on_packet(*rtp::RtpPacket::parse(media_packet(kSsrcA, 96, 7, 0, kVp8InterFrame)), clock.now());
  EXPECT_EQ(forwarder.sender_report(clock.now(), 1), std::nullopt);  // held: nothing sent yet
  forwarder.on_packet(*rtp::RtpPacket::parse(media_packet(kSsrcA, 96, 8, 0, kVp8Keyframe)), clock.now());
  forwarder.on_packet(*rtp::RtpPacket::parse(media_packet(kSsrcA, 96, 9, 3000, kVp8InterFrame)), clock.now());
  const std::uint16_t first = 100;
  forwarder.on_nack(rtp::rtcp::Nack::for_packets(1, kViewerSsrc, std::vector<std::uint16_t>{first}), clock.now());
  clock.advance(10ms);
  const auto report = forwarder.sender_report(clock.now(), 0x1234'5678'0000'0000ULL);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->sender_ssrc, kViewerSsrc);
  EXPECT_EQ(report->packet_count, 3u);
  EXPECT_EQ(report->octet_count, kVp8Keyframe.size() * 2 + kVp8InterFrame.size());
  EXPECT_EQ(report->rtp_timestamp, listener.sent[1].placement.timestamp + 900);  // 10 ms at 90 kHz
}

// --- Audio ---

TEST(ViewerStreamForwarder, AudioPassesWithoutGateOrPause) {
  ViewerStreamForwarderConfig config = video_config(0xFFFE);
  config.media = ForwardedMedia::audio;
  config.stream.clock_rate = 48000;
  RecordingListener listener;
  ViewerStreamForwarder forwarder(config, listener);
  ManualClock clock;
  forwarder.select_source({kSsrcA, {{111, 111, PayloadFormat::opus}}, {}}, clock.now());
  forwarder.pause();
  EXPECT_FALSE(forwarder.paused());
  for (int i = 0; i < 4; ++i) {
    const Bytes bytes = media_packet(kSsrcA, 111, static_cast<std::uint16_t>(70 + i), 960u * i, kOpus);
    forwarder.on_packet(*rtp::RtpPacket::parse(bytes), clock.now());
    if (i == 1) forwarder.on_keyframe_request(clock.now());  // meaningless for audio: ignored
  }
  forwarder.resume(clock.now());
  ASSERT_EQ(listener.sent.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(listener.sent[i].placement.sequence_number, static_cast<std::uint16_t>(0xFFFE + i));
  }
  EXPECT_TRUE(listener.keyframe_requests.empty());
  EXPECT_EQ(forwarder.gate().stats().packets_held, 0u);
  EXPECT_EQ(forwarder.stats().packets_paused, 0u);
}

// --- The policy driving one viewer ---

// A presenter sends a video packet (a keyframe every 2.5 s) and an audio packet every 100 ms; the
// viewer's estimate is too low from 1 s to 7 s. Its video pauses at 6 s, resumes at 12 s (5 s
// after the first tick with no loss against it) and goes on at the next keyframe (12.5 s),
// continuing its numbers; its audio never stops.
TEST(ViewerStreamForwarder, CongestionPausesVideoOnlyAndResumesWithoutAGap) {
  RecordingListener video_listener;
  RecordingListener audio_listener;
  ViewerStreamForwarder video(video_config(0xFFF0), video_listener);
  ViewerStreamForwarderConfig audio_config = video_config(0xFFF8);
  audio_config.media = ForwardedMedia::audio;
  audio_config.stream.ssrc = kViewerSsrc + 1;
  ViewerStreamForwarder audio(audio_config, audio_listener);
  ViewerCongestionPolicy policy;
  ManualClock clock;
  constexpr std::uint32_t kAudioSsrc = 0xAA;
  video.select_source(kSourceA, clock.now());
  audio.select_source({kAudioSsrc, {{111, 111, PayloadFormat::opus}}, {}}, clock.now());
  std::vector<Action> actions;
  for (int i = 0; i < 200; ++i) {
    if (i % 10 == 0) {
      const bool slow = i >= 10 && i <= 70;
      policy.on_remb({1, slow ? 500'000u : 8'000'000u, {}}, clock.now());
      const Action action = policy.update(clock.now(), 4'000'000);
      if (action == Action::pause_video) video.pause();
      if (action == Action::resume_video) video.resume(clock.now());
      if (action != Action::none) actions.push_back(action);
    }
    const auto seq = static_cast<std::uint16_t>(0xFF00 + i);
    const Bytes& payload = i % 25 == 0 ? kVp8Keyframe : kVp8InterFrame;
    video.on_packet(*rtp::RtpPacket::parse(media_packet(kSsrcA, 96, seq, 9000u * i, payload)), clock.now());
    audio.on_packet(*rtp::RtpPacket::parse(media_packet(kAudioSsrc, 111, seq, 4800u * i, kOpus)), clock.now());
    clock.advance(100ms);
  }
  EXPECT_EQ(actions, (std::vector<Action>{Action::pause_video, Action::resume_video}));
  EXPECT_EQ(policy.stats().pauses, 1u);
  // Audio: all 200, numbered without a gap.
  ASSERT_EQ(audio_listener.sent.size(), 200u);
  for (std::size_t i = 0; i < 200; ++i) {
    EXPECT_EQ(audio_listener.sent[i].placement.sequence_number, static_cast<std::uint16_t>(0xFFF8 + i));
  }
  // Video: 0..59 (paused at 6 s), held from 12 s until the keyframe at 12.5 s, then 125..199.
  ASSERT_EQ(video_listener.sent.size(), 60u + 75u);
  for (std::size_t i = 0; i < video_listener.sent.size(); ++i) {
    EXPECT_EQ(video_listener.sent[i].placement.sequence_number, static_cast<std::uint16_t>(0xFFF0 + i));
  }
  EXPECT_EQ(rtp::RtpPacket::parse(video_listener.sent[60].bytes)->payload().size(), kVp8Keyframe.size());
  EXPECT_EQ(video.stats().packets_paused, 60u);      // 6.0 s .. 11.9 s
  EXPECT_EQ(video.gate().stats().packets_held, 5u);  // 12.0 s .. 12.4 s
  EXPECT_EQ(video_listener.keyframe_requests, (std::vector<std::uint32_t>{kSsrcA, kSsrcA}));
}

}  // namespace
}  // namespace presentd::media
