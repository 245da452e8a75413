// SPDX-License-Identifier: Apache-2.0
#pragma once
// A Server-Sent Events stream (WHATWG HTML, "Server-sent events") held open on one HTTPS
// connection. An endpoint gets one from the request's EventStreamOpener and pushes events
// through it; the connection writes them in order, one write in flight, and reports when the
// client goes away. EventSource cannot send headers, so these streams carry no credentials:
// the URL itself is the capability.
//
// Thread: event loop.
#include <functional>
#include <memory>
#include <string_view>

#include "presentd/signaling/local/http_types.hpp"

namespace presentd::signaling {

class EventStream {
public:
  virtual ~EventStream() = default;
  // Queues "event: <name>\ndata: <data>\n\n"; `data` must be one line (compact JSON).
  virtual void send_event(std::string_view name, std::string_view data) = 0;
  // Queues a comment (": <text>\n\n"): a heartbeat that keeps idle-timeouts away.
  virtual void send_comment(std::string_view text) = 0;
  // Ends the stream once everything queued is written.
  virtual void finish() = 0;
  virtual bool is_open() const = 0;
  // Called once when the stream ends, whichever side ends it.
  virtual void set_on_closed(std::function<void()> callback) = 0;
};

class EventStreamOpener {
public:
  virtual ~EventStreamOpener() = default;
  // Answers the request being handled with "200 text/event-stream" and keeps the connection
  // for events; it reads no further requests. The handler must not respond otherwise.
  virtual std::shared_ptr<EventStream> open_event_stream(const Request& request) = 0;
};

}  // namespace presentd::signaling
