// SPDX-License-Identifier: Apache-2.0
// Fuzzes a running ReceivePipeline as a session sets it up for a presenter with a screen, a
// camera and sound: two video streams (each with RTX) and an audio stream, every packet behind
// SRTP. receive_pipeline_fuzzer sends whatever bytes it gets on one stream; here the input
// steers each packet to a stream, and the fuzzer writes the header fields that make it that
// stream's, so the payload bytes reach routing, RTX, NACK, jitter and frame assembly of every
// stream, interleaved with RTCP, while time passes and feedback ticks run when the input says.
//
// The input is a sequence of records [control u8][advance_ms u8][length u16 BE][bytes]:
//   control bits 0-1  0: screen video, 1: camera video, 2: audio, 3: RTCP (bytes as they are)
//           bit  2    RTP as the stream's RTX (video only)
//           bits 3-4  which of the stream's payload types
//           bit  5    sent raw, not encrypted: must fail authentication
//           bit  6    a feedback tick after this record
//           bit  7    the SSRC is the packet's own (bytes 8-11): an SSRC nobody signalled
// For RTP the fuzzer sets version 2 and writes the payload type and SSRC into the first 12
// bytes; sequence numbers, timestamps, marker, extensions and payload stay the input's.
//
// Checked: every RTCP packet the pipeline sends back authenticates with the sender's keys and
// parses as a compound packet.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "presentd/common/byte_reader.hpp"
#include "presentd/media/receive/receive_pipeline.hpp"
#include "presentd/rtp/packet_classifier.hpp"
#include "presentd/rtp/rtcp/compound.hpp"
#include "presentd/rtp/srtp/srtp_keys.hpp"

namespace {
using namespace presentd;

struct StreamLayout {
  std::uint32_t ssrc;
  std::uint32_t rtx_ssrc;
  std::uint8_t payload_types[4];  // indexed by control bits 3-4
  std::uint8_t rtx_payload_types[4];
};

// Screen, camera, audio: the SSRCs and payload types the seeds use (make_pipeline_ssrc_seeds.py).
constexpr StreamLayout kStreams[3] = {
    {0x11111111, 0x11111112, {96, 98, 102, 96}, {97, 99, 103, 97}},
    {0x22222222, 0x22222223, {100, 104, 100, 104}, {101, 105, 101, 105}},
    {0x33333333, 0, {111, 111, 111, 111}, {111, 111, 111, 111}},
};

media::ReceivePipelineConfig pipeline_config() {
  media::ReceivePipelineConfig config;
  config.local_ssrc = 0x55555555;
  media::VideoStreamConfig screen;
  screen.media_ssrc = kStreams[0].ssrc;
  screen.rtx_ssrc = kStreams[0].rtx_ssrc;
  screen.payload_types = {
      {96, rtp::PayloadFormat::vp8}, {98, rtp::PayloadFormat::vp9}, {102, rtp::PayloadFormat::h264}};
  screen.rtx_payload_types = {{97, 96}, {99, 98}, {103, 102}};
  screen.playout_delay_extension_id = 6;
  media::VideoStreamConfig camera;
  camera.media_ssrc = kStreams[1].ssrc;
  camera.rtx_ssrc = kStreams[1].rtx_ssrc;
  camera.payload_types = {{100, rtp::PayloadFormat::vp8}, {104, rtp::PayloadFormat::h264}};
  camera.rtx_payload_types = {{101, 100}, {105, 104}};
  config.video = {screen, camera};
  config.audio = media::AudioStreamConfig{kStreams[2].ssrc, 111, 48000};
  config.transport_cc_extension_id = 3;
  config.remb_cap_bps = 2'500'000;
  return config;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto profile = rtp::SrtpProfile::aead_aes_128_gcm;
  static const std::vector<std::uint8_t> kExported(rtp::keying_material_length(profile), 0x5a);
  const auto ours = *rtp::split_dtls_srtp_keying_material(profile, kExported, rtp::DtlsRole::server);
  const auto theirs = *rtp::split_dtls_srtp_keying_material(profile, kExported, rtp::DtlsRole::client);
  rtp::SrtpContext sender(profile, theirs);

  ManualClock clock;
  media::ReceivePipeline pipeline(
      clock, pipeline_config(), std::make_unique<rtp::SrtpContext>(profile, ours),
      [](std::size_t stream, media::Frame&&, rtp::PayloadFormat) {
        if (stream > 1) std::abort();
      },
      [](std::vector<std::uint8_t>&&, std::uint32_t) {},
      [&](std::vector<std::uint8_t>&& srtcp) {
        if (sender.inbound.unprotect_rtcp(srtcp) != rtp::SrtpResult::ok) std::abort();
        if (!rtp::rtcp::parse_compound(srtcp)) std::abort();
      });

  ByteReader reader(std::span<const std::uint8_t>(data, size));
  while (true) {
    const auto control = reader.u8();
    const auto advance = reader.u8();
    const auto length = reader.u16();
    if (!control || !advance || !length) break;
    const auto body = reader.bytes(*length);
    if (!body) break;
    std::vector<std::uint8_t> packet(body->begin(), body->end());
    const unsigned target = *control & 0x03;
    if (target < 3 && packet.size() >= 12) {
      const auto& stream = kStreams[target];
      const bool rtx = (*control & 0x04) != 0 && target < 2;
      const unsigned choice = (*control >> 3) & 0x03;
      packet[0] = static_cast<std::uint8_t>(0x80 | (packet[0] & 0x3F));
      packet[1] = static_cast<std::uint8_t>((packet[1] & 0x80) |
                                            (rtx ? stream.rtx_payload_types[choice] : stream.payload_types[choice]));
      if ((*control & 0x80) == 0) {
        const std::uint32_t ssrc = rtx ? stream.rtx_ssrc : stream.ssrc;
        for (int i = 0; i < 4; ++i) packet[8 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
      }
    }
    if ((*control & 0x20) == 0) {
      packet.reserve(packet.size() + rtp::kSrtpProtectScratch);
      const auto result = rtp::classify_packet(packet) == rtp::PacketKind::rtcp ? sender.outbound.protect_rtcp(packet)
                                                                                : sender.outbound.protect_rtp(packet);
      if (result != rtp::SrtpResult::ok) continue;
    }
    pipeline.on_packet(std::move(packet));
    clock.advance(std::chrono::milliseconds(*advance));
    if ((*control & 0x40) != 0) pipeline.on_tick();
  }
  clock.advance(std::chrono::seconds(1));
  pipeline.on_tick();
  return 0;
}
