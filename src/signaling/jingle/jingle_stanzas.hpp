// SPDX-License-Identifier: Apache-2.0
#pragma once
// The stanzas the Jingle handler sends, built as element trees:
//   <iq type='result'/>, <iq type='error'> with an RFC 6120 §8.3 condition (and a XEP-0166 §11
//   Jingle condition), <iq type='set'><jingle action='session-terminate'><reason>…, and the
//   XEP-0353 messages (<proceed/>, <reject/>) with the XEP-0334 store hint the XEP asks for.
// Thread: none; pure functions.
#include <string>
#include <string_view>

#include "presentd/xml/element_parser.hpp"

namespace presentd::signaling::jingle {

xml::Element iq_result(const xml::Element& request);
// `condition`: "bad-request", "item-not-found", "feature-not-implemented", "forbidden" …;
// `type`: "cancel", "modify", "auth"; `jingle_condition`: "unknown-session", "out-of-order" or "".
xml::Element iq_error(const xml::Element& request, std::string_view type, std::string_view condition,
                      std::string_view jingle_condition = {}, std::string_view text = {});
xml::Element iq_set(std::string_view to, std::string_view id, xml::Element payload);

// <reason><{condition}/><text>…</text></reason> (XEP-0166 §7.4); text left out when empty.
xml::Element jingle_reason(std::string_view condition, std::string_view text);

// <message type='chat' to=…><{action} xmlns='urn:xmpp:jingle-message:0' id=…>[reason]<store/>
xml::Element jingle_message(std::string_view to, std::string_view action, std::string_view id,
                            const xml::Element* reason = nullptr);

}  // namespace presentd::signaling::jingle
