// SPDX-License-Identifier: Apache-2.0
#include "presentd/rtp/rtcp/compound.hpp"

namespace presentd::rtp::rtcp {
namespace {
template <class T>
std::optional<Message> as_message(std::optional<T> parsed) {
  if (!parsed) return std::nullopt;
  return Message{std::move(*parsed)};
}
}  // namespace

std::optional<Message> parse_message(const PacketView& packet, const CompoundParseOptions& options) {
  switch (packet.type) {
    case kTypeSenderReport: return as_message(SenderReport::parse(packet));
    case kTypeReceiverReport: return as_message(ReceiverReport::parse(packet));
    case kTypeSdes: return as_message(Sdes::parse(packet));
    case kTypeBye: return as_message(Bye::parse(packet));
    case kTypeExtendedReport: return as_message(ExtendedReport::parse(packet));
    case kTypeRtpFeedback:
      if (packet.count == kFmtNack) return as_message(Nack::parse(packet));
      if (packet.count == kFmtTransportFeedback && options.transport_feedback) {
        return as_message(TransportFeedback::parse(packet));
      }
      break;
    case kTypePayloadFeedback:
      if (packet.count == kFmtPli) return as_message(Pli::parse(packet));
      if (packet.count == kFmtFir) return as_message(Fir::parse(packet));
      if (packet.count == kFmtApplicationLayer) {
        // Application-layer feedback other than REMB is legal and simply not ours to read.
        if (auto remb = Remb::parse(packet)) return Message{std::move(*remb)};
      }
      break;
    default: break;
  }
  return Message{UnknownPacket{packet.type, packet.count}};
}

std::optional<CompoundParseResult> parse_compound(std::span<const std::uint8_t> compound,
                                                  const CompoundParseOptions& options) {
  if (compound.empty()) return std::nullopt;
  CompoundParseResult result;
  CompoundReader reader(compound);
  while (const auto packet = reader.next()) {
    if (auto message = parse_message(*packet, options)) {
      result.messages.push_back(std::move(*message));
    } else {
      ++result.malformed;
    }
  }
  if (reader.error()) return std::nullopt;
  return result;
}

void write_message(const Message& message, std::vector<std::uint8_t>& out) {
  std::visit(
      [&out](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, UnknownPacket>) {
          // Nothing to write: we never originate packets we cannot interpret.
        } else if constexpr (std::is_same_v<T, TransportFeedback>) {
          static_cast<void>(m.write(out));
        } else {
          m.write(out);
        }
      },
      message);
}

std::vector<std::uint8_t> write_compound(std::span<const Message> messages) {
  std::vector<std::uint8_t> out;
  for (const Message& message : messages) write_message(message, out);
  return out;
}

}  // namespace presentd::rtp::rtcp
