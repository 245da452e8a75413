// SPDX-License-Identifier: Apache-2.0
#pragma once
// Keeps the box's list of external services (XEP-0215) fresh: asks the XMPP server each time
// the client comes online, and again before the earliest credential expires (refresh_delay in
// external_services.hpp). While offline, the last list stays in use until it expires, then an
// empty list is reported (coturn would refuse the stale credentials anyway).
//
// A server without the feature answers with an error: that is logged once per login, and the
// configured TURN servers simply stay the only ones. Credentials are never logged.
//
// Thread: event loop. It sends through the `send` callback (the XMPP client's send_stanza) and
// sees answers through handle(), which the client's stanza hook calls first.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "presentd/common/liveness.hpp"
#include "presentd/signaling/xmpp/external_services.hpp"
#include "presentd/xml/element.hpp"

namespace presentd::xmpp {

class ExternalServiceDiscovery {
public:
  using Send = std::function<bool(const xml::Element& stanza)>;
  using Found = std::function<void(std::vector<ExternalService> services)>;

  // `domain`: the account's XMPP domain, which answers the request (and must be its sender).
  ExternalServiceDiscovery(boost::asio::io_context& io, std::string domain, Send send, Found found);
  ~ExternalServiceDiscovery();
  ExternalServiceDiscovery(const ExternalServiceDiscovery&) = delete;
  ExternalServiceDiscovery& operator=(const ExternalServiceDiscovery&) = delete;

  // The XMPP client went online (ask now) or offline (forget the pending request).
  void set_online(bool online);
  // True when `stanza` was the answer to our request (and has been dealt with).
  bool handle(const xml::Element& stanza);
  // The services of the last answer (empty before one, or once expired).
  [[nodiscard]] const std::vector<ExternalService>& services() const { return services_; }

private:
  void request();
  void on_answer(const xml::Element& stanza);
  void schedule_refresh();
  void on_timer();
  [[nodiscard]] std::optional<std::chrono::system_clock::time_point> earliest_expiry() const;

  boost::asio::steady_timer timer_;
  std::string domain_;
  Send send_;
  Found found_;
  bool online_ = false;
  std::string pending_id_;
  std::uint64_t counter_ = 0;
  std::vector<ExternalService> services_;
  Liveness liveness_;  // tokens in deferred handlers: liveness.hpp
};

}  // namespace presentd::xmpp
