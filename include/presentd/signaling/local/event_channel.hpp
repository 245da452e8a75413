// SPDX-License-Identifier: Apache-2.0
#pragma once
// The presenter page's event channel (docs/protocol.md, "Event channel"):
//
//   GET  <whip>/<session>/events                  Server-Sent Events for one session
//   POST <whip>/<session>/approvals/<request>     {"accept": true|false}
//
// The 128-bit session ID from the WHIP Location is the capability: EventSource cannot send an
// Authorization header, and whoever knows the ID may already PATCH and DELETE the session.
// Events: `state` (the session's state and, at the end, why it ended), `approval_request` and
// `approval_result` (admission mode "approve"). A new subscriber first gets what it would have
// missed (the current state, open approval requests); a subscriber arriving shortly after the
// end still learns why (the last ended sessions are remembered). Streams are bounded in number,
// get a heartbeat comment every 15 s and are finished when their session ends.
//
// Thread: event loop.
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "presentd/common/liveness.hpp"
#include "presentd/common/loop_affinity.hpp"
#include "presentd/signaling/local/event_stream.hpp"
#include "presentd/signaling/local/http_router.hpp"

namespace presentd::signaling {

struct ChannelEvent {
  std::string name;  // "state", "approval_request", "approval_result"
  nlohmann::json data;
};

struct ApprovalAnswer {
  http::status status = http::status::ok;  // 404 unknown request, 403 approver not on screen
  std::string error;                       // machine-readable code when not ok
  std::string message;                     // one readable sentence when not ok
};

// Implemented by whoever owns the sessions (SessionManager).
class EventChannelHost {
public:
  virtual ~EventChannelHost() = default;
  // What a new subscriber of `session_id` is told first; nullopt: no such session.
  virtual std::optional<std::vector<ChannelEvent>> events_for_new_subscriber(const std::string& session_id) = 0;
  virtual ApprovalAnswer answer_approval(const std::string& approver_session_id, const std::string& request_id,
                                         bool accept) = 0;
};

// What the session side calls; an interface so sessions can be tested without HTTP.
class EventPublisher {
public:
  virtual ~EventPublisher() = default;
  virtual void publish(const std::string& session_id, const ChannelEvent& event) = 0;
  // The session is over: `last` (its final state) goes out, then its streams are finished.
  virtual void session_ended(const std::string& session_id, const ChannelEvent& last) = 0;
};

struct EventChannelOptions {
  std::string path = "/whip";
  std::size_t max_streams = 64;
  std::size_t max_streams_per_session = 4;
  std::chrono::milliseconds heartbeat{15000};
  std::size_t remembered_endings = 64;
};

class EventChannel : public EventPublisher {
public:
  EventChannel(boost::asio::io_context& io, EventChannelHost& host, EventChannelOptions options = {});
  ~EventChannel() override;
  EventChannel(const EventChannel&) = delete;
  EventChannel& operator=(const EventChannel&) = delete;

  void register_routes(HttpRouter& router);
  void publish(const std::string& session_id, const ChannelEvent& event) override;
  void session_ended(const std::string& session_id, const ChannelEvent& last) override;
  // Shutdown: finish every stream, stop the heartbeat.
  void close_all();
  std::size_t stream_count() const;

private:
  LoopAffinity loop_;  // checks "Thread: event loop" in debug builds
  void on_get(const Request& request, const RequestContext& context, const Responder& respond);
  void on_post(const Request& request, const RequestContext& context, const Responder& respond);
  void subscribe(const std::string& session_id, std::shared_ptr<EventStream> stream,
                 const std::vector<ChannelEvent>& first);
  void forget_closed_streams();
  void arm_heartbeat();

  boost::asio::io_context& io_;
  EventChannelHost& host_;
  EventChannelOptions options_;
  std::multimap<std::string, std::shared_ptr<EventStream>> streams_;  // by session ID
  std::deque<std::pair<std::string, ChannelEvent>> endings_;          // recent ends, oldest first
  boost::asio::steady_timer heartbeat_;
  bool heartbeat_armed_ = false;
  Liveness liveness_;  // tokens in deferred handlers: liveness.hpp
};

// `event` as one line of compact JSON; invalid UTF-8 is replaced, never thrown.
std::string event_data(const ChannelEvent& event);

}  // namespace presentd::signaling
