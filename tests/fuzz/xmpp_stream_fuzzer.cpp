// SPDX-License-Identifier: Apache-2.0
// Fuzzes the XMPP stream parser with tight limits (so the limit paths are reached quickly):
// any bytes, split into two feeds at a point the input chooses, must give events or a reason,
// never a crash; a failed stream must stay failed; every delivered stanza must respect the
// depth limit and serialize (the client builds replies from what it received).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "presentd/signaling/xmpp/xml_stream_parser.hpp"

namespace {

int depth_of(const presentd::xml::Element& element) {
  int deepest = 0;
  for (const auto& child : element.children) deepest = std::max(deepest, depth_of(child));
  return deepest + 1;
}

void check(const presentd::xmpp::FeedResult& result, int max_depth) {
  if (result.error && result.error->empty()) std::abort();
  for (const auto& event : result.events) {
    if (const auto* s = std::get_if<presentd::xmpp::StanzaReceived>(&event)) {
      if (depth_of(s->stanza) > max_depth) std::abort();
      (void)presentd::xml::serialize(s->stanza, "jabber:client");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  presentd::xmpp::XmlLimits limits;
  limits.max_stanza_bytes = 4096;
  limits.max_depth = 8;
  presentd::xmpp::XmlStreamParser parser(limits);
  const std::span<const std::uint8_t> input(data + 1, size - 1);
  const std::size_t cut = std::min<std::size_t>(data[0] * 4u, input.size());
  const auto first = parser.feed(input.first(cut));
  check(first, limits.max_depth);
  const auto second = parser.feed(input.subspan(cut));
  check(second, limits.max_depth);
  if (first.error && !second.error) std::abort();
  parser.reset();
  check(parser.feed(input), limits.max_depth);
  return 0;
}
