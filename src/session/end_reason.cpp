#include "session/end_reason.hpp"

#include <utility>

namespace presentd::session {

std::string_view end_reason_code(std::string_view reason) {
  // Matched on the beginning of the sentences Session and SessionManager end sessions with.
  static constexpr std::pair<std::string_view, std::string_view> kPrefixes[] = {
      {"stopped", "stopped"},
      {"replaced", "replaced"},
      {"removed", "removed"},
      {"declined", "declined"},
      {"the display is shutting down", "shutdown"},
      {"ended from the box", "ended_at_box"},
      {"the sender closed", "sender_closed"},
      {"no media or ICE traffic", "timeout"},
      {"ICE failed", "ice_failed"},
      {"DTLS failed", "dtls_failed"},
      {"no usable network address", "no_answer"},
  };
  for (const auto& [prefix, code] : kPrefixes) {
    if (reason.starts_with(prefix)) return code;
  }
  return "error";
}

}  // namespace presentd::session
