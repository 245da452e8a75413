// SPDX-License-Identifier: Apache-2.0
// Fuzzes the SDP offer parser and the answer builder: whatever parses must print and parse again,
// and every answer we build must parse back to exactly the model we printed (the WHIP endpoint
// sends that text to the sender).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "presentd/sdp/answer_builder.hpp"
#include "presentd/sdp/sdp_parser.hpp"
#include "presentd/sdp/sdp_writer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace presentd::sdp;
  const std::span<const std::uint8_t> body(data, size);
  const auto offer = parse_sdp(body);
  if (!offer) {
    if (offer.error().message.empty()) std::abort();
    return 0;
  }
  if (!parse_sdp(write_sdp(offer.value()))) std::abort();

  AnswerConfig config;
  config.ice_ufrag = "fuzz";
  config.ice_pwd = "fuzzfuzzfuzzfuzzfuzzfu";
  config.fingerprint = Fingerprint{"sha-256", "AB:CD:EF"};
  config.candidates = {"candidate:1 1 udp 2130706431 10.0.0.1 5000 typ host"};
  const auto answer = build_answer(offer.value(), config);
  if (!answer) return 0;
  const auto reparsed = parse_sdp(answer->sdp);
  if (!reparsed || !(reparsed.value() == answer->description)) std::abort();
  if (answer->description.media.size() != offer->media.size()) std::abort();
  return 0;
}
