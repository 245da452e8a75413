// SPDX-License-Identifier: Apache-2.0
#pragma once
// One HTTPS connection: TLS handshake, then request/response pairs with keep-alive. Every phase
// has its own deadline (handshake, idle wait for the next request, header, body, write) and
// every request its size limits (HttpsLimits); a malformed or oversized request gets a 4xx
// with a short reason and the connection closes. Every answer gets the security headers.
// A handler may turn the connection into a Server-Sent Events stream instead (EventStream):
// then it writes queued events, one write in flight, and keeps one read pending only to learn
// when the client goes away. Owned by its own pending operations and by whoever holds it as
// an EventStream (shared_from_this). It holds a connection slot (connection_slots.hpp) from
// construction to its end, and reports there whenever it waits idle for a request, so the
// listener may close it to make room.
// Thread: event loop.
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "presentd/signaling/local/event_stream.hpp"
#include "presentd/signaling/local/http_router.hpp"
#include "presentd/signaling/local/https_server.hpp"

namespace presentd::signaling {

class HttpsConnection : public std::enable_shared_from_this<HttpsConnection>,
                        public EventStream,
                        private EventStreamOpener {
public:
  HttpsConnection(boost::asio::ip::tcp::socket socket, std::shared_ptr<boost::asio::ssl::context> tls,
                  const HttpRouter& router, const HttpsLimits& limits, std::shared_ptr<ConnectionSlots> slots,
                  ConnectionSlots::Id slot);
  ~HttpsConnection() override;
  HttpsConnection(const HttpsConnection&) = delete;
  HttpsConnection& operator=(const HttpsConnection&) = delete;
  void start();
  void close();

  // EventStream
  void send_event(std::string_view name, std::string_view data) override;
  void send_comment(std::string_view text) override;
  void finish() override;
  bool is_open() const override { return streaming_ && !closing_; }
  void set_on_closed(std::function<void()> callback) override { on_closed_ = std::move(callback); }

private:
  void read_request();
  void read_header();
  void read_body();
  void on_request(boost::beast::error_code ec);
  void write_response(Response response);
  void shutdown_tls();
  void mark_closed();

  std::shared_ptr<EventStream> open_event_stream(const Request& request) override;
  void queue_stream_bytes(std::string bytes);
  void write_next_stream_bytes();
  void watch_for_disconnect();

  std::shared_ptr<boost::asio::ssl::context> tls_;  // kept alive for the stream's SSL object
  boost::beast::ssl_stream<boost::beast::tcp_stream> stream_;
  const HttpRouter& router_;
  HttpsLimits limits_;
  std::shared_ptr<ConnectionSlots> slots_;
  ConnectionSlots::Id slot_;
  RequestContext context_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool closing_ = false;

  // Event-stream mode.
  bool streaming_ = false;
  bool finishing_ = false;  // finish() called: shut down once the queue is empty
  bool writing_ = false;
  std::deque<std::string> stream_queue_;
  std::size_t stream_queued_bytes_ = 0;
  std::function<void()> on_closed_;
};

}  // namespace presentd::signaling
