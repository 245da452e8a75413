// SPDX-License-Identifier: Apache-2.0
// Fuzzes the Jingle handler the way stanzas reach it in the box: bytes of an XMPP stream through
// the production stream parser (xml_stream_parser.hpp), each iq and message converted as the
// cloud service does (app/stanza_conversion.hpp) and handed to a JingleSessionHandler:
// session-initiate, transport-info, session-terminate, XEP-0353 propose, replies to our IQs,
// in any order and from any JID. The session host parses each offer with the production SDP
// parser and answers with the production answer builder, parses each trickled fragment with the
// production sdpfrag parser, and keeps a table of live sessions (no ICE or DTLS: no network).
// The host's answer comes later when the input says so, so stanzas arrive while an offer is
// being answered. At the end the host ends a session on its own and terminate_all() runs.
//
// Invariants (abort on violation): the host never sees a patch or delete for a session it does
// not hold or did not create; every stanza the handler sends parses again; every created
// session is deleted by terminate_all.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <span>
#include <string_view>
#include <vector>

#include "app/stanza_conversion.hpp"
#include "common/log.hpp"
#include "sdp/answer_builder.hpp"
#include "sdp/sdp_fragment.hpp"
#include "sdp/sdp_parser.hpp"
#include "signaling/jingle/jingle_session_handler.hpp"
#include "signaling/xmpp/xml_stream_parser.hpp"

namespace {

using namespace presentd;

class ParsingHost : public signaling::WhipSessionHost {
public:
  void create_session(std::string offer, const signaling::RequestContext&,
                      std::function<void(signaling::WhipCreateResult)> done) override {
    pending_.emplace_back(std::move(offer), std::move(done));
    if (answer_at_once) answer_pending();
  }
  void answer_pending() {
    auto pending = std::move(pending_);
    pending_.clear();
    for (auto& [offer, done] : pending) {
      const auto parsed = sdp::parse_sdp(offer);
      if (!parsed) {
        done(signaling::WhipFailure{signaling::http::status::bad_request, "bad offer", 0});
        continue;
      }
      sdp::AnswerConfig config;
      config.ice_ufrag = "boxu";
      config.ice_pwd = "boxpasswordboxpassword";
      config.fingerprint = sdp::Fingerprint{"sha-256", "AB:CD:EF"};
      config.candidates = {"candidate:1 1 udp 2130706431 10.200.0.1 50000 typ host"};
      const auto answer = sdp::build_answer(parsed.value(), config);
      if (!answer) {
        done(signaling::WhipFailure{signaling::http::status::not_acceptable, "no usable media", 0});
        continue;
      }
      const std::string id = "s" + std::to_string(++created_);
      live.insert(id);
      done(signaling::WhipAnswer{id, answer->sdp, "etag"});
    }
  }
  std::optional<std::string> session_etag(const std::string& id) const override {
    if (!live.contains(id)) return std::nullopt;
    return "etag";
  }
  signaling::WhipPatchResult patch_session(const std::string& id, const std::string& sdpfrag) override {
    if (!live.contains(id)) std::abort();  // the handler patched a session it does not hold
    if (!sdp::parse_sdp_fragment(sdpfrag)) {
      return signaling::WhipFailure{signaling::http::status::bad_request, "bad fragment", 0};
    }
    return signaling::WhipPatchOutcome{};
  }
  bool delete_session(const std::string& id) override {
    if (live.erase(id) == 0) std::abort();  // deleted twice, or never created
    return true;
  }

  bool answer_at_once = true;
  std::set<std::string> live;

private:
  std::vector<std::pair<std::string, std::function<void(signaling::WhipCreateResult)>>> pending_;
  unsigned created_ = 0;
};

constexpr std::string_view kHeader =
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool quiet = [] {
    log::set_level(log::Level::error);  // a log line per refused element would swamp the run
    return true;
  }();
  (void)quiet;
  if (size == 0) return 0;
  ParsingHost host;
  host.answer_at_once = (data[0] & 1) == 0;
  signaling::jingle::JingleSessionHandler handler(
      host,
      [](const std::string& xml) {
        if (!signaling::jingle::parse_xml_element(xml).element) std::abort();  // our output must parse
      },
      [](const std::optional<std::string>& pin, const std::string&) {
        if (!pin) return signaling::jingle::PinVerdict::missing;
        return *pin == "4711" ? signaling::jingle::PinVerdict::accepted : signaling::jingle::PinVerdict::wrong;
      },
      signaling::jingle::JidFilter({}, {"mallory@example.net"}));
  xmpp::XmlLimits limits;
  limits.max_stanza_bytes = 64 * 1024;
  xmpp::XmlStreamParser parser(limits);
  (void)parser.feed(kHeader);
  const auto result = parser.feed(std::span<const std::uint8_t>(data + 1, size - 1));
  for (const auto& event : result.events) {
    const auto* stanza = std::get_if<xmpp::StanzaReceived>(&event);
    if (stanza == nullptr) continue;
    const auto element = app::to_jingle_element(stanza->stanza);
    if (stanza->stanza.name == "iq") (void)handler.handle_iq(element);
    if (stanza->stanza.name == "message") (void)handler.handle_message(element);
    host.answer_pending();  // answers that were held arrive between stanzas
  }
  if (!host.live.empty()) {
    // The host ends one on its own: it is gone before the handler hears of it.
    const auto id = *host.live.begin();
    host.live.erase(id);
    handler.session_ended(id, "connectivity-error", "ICE failed");
  }
  handler.terminate_all("gone", "the display is shutting down");
  if (!host.live.empty()) std::abort();  // a session outlived every way of ending it
  return 0;
}
