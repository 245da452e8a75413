// SPDX-License-Identifier: Apache-2.0
// Fuzz target for the jitter buffer (FrameAssembler) and the NackRequester fed by the same packets.
//
// Input layout:
//   byte 0      config: bits 0-1 max_packets = 16 << n; bits 2-4 max_buffered_bytes = 256 << n;
//               bits 5-7 max_frame_bytes = max_buffered_bytes >> n
//   bytes 1-2   first sequence number (big-endian); the RTP timestamp base starts at 0xFFFFF000
//               so it wraps early
//   then 4-byte operations:
//     byte 0    sequence-number delta from the previous packet (signed)
//     byte 1    flags: 0x01 marker, 0x02 frame_start, 0x04 keyframe, 0x08 timestamp of frame
//               number byte 3 (base + 3000 * byte 3, so reordered packets keep their frame's
//               timestamp), 0x10 timestamp base jump (+byte 3 << 24), 0x20 playout delay
//               (min = max = byte 3), 0x40 NACK tick (clock +20 ms), 0x80 width/height set
//     byte 2    payload length (0 is malformed for the test payload format: assembly fails;
//               0 with byte 3 = 0xFF is a padding-only packet, given to insert_padding())
//     byte 3    argument for the flags above
//
// Checked on every operation: the buffer never holds more packets or bytes than configured, the
// NACK list never exceeds its bound, frames leave in sequence order, and a delta frame only ever
// directly follows the frame before it (never after a gap).
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "presentd/common/log.hpp"
#include "presentd/common/sequence_number.hpp"
#include "presentd/media/feedback/nack_requester.hpp"
#include "presentd/media/jitter/frame_assembler.hpp"
#include "support/media/concat_depacketizer.hpp"

namespace {

using presentd::media::FrameAssembler;
using presentd::media::MediaPacket;

#define FUZZ_CHECK(condition)                                                \
  do {                                                                       \
    if (!(condition)) {                                                      \
      std::fprintf(stderr, "jitter_buffer_fuzzer: %s failed\n", #condition); \
      std::abort();                                                          \
    }                                                                        \
  } while (false)

constexpr std::size_t kMaxNackList = 64;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool quiet = [] {
    presentd::log::set_level(presentd::log::Level::error);
    return true;
  }();
  (void)quiet;
  if (size < 3) return 0;

  presentd::media::FrameAssemblerConfig config;
  config.max_packets = std::size_t{16} << (data[0] & 3);
  config.max_buffered_bytes = std::size_t{256} << ((data[0] >> 2) & 7);
  config.max_frame_bytes = config.max_buffered_bytes >> (data[0] >> 5);
  presentd::media::testing::ConcatDepacketizer depacketizer;
  FrameAssembler assembler(depacketizer, config);
  presentd::ManualClock clock;
  presentd::media::NackRequester nack(clock, {.max_list_size = kMaxNackList, .max_sequence_age = 256});

  auto seq = static_cast<std::uint16_t>((data[1] << 8) | data[2]);
  std::uint32_t timestamp_base = 0xFFFFF000u;
  std::uint32_t timestamp = timestamp_base;
  presentd::SequenceUnwrapper unwrapper;
  bool have_previous = false;
  std::int64_t previous_last = 0;

  for (std::size_t pos = 3; pos + 4 <= size; pos += 4) {
    const std::uint8_t flags = data[pos + 1];
    const std::uint8_t arg = data[pos + 3];
    seq = static_cast<std::uint16_t>(seq + static_cast<std::int8_t>(data[pos]));
    if (flags & 0x10) timestamp_base += static_cast<std::uint32_t>(arg) << 24;
    if (flags & 0x08) timestamp = timestamp_base + 3000u * arg;

    MediaPacket packet;
    packet.sequence_number = seq;
    packet.rtp_timestamp = timestamp;
    packet.marker = (flags & 0x01) != 0;
    packet.info.frame_start = (flags & 0x02) != 0;
    packet.info.keyframe = (flags & 0x04) != 0;
    if (flags & 0x20) packet.playout_delay = presentd::media::PlayoutDelay{arg, arg};
    if (flags & 0x80) {
      packet.info.width = static_cast<std::uint16_t>(arg * 16);
      packet.info.height = static_cast<std::uint16_t>(arg * 9);
    }
    packet.payload.assign(data[pos + 2], arg);
    packet.arrival = clock.now();

    (void)unwrapper.unwrap(seq);
    nack.on_packet(seq);
    FUZZ_CHECK(nack.missing_count() <= kMaxNackList);
    if (flags & 0x40) {
      clock.advance(std::chrono::milliseconds{20});
      const auto batch = nack.on_tick();
      FUZZ_CHECK(batch.sequence_numbers.size() <= kMaxNackList);
    }

    const bool padding = data[pos + 2] == 0 && arg == 0xFF;
    const auto result = padding ? assembler.insert_padding(seq) : assembler.insert(std::move(packet));
    FUZZ_CHECK(assembler.buffered_packets() <= assembler.config().max_packets);
    FUZZ_CHECK(assembler.buffered_bytes() <= assembler.config().max_buffered_bytes);
    for (const auto& frame : result.frames) {
      // Emitted packets were inserted within one buffer window of the newest, so unwrapping them
      // against the fuzzer's own unwrapper gives the buffer's numbering.
      const std::int64_t first = unwrapper.unwrap(frame.first_sequence_number);
      const std::int64_t last = unwrapper.unwrap(frame.last_sequence_number);
      FUZZ_CHECK(first <= last);
      FUZZ_CHECK(frame.bitstream.size() <= assembler.config().max_frame_bytes);
      if (have_previous) FUZZ_CHECK(first > previous_last);
      if (!frame.keyframe) FUZZ_CHECK(have_previous && first == previous_last + 1);
      have_previous = true;
      previous_last = last;
    }
  }
  return 0;
}
