// SPDX-License-Identifier: Apache-2.0
#include "presentd/sdp/session_description.hpp"

#include "presentd/sdp/text.hpp"

namespace presentd::sdp {

std::string_view direction_name(Direction direction) {
  switch (direction) {
    case Direction::sendrecv: return "sendrecv";
    case Direction::sendonly: return "sendonly";
    case Direction::recvonly: return "recvonly";
    case Direction::inactive: return "inactive";
  }
  return "sendrecv";
}

std::string_view setup_name(Setup setup) {
  switch (setup) {
    case Setup::actpass: return "actpass";
    case Setup::active: return "active";
    case Setup::passive: return "passive";
    case Setup::holdconn: return "holdconn";
  }
  return "actpass";
}

const Rtpmap* MediaDescription::find_rtpmap(std::uint8_t payload_type) const {
  for (const auto& map : rtpmaps)
    if (map.payload_type == payload_type) return &map;
  return nullptr;
}

const Fmtp* MediaDescription::find_fmtp(std::uint8_t payload_type) const {
  for (const auto& fmtp : fmtps)
    if (fmtp.payload_type == payload_type) return &fmtp;
  return nullptr;
}

std::vector<std::uint8_t> MediaDescription::payload_types() const {
  std::vector<std::uint8_t> out;
  for (const auto& format : formats) {
    if (const auto pt = text::parse_uint(format, 127)) out.push_back(static_cast<std::uint8_t>(*pt));
  }
  return out;
}

const Group* SessionDescription::find_group(std::string_view semantics) const {
  for (const auto& group : groups)
    if (text::iequals(group.semantics, semantics)) return &group;
  return nullptr;
}

Direction effective_direction(const SessionDescription& session, const MediaDescription& media) {
  return media.direction.value_or(session.direction.value_or(Direction::sendrecv));
}

const std::optional<std::string>& effective_ice_ufrag(const SessionDescription& session,
                                                      const MediaDescription& media) {
  return media.transport.ice_ufrag ? media.transport.ice_ufrag : session.transport.ice_ufrag;
}

const std::optional<std::string>& effective_ice_pwd(const SessionDescription& session, const MediaDescription& media) {
  return media.transport.ice_pwd ? media.transport.ice_pwd : session.transport.ice_pwd;
}

const std::vector<Fingerprint>& effective_fingerprints(const SessionDescription& session,
                                                       const MediaDescription& media) {
  return media.transport.fingerprints.empty() ? session.transport.fingerprints : media.transport.fingerprints;
}

std::optional<Setup> effective_setup(const SessionDescription& session, const MediaDescription& media) {
  return media.transport.setup ? media.transport.setup : session.transport.setup;
}

}  // namespace presentd::sdp
