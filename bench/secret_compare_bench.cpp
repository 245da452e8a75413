// SPDX-License-Identifier: Apache-2.0
// How long comparing a presented secret takes depending on where it differs from the real one.
// signaling::tokens_equal (used for PINs, session tokens and the admin token) must take the same
// time whether the first or the last byte is wrong; std::string's == (the baseline, measured in
// the same run) stops at the first difference, which is what a timing attack measures.
//
//   build-bench/bench/secret_compare_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <string>

#include "presentd/signaling/local/bearer_token.hpp"

namespace {

const std::string kSecret = "3f9a1c0e5b7d2468ace13579bdf02468";  // a session token's shape

std::string differing_at(std::size_t index) {
  std::string presented = kSecret;
  if (index < presented.size()) presented[index] = presented[index] == '0' ? '1' : '0';
  return presented;
}

template <class Compare>
void run(benchmark::State& state, Compare compare) {
  const auto presented = differing_at(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    std::string_view a = presented;
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(compare(a, kSecret));
  }
}

void BM_TokensEqual(benchmark::State& state) {
  run(state, [](std::string_view a, std::string_view b) { return presentd::signaling::tokens_equal(a, b); });
}
void BM_StdStringEqual(benchmark::State& state) {
  run(state, [](std::string_view a, std::string_view b) { return a == b; });
}

// Argument: the index of the wrong byte (32 = none: the right secret).
BENCHMARK(BM_TokensEqual)->Arg(0)->Arg(31)->Arg(32);
BENCHMARK(BM_StdStringEqual)->Arg(0)->Arg(31)->Arg(32);

}  // namespace
