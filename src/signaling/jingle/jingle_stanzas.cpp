// SPDX-License-Identifier: Apache-2.0
#include "signaling/jingle/jingle_stanzas.hpp"

#include "signaling/jingle/jingle_namespaces.hpp"

namespace presentd::signaling::jingle {
namespace {
// The reply goes back to the sender, from the address it wrote to.
XmlElement reply_to(const XmlElement& request, std::string type) {
  XmlElement iq("iq", std::string(ns::kClient));
  iq.set("type", std::move(type));
  iq.set("id", request.attribute_or("id"));
  if (const auto* from = request.attribute("from")) iq.set("to", *from);
  if (const auto* to = request.attribute("to")) iq.set("from", *to);
  return iq;
}
}  // namespace

XmlElement iq_result(const XmlElement& request) { return reply_to(request, "result"); }

XmlElement iq_error(const XmlElement& request, std::string_view type, std::string_view condition,
                    std::string_view jingle_condition, std::string_view text) {
  XmlElement iq = reply_to(request, "error");
  auto& error = iq.add("error", std::string(ns::kClient));
  error.set("type", std::string(type));
  error.add(std::string(condition), std::string(ns::kStanzas));
  if (!jingle_condition.empty()) error.add(std::string(jingle_condition), std::string(ns::kJingleErrors));
  if (!text.empty()) error.add("text", std::string(ns::kStanzas)).text = std::string(text);
  return iq;
}

XmlElement iq_set(std::string to, std::string id, XmlElement payload) {
  XmlElement iq("iq", std::string(ns::kClient));
  iq.set("type", "set").set("id", std::move(id)).set("to", std::move(to));
  iq.add(std::move(payload));
  return iq;
}

XmlElement jingle_reason(std::string_view condition, std::string_view text) {
  XmlElement reason("reason", std::string(ns::kJingle));
  reason.add(std::string(condition), std::string(ns::kJingle));
  if (!text.empty()) reason.add("text", std::string(ns::kJingle)).text = std::string(text);
  return reason;
}

XmlElement jingle_message(std::string to, std::string_view action, std::string id, const XmlElement* reason) {
  XmlElement message("message", std::string(ns::kClient));
  message.set("type", "chat").set("to", std::move(to)).set("id", "jm-" + id);
  auto& payload = message.add(std::string(action), std::string(ns::kJingleMessage));
  payload.set("id", std::move(id));
  if (reason) {
    XmlElement copy = *reason;
    // XEP-0353 puts the XEP-0166 <reason/> in its own namespace's place, with Jingle's namespace.
    payload.add(std::move(copy));
  }
  message.add("store", std::string(ns::kHints));
  return message;
}

}  // namespace presentd::signaling::jingle
