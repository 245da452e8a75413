// SPDX-License-Identifier: Apache-2.0
// Prints presentd's answer to the offer in the file argv[1] (manual acceptance checks, see
// ../README.md). Build from the repository root after a normal build:
//   g++ -std=c++20 -Isrc tests/vectors/sdp/capture/show_answer.cpp build/src/libpresentd_core.a -o /tmp/show_answer
#include <fstream>
#include <iostream>
#include <sstream>
#include "presentd/sdp/answer_builder.hpp"
#include "presentd/sdp/sdp_parser.hpp"
int main(int, char** argv) {
  std::ifstream in(argv[1]);
  std::stringstream s;
  s << in.rdbuf();
  auto offer = presentd::sdp::parse_sdp(s.str());
  if (!offer) {
    std::cout << offer.error().message << "\n";
    return 1;
  }
  presentd::sdp::AnswerConfig c;
  c.ice_ufrag = "pdUf";
  c.ice_pwd = "presentdIcePasswordOf24x";
  c.fingerprint = {"sha-256",
                   "12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0"};
  c.candidates = {"candidate:1 1 udp 2130706431 10.200.0.1 50000 typ host"};
  auto a = presentd::sdp::build_answer(offer.value(), c);
  if (!a) {
    std::cout << a.error().message << "\n";
    return 1;
  }
  std::cout << a->sdp;
}
