// SPDX-License-Identifier: Apache-2.0
// Cost of the SDP work on the WHIP POST path: parsing a captured Chromium offer, and parsing it
// plus building and printing the answer (the goal for offer → answer is ≤ 50 ms end to end; this
// is the part the SDP module owns). Reproduce: build-bench/bench/sdp_bench
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "presentd/sdp/answer_builder.hpp"
#include "presentd/sdp/sdp_fragment.hpp"
#include "presentd/sdp/sdp_parser.hpp"

namespace {

// bench/CMakeLists.txt defines no source-dir macro; CMake compiles with absolute paths, so the
// vectors are found relative to this file.
std::string read_offer(const char* name) {
  const auto path = std::filesystem::path(__FILE__).parent_path().parent_path() / "tests/vectors/sdp" / name;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

const std::string& chrome_offer() {
  static const std::string offer = read_offer("chromium_156_vp8_opus_datachannel.sdp");
  return offer;
}

presentd::sdp::AnswerConfig bench_config() {
  presentd::sdp::AnswerConfig config;
  config.ice_ufrag = "pdUf";
  config.ice_pwd = "presentdIcePasswordOf24x";
  config.fingerprint = {
      "sha-256", "12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0:12:34:56:78:9A:BC:DE:F0"};
  config.candidates = {"candidate:1 1 udp 2130706431 10.200.0.1 50000 typ host",
                       "candidate:2 1 tcp 1518280447 10.200.0.1 8443 typ host tcptype passive"};
  return config;
}

void BM_ParseChromeOffer(benchmark::State& state) {
  const std::string& offer = chrome_offer();
  for (auto _ : state) {
    auto parsed = presentd::sdp::parse_sdp(offer);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * offer.size()));
}
BENCHMARK(BM_ParseChromeOffer)->Unit(benchmark::kMicrosecond);

void BM_ParseAndAnswerChromeOffer(benchmark::State& state) {
  const std::string& offer = chrome_offer();
  const auto config = bench_config();
  for (auto _ : state) {
    auto parsed = presentd::sdp::parse_sdp(offer);
    if (!parsed) {
      state.SkipWithError("offer does not parse");
      break;
    }
    auto answer = presentd::sdp::build_answer(parsed.value(), config);
    benchmark::DoNotOptimize(answer);
  }
}
BENCHMARK(BM_ParseAndAnswerChromeOffer)->Unit(benchmark::kMicrosecond);

void BM_ParseTrickleFragment(benchmark::State& state) {
  const std::string fragment =
      "a=ice-ufrag:EsAw\r\na=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n"
      "a=candidate:752618916 1 udp 2113937151 1d1db20d-c470-490c-b3fb-b8d6f450476f.local 37611 typ host generation "
      "0\r\n";
  for (auto _ : state) {
    auto parsed = presentd::sdp::parse_sdp_fragment(fragment);
    benchmark::DoNotOptimize(parsed);
  }
}
BENCHMARK(BM_ParseTrickleFragment)->Unit(benchmark::kMicrosecond);

}  // namespace
