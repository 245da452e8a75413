// SPDX-License-Identifier: Apache-2.0
#pragma once
// The XMPP client and the Jingle code each have their own element tree (xmpp::Element, built by
// the stream parser; jingle::XmlElement, which keeps the Jingle code free of the client). These
// copy one into the other, so stanzas cross between them without a text round trip.
//
// Attribute names: the Jingle tree keeps local names only ("xml:lang" → "lang").
// Thread: none of its own; pure functions.
#include "signaling/jingle/xml_element.hpp"
#include "signaling/xmpp/xml_element.hpp"

namespace presentd::app {

[[nodiscard]] signaling::jingle::XmlElement to_jingle_element(const xmpp::Element& element);
[[nodiscard]] xmpp::Element to_xmpp_element(const signaling::jingle::XmlElement& element);

}  // namespace presentd::app
