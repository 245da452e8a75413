// SPDX-License-Identifier: Apache-2.0
// OutgoingStreamRewriter: sequence numbers and timestamps as scripts (switches, gaps, reordering,
// closed-up skips, restarts) run from random starting points that cross the 16-bit and 32-bit
// wraps; then header fields and header extensions byte by byte.
#include "presentd/media/forward/outgoing_stream_rewriter.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <ostream>
#include <random>
#include <vector>

#include "presentd/rtp/rtp_header_extension.hpp"
#include "presentd/rtp/rtp_packet.hpp"
#include "support/rtp/wrap_test_support.hpp"
#include "unit/media/forward/forward_test_packets.hpp"

namespace presentd::media {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;
using test::media_packet;

constexpr std::uint32_t kViewerSsrc = 0x11223344;
constexpr std::uint32_t kSsrcA = 0xAAAA0001;
constexpr std::uint32_t kSsrcB = 0xBBBB0002;
constexpr std::uint8_t kViewerPt = 100;
constexpr std::uint8_t kPtA = 96;
constexpr std::uint8_t kPtB = 98;
constexpr std::uint8_t kUnmappedPt = 97;
constexpr std::string_view kOrientationUri = "urn:3gpp:video-orientation";
constexpr std::string_view kBigUri = "urn:example:twenty-bytes";

ViewerStreamConfig viewer_config(std::uint16_t initial_sequence, std::uint32_t initial_timestamp) {
  ViewerStreamConfig config;
  config.ssrc = kViewerSsrc;
  config.clock_rate = 90000;
  config.initial_sequence_number = initial_sequence;
  config.initial_timestamp = initial_timestamp;
  config.mid = "1";
  config.extensions = {{1, std::string(rtp::kMidUri)},         {2, std::string(rtp::kAbsSendTimeUri)},
                       {3, std::string(rtp::kTransportCcUri)}, {4, std::string(rtp::kPlayoutDelayUri)},
                       {5, std::string(kOrientationUri)},      {6, std::string(kBigUri)}};
  return config;
}

// Presenters A and B negotiated other payload types and other extension IDs than the viewer.
SourceStreamConfig source_a() {
  return {kSsrcA,
          {{kPtA, kViewerPt, rtp::PayloadFormat::vp8}},
          {{2, std::string(kOrientationUri)},
           {3, std::string(rtp::kMidUri)},
           {4, std::string(rtp::kTransportCcUri)},
           {9, std::string(rtp::kRidUri)},
           {10, std::string(rtp::kPlayoutDelayUri)},
           {20, std::string(kBigUri)}}};
}
SourceStreamConfig source_b() {
  return {kSsrcB,
          {{kPtB, kViewerPt, rtp::PayloadFormat::vp8}},
          {{1, std::string(rtp::kTransportCcUri)},
           {5, std::string(kOrientationUri)},
           {14, std::string(rtp::kPlayoutDelayUri)}}};
}

// --- Sequence numbers and timestamps ---

enum class Op { select_a, select_b, restart, send_a, send_b, skip_a, unmapped_a, advance_ms };

struct Step {
  Op op;
  int seq = 0;                              // send/skip: offset from the source's random start
  std::int64_t ts = 0;                      // send: offset from the source's random start timestamp
  std::optional<int> out = {};              // send: expected viewer offset; nullopt: dropped
  std::optional<std::int64_t> out_ts = {};  // send: expected viewer timestamp offset
};

Step a(int seq, std::int64_t ts, std::optional<int> out, std::optional<std::int64_t> out_ts = {}) {
  return {Op::send_a, seq, ts, out, out_ts};
}
Step b(int seq, std::int64_t ts, std::optional<int> out, std::optional<std::int64_t> out_ts = {}) {
  return {Op::send_b, seq, ts, out, out_ts};
}
Step advance(int ms) { return {Op::advance_ms, ms}; }
const Step kSelectA{Op::select_a};
const Step kSelectB{Op::select_b};

struct Case {
  const char* name;
  std::vector<Step> steps;
};

const std::vector<Case> kCases = {
    {"in_order",
     {kSelectA, a(0, 0, 0, 0), a(1, 0, 1, 0), a(2, 3000, 2, 3000), a(3, 3000, 3, 3000), a(4, 6000, 4, 6000)}},
    {"loss_gap_stays_a_gap", {kSelectA, a(0, 0, 0), a(1, 0, 1), a(4, 3000, 4, 3000), a(5, 3000, 5)}},
    {"reordered_keep_order_and_offset",
     {kSelectA, a(0, 0, 0), a(2, 3000, 2, 3000), a(1, 0, 1, 0), a(4, 6000, 4), a(3, 6000, 3, 6000)}},
    {"duplicate_keeps_its_number", {kSelectA, a(0, 0, 0), a(1, 0, 1), a(1, 0, 1), a(2, 0, 2)}},
    {"switch_continues_by_wall_clock",
     {kSelectA, a(0, 0, 0, 0), a(1, 0, 1, 0), advance(40), kSelectB, b(0, 0, 2, 3600), b(1, 0, 3, 3600),
      b(2, 3000, 4, 6600)}},
    {"switch_is_at_least_one_tick", {kSelectA, a(0, 0, 0, 0), kSelectB, b(0, 0, 1, 1), b(1, 90, 2, 91)}},
    {"old_source_dropped_after_switch", {kSelectA, a(0, 0, 0), kSelectB, a(1, 0, std::nullopt), b(7, 0, 1)}},
    {"older_than_anchor_dropped", {kSelectB, b(5, 0, 0), b(4, 0, std::nullopt), b(6, 0, 1)}},
    {"switch_back_continues",
     {kSelectA, a(0, 0, 0, 0), advance(10), kSelectB, b(0, 0, 1, 900), advance(20), kSelectA, a(1, 3000, 2, 2700),
      a(2, 6000, 3, 5700)}},
    {"skip_closes_the_gap",
     {kSelectA, a(0, 0, 0), a(1, 0, 1), {Op::skip_a, 2}, {Op::skip_a, 3}, a(4, 0, 2), a(5, 0, 3)}},
    {"skip_ahead_then_reordered_fill", {kSelectA, a(0, 0, 0), {Op::skip_a, 2}, a(1, 0, 1), a(3, 0, 2), a(4, 0, 3)}},
    {"skip_behind_forwarded_stays_a_gap", {kSelectA, a(0, 0, 0), a(2, 0, 2), {Op::skip_a, 1}, a(3, 0, 3)}},
    {"duplicate_skip_counts_once", {kSelectA, a(0, 0, 0), {Op::skip_a, 1}, {Op::skip_a, 1}, a(2, 0, 1)}},
    {"unmapped_payload_type_closed_up", {kSelectA, a(0, 0, 0), {Op::unmapped_a, 1}, a(2, 0, 1), a(3, 0, 2)}},
    {"source_restart_anchors_again",
     {kSelectA, a(0, 0, 0, 0), a(1, 0, 1, 0), advance(20), a(20000, 777, 2, 1800), a(20001, 777 + 3000, 3, 4800)}},
    {"nothing_selected_drops", {a(0, 0, std::nullopt), kSelectA, a(1, 0, 0)}},
    // A paused viewer resumes: the next packet anchors however far the source moved (here past
    // the restart distance, which must not count as a restart), by the wall clock as on a switch.
    {"restart_after_pause_anchors_again",
     {kSelectA,
      a(0, 0, 0, 0),
      a(1, 0, 1, 0),
      advance(5000),
      {Op::restart},
      a(9000, 450000, 2, 450000),
      a(9001, 453000, 3, 453000)}},
    {"restart_drops_what_is_older_than_the_new_anchor",
     {kSelectA, a(0, 0, 0), {Op::restart}, a(5, 0, 1), a(4, 0, std::nullopt), a(6, 0, 2)}},
    {"restart_without_a_source_is_nothing", {{Op::restart}, a(0, 0, std::nullopt), kSelectA, a(1, 0, 0)}},
};

struct Starts {
  std::uint16_t viewer_seq;
  std::uint32_t viewer_ts;
  std::uint16_t seq_a;
  std::uint16_t seq_b;
  std::uint32_t ts_a;
  std::uint32_t ts_b;
};

Starts random_starts(std::uint32_t seed) {
  std::mt19937 rng(seed);
  // Timestamps a few frames below 2^32, so the scripts' timestamps wrap too.
  auto near_ts_wrap = [&] { return static_cast<std::uint32_t>(0xFFFFFFFFu - rng() % 9000); };
  return {rtp::test::start_near_wrap(seed, 4),        near_ts_wrap(), rtp::test::start_near_wrap(seed + 1000, 4),
          rtp::test::start_near_wrap(seed + 2000, 4), near_ts_wrap(), near_ts_wrap()};
}

// gtest names a failing case by its name, not its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class RewriterSequenceCases : public ::testing::TestWithParam<Case> {};

TEST_P(RewriterSequenceCases, ContinuousForTheViewerAcrossTheWraps) {
  for (std::uint32_t seed = 1; seed <= 16; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    const Starts s = random_starts(seed);
    ManualClock clock;
    OutgoingStreamRewriter rewriter(viewer_config(s.viewer_seq, s.viewer_ts));
    Bytes out;
    for (std::size_t i = 0; i < GetParam().steps.size(); ++i) {
      SCOPED_TRACE(::testing::Message() << "step " << i);
      const Step& step = GetParam().steps[i];
      const bool from_a = step.op != Op::send_b;
      const auto seq = static_cast<std::uint16_t>((from_a ? s.seq_a : s.seq_b) + step.seq);
      const auto ts = static_cast<std::uint32_t>((from_a ? s.ts_a : s.ts_b) + static_cast<std::uint32_t>(step.ts));
      const std::uint32_t ssrc = from_a ? kSsrcA : kSsrcB;
      switch (step.op) {
        case Op::select_a: rewriter.select_source(source_a()); continue;
        case Op::select_b: rewriter.select_source(source_b()); continue;
        case Op::restart: rewriter.restart_source(); continue;
        case Op::advance_ms: clock.advance(std::chrono::milliseconds{step.seq}); continue;
        case Op::skip_a: rewriter.skip(*rtp::RtpPacket::parse(media_packet(ssrc, kPtA, seq, ts))); continue;
        case Op::unmapped_a: {
          const Bytes bytes = media_packet(ssrc, kUnmappedPt, seq, ts);
          EXPECT_FALSE(rewriter.rewrite(*rtp::RtpPacket::parse(bytes), clock.now(), out));
          continue;
        }
        case Op::send_a:
        case Op::send_b: break;
      }
      const Bytes bytes = media_packet(ssrc, from_a ? kPtA : kPtB, seq, ts);
      const auto result = rewriter.rewrite(*rtp::RtpPacket::parse(bytes), clock.now(), out);
      ASSERT_EQ(result.has_value(), step.out.has_value());
      if (!result) continue;
      const auto expected_seq = static_cast<std::uint16_t>(s.viewer_seq + *step.out);
      const auto parsed = rtp::RtpPacket::parse(out);
      ASSERT_TRUE(parsed);
      EXPECT_EQ(result->sequence_number, expected_seq);
      EXPECT_EQ(parsed->sequence_number(), expected_seq);
      EXPECT_EQ(parsed->timestamp(), result->timestamp);
      EXPECT_EQ(parsed->ssrc(), kViewerSsrc);
      EXPECT_EQ(parsed->payload_type(), kViewerPt);
      if (step.out_ts) {
        EXPECT_EQ(result->timestamp,
                  static_cast<std::uint32_t>(s.viewer_ts + static_cast<std::uint32_t>(*step.out_ts)));
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Forward, RewriterSequenceCases, ::testing::ValuesIn(kCases),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(OutgoingStreamRewriter, CountsEveryDrop) {
  ManualClock clock;
  OutgoingStreamRewriter rewriter(viewer_config(100, 0));
  Bytes out;
  auto send = [&](std::uint32_t ssrc, std::uint8_t pt, std::uint16_t seq) {
    const Bytes bytes = media_packet(ssrc, pt, seq, 0);
    return rewriter.rewrite(*rtp::RtpPacket::parse(bytes), clock.now(), out).has_value();
  };
  EXPECT_FALSE(send(kSsrcA, kPtA, 10));  // nothing selected
  rewriter.select_source(source_a());
  EXPECT_FALSE(send(kSsrcB, kPtB, 10));  // not the current source
  EXPECT_FALSE(send(kSsrcA, kUnmappedPt, 10));
  EXPECT_TRUE(send(kSsrcA, kPtA, 11));
  EXPECT_FALSE(send(kSsrcA, kPtA, 9));  // older than the anchor
  rewriter.clear_source();
  EXPECT_FALSE(send(kSsrcA, kPtA, 12));
  const auto& stats = rewriter.stats();
  EXPECT_EQ(stats.packets_forwarded, 1u);
  EXPECT_EQ(stats.dropped_other_source, 3u);
  EXPECT_EQ(stats.dropped_unmapped_payload_type, 1u);
  EXPECT_EQ(stats.dropped_too_late, 1u);
  EXPECT_EQ(rewriter.source_format(kPtA), std::nullopt);
}

TEST(OutgoingStreamRewriter, ManySkipsFoldWithoutReusingANumber) {
  // More skipped packets than the rewriter remembers exactly, interleaved with forwarded ones:
  // every forwarded packet gets a distinct, increasing number, one more than the previous.
  ManualClock clock;
  OutgoingStreamRewriter rewriter(viewer_config(65000, 0));
  rewriter.select_source(source_a());
  Bytes out;
  std::optional<std::uint16_t> previous;
  for (int i = 0; i < 3000; ++i) {
    const auto seq = static_cast<std::uint16_t>(64000 + i);
    const Bytes bytes = media_packet(kSsrcA, kPtA, seq, 0);
    const auto packet = *rtp::RtpPacket::parse(bytes);
    if (i % 3 == 1) {
      rewriter.skip(packet);
      continue;
    }
    const auto result = rewriter.rewrite(packet, clock.now(), out);
    ASSERT_TRUE(result);
    if (previous) {
      ASSERT_EQ(result->sequence_number, static_cast<std::uint16_t>(*previous + 1)) << i;
    }
    previous = result->sequence_number;
  }
}

// --- Header fields and extensions ---

std::optional<Bytes> find(const rtp::RtpPacket& packet, std::uint8_t id) {
  const auto data = packet.find_extension(id);
  if (!data) return std::nullopt;
  return Bytes(data->begin(), data->end());
}

TEST(OutgoingStreamRewriter, RemapsExtensionsByUriAndWritesTheBoxsOwn) {
  ManualClock clock;
  OutgoingStreamRewriter rewriter(viewer_config(1, 2));
  rewriter.select_source(source_a());
  const std::array<std::uint32_t, 2> csrcs = {7, 8};
  const Bytes payload = {0x10, 0x01, 0x00, 0x00, 0x55, 0x66};
  const Bytes bytes = rtp::RtpPacketBuilder()
                          .ssrc(kSsrcA)
                          .payload_type(kPtA)
                          .sequence_number(500)
                          .timestamp(9000)
                          .marker(true)
                          .csrcs(csrcs)
                          .add_extension(2, Bytes{0x03})               // orientation -> 5
                          .add_extension(3, Bytes{'0'})                // the presenter's MID: replaced
                          .add_extension(4, Bytes{0x12, 0x34})         // presenter's transport-cc: replaced
                          .add_extension(9, Bytes{'h'})                // RID: removed
                          .add_extension(10, Bytes{0x00, 0x10, 0x20})  // playout-delay -> 4
                          .add_extension(11, Bytes{0x01})              // not negotiated by A's SDP either
                          .payload(payload)
                          .padding(4)
                          .build();
  Bytes out;
  const auto result = rewriter.rewrite(*rtp::RtpPacket::parse(bytes), clock.now(), out);
  ASSERT_TRUE(result);
  const auto parsed = rtp::RtpPacket::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->extension_profile(), rtp::kOneByteExtensionProfile);
  EXPECT_TRUE(parsed->marker());
  EXPECT_EQ(std::vector<std::uint32_t>(parsed->csrcs().begin(), parsed->csrcs().end()),
            std::vector<std::uint32_t>(csrcs.begin(), csrcs.end()));
  EXPECT_EQ(Bytes(parsed->payload().begin(), parsed->payload().end()), payload);
  EXPECT_EQ(parsed->padding_size(), 4u);
  EXPECT_EQ(find(*parsed, 5), Bytes{0x03});
  EXPECT_EQ(find(*parsed, 4), (Bytes{0x00, 0x10, 0x20}));
  EXPECT_EQ(find(*parsed, 1), Bytes{'1'});
  EXPECT_EQ(find(*parsed, 3), (Bytes{0x00, 0x00}));
  EXPECT_EQ(find(*parsed, 2), (Bytes{0x00, 0x00, 0x00}));
  EXPECT_EQ(find(*parsed, 9), std::nullopt);
  EXPECT_EQ(find(*parsed, 10), std::nullopt);
  EXPECT_EQ(find(*parsed, 11), std::nullopt);
  // The sender writes its own transport-wide sequence number and send time at these offsets.
  ASSERT_TRUE(result->transport_sequence_number_offset);
  ASSERT_TRUE(result->abs_send_time_offset);
  const auto twcc = rtp::write_transport_sequence_number(0xBEEF);
  std::copy(twcc.begin(), twcc.end(),
            out.begin() + static_cast<std::ptrdiff_t>(*result->transport_sequence_number_offset));
  const auto ast = rtp::write_abs_send_time(0x123456);
  std::copy(ast.begin(), ast.end(), out.begin() + static_cast<std::ptrdiff_t>(*result->abs_send_time_offset));
  const auto patched = rtp::RtpPacket::parse(out);
  EXPECT_EQ(rtp::parse_transport_sequence_number(*patched->find_extension(3)), 0xBEEF);
  EXPECT_EQ(rtp::parse_abs_send_time(*patched->find_extension(2)), 0x123456u);
  // A resend from the cache finds the same placeholders again.
  const RewrittenPacket again = rewriter.placement_of(*patched);
  EXPECT_EQ(again.sequence_number, result->sequence_number);
  EXPECT_EQ(again.timestamp, result->timestamp);
  EXPECT_EQ(again.transport_sequence_number_offset, result->transport_sequence_number_offset);
  EXPECT_EQ(again.abs_send_time_offset, result->abs_send_time_offset);
}

Bytes packet_with_big_extension() {
  const Bytes big(20, 0x5A);  // more than the one-byte form's 16 bytes: the presenter used two-byte
  return rtp::RtpPacketBuilder()
      .ssrc(kSsrcA)
      .payload_type(kPtA)
      .sequence_number(1)
      .add_extension(2, Bytes{0x01})
      .add_extension(20, big)
      .payload(Bytes{0x10, 0x00})
      .build();
}

TEST(OutgoingStreamRewriter, TwoByteFormOnlyWhenTheViewerAllowsIt) {
  ManualClock clock;
  Bytes out;
  ViewerStreamConfig mixed = viewer_config(1, 2);
  mixed.two_byte_extensions_allowed = true;
  OutgoingStreamRewriter allowing(mixed);
  allowing.select_source(source_a());
  const Bytes bytes = packet_with_big_extension();
  ASSERT_EQ(rtp::extension_format(rtp::RtpPacket::parse(bytes)->extension_profile()), rtp::ExtensionFormat::two_byte);
  ASSERT_TRUE(allowing.rewrite(*rtp::RtpPacket::parse(bytes), clock.now(), out));
  auto parsed = rtp::RtpPacket::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(rtp::extension_format(parsed->extension_profile()), rtp::ExtensionFormat::two_byte);
  EXPECT_EQ(find(*parsed, 6), Bytes(20, 0x5A));
  EXPECT_EQ(find(*parsed, 5), Bytes{0x01});

  OutgoingStreamRewriter one_byte_only(viewer_config(1, 2));
  one_byte_only.select_source(source_a());
  ASSERT_TRUE(one_byte_only.rewrite(*rtp::RtpPacket::parse(bytes), clock.now(), out));
  parsed = rtp::RtpPacket::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->extension_profile(), rtp::kOneByteExtensionProfile);
  EXPECT_EQ(find(*parsed, 6), std::nullopt);
  EXPECT_EQ(find(*parsed, 5), Bytes{0x01});
}

TEST(OutgoingStreamRewriter, NoExtensionBlockWhenTheViewerNegotiatedNone) {
  ManualClock clock;
  ViewerStreamConfig plain = viewer_config(1, 2);
  plain.extensions.clear();
  OutgoingStreamRewriter rewriter(plain);
  rewriter.select_source(source_a());
  const Bytes bytes = packet_with_big_extension();
  Bytes out;
  const auto result = rewriter.rewrite(*rtp::RtpPacket::parse(bytes), clock.now(), out);
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->transport_sequence_number_offset);
  const auto parsed = rtp::RtpPacket::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_FALSE(rewriter.placement_of(*parsed).transport_sequence_number_offset);
  EXPECT_FALSE(rewriter.placement_of(*parsed).abs_send_time_offset);
  EXPECT_FALSE(parsed->has_extension());
  EXPECT_EQ(parsed->header_size(), rtp::kRtpFixedHeaderSize);
  EXPECT_EQ(out.size(), rtp::kRtpFixedHeaderSize + 2);
}

TEST(OutgoingStreamRewriter, SwitchMapsTheNewSourcesIds) {
  ManualClock clock;
  OutgoingStreamRewriter rewriter(viewer_config(1, 2));
  EXPECT_EQ(rewriter.source_ssrc(), std::nullopt);
  rewriter.select_source(source_a());
  EXPECT_EQ(rewriter.source_ssrc(), kSsrcA);
  rewriter.select_source(source_b());
  EXPECT_EQ(rewriter.source_ssrc(), kSsrcB);
  EXPECT_EQ(rewriter.source_format(kPtB), rtp::PayloadFormat::vp8);
  EXPECT_EQ(rewriter.source_format(kPtA), std::nullopt);
  const Bytes bytes = rtp::RtpPacketBuilder()
                          .ssrc(kSsrcB)
                          .payload_type(kPtB)
                          .add_extension(5, Bytes{0x02})               // orientation -> 5
                          .add_extension(14, Bytes{0x00, 0x00, 0x01})  // playout-delay -> 4
                          .add_extension(2, Bytes{0x09})               // B did not negotiate ID 2
                          .payload(Bytes{0x10, 0x00})
                          .build();
  Bytes out;
  ASSERT_TRUE(rewriter.rewrite(*rtp::RtpPacket::parse(bytes), clock.now(), out));
  const auto parsed = rtp::RtpPacket::parse(out);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(find(*parsed, 5), Bytes{0x02});
  EXPECT_EQ(find(*parsed, 4), (Bytes{0x00, 0x00, 0x01}));
  EXPECT_EQ(find(*parsed, 2), (Bytes{0x00, 0x00, 0x00}));  // the box's abs-send-time, not B's ID 2
}

}  // namespace
}  // namespace presentd::media
