// SPDX-License-Identifier: Apache-2.0
#pragma once
// Incremental parser for one XMPP stream (RFC 6120 §4, §11) on libxml2's push parser (SAX2).
//
// Bytes are fed as they arrive; each call returns what became complete: the stream header,
// whole top-level stanzas as xml::Element trees (xml/element.hpp), or the end of the stream. The
// restricted XML of RFC 6120 §11.1 is enforced: a DOCTYPE, an entity declaration or reference
// other than the five predefined ones, a comment or a processing instruction ends the stream,
// as does invalid UTF-8 or any well-formedness error. No entity is ever expanded (no
// XML_PARSE_NOENT, no DTD loading, no network), so an XML bomb has nothing to expand.
//
// Limits bound memory per stream: bytes of one unfinished stanza (counted from the end of the
// previous one, so a 10 MB stanza stops at the limit rather than after 10 MB) and the element
// depth. After an error the parser accepts nothing until reset() (a new stream).
//
// Thread: whichever thread owns the stream (the event loop); not thread-safe.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "presentd/xml/element.hpp"

namespace presentd::xmpp {

inline constexpr std::string_view kStreamsNs = "http://etherx.jabber.org/streams";

struct XmlLimits {
  std::size_t max_stanza_bytes = std::size_t{256} * 1024;
  int max_depth = 32;  // elements nested inside a stanza, the stanza itself included
};

struct StreamOpened {
  xml::Element header;  // <stream:stream> with its attributes (to, from, id, version), no children
};
struct StanzaReceived {
  xml::Element stanza;
};
struct StreamClosed {};
using StreamEvent = std::variant<StreamOpened, StanzaReceived, StreamClosed>;

struct FeedResult {
  std::vector<StreamEvent> events;   // in stream order, also when an error follows them
  std::optional<std::string> error;  // why the stream must be closed; nullopt: all is well
};

class XmlStreamParser {
public:
  explicit XmlStreamParser(XmlLimits limits = {});
  ~XmlStreamParser();
  XmlStreamParser(const XmlStreamParser&) = delete;
  XmlStreamParser& operator=(const XmlStreamParser&) = delete;

  [[nodiscard]] FeedResult feed(std::span<const std::uint8_t> bytes);
  [[nodiscard]] FeedResult feed(std::string_view text);
  // A new stream (after STARTTLS, after SASL success, on a new connection).
  void reset();

  struct State;  // the SAX callbacks' view (xml_stream_parser.cpp)

private:
  XmlLimits limits_;
  std::unique_ptr<State> state_;
};

}  // namespace presentd::xmpp
