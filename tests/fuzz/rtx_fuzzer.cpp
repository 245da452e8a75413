// SPDX-License-Identifier: Apache-2.0
// Fuzzes RTX (RFC 4588) recovery. The input is a sequence of records [2-byte big-endian length]
// [RTP packet]. Every packet is parsed; one on an RTX payload type is split by parse_rtx_payload,
// whose split must account for every payload byte (OSN in the first two, the original payload
// after them), and then every packet goes into a VideoReceiveStream whose RTX payload types map
// to VP8 and H.264, so restored packets reach the NACK list and frame assembly exactly as
// retransmissions do live. Feedback is collected after every 8 records.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "presentd/common/byte_reader.hpp"
#include "presentd/media/receive/video_receive_stream.hpp"
#include "presentd/rtp/rtp_packet.hpp"
#include "presentd/rtp/rtx/rtx.hpp"

namespace {

constexpr std::uint8_t kVp8 = 96;
constexpr std::uint8_t kVp8Rtx = 97;
constexpr std::uint8_t kH264 = 102;
constexpr std::uint8_t kH264Rtx = 103;

void check_split(const presentd::rtp::RtpPacket& packet) {
  const auto payload = packet.payload();
  const auto recovered = presentd::rtp::parse_rtx_payload(payload);
  if (payload.size() < 2) {
    if (recovered) std::abort();  // no room for an OSN
    return;
  }
  if (!recovered) std::abort();
  const auto osn = static_cast<std::uint16_t>(payload[0] << 8 | payload[1]);
  if (recovered->original_sequence_number != osn) std::abort();
  if (recovered->original_payload.data() != payload.data() + 2) std::abort();
  if (recovered->original_payload.size() != payload.size() - 2) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace presentd;
  ManualClock clock;
  media::VideoStreamConfig config;
  config.payload_types = {{kVp8, rtp::PayloadFormat::vp8}, {kH264, rtp::PayloadFormat::h264}};
  config.rtx_payload_types = {{kVp8Rtx, kVp8}, {kH264Rtx, kH264}};
  std::size_t frames = 0;
  media::VideoReceiveStream stream(clock, config, [&](media::Frame&& frame, rtp::PayloadFormat) {
    if (frame.bitstream.empty()) std::abort();  // a frame that leaves has bytes for the decoder
    ++frames;
  });

  ByteReader reader(std::span<const std::uint8_t>(data, size));
  std::vector<rtp::rtcp::Message> feedback;
  int records = 0;
  while (const auto length = reader.u16()) {
    const auto body = reader.bytes(*length);
    if (!body) break;
    const auto packet = rtp::RtpPacket::parse(*body);
    if (!packet) continue;
    if (config.rtx_payload_types.contains(packet->payload_type())) check_split(*packet);
    if (stream.accepts(*packet)) stream.on_rtp(*packet);
    clock.advance(std::chrono::milliseconds(3));
    if (++records % 8 == 0) {
      feedback.clear();
      stream.collect_feedback(1, feedback);
    }
  }
  return 0;
}
