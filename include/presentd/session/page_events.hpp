// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the session core tells a presenter's page while its session runs: its state, approval
// requests and their results (docs/protocol.md, "Event channel"). The core only names the
// events; carrying them to the page (Server-Sent Events on the HTTPS server) is an adapter's
// job (app/event_channel_bridge), so the core needs nothing from HTTP.
//
// Thread: event loop.
#include <string>

#include <nlohmann/json.hpp>

namespace presentd::session {

struct PageEvent {
  std::string name;  // "state", "approval_request", "approval_result"
  nlohmann::json data;
};

class PageEventSink {
public:
  virtual ~PageEventSink() = default;
  virtual void publish(const std::string& session_id, const PageEvent& event) = 0;
  // The session is over: `last` (its final state) goes out, then its page hears nothing more.
  virtual void session_ended(const std::string& session_id, const PageEvent& last) = 0;
};

// What came of a presenter's answer to an approval request.
enum class ApprovalOutcome {
  settled,         // the newcomer was admitted, declined, or waits for its media (approved)
  no_session,      // the approver's session does not exist (any more)
  not_presenting,  // the approver is not on screen: only presenters on screen approve
  no_request,      // no such request waits (already answered, expired, withdrawn)
};

}  // namespace presentd::session
