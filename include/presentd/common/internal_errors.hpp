// SPDX-License-Identifier: Apache-2.0
#pragma once
// The error boundary's tally: every exception caught where it would otherwise have stopped the
// daemon (the event loop, a session's setup, a decoder worker, the render thread, the snapshot
// worker) is reported here once. It is logged with what was running and counted per site; the
// daemon exposes the counts as presentd_internal_errors_total{site} (app/daemon_metrics).
//
// A process-wide tally rather than a counter handed down: the sites live on four kinds of
// threads in four modules, and `common` is the one place all of them may include.
// Thread: any (lock-free counters; one log line per report).
#include <array>
#include <cstdint>
#include <exception>
#include <string_view>

namespace presentd {

enum class ErrorSite { event_loop, session, decoder, render, snapshot };
inline constexpr std::array kErrorSites{ErrorSite::event_loop, ErrorSite::session, ErrorSite::decoder,
                                        ErrorSite::render, ErrorSite::snapshot};

std::string_view to_string(ErrorSite site);

// Call inside a catch block: logs what was running, the exception's type and message at error
// level under `tag`, and counts it for `site`. Never throws.
void report_current_exception(ErrorSite site, std::string_view tag, std::string_view running) noexcept;

// The message of the exception being handled (call inside a catch block): what() for a
// std::exception, a fixed text for anything else.
std::string_view current_exception_message() noexcept;

std::uint64_t internal_error_count(ErrorSite site);

}  // namespace presentd
