// SPDX-License-Identifier: Apache-2.0
#include "signaling/local/https_connection.hpp"

#include <sstream>

#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "presentd/common/log.hpp"
#include "signaling/local/http_exchange.hpp"
#include "signaling/local/security_headers.hpp"

namespace presentd::signaling {
namespace beast = boost::beast;

namespace {
constexpr std::string_view kTag = "https";
constexpr std::size_t kFirstReadBytes = 4096;
// About a hundred events; a heartbeat every 15 s means a stalled reader is noticed in minutes
// at worst, the write deadline usually notices it first.
constexpr std::size_t kMaxQueuedStreamBytes = std::size_t{64} * 1024;

bool is_ordinary_disconnect(const beast::error_code& ec) {
  // A client that closes without a TLS close_notify (browsers do) ends the stream "truncated":
  // that is a normal end of a connection, not something to log.
  return ec == http::error::end_of_stream || ec == boost::asio::ssl::error::stream_truncated ||
         ec == boost::asio::error::eof || ec == boost::asio::error::operation_aborted ||
         ec == boost::asio::error::connection_reset || ec == beast::error::timeout;
}
}  // namespace

HttpsConnection::HttpsConnection(boost::asio::ip::tcp::socket socket, std::shared_ptr<boost::asio::ssl::context> tls,
                                 const HttpRouter& router, const HttpsLimits& limits,
                                 std::shared_ptr<ConnectionSlots> slots, ConnectionSlots::Id slot)
    : tls_(std::move(tls)),
      stream_(std::move(socket), *tls_),
      router_(router),
      limits_(limits),
      slots_(std::move(slots)),
      slot_(slot) {
  beast::error_code ignored;
  context_.remote = beast::get_lowest_layer(stream_).socket().remote_endpoint(ignored);
  context_.event_streams = this;
}

HttpsConnection::~HttpsConnection() { slots_->release(slot_); }

void HttpsConnection::start() {
  beast::get_lowest_layer(stream_).expires_after(limits_.handshake_timeout);
  stream_.async_handshake(boost::asio::ssl::stream_base::server, [self = shared_from_this()](beast::error_code ec) {
    if (ec) {
      if (!is_ordinary_disconnect(ec)) {
        PD_LOG(debug, kTag) << "TLS handshake with " << self->context_.remote << " failed: " << ec.message();
      }
      return self->close();
    }
    self->read_request();
  });
}

void HttpsConnection::read_request() {
  if (closing_) return;
  parser_.emplace();
  limit_request_parser(*parser_, limits_);
  if (buffer_.size() > 0) return read_header();  // the next request has begun arriving already
  // Waiting for a request costs the box nothing but the socket, so the idle deadline is long;
  // the header deadline starts with the first byte.
  beast::get_lowest_layer(stream_).expires_after(limits_.idle_timeout);
  slots_->set_idle(slot_, true);  // the listener may close it now to make room for a newcomer
  stream_.async_read_some(buffer_.prepare(kFirstReadBytes),
                          [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                            self->slots_->set_idle(self->slot_, false);
                            if (ec) return self->on_request(ec);
                            self->buffer_.commit(bytes);
                            self->read_header();
                          });
}

void HttpsConnection::read_header() {
  beast::get_lowest_layer(stream_).expires_after(limits_.header_timeout);
  http::async_read_header(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec == beast::error::timeout) {
      PD_LOG(info, kTag) << "closing the connection from " << self->context_.remote
                         << ": no complete request header within " << self->limits_.header_timeout.count() << " s";
    }
    if (ec || self->parser_->is_done()) return self->on_request(ec);
    self->read_body();
  });
}

void HttpsConnection::read_body() {
  beast::get_lowest_layer(stream_).expires_after(limits_.request_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_request(ec); });
}

void HttpsConnection::on_request(beast::error_code ec) {
  if (auto refusal = refusal_for(ec)) {
    std::string_view reason = refusal->body();
    if (reason.ends_with('\n')) reason.remove_suffix(1);
    PD_LOG(debug, kTag) << "refused a request from " << context_.remote << ": " << reason;
    return write_response(std::move(*refusal));
  }
  if (ec) {
    if (!is_ordinary_disconnect(ec)) PD_LOG(debug, kTag) << "read from " << context_.remote << ": " << ec.message();
    if (ec == http::error::end_of_stream || ec == boost::asio::ssl::error::stream_truncated) return shutdown_tls();
    return close();
  }
  // The handler may answer later; the connection reads nothing more until it has (no pipelining).
  beast::get_lowest_layer(stream_).expires_never();
  const Request& request = parser_->get();
  router_.dispatch(request, context_, [self = shared_from_this()](Response response) {
    if (self->streaming_) return;  // the handler already answered with an event stream
    self->write_response(std::move(response));
  });
}

