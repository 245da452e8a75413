// SPDX-License-Identifier: Apache-2.0
#include "presentd/net/proxy_connector.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>

#include "net/http_connect.hpp"
#include "net/socks5.hpp"

namespace presentd::net {
namespace {
namespace asio = boost::asio;
using asio::ip::tcp;
constexpr std::size_t kReadChunk = 512;
}  // namespace

std::shared_ptr<ProxyConnector> ProxyConnector::start(const asio::any_io_executor& executor, const ProxySettings& proxy,
                                                      std::string host, std::uint16_t port,
                                                      std::chrono::milliseconds timeout, ConnectHandler handler) {
  auto connector = std::make_shared<ProxyConnector>(executor, proxy, std::move(host), port, std::move(handler));
  connector->run(timeout);
  return connector;
}

ProxyConnector::ProxyConnector(const asio::any_io_executor& executor, const ProxySettings& proxy, std::string host,
                               std::uint16_t port, ConnectHandler handler)
    : proxy_(proxy),
      host_(std::move(host)),
      port_(port),
      handler_(std::move(handler)),
      resolver_(executor),
      socket_(executor),
      timer_(executor) {}

std::string ProxyConnector::target() const {
  const bool ipv6 = host_.find(':') != std::string::npos;
  return (ipv6 ? "[" + host_ + "]" : host_) + ":" + std::to_string(port_);
}

std::string ProxyConnector::hop() const {
  switch (proxy_.type) {
    case ProxyType::none: return target();
    case ProxyType::http: return "HTTP proxy " + proxy_.host + ":" + std::to_string(proxy_.port);
    case ProxyType::socks5: return "SOCKS5 proxy " + proxy_.host + ":" + std::to_string(proxy_.port);
  }
  return target();
}

void ProxyConnector::run(std::chrono::milliseconds timeout) {
  timer_.expires_after(timeout);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec || !self->handler_) return;
    self->timed_out_ = true;  // the operation in flight ends with operation_aborted
    self->resolver_.cancel();
    boost::system::error_code ignored;
    self->socket_.close(ignored);
  });
  const bool direct = proxy_.type == ProxyType::none;
  resolver_.async_resolve(
      direct ? host_ : proxy_.host, std::to_string(direct ? port_ : proxy_.port),
      [self = shared_from_this()](const boost::system::error_code& ec, const tcp::resolver::results_type& results) {
        if (ec) return self->finish("cannot resolve " + self->hop() + ": " + ec.message());
        asio::async_connect(
            self->socket_, results,
            [self](const boost::system::error_code& error, const tcp::endpoint&) { self->on_connected(error); });
      });
}

void ProxyConnector::cancel() {
  if (!handler_) return;
  finish("cancelled");
}

void ProxyConnector::on_connected(const boost::system::error_code& ec) {
  if (ec) return finish("cannot connect to " + hop() + ": " + ec.message());
  boost::system::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);  // small TURN/XMPP messages should not wait
  switch (proxy_.type) {
    case ProxyType::none: return finish("");
    case ProxyType::http: return http_connect();
    case ProxyType::socks5: return socks_greet();
  }
}

void ProxyConnector::http_connect() {
  const auto request = build_http_connect_request(host_, port_, proxy_.username, proxy_.password);
  send(std::vector<std::uint8_t>(request.begin(), request.end()), [this] {
    read_more([this] {
      const std::string_view text(reinterpret_cast<const char*>(buffer_.data()), buffer_.size());
      const auto reply = parse_http_connect_reply(text);
      if (reply.kind == HttpConnectReply::Kind::incomplete) return false;
      if (reply.kind == HttpConnectReply::Kind::malformed) {
        finish(hop() + " sent a malformed reply to CONNECT");
      } else if (reply.status == 407) {
        const std::string scheme = reply.authenticate.empty() ? "" : "; it asks for " + reply.authenticate;
        finish(proxy_.username.empty() ? hop() + " requires authentication (407 " + reply.reason + scheme +
                                             ") but no proxy username is configured"
                                       : hop() + " rejected the credentials of user \"" + proxy_.username + "\" (407 " +
                                             reply.reason + scheme + ")");
      } else if (reply.status / 100 != 2) {
        finish(hop() + " refused CONNECT to " + target() + ": " + std::to_string(reply.status) + " " + reply.reason);
      } else if (reply.head_length != buffer_.size()) {
        // The client speaks first in every protocol tunnelled here (TLS, XMPP): bytes before
        // that mean the proxy and presentd disagree about where the tunnel starts.
        finish(hop() + " sent data after its CONNECT reply");
      } else {
        finish("");
      }
      return true;
    });
  });
}

