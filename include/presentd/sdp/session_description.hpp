// SPDX-License-Identifier: Apache-2.0
#pragma once
// A plain model of an SDP session description (RFC 8866) with the attributes WebRTC uses
// (RFC 8829 JSEP, RFC 8839 ICE, RFC 8842 DTLS, RFC 8843 BUNDLE, RFC 8285 extmap, RFC 4585 rtcp-fb,
// RFC 5576 ssrc). sdp_parser fills it from an offer; answer_builder fills one for the answer and
// sdp_writer prints it. Attributes that WebRTC allows at both levels are kept where they were
// written; the effective_*() helpers apply "media level overrides session level".
// Thread: none of its own; value types.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "presentd/sdp/candidate.hpp"

namespace presentd::sdp {

enum class Direction { sendrecv, sendonly, recvonly, inactive };
enum class Setup { actpass, active, passive, holdconn };

std::string_view direction_name(Direction direction);
std::string_view setup_name(Setup setup);

// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>  (RFC 8866 §5.2)
struct Origin {
  std::string username = "-";
  std::string session_id = "0";  // kept as text: senders use up to 20 digits
  std::string session_version = "0";
  std::string network_type = "IN";
  std::string address_type = "IP4";
  std::string address = "0.0.0.0";
  bool operator==(const Origin&) const = default;
};

// a=fingerprint:<hash-func> <hex:hex:...>  (RFC 8122 §5); hash name lower-cased, value as sent.
struct Fingerprint {
  std::string algorithm;
  std::string value;
  bool operator==(const Fingerprint&) const = default;
};

// a=group:<semantics> <mid>...  (RFC 5888)
struct Group {
  std::string semantics;
  std::vector<std::string> mids;
  bool operator==(const Group&) const = default;
};

// b=<bwtype>:<bandwidth>  (AS in kbit/s, TIAS in bit/s)
struct Bandwidth {
  std::string type;
  std::uint64_t value = 0;
  bool operator==(const Bandwidth&) const = default;
};

// a=rtpmap:<pt> <encoding>/<clock rate>[/<channels>]
struct Rtpmap {
  std::uint8_t payload_type = 0;
  std::string encoding;  // as sent ("VP8", "H264", "opus", "rtx"); compare case-insensitively
  std::uint32_t clock_rate = 0;
  std::optional<std::uint32_t> channels;
  bool operator==(const Rtpmap&) const = default;
};

// a=fmtp:<pt> <parameters>
struct Fmtp {
  std::uint8_t payload_type = 0;
  std::string parameters;  // "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"
  bool operator==(const Fmtp&) const = default;
};

// a=rtcp-fb:<pt|*> <type> [<parameter>]
struct RtcpFeedback {
  std::optional<std::uint8_t> payload_type;  // nullopt: "*" (every payload type)
  std::string type;                          // "nack", "ccm", "goog-remb", "transport-cc"
  std::string parameter;                     // "", "pli", "fir"
  bool operator==(const RtcpFeedback&) const = default;
};

// a=extmap:<id>[/<direction>] <uri> [<attributes>]
struct Extmap {
  std::uint16_t id = 0;
  std::optional<Direction> direction;
  std::string uri;
  std::string attributes;
  bool operator==(const Extmap&) const = default;
};

// a=ssrc:<ssrc> <attribute>[:<value>]
struct SsrcAttribute {
  std::uint32_t ssrc = 0;
  std::string attribute;
  std::string value;
  bool operator==(const SsrcAttribute&) const = default;
};

// a=ssrc-group:<semantics> <ssrc>...  (FID: media then RTX)
struct SsrcGroup {
  std::string semantics;
  std::vector<std::uint32_t> ssrcs;
  bool operator==(const SsrcGroup&) const = default;
};

// The transport attributes allowed at session and media level.
struct TransportAttributes {
  std::optional<std::string> ice_ufrag;
  std::optional<std::string> ice_pwd;
  std::vector<std::string> ice_options;
  std::vector<Fingerprint> fingerprints;
  std::optional<Setup> setup;
  bool operator==(const TransportAttributes&) const = default;
};

struct MediaDescription {
  // m=<media> <port>[/<count>] <proto> <fmt>...
  std::string media;  // "video", "audio", "application"
  std::uint16_t port = 0;
  std::optional<std::uint16_t> port_count;
  std::string proto;                      // "UDP/TLS/RTP/SAVPF"
  std::vector<std::string> formats;       // payload type numbers as text ("webrtc-datachannel" for SCTP)
  std::optional<std::string> connection;  // c= value
  std::vector<Bandwidth> bandwidths;

  std::optional<std::string> mid;
  std::optional<Direction> direction;
  bool bundle_only = false;
  bool rtcp_mux = false;
  bool rtcp_mux_only = false;
  bool rtcp_rsize = false;
  TransportAttributes transport;
  std::vector<Rtpmap> rtpmaps;
  std::vector<Fmtp> fmtps;
  std::vector<RtcpFeedback> rtcp_feedback;  // may name payload types absent from `formats`
  std::vector<Extmap> extmaps;
  bool extmap_allow_mixed = false;  // RFC 8285 §6 at media level, where Firefox writes it
  std::vector<SsrcAttribute> ssrcs;
  std::vector<SsrcGroup> ssrc_groups;
  std::vector<Candidate> candidates;
  bool end_of_candidates = false;
  std::optional<std::string> msid;

  const Rtpmap* find_rtpmap(std::uint8_t payload_type) const;
  const Fmtp* find_fmtp(std::uint8_t payload_type) const;
  // Payload types of the m= line that are numbers 0..127, in m= line order.
  std::vector<std::uint8_t> payload_types() const;
  bool operator==(const MediaDescription&) const = default;
};

struct SessionDescription {
  Origin origin;
  std::string session_name = "-";
  std::optional<std::string> connection;
  std::vector<Bandwidth> bandwidths;
  TransportAttributes transport;
  std::vector<Group> groups;
  bool extmap_allow_mixed = false;
  bool ice_lite = false;
  std::optional<Direction> direction;  // Firefox writes a=sendrecv here beside sendonly m-lines
  std::optional<std::string> msid_semantic;
  std::vector<MediaDescription> media;

  const Group* find_group(std::string_view semantics) const;
  bool operator==(const SessionDescription&) const = default;
};

// Media level overrides session level (RFC 8866 §5.13); defaults per RFC 3264 (sendrecv).
Direction effective_direction(const SessionDescription& session, const MediaDescription& media);
const std::optional<std::string>& effective_ice_ufrag(const SessionDescription& session, const MediaDescription& media);
const std::optional<std::string>& effective_ice_pwd(const SessionDescription& session, const MediaDescription& media);
const std::vector<Fingerprint>& effective_fingerprints(const SessionDescription& session,
                                                       const MediaDescription& media);
std::optional<Setup> effective_setup(const SessionDescription& session, const MediaDescription& media);

}  // namespace presentd::sdp
