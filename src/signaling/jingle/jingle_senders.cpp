// SPDX-License-Identifier: Apache-2.0
#include "signaling/jingle/jingle_senders.hpp"

namespace presentd::signaling::jingle {

std::string_view senders_for(sdp::Direction direction, Party writer) {
  const bool initiator = writer == Party::initiator;
  switch (direction) {
    case sdp::Direction::sendrecv: return "both";
    case sdp::Direction::sendonly: return initiator ? "initiator" : "responder";
    case sdp::Direction::recvonly: return initiator ? "responder" : "initiator";
    case sdp::Direction::inactive: return "none";
  }
  return "both";
}

std::optional<sdp::Direction> direction_for(std::string_view senders, Party writer) {
  const bool initiator = writer == Party::initiator;
  if (senders == "both") return sdp::Direction::sendrecv;
  if (senders == "none") return sdp::Direction::inactive;
  if (senders == "initiator") return initiator ? sdp::Direction::sendonly : sdp::Direction::recvonly;
  if (senders == "responder") return initiator ? sdp::Direction::recvonly : sdp::Direction::sendonly;
  return std::nullopt;
}

}  // namespace presentd::signaling::jingle