void ProxyConnector::socks_greet() {
  send(socks5_greeting(!proxy_.username.empty()), [this] {
    read_more([this] {
      const auto choice = parse_socks5_method_choice(buffer_);
      if (choice.kind == SocksParse<std::uint8_t>::Kind::incomplete) return false;
      if (choice.kind == SocksParse<std::uint8_t>::Kind::malformed) {
        finish(hop() + " did not answer as a SOCKS5 server");
      } else if (choice.value == kSocksNoAcceptableMethod) {
        finish(proxy_.username.empty()
                   ? hop() + " requires authentication but no proxy username is configured"
                   : hop() + " accepts none of the offered authentication methods (none, username/password)");
      } else if (choice.value == kSocksUsernamePassword) {
        if (proxy_.username.empty()) {
          finish(hop() + " chose username/password authentication, which was not offered");
        } else {
          buffer_.clear();
          socks_authenticate();
        }
      } else {
        buffer_.clear();
        socks_connect();
      }
      return true;
    });
  });
}

void ProxyConnector::socks_authenticate() {
  auto request = socks5_password_request(proxy_.username, proxy_.password);
  if (!request) return finish("the SOCKS5 username and password must be 1..255 and 0..255 bytes");
  send(std::move(*request), [this] {
    read_more([this] {
      const auto reply = parse_socks5_password_reply(buffer_);
      if (reply.kind == SocksParse<bool>::Kind::incomplete) return false;
      if (reply.kind == SocksParse<bool>::Kind::malformed) {
        finish(hop() + " sent a malformed authentication reply");
      } else if (!reply.value) {
        finish(hop() + " rejected the username/password of user \"" + proxy_.username +
               "\" (SOCKS5 authentication failed)");
      } else {
        buffer_.clear();
        socks_connect();
      }
      return true;
    });
  });
}

void ProxyConnector::socks_connect() {
  auto request = socks5_connect_request(host_, port_);
  if (!request) return finish("the host name \"" + host_ + "\" is too long for SOCKS5");
  send(std::move(*request), [this] {
    read_more([this] {
      const auto reply = parse_socks5_connect_reply(buffer_);
      if (reply.kind == SocksParse<std::uint8_t>::Kind::incomplete) return false;
      if (reply.kind == SocksParse<std::uint8_t>::Kind::malformed) {
        finish(hop() + " sent a malformed CONNECT reply");
      } else if (reply.value != 0) {
        finish(hop() + " could not connect to " + target() + ": " + std::string(socks5_reply_text(reply.value)));
      } else if (reply.length != buffer_.size()) {
        finish(hop() + " sent data after its CONNECT reply");
      } else {
        finish("");
      }
      return true;
    });
  });
}

void ProxyConnector::send(std::vector<std::uint8_t> bytes, std::function<void()> next) {
  outgoing_ = std::move(bytes);
  asio::async_write(
      socket_, asio::buffer(outgoing_),
      [self = shared_from_this(), next = std::move(next)](const boost::system::error_code& ec, std::size_t) {
        if (!self->handler_) return;
        if (ec) return self->finish("cannot send to " + self->hop() + ": " + ec.message());
        next();
      });
}

void ProxyConnector::read_more(std::function<bool()> parse) {
  const std::size_t old_size = buffer_.size();
  if (old_size >= kMaxHttpConnectReply) return finish(hop() + " sent an over-long reply");
  buffer_.resize(old_size + kReadChunk);
  socket_.async_read_some(asio::buffer(buffer_.data() + old_size, kReadChunk),
                          [self = shared_from_this(), old_size, parse = std::move(parse)](
                              const boost::system::error_code& ec, std::size_t n) mutable {
                            self->buffer_.resize(old_size + n);
                            if (!self->handler_) return;
                            if (ec) {
                              return self->finish(ec == asio::error::eof
                                                      ? self->hop() + " closed the connection"
                                                      : "cannot read from " + self->hop() + ": " + ec.message());
                            }
                            if (!parse()) self->read_more(std::move(parse));
                          });
}

void ProxyConnector::finish(std::string error) {
  if (!handler_) return;
  auto handler = std::move(handler_);
  handler_ = nullptr;
  timer_.cancel();
  resolver_.cancel();
  if (timed_out_)
    error = "timed out connecting to " + target() + (proxy_.type == ProxyType::none ? "" : " through " + hop());
  boost::system::error_code ignored;
  if (!error.empty()) {
    socket_.close(ignored);
    return handler(std::move(error), tcp::socket(socket_.get_executor()));
  }
  handler("", std::move(socket_));
}

}  // namespace presentd::net
