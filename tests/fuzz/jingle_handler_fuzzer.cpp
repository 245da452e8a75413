// SPDX-License-Identifier: Apache-2.0
// Fuzzes the Jingle handler the way stanzas reach it in the box: bytes of an XMPP stream through
// the production stream parser (xml_stream_parser.hpp), each iq and message handed as it is to
// a JingleSessionHandler, as the cloud service does:
// session-initiate, transport-info, session-terminate, XEP-0353 propose, replies to our IQs,
// in any order and from any JID. The session core here answers each offer model with the
// production answer builder and keeps a table of live sessions (no ICE or DTLS: no network).
// Its answer comes later when the input says so, so stanzas arrive while an offer is being
// answered. At the end the core ends a session on its own and terminate_all() runs.
//
// Invariants (abort on violation): every offer model the core gets is one the SDP parser would
// make of its own text (the core takes Jingle's models as they are); the core never sees a patch
// or stop for a session it does not hold or did not create; every stanza the handler sends
// parses again; every created session is stopped by terminate_all.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <span>
#include <string_view>
#include <vector>

#include "presentd/common/log.hpp"
#include "presentd/sdp/answer_builder.hpp"
#include "presentd/sdp/sdp_fragment.hpp"
#include "presentd/sdp/sdp_parser.hpp"
#include "presentd/sdp/sdp_writer.hpp"
#include "presentd/signaling/jingle/jingle_session_handler.hpp"
#include "presentd/signaling/xmpp/xml_stream_parser.hpp"
#include "presentd/xml/element_parser.hpp"

namespace {

using namespace presentd;

class AnsweringCore : public session::SessionPort {
public:
  void create_session(const session::Requester&, const sdp::SessionDescription& offer,
                      std::function<void(session::CreateResult)> done) override {
    // What WHIP's parser would make of this offer's text must be this very model.
    const auto reparsed = sdp::parse_sdp(sdp::write_sdp(offer));
    if (reparsed ? !(reparsed.value() == offer) : reparsed.error().code != sdp::ErrorCode::missing_field) std::abort();
    pending_.emplace_back(offer, std::move(done));
    if (answer_at_once) answer_pending();
  }
  void answer_pending() {
    auto pending = std::move(pending_);
    pending_.clear();
    for (auto& [offer, done] : pending) {
      sdp::AnswerConfig config;
      config.ice_ufrag = "boxu";
      config.ice_pwd = "boxpasswordboxpassword";
      config.fingerprint = sdp::Fingerprint{"sha-256", "AB:CD:EF"};
      config.candidates = {"candidate:1 1 udp 2130706431 10.200.0.1 50000 typ host"};
      const auto answer = sdp::build_answer(offer, config);
      if (!answer) {
        done(session::Refusal{session::Refusal::Kind::bad_offer, answer.error().message, answer.error().code});
        continue;
      }
      const std::string id = "s" + std::to_string(++created_);
      live.insert(id);
      done(session::AcceptedSession{id, answer->description});
    }
  }
  session::PatchResult patch_session(const std::string& id, const sdp::SdpFragment&) override {
    if (!live.contains(id)) std::abort();  // the handler patched a session it does not hold
    return session::AppliedFragment{};
  }
  bool stop_session(const std::string& id) override {
    if (live.erase(id) == 0) std::abort();  // stopped twice, or never created
    return true;
  }
  bool has_session(const std::string& id) const override { return live.contains(id); }

  bool answer_at_once = true;
  std::set<std::string> live;

private:
  std::vector<std::pair<sdp::SessionDescription, std::function<void(session::CreateResult)>>> pending_;
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
  AnsweringCore host;
  host.answer_at_once = (data[0] & 1) == 0;
  signaling::jingle::JingleSessionHandler handler(
      host,
      [](const xml::Element& stanza) {
        if (!xml::parse_element(xml::serialize(stanza)).element) std::abort();  // our output must parse
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
    const auto& element = stanza->stanza;
    if (stanza->stanza.name == "iq") (void)handler.handle_iq(element);
    if (stanza->stanza.name == "message") (void)handler.handle_message(element);
    host.answer_pending();  // answers that were held arrive between stanzas
  }
  if (!host.live.empty()) {
    // The core ends one on its own: it is gone before the handler hears of it.
    const auto id = *host.live.begin();
    host.live.erase(id);
    handler.session_ended(id, "connectivity-error", "ICE failed");
  }
  handler.terminate_all("gone", "the display is shutting down");
  if (!host.live.empty()) std::abort();  // a session outlived every way of ending it
  return 0;
}
