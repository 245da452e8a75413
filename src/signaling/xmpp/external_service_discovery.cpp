// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/xmpp/external_service_discovery.hpp"

#include <algorithm>
#include <array>
#include <ctime>

#include "presentd/common/log.hpp"

namespace presentd::xmpp {
namespace {

constexpr std::string_view kTag = "xmpp";

std::string utc_text(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  std::array<char, 32> text{};
  const std::size_t length = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%SZ", &parts);
  return {text.data(), length};
}

// "turn/udp 10.0.0.1:3478": what an admin needs to see, without the credentials.
std::string describe(const ExternalService& service) {
  std::string text = service.type;
  if (!service.transport.empty()) text += "/" + service.transport;
  text += " " + service.host;
  if (service.port != 0) text += ":" + std::to_string(service.port);
  return text;
}

}  // namespace

ExternalServiceDiscovery::ExternalServiceDiscovery(boost::asio::io_context& io, std::string domain, Send send,
                                                   Found found)
    : timer_(io), domain_(std::move(domain)), send_(std::move(send)), found_(std::move(found)) {}

ExternalServiceDiscovery::~ExternalServiceDiscovery() { timer_.cancel(); }

void ExternalServiceDiscovery::set_online(bool online) {
  online_ = online;
  pending_id_.clear();
  timer_.cancel();
  if (online) {
    request();
  } else {
    schedule_refresh();  // while offline it only watches the expiry
  }
}

void ExternalServiceDiscovery::request() {
  pending_id_ = "extdisco-" + std::to_string(++counter_);
  if (!send_(make_services_request(pending_id_, domain_))) pending_id_.clear();
}

bool ExternalServiceDiscovery::handle(const xml::Element& stanza) {
  if (pending_id_.empty() || stanza.name != "iq" || stanza.attribute_or("id") != pending_id_) return false;
  const auto type = stanza.attribute_or("type");
  if (type != "result" && type != "error") return false;
  // Only the server itself may answer (RFC 6120 §8.1.2.1: no 'from' means the server too);
  // anyone else reusing the id is ignored, so nobody can plant TURN servers on the box.
  const auto from = stanza.attribute_or("from");
  if (!from.empty() && from != domain_) return false;
  pending_id_.clear();
  on_answer(stanza);
  return true;
}

void ExternalServiceDiscovery::on_answer(const xml::Element& stanza) {
  auto reply = parse_services_reply(stanza);
  if (!reply.error.empty()) {
    PD_LOG(info, kTag) << "the server " << domain_ << " lists no external services (XEP-0215: " << reply.error
                       << "): only the configured TURN servers are used";
    return;
  }
  if (reply.skipped > 0) {
    PD_LOG(warning, kTag) << "ignored " << reply.skipped << " external service(s) from " << domain_ << ": "
                          << reply.skip_reason;
  }
  std::string list;
  for (const auto& service : reply.services) list += (list.empty() ? "" : ", ") + describe(service);
  services_ = std::move(reply.services);
  const auto expiry = earliest_expiry();
  PD_LOG(info, kTag) << "external services from " << domain_ << ": " << (list.empty() ? "none" : list)
                     << (expiry ? ", credentials valid until " + utc_text(*expiry) : std::string());
  schedule_refresh();
  found_(services_);
}

std::optional<std::chrono::system_clock::time_point> ExternalServiceDiscovery::earliest_expiry() const {
  std::optional<std::chrono::system_clock::time_point> earliest;
  for (const auto& service : services_) {
    if (service.expires && (!earliest || *service.expires < *earliest)) earliest = service.expires;
  }
  return earliest;
}

void ExternalServiceDiscovery::schedule_refresh() {
  const auto expiry = earliest_expiry();
  if (!expiry) return;  // nothing expires: the next login asks again anyway
  const auto now = std::chrono::system_clock::now();
  const auto delay = online_
                         ? refresh_delay(*expiry, now)
                         : std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(*expiry - now));
  if (online_) PD_LOG(debug, kTag) << "asking for new TURN credentials in " << delay.count() << " s";
  timer_.expires_after(delay);
  // A wait that already completed still runs after cancel(): the handler checks that this
  // object is still alive before touching it (the cloud service destroys it on every restart).
  timer_.async_wait([this, alive = liveness_.token()](const boost::system::error_code& ec) {
    if (!ec && alive) on_timer();
  });
}

void ExternalServiceDiscovery::on_timer() {
  if (online_) {
    PD_LOG(info, kTag) << "refreshing the external services' credentials before they expire";
    request();
    return;
  }
  const auto expiry = earliest_expiry();
  if (expiry && *expiry <= std::chrono::system_clock::now()) {
    PD_LOG(notice, kTag) << "the TURN credentials from " << domain_ << " expired while offline";
    services_.clear();
    found_({});
    return;
  }
  schedule_refresh();
}

}  // namespace presentd::xmpp
