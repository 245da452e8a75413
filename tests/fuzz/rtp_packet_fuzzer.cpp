// SPDX-License-Identifier: Apache-2.0
// Fuzzes the RTP parser: parse, walk every header extension, decode the WebRTC extension values,
// and check the invariants a caller relies on (the parts of the packet add up to its size).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "presentd/rtp/packet_classifier.hpp"
#include "presentd/rtp/rtp_packet.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace presentd::rtp;
  const std::span<const std::uint8_t> bytes(data, size);
  static_cast<void>(classify_packet(bytes));
  const auto packet = RtpPacket::parse(bytes);
  if (!packet) return 0;
  if (packet->header_size() + packet->payload().size() + packet->padding_size() != size) std::abort();
  if (packet->csrcs().size() > kMaxCsrcs) std::abort();

  HeaderExtensionReader reader = packet->extensions();
  while (const auto element = reader.next()) {
    static_cast<void>(parse_transport_sequence_number(element->data));
    static_cast<void>(parse_abs_send_time(element->data));
    static_cast<void>(parse_playout_delay(element->data));
  }
  // parse() validated the block, so walking it again must not fail.
  if (reader.error()) std::abort();
  for (unsigned id = 1; id <= 255; ++id) static_cast<void>(packet->find_extension(static_cast<std::uint8_t>(id)));

  // What we parsed must survive a rebuild (RTX recovery rebuilds packets this way).
  const auto rebuilt_bytes = RtpPacketBuilder::from_packet(*packet).build();
  const auto rebuilt = RtpPacket::parse(rebuilt_bytes);
  if (!rebuilt || rebuilt->sequence_number() != packet->sequence_number() ||
      rebuilt->payload().size() != packet->payload().size()) {
    std::abort();
  }
  return 0;
}
