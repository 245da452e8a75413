// SPDX-License-Identifier: Apache-2.0
// Fuzzes RTCP: the compound walk, every typed parser (each packet body is also offered to every
// other type and format), and write-then-reparse of whatever parsed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <utility>

#include "presentd/rtp/rtcp/compound.hpp"

namespace {
using namespace presentd::rtp::rtcp;

constexpr std::pair<std::uint8_t, std::uint8_t> kTypes[] = {
    {kTypeSenderReport, 0},
    {kTypeReceiverReport, 0},
    {kTypeSdes, 0},
    {kTypeBye, 0},
    {kTypeRtpFeedback, kFmtNack},
    {kTypeRtpFeedback, kFmtTransportFeedback},
    {kTypePayloadFeedback, kFmtPli},
    {kTypePayloadFeedback, kFmtFir},
    {kTypePayloadFeedback, kFmtApplicationLayer},
    {kTypeExtendedReport, 0},
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  CompoundReader reader(bytes);
  while (const auto packet = reader.next()) {
    for (const auto& [type, fmt] : kTypes) {
      PacketView forced = *packet;
      forced.type = type;
      // Report types take their count from the same field; keep the original for them.
      if (type == kTypeRtpFeedback || type == kTypePayloadFeedback) forced.count = fmt;
      static_cast<void>(parse_message(forced));
    }
  }

  const auto result = parse_compound(bytes);
  if (!result) return 0;
  const auto written = write_compound(result->messages);
  // Only malformed or unknown packets: nothing to write, and an empty datagram is not RTCP.
  if (written.empty()) return 0;
  const auto reparsed = parse_compound(written);
  if (!reparsed || reparsed->malformed != 0) std::abort();
  return 0;
}
