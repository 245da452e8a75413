// SPDX-License-Identifier: Apache-2.0
#pragma once
// SDP → Jingle: turns a session description (ours: the answer; the sender tool's: an offer) into
// the <jingle/> element of a session-initiate or session-accept.
//
//   <jingle xmlns='urn:xmpp:jingle:1' action='session-accept' sid='…' responder='room@…/box'>
//     <group xmlns='urn:xmpp:jingle:apps:grouping:0' semantics='BUNDLE'><content name='0'/></group>
//     <content creator='initiator' name='0' senders='initiator'>          a=mid, a=recvonly
//       <description xmlns='urn:xmpp:jingle:apps:rtp:1' media='video'>    m=video
//         <payload-type id='96' name='VP8' clockrate='90000'>              a=rtpmap
//           <parameter name='max-fs' value='12288'/>                       a=fmtp
//           <rtcp-fb xmlns='urn:xmpp:jingle:apps:rtp:rtcp-fb:0' type='nack' subtype='pli'/>
//         </payload-type>
//         <rtp-hdrext xmlns='urn:xmpp:jingle:apps:rtp:rtp-hdrext:0' id='3' uri='…'/>   a=extmap
//         <source xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' ssrc='1'>       a=ssrc
//           <parameter name='cname' value='x'/></source>
//         <ssrc-group xmlns='urn:xmpp:jingle:apps:rtp:ssma:0' semantics='FID'>…  a=ssrc-group
//         <rtcp-mux/>  <bandwidth type='AS'>8000</bandwidth>
//       </description>
//       <transport xmlns='urn:xmpp:jingle:transports:ice-udp:1' ufrag='…' pwd='…'>
//         <fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='passive'>AB:…</fingerprint>
//         <candidate component='1' foundation='1' generation='0' id='…' ip='…' port='…'
//                    priority='…' protocol='udp' type='host'/>
//       </transport>
//     </content>
//   </jingle>
//
// Not mapped: m-lines that are not RTP (data channels, XEP-0343) and m-lines rejected with port 0
// (a Jingle accept simply leaves them out); candidate extensions other than generation and
// network-id; a=msid, a=rtcp-rsize, a=rtcp-mux-only, a=ice-options. Session-level transport
// attributes are repeated in each content, as Jingle has no session level.
// Thread: none; a pure function.
#include <string>
#include <string_view>

#include "presentd/sdp/session_description.hpp"
#include "presentd/xml/element_parser.hpp"
#include "signaling/jingle/jingle_senders.hpp"

namespace presentd::signaling::jingle {

struct JingleHeader {
  std::string action;  // "session-initiate", "session-accept"
  std::string sid;
  std::string initiator;  // full JIDs; empty: attribute left out
  std::string responder;
};

// The <jingle/> element with just the header attributes.
xml::Element make_jingle(const JingleHeader& header);

// The candidate as XEP-0176 writes it; `id` must be unique in the session.
xml::Element candidate_to_jingle(const sdp::Candidate& candidate, std::string_view id);

[[nodiscard]] xml::Element sdp_to_jingle(const sdp::SessionDescription& description, const JingleHeader& header,
                                         Party writer);

}  // namespace presentd::signaling::jingle
