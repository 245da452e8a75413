// SPDX-License-Identifier: Apache-2.0
#include "signaling/jingle/jingle_stanzas.hpp"

#include "signaling/jingle/jingle_namespaces.hpp"

namespace presentd::signaling::jingle {
namespace {
// The reply goes back to the sender, from the address it wrote to.
xml::Element reply_to(const xml::Element& request, std::string_view type) {
  xml::Element iq("iq", std::string(ns::kClient));
  iq.set("type", type);
  iq.set("id", request.attribute_or("id"));
  if (const auto from = request.attribute("from")) iq.set("to", *from);
  if (const auto to = request.attribute("to")) iq.set("from", *to);
  return iq;
}
}  // namespace

xml::Element iq_result(const xml::Element& request) { return reply_to(request, "result"); }

xml::Element iq_error(const xml::Element& request, std::string_view type, std::string_view condition,
                      std::string_view jingle_condition, std::string_view text) {
  xml::Element iq = reply_to(request, "error");
  auto& error = iq.add("error", std::string(ns::kClient));
  error.set("type", std::string(type));
  error.add(std::string(condition), std::string(ns::kStanzas));
  if (!jingle_condition.empty()) error.add(std::string(jingle_condition), std::string(ns::kJingleErrors));
  if (!text.empty()) error.add("text", std::string(ns::kStanzas)).text = std::string(text);
  return iq;
}

xml::Element iq_set(std::string_view to, std::string_view id, xml::Element payload) {
  xml::Element iq("iq", std::string(ns::kClient));
  iq.set("type", "set").set("id", id).set("to", to);
  iq.add(std::move(payload));
  return iq;
}

xml::Element jingle_reason(std::string_view condition, std::string_view text) {
  xml::Element reason("reason", std::string(ns::kJingle));
  reason.add(std::string(condition), std::string(ns::kJingle));
  if (!text.empty()) reason.add("text", std::string(ns::kJingle)).text = std::string(text);
  return reason;
}

xml::Element jingle_message(std::string_view to, std::string_view action, std::string_view id,
                            const xml::Element* reason) {
  xml::Element message("message", std::string(ns::kClient));
  message.set("type", "chat").set("to", to).set("id", "jm-" + std::string(id));
  auto& payload = message.add(std::string(action), std::string(ns::kJingleMessage));
  payload.set("id", id);
  if (reason) {
    xml::Element copy = *reason;
    // XEP-0353 puts the XEP-0166 <reason/> in its own namespace's place, with Jingle's namespace.
    payload.add(std::move(copy));
  }
  message.add("store", std::string(ns::kHints));
  return message;
}

}  // namespace presentd::signaling::jingle
