// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/xmpp/xml_stream_parser.hpp"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include <algorithm>
#include <cstring>

namespace presentd::xmpp {

struct XmlStreamParser::State {
  XmlLimits limits;
  xmlSAXHandler sax{};
  xmlParserCtxtPtr ctxt = nullptr;
  std::vector<xml::Element> open;  // open[0] is the stream header; open.back() the innermost element
  FeedResult* out = nullptr;
  std::optional<std::string> error;
  std::size_t fed = 0;           // bytes given to libxml2 since the stream began
  std::size_t boundary = 0;      // input offset where the current (unfinished) stanza may begin
  std::size_t stanza_bytes = 0;  // names, attributes and text held for the current stanza

  ~State() {
    if (ctxt != nullptr) xmlFreeParserCtxt(ctxt);
  }

  void fail(std::string reason) {
    if (!error) error = std::move(reason);
    xmlStopParser(ctxt);
  }

  std::size_t consumed() const {
    const long n = xmlByteConsumed(ctxt);
    return n < 0 ? fed : static_cast<std::size_t>(n);
  }

  bool charge(std::size_t bytes) {
    if (open.size() < 2) return true;  // between stanzas: whitespace keep-alives
    stanza_bytes += bytes;
    if (stanza_bytes > limits.max_stanza_bytes) {
      fail("stanza larger than " + std::to_string(limits.max_stanza_bytes) + " bytes");
      return false;
    }
    return true;
  }
};

namespace {

using State = XmlStreamParser::State;

State& state_of(void* user) {
  // With XML_SAX2_MAGIC the user data is the parser context; its _private points at our state.
  return *static_cast<State*>(static_cast<xmlParserCtxtPtr>(user)->_private);
}

std::string text_of(const xmlChar* s) {
  return s == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(s));
}

void on_start(void* user, const xmlChar* localname, const xmlChar*, const xmlChar* uri, int, const xmlChar**,
              int nb_attributes, int, const xmlChar** attributes) {
  State& s = state_of(user);
  if (s.error) return;
  if (s.open.size() >= 2 && static_cast<int>(s.open.size()) - 1 >= s.limits.max_depth) {
    s.fail("elements nested deeper than " + std::to_string(s.limits.max_depth));
    return;
  }
  xml::Element element(text_of(localname), text_of(uri));
  std::size_t size = element.name.size() + element.ns.size();
  for (int i = 0; i < nb_attributes; ++i) {
    const xmlChar** a = attributes + static_cast<std::ptrdiff_t>(i) * 5;  // localname, prefix, URI, value, end
    std::string key = a[1] != nullptr ? text_of(a[1]) + ":" + text_of(a[0]) : text_of(a[0]);
    std::string value(reinterpret_cast<const char*>(a[3]), static_cast<std::size_t>(a[4] - a[3]));
    // Without entity substitution libxml2 hands '&' (written &amp; or &#38;) back as "&#38;" so a
    // tree could be written out again; a literal "&#38;" cannot remain in a well-formed value.
    for (auto at = value.find("&#38;"); at != std::string::npos; at = value.find("&#38;", at + 1)) {
      value.replace(at, 5, "&");
    }
    size += key.size() + value.size();
    element.attributes.emplace_back(std::move(key), std::move(value));
  }
  if (s.open.empty()) {
    if (element.name != "stream" || element.ns != kStreamsNs) {
      s.fail("the stream does not start with <stream:stream>");
      return;
    }
    s.open.push_back(std::move(element));
    s.out->events.emplace_back(StreamOpened{s.open.front()});
    s.boundary = s.consumed();
    return;
  }
  if (s.open.size() == 1) s.stanza_bytes = 0;
  s.open.push_back(std::move(element));
  s.charge(size);
}

void on_end(void* user, const xmlChar*, const xmlChar*, const xmlChar*) {
  State& s = state_of(user);
  if (s.error || s.open.empty()) return;
  if (s.open.size() == 1) {
    s.open.clear();
    s.out->events.emplace_back(StreamClosed{});
    return;
  }
  xml::Element done = std::move(s.open.back());
  s.open.pop_back();
  if (s.open.size() == 1) {
    s.out->events.emplace_back(StanzaReceived{std::move(done)});
    s.boundary = s.consumed();
    s.stanza_bytes = 0;
  } else {
    s.open.back().children.push_back(std::move(done));
  }
}

void on_characters(void* user, const xmlChar* text, int length) {
  State& s = state_of(user);
  if (s.error || s.open.size() < 2 || length <= 0) return;
  if (!s.charge(static_cast<std::size_t>(length))) return;
  s.open.back().text.append(reinterpret_cast<const char*>(text), static_cast<std::size_t>(length));
}

void on_doctype(void* user, const xmlChar*, const xmlChar*, const xmlChar*) {
  state_of(user).fail("a DOCTYPE is not allowed in XMPP (RFC 6120 §11.1)");
}
void on_entity_decl(void* user, const xmlChar*, int, const xmlChar*, const xmlChar*, xmlChar*) {
  state_of(user).fail("an entity declaration is not allowed in XMPP (RFC 6120 §11.1)");
}
void on_reference(void* user, const xmlChar*) {
  state_of(user).fail("an entity reference is not allowed in XMPP (RFC 6120 §11.1)");
}
xmlEntityPtr on_get_entity(void* user, const xmlChar* name) {
  // Only &lt; &gt; &amp; &quot; &apos; exist; anything else ends the stream.
  if (xmlEntityPtr predefined = xmlGetPredefinedEntity(name)) return predefined;
  state_of(user).fail("an undeclared entity reference is not allowed in XMPP (RFC 6120 §11.1)");
  return nullptr;
}
void on_comment(void* user, const xmlChar*) {
  state_of(user).fail("a comment is not allowed in XMPP (RFC 6120 §11.1)");
}
void on_pi(void* user, const xmlChar*, const xmlChar*) {
  state_of(user).fail("a processing instruction is not allowed in XMPP (RFC 6120 §11.1)");
}
void on_error(void* user, xmlErrorPtr error) {
  if (error == nullptr || error->level < XML_ERR_ERROR) return;
  auto* ctxt = static_cast<xmlParserCtxtPtr>(user);
  std::string message = error->message != nullptr ? error->message : "XML error";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (ctxt != nullptr && ctxt->_private != nullptr) state_of(user).fail("XML: " + message);
}

}  // namespace

