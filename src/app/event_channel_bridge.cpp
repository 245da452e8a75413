// SPDX-License-Identifier: Apache-2.0
#include "app/event_channel_bridge.hpp"

#include "presentd/session/session_manager.hpp"

namespace presentd::app {
namespace {
namespace http = signaling::http;

signaling::ChannelEvent to_channel_event(const session::PageEvent& event) { return {event.name, event.data}; }
}  // namespace

signaling::ApprovalAnswer to_approval_answer(session::ApprovalOutcome outcome) {
  using Outcome = session::ApprovalOutcome;
  switch (outcome) {
    case Outcome::settled: return {};
    case Outcome::no_session: return {http::status::not_found, "no_session", "This session does not exist (any more)."};
    case Outcome::not_presenting:
      return {http::status::forbidden, "not_presenting", "Only a presenter on screen can approve newcomers."};
    case Outcome::no_request:
      return {http::status::not_found, "no_request", "This request was already answered or has expired."};
  }
  return {http::status::internal_server_error, "internal", "The approval could not be handled."};
}

std::optional<std::vector<signaling::ChannelEvent>> EventChannelBridge::events_for_new_subscriber(
    const std::string& session_id) {
  auto events = sessions_.events_for_new_page(session_id);
  if (!events) return std::nullopt;
  std::vector<signaling::ChannelEvent> out;
  out.reserve(events->size());
  for (const auto& event : *events) out.push_back(to_channel_event(event));
  return out;
}

signaling::ApprovalAnswer EventChannelBridge::answer_approval(const std::string& approver_session_id,
                                                              const std::string& request_id, bool accept) {
  return to_approval_answer(sessions_.answer_approval(approver_session_id, request_id, accept));
}

void EventChannelBridge::publish(const std::string& session_id, const session::PageEvent& event) {
  if (channel_ != nullptr) channel_->publish(session_id, to_channel_event(event));
}

void EventChannelBridge::session_ended(const std::string& session_id, const session::PageEvent& last) {
  if (channel_ != nullptr) channel_->session_ended(session_id, to_channel_event(last));
}

}  // namespace presentd::app
