// SPDX-License-Identifier: Apache-2.0
// Maps SDP ↔ Jingle with presentd's own mapper, so the Python test sender
// (slixmpp_jingle_sender.py) uses exactly the rules the box uses instead of a second copy:
//
//   jingle_sdp_tool offer-to-jingle --sid S --initiator JID [--pin P] [--relay-only] < offer.sdp
//       prints the <jingle action='session-initiate'/> element
//   jingle_sdp_tool accept-to-sdp --offer offer.sdp < session-accept.xml
//       prints the SDP answer (the <jingle/> element or the whole <iq/> on stdin)
//
// Exit code 0 on success, 1 with a message on stderr otherwise.
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>

#include "presentd/sdp/sdp_parser.hpp"
#include "presentd/sdp/sdp_writer.hpp"
#include "signaling/jingle/jingle_namespaces.hpp"
#include "signaling/jingle/jingle_to_sdp.hpp"
#include "signaling/jingle/sdp_to_jingle.hpp"

namespace {
using namespace presentd;
using namespace presentd::signaling::jingle;

int fail(const std::string& message) {
  std::cerr << "jingle_sdp_tool: " << message << "\n";
  return 1;
}

std::string read_all(std::istream& in) {
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int offer_to_jingle(std::map<std::string, std::string>& options) {
  const auto offer = sdp::parse_sdp(read_all(std::cin));
  if (!offer) return fail("bad offer: " + offer.error().message);
  auto description = offer.value();
  if (options.contains("relay-only")) {
    // What a sender behind a hostile network offers: only its TURN relay.
    for (auto& m : description.media) std::erase_if(m.candidates, [](const auto& c) { return c.type != "relay"; });
  }
  auto jingle =
      sdp_to_jingle(description, {"session-initiate", options["sid"], options["initiator"], ""}, Party::initiator);
  if (options.contains("pin")) jingle.add("pin", std::string(ns::kPin)).text = options["pin"];
  std::cout << xml::serialize(jingle) << "\n";
  return 0;
}

int accept_to_sdp(std::map<std::string, std::string>& options) {
  std::ifstream offer_file(options["offer"]);
  if (!offer_file) return fail("cannot read the offer file");
  const auto offer = sdp::parse_sdp(read_all(offer_file));
  if (!offer) return fail("bad offer: " + offer.error().message);
  const auto parsed = xml::parse_element(read_all(std::cin));
  if (!parsed.element) return fail("bad XML: " + parsed.error);
  const xml::Element* jingle = &*parsed.element;
  if (const auto* inner = jingle->child("jingle", ns::kJingle)) jingle = inner;
  const auto answer = jingle_to_sdp(*jingle, {Party::responder, &offer.value()});
  if (!answer) return fail("bad session-accept: " + answer.error().message);
  std::cout << sdp::write_sdp(answer.value());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return fail("usage: jingle_sdp_tool offer-to-jingle|accept-to-sdp [--name value]...");
  const std::string command = argv[1];
  std::map<std::string, std::string> options;
  for (int i = 2; i < argc; ++i) {
    std::string key = argv[i];
    if (!key.starts_with("--")) return fail("unexpected argument " + key);
    key = key.substr(2);
    if (key == "relay-only") {
      options[key] = "";
    } else if (i + 1 < argc) {
      options[key] = argv[++i];
    } else {
      return fail("--" + key + " needs a value");
    }
  }
  if (command == "offer-to-jingle") return offer_to_jingle(options);
  if (command == "accept-to-sdp") return accept_to_sdp(options);
  return fail("unknown command " + command);
}