XmlStreamParser::XmlStreamParser(XmlLimits limits) : limits_(limits) { reset(); }

XmlStreamParser::~XmlStreamParser() = default;

void XmlStreamParser::reset() {
  auto state = std::make_unique<State>();
  state->limits = limits_;
  xmlSAXHandler& sax = state->sax;
  sax.initialized = XML_SAX2_MAGIC;
  sax.startElementNs = on_start;
  sax.endElementNs = on_end;
  sax.characters = on_characters;
  sax.cdataBlock = on_characters;
  sax.internalSubset = on_doctype;
  sax.externalSubset = on_doctype;
  sax.entityDecl = on_entity_decl;
  sax.reference = on_reference;
  sax.getEntity = on_get_entity;
  sax.getParameterEntity = on_get_entity;
  sax.comment = on_comment;
  sax.processingInstruction = on_pi;
  sax.serror = on_error;
  state->ctxt = xmlCreatePushParserCtxt(&sax, nullptr, nullptr, 0, nullptr);
  if (state->ctxt == nullptr) throw std::bad_alloc();
  state->ctxt->_private = state.get();
  // No entity substitution, no DTD loading or validation, never the network.
  xmlCtxtUseOptions(state->ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA);
  state->ctxt->replaceEntities = 0;
  state->ctxt->loadsubset = 0;
  state->ctxt->validate = 0;
  state_ = std::move(state);
}

FeedResult XmlStreamParser::feed(std::string_view text) {
  return feed(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

FeedResult XmlStreamParser::feed(std::span<const std::uint8_t> bytes) {
  FeedResult result;
  State& s = *state_;
  if (s.error) {
    result.error = *s.error;
    return result;
  }
  s.out = &result;
  // Small slices so the unfinished-stanza check runs often: libxml2 buffers an unfinished tag
  // or attribute itself, and that buffer must not grow past the limit either.
  constexpr std::size_t kSlice = 4096;
  while (!bytes.empty() && !s.error) {
    const auto slice = bytes.first(std::min(kSlice, bytes.size()));
    bytes = bytes.subspan(slice.size());
    s.fed += slice.size();
    const int rc =
        xmlParseChunk(s.ctxt, reinterpret_cast<const char*>(slice.data()), static_cast<int>(slice.size()), 0);
    if (rc != 0 && !s.error) s.error = "XML: not well-formed (libxml2 error " + std::to_string(rc) + ")";
    if (!s.error && s.fed - std::min(s.fed, s.boundary) > limits_.max_stanza_bytes + kSlice) {
      s.error = "stanza larger than " + std::to_string(limits_.max_stanza_bytes) + " bytes";
    }
  }
  s.out = nullptr;
  result.error = s.error;
  return result;
}

}  // namespace presentd::xmpp
