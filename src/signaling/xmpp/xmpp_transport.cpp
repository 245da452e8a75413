// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/xmpp/xmpp_transport.hpp"

#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include "presentd/signaling/xmpp/xmpp_tls.hpp"

namespace presentd::xmpp {
namespace {

class SocketTransport final : public XmppTransport {
public:
  SocketTransport(boost::asio::ip::tcp::socket socket, std::shared_ptr<boost::asio::ssl::context> context)
      : context_(std::move(context)), stream_(std::move(socket), *context_) {}

  void handshake(const std::string& domain, bool direct_tls, HandshakeHandler done) override {
    if (!prepare_tls_connection(stream_.native_handle(), domain, direct_tls)) {
      done(make_error_code(boost::system::errc::not_enough_memory), "cannot set up TLS (out of memory)");
      return;
    }
    stream_.async_handshake(boost::asio::ssl::stream_base::client,
                            [this, done = std::move(done)](boost::system::error_code ec) {
                              if (!ec) tls_ = true;
                              done(ec, ec ? describe_tls_failure(stream_.native_handle(), ec) : std::string());
                            });
  }

  void read_some(std::span<std::uint8_t> buffer, IoHandler done) override {
    if (tls_) {
      stream_.async_read_some(boost::asio::buffer(buffer.data(), buffer.size()), std::move(done));
    } else {
      stream_.next_layer().async_read_some(boost::asio::buffer(buffer.data(), buffer.size()), std::move(done));
    }
  }

  void write(std::string_view data, IoHandler done) override {
    if (tls_) {
      boost::asio::async_write(stream_, boost::asio::buffer(data.data(), data.size()), std::move(done));
    } else {
      boost::asio::async_write(stream_.next_layer(), boost::asio::buffer(data.data(), data.size()), std::move(done));
    }
  }

  void close() override {
    boost::system::error_code ignored;
    stream_.next_layer().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    stream_.next_layer().close(ignored);
  }

  std::string tls_version() override { return SSL_get_version(stream_.native_handle()); }

private:
  std::shared_ptr<boost::asio::ssl::context> context_;
  boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream_;
  bool tls_ = false;
};

}  // namespace

TransportFactory make_socket_transport(std::shared_ptr<boost::asio::ssl::context> context) {
  return [context = std::move(context)](boost::asio::ip::tcp::socket socket) -> std::unique_ptr<XmppTransport> {
    return std::make_unique<SocketTransport>(std::move(socket), context);
  };
}

}  // namespace presentd::xmpp
