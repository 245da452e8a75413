// SPDX-License-Identifier: Apache-2.0
#pragma once
// The Prometheus text exposition format, version 0.0.4: for each family a "# HELP" and a
// "# TYPE" line, then one line per series; histograms as <name>_bucket{le="..."} (cumulative,
// ending with le="+Inf"), <name>_sum and <name>_count.
//
// Escaping: HELP text escapes backslash and newline; label values escape backslash, double
// quote and newline. Values are integers when they are whole numbers, otherwise the shortest
// decimal that reads back as the same double; NaN, +Inf and -Inf as Prometheus spells them.
//
// Thread: event loop (reads the registry; the metrics themselves are atomics).
#include <string>
#include <string_view>

#include "presentd/metrics/registry.hpp"

namespace presentd::metrics {

inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

// Runs the registry's collectors, then writes every family.
[[nodiscard]] std::string write_text_exposition(Registry& registry);

[[nodiscard]] std::string escape_help(std::string_view help);
[[nodiscard]] std::string escape_label_value(std::string_view value);
[[nodiscard]] std::string format_value(double value);

}  // namespace presentd::metrics
