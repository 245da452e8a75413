// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/xmpp/tcp_connector.hpp"

#include <memory>

#include <boost/asio/connect.hpp>

namespace presentd::xmpp {

namespace {

struct Attempt {
  explicit Attempt(boost::asio::io_context& io) : resolver(io), socket(io) {}
  boost::asio::ip::tcp::resolver resolver;
  boost::asio::ip::tcp::socket socket;
  ConnectHandler done;
};

}  // namespace

Connector make_tcp_connector(boost::asio::io_context& io) {
  return [&io](const std::string& host, std::uint16_t port, ConnectHandler done) -> CancelConnect {
    auto attempt = std::make_shared<Attempt>(io);
    attempt->done = std::move(done);
    attempt->resolver.async_resolve(
        host, std::to_string(port),
        [attempt](boost::system::error_code ec, const boost::asio::ip::tcp::resolver::results_type& results) {
          if (ec) return attempt->done(ec, boost::asio::ip::tcp::socket(attempt->socket.get_executor()));
          boost::asio::async_connect(
              attempt->socket, results,
              [attempt](boost::system::error_code connect_ec, const boost::asio::ip::tcp::endpoint&) {
                attempt->done(connect_ec, std::move(attempt->socket));
              });
        });
    std::weak_ptr<Attempt> weak = attempt;
    return [weak] {
      if (auto a = weak.lock()) {
        a->resolver.cancel();
        boost::system::error_code ignored;
        a->socket.close(ignored);
      }
    };
  };
}

}  // namespace presentd::xmpp
