// SPDX-License-Identifier: Apache-2.0
#pragma once
// Carries the session core's page events to the presenter pages' event channel (Server-Sent
// Events on the HTTPS server), and the pages' approvals back to the core, mapping what came of
// an approval onto an HTTP answer. The core (session::SessionManager) and the channel
// (signaling::EventChannel) know nothing of each other.
//
// Thread: event loop.
#include "presentd/session/page_events.hpp"
#include "presentd/signaling/local/event_channel.hpp"

namespace presentd::session {
class SessionManager;
}

namespace presentd::app {

// The HTTP answer to an approval's outcome (docs/protocol.md, "Event channel").
signaling::ApprovalAnswer to_approval_answer(session::ApprovalOutcome outcome);

class EventChannelBridge : public signaling::EventChannelHost, public session::PageEventSink {
public:
  explicit EventChannelBridge(session::SessionManager& sessions) : sessions_(sessions) {}

  // Where page events go from now on; null: nowhere (shutdown). Must outlive its use.
  void set_channel(signaling::EventPublisher* channel) { channel_ = channel; }

  // signaling::EventChannelHost
  std::optional<std::vector<signaling::ChannelEvent>> events_for_new_subscriber(const std::string& session_id) override;
  signaling::ApprovalAnswer answer_approval(const std::string& approver_session_id, const std::string& request_id,
                                            bool accept) override;

  // session::PageEventSink
  void publish(const std::string& session_id, const session::PageEvent& event) override;
  void session_ended(const std::string& session_id, const session::PageEvent& last) override;

private:
  session::SessionManager& sessions_;
  signaling::EventPublisher* channel_ = nullptr;
};

}  // namespace presentd::app
