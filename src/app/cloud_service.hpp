#pragma once
// The cloud connection as the daemon sees it: builds the XMPP client from the `cloud` section,
// reads the password file, restarts the client when the section changes on reload, and tells
// the daemon when the room goes online or offline (idle screen, DNS-SD `cid`).
//
// Where a proxy plugs in: make_connector() in cloud_service.cpp returns the Connector the
// client dials through (today xmpp::make_tcp_connector); a proxy connector from src/net/
// replaces it there.
//
// Thread: event loop.
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "config/config.hpp"
#include "signaling/xmpp/xmpp_client.hpp"

namespace presentd::app {

class CloudService {
public:
  CloudService(boost::asio::io_context& io, std::function<void(bool online)> on_online_changed);
  ~CloudService();
  CloudService(const CloudService&) = delete;
  CloudService& operator=(const CloudService&) = delete;

  // Start, restart (a changed section, or a changed password file) or stop the client. Problems
  // (unreadable password or CA file) are logged and leave the cloud offline.
  void apply(const config::CloudConfig& cloud);
  void stop();
  void set_room_status(xmpp::RoomStatus status);

  [[nodiscard]] bool online() const { return client_ && client_->online(); }
  // The cloud meeting ID while online, else "".
  [[nodiscard]] std::string online_meeting_id() const;
  // The running client (null when the cloud is off): the Jingle code sends through it.
  [[nodiscard]] xmpp::XmppClient* client() { return client_.get(); }

private:
  boost::asio::io_context& io_;
  std::function<void(bool)> on_online_changed_;
  config::CloudConfig config_;
  std::string password_fingerprint_;  // SHA-256 of the password, to notice a changed file on reload
  xmpp::RoomStatus status_ = xmpp::RoomStatus::idle;
  std::unique_ptr<xmpp::XmppClient> client_;
};

}  // namespace presentd::app
