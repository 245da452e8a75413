// SPDX-License-Identifier: Apache-2.0
// Fuzzes the whole receive path behind SRTP. The input is a sequence of records
// [2-byte big-endian length][bytes]; each record is either sent raw (first bit of the length
// set: garbage that must fail authentication) or encrypted as RTP/RTCP by a sender holding the
// right keys, so the fuzzer reaches the RTP/RTCP parsers, routing, RTX, NACK and frame assembly
// with authenticated but arbitrary packets. A tick runs after every 8 records.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "presentd/common/byte_reader.hpp"
#include "presentd/media/receive/receive_pipeline.hpp"
#include "presentd/rtp/packet_classifier.hpp"
#include "presentd/rtp/srtp/srtp_keys.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace presentd;
  const auto profile = rtp::SrtpProfile::aead_aes_128_gcm;
  static const std::vector<std::uint8_t> kExported(rtp::keying_material_length(profile), 0x33);
  const auto ours = *rtp::split_dtls_srtp_keying_material(profile, kExported, rtp::DtlsRole::server);
  const auto theirs = *rtp::split_dtls_srtp_keying_material(profile, kExported, rtp::DtlsRole::client);
  rtp::SrtpContext sender(profile, theirs);

  ManualClock clock;
  media::ReceivePipelineConfig config;
  media::VideoStreamConfig video;
  video.payload_types = {{96, rtp::PayloadFormat::vp8}, {102, rtp::PayloadFormat::h264}, {98, rtp::PayloadFormat::vp9}};
  video.rtx_payload_types = {{97, 96}, {103, 102}};
  config.video.push_back(video);
  config.audio = media::AudioStreamConfig{};
  config.transport_cc_extension_id = 3;
  config.remb_cap_bps = 5'000'000;
  std::size_t frames = 0;
  media::ReceivePipeline pipeline(
      clock, config, std::make_unique<rtp::SrtpContext>(profile, ours),
      [&](std::size_t, media::Frame&& frame, rtp::PayloadFormat) { frames += frame.bitstream.empty() ? 0 : 1; },
      [](std::vector<std::uint8_t>&&, std::uint32_t) {}, [](std::vector<std::uint8_t>&&) {});

  ByteReader reader(std::span<const std::uint8_t>(data, size));
  int records = 0;
  while (const auto length = reader.u16()) {
    const auto body = reader.bytes(*length & 0x7FFF);
    if (!body) break;
    std::vector<std::uint8_t> packet(body->begin(), body->end());
    if ((*length & 0x8000) == 0) {
      packet.reserve(packet.size() + rtp::kSrtpProtectScratch);
      const auto kind = rtp::classify_packet(packet);
      const auto result =
          kind == rtp::PacketKind::rtcp ? sender.outbound.protect_rtcp(packet) : sender.outbound.protect_rtp(packet);
      if (result != rtp::SrtpResult::ok) continue;
    }
    pipeline.on_packet(std::move(packet));
    clock.advance(std::chrono::milliseconds(3));
    if (++records % 8 == 0) pipeline.on_tick();
  }
  pipeline.on_tick();
  return 0;
}
