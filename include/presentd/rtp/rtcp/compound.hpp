// SPDX-License-Identifier: Apache-2.0
#pragma once
// Typed view of a whole compound RTCP packet (RFC 3550 §6.1) and the compound writer.
// WebRTC negotiates reduced-size RTCP (RFC 5506), so a compound need not start with SR/RR and may
// hold a single feedback message; neither rule is enforced here.
// Thread: none of its own; value types.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "presentd/rtp/rtcp/bye.hpp"
#include "presentd/rtp/rtcp/extended_report.hpp"
#include "presentd/rtp/rtcp/fir.hpp"
#include "presentd/rtp/rtcp/nack.hpp"
#include "presentd/rtp/rtcp/pli.hpp"
#include "presentd/rtp/rtcp/receiver_report.hpp"
#include "presentd/rtp/rtcp/remb.hpp"
#include "presentd/rtp/rtcp/sdes.hpp"
#include "presentd/rtp/rtcp/sender_report.hpp"
#include "presentd/rtp/rtcp/transport_feedback.hpp"

namespace presentd::rtp::rtcp {

// A well-framed packet of a type (or feedback format) we do not interpret, e.g. APP.
struct UnknownPacket {
  std::uint8_t type = 0;
  std::uint8_t count = 0;
  bool operator==(const UnknownPacket&) const = default;
};

using Message = std::variant<SenderReport, ReceiverReport, Sdes, Bye, Nack, Pli, Fir, Remb, TransportFeedback,
                             ExtendedReport, UnknownPacket>;

struct CompoundParseResult {
  std::vector<Message> messages;
  // Well-framed packets of a known type whose body was malformed; they are skipped, the rest kept.
  std::size_t malformed = 0;
};

// Which messages are expanded into their types; the others come out as UnknownPacket.
struct CompoundParseOptions {
  // A transport-wide feedback message of a few dozen bytes may announce 65535 statuses, each
  // expanded into a TransportFeedback::Packet (over 1.5 MB). A receiver that never acts on
  // incoming feedback (the box sends media to nobody) leaves it framed but unexpanded.
  bool transport_feedback = true;
};

// Parses one packet by its type and format. nullopt: a known type whose body is malformed.
[[nodiscard]] std::optional<Message> parse_message(const PacketView& packet, const CompoundParseOptions& options = {});

// nullopt when the compound's framing is broken (a bad version, a length past the end, bad padding
// or an empty buffer): then none of it can be trusted.
[[nodiscard]] std::optional<CompoundParseResult> parse_compound(std::span<const std::uint8_t> compound,
                                                                const CompoundParseOptions& options = {});

// Appends one message. Every packet is padded to 32 bits by its own writer, so concatenation is the
// compound. UnknownPacket writes nothing; a TransportFeedback that cannot be encoded writes nothing.
void write_message(const Message& message, std::vector<std::uint8_t>& out);
[[nodiscard]] std::vector<std::uint8_t> write_compound(std::span<const Message> messages);

}  // namespace presentd::rtp::rtcp