void HttpsConnection::write_response(Response response) {
  if (closing_) return;
  finish_response(router_, response, limits_.hsts);
  auto shared = std::make_shared<Response>(std::move(response));
  beast::get_lowest_layer(stream_).expires_after(limits_.request_timeout);
  http::async_write(stream_, *shared, [self = shared_from_this(), shared](beast::error_code ec, std::size_t) {
    if (ec) return self->close();
    if (shared->need_eof()) return self->shutdown_tls();
    self->read_request();
  });
}

void HttpsConnection::shutdown_tls() {
  if (closing_) return;
  mark_closed();
  beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
  stream_.async_shutdown(
      [self = shared_from_this()](beast::error_code) { beast::get_lowest_layer(self->stream_).close(); });
}

void HttpsConnection::close() {
  mark_closed();
  beast::get_lowest_layer(stream_).close();
}

void HttpsConnection::mark_closed() {
  if (closing_) return;
  closing_ = true;
  slots_->release(slot_);
  stream_queue_.clear();
  if (auto callback = std::move(on_closed_)) {
    on_closed_ = nullptr;
    // The callback may drop the last outside reference to this connection.
    auto keep_alive = shared_from_this();
    callback();
  }
}

std::shared_ptr<EventStream> HttpsConnection::open_event_stream(const Request& request) {
  streaming_ = true;
  auto head = make_response(request, http::status::ok, "", "text/event-stream; charset=utf-8");
  // The body ends when the connection does (no length, no chunking); browsers expect exactly
  // that of an event stream.
  head.keep_alive(false);
  head.erase(http::field::content_length);
  apply_security_headers(head, limits_.hsts);
  std::ostringstream text;
  text << head.base();
  queue_stream_bytes(text.str());
  watch_for_disconnect();
  return shared_from_this();
}

void HttpsConnection::send_event(std::string_view name, std::string_view data) {
  std::string text;
  text.reserve(name.size() + data.size() + 16);
  text.append("event: ").append(name).append("\ndata: ").append(data).append("\n\n");
  queue_stream_bytes(std::move(text));
}

void HttpsConnection::send_comment(std::string_view comment) {
  queue_stream_bytes(std::string(": ").append(comment).append("\n\n"));
}

void HttpsConnection::finish() {
  if (!is_open()) return;
  finishing_ = true;
  if (!writing_) shutdown_tls();
}

void HttpsConnection::queue_stream_bytes(std::string bytes) {
  if (!is_open() || finishing_) return;
  // A client that reads nothing must not make us buffer without bound.
  if (stream_queued_bytes_ + bytes.size() > kMaxQueuedStreamBytes) {
    PD_LOG(notice, kTag) << "event stream to " << context_.remote << " is not read; closing it";
    return close();
  }
  stream_queued_bytes_ += bytes.size();
  stream_queue_.push_back(std::move(bytes));
  if (!writing_) write_next_stream_bytes();
}

void HttpsConnection::write_next_stream_bytes() {
  if (closing_) return;
  if (stream_queue_.empty()) {
    writing_ = false;
    if (finishing_) shutdown_tls();
    return;
  }
  writing_ = true;
  // Only the write direction gets a deadline: the read below waits for the client forever.
  beast::get_lowest_layer(stream_).expires_after(limits_.request_timeout);
  boost::asio::async_write(stream_, boost::asio::buffer(stream_queue_.front()),
                           [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec) return self->close();
                             if (self->closing_) return;
                             self->stream_queued_bytes_ -= self->stream_queue_.front().size();
                             self->stream_queue_.pop_front();
                             self->write_next_stream_bytes();
                           });
}

void HttpsConnection::watch_for_disconnect() {
  // Nothing is expected from the client any more; a read completes only when it goes away.
  beast::get_lowest_layer(stream_).expires_never();
  stream_.async_read_some(buffer_.prepare(512), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) return self->close();
    self->buffer_.clear();
    self->watch_for_disconnect();
  });
}

}  // namespace presentd::signaling
