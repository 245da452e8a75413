// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/xmpp/external_services.hpp"

#include <algorithm>
#include <charconv>

namespace presentd::xmpp {
namespace {

constexpr std::string_view kClientNs = "jabber:client";
constexpr std::string_view kStanzaErrorNs = "urn:ietf:params:xml:ns:xmpp-stanzas";

// Exactly `digits` decimal digits at text[at], else nullopt.
std::optional<int> fixed_number(std::string_view text, std::size_t at, std::size_t digits) {
  if (at + digits > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = at; i < at + digits; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

// Host names and addresses only: a host with spaces, slashes or control bytes is refused before
// it can reach a URI or a log line.
bool plausible_host(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
           c == ':' || c == '_';
  });
}

struct ServiceOrReason {
  std::optional<ExternalService> service;
  std::string reason;
};

ServiceOrReason read_service(const xml::Element& element) {
  ExternalService service;
  service.type = std::string(element.attribute_or("type"));
  if (service.type.empty()) return {std::nullopt, "a service without a type"};
  service.host = std::string(element.attribute_or("host"));
  if (!plausible_host(service.host)) return {std::nullopt, "a " + service.type + " service without a usable host"};
  service.transport = std::string(element.attribute_or("transport"));
  if (!service.transport.empty() && service.transport != "udp" && service.transport != "tcp") {
    return {std::nullopt, "a " + service.type + " service with an unknown transport"};
  }
  if (const auto port = element.attribute("port")) {
    const auto parsed = parse_port(*port);
    if (!parsed) return {std::nullopt, "a " + service.type + " service with a bad port"};
    service.port = *parsed;
  }
  service.username = std::string(element.attribute_or("username"));
  service.password = std::string(element.attribute_or("password"));
  if (const auto expires = element.attribute("expires")) {
    service.expires = parse_xmpp_datetime(*expires);
    if (!service.expires) return {std::nullopt, "a " + service.type + " service with a bad expiry time"};
  }
  const auto restricted = element.attribute_or("restricted");
  service.restricted = restricted == "1" || restricted == "true";
  return {std::move(service), {}};
}

}  // namespace

xml::Element make_services_request(std::string_view id, std::string_view to) {
  xml::Element iq("iq", std::string(kClientNs));
  iq.set("type", "get").set("id", id).set("to", to);
  iq.add("services", std::string(kExtdiscoNs));
  return iq;
}

ExternalServicesReply parse_services_reply(const xml::Element& iq) {
  ExternalServicesReply reply;
  if (iq.attribute_or("type") == "error") {
    reply.error = "error";
    if (const auto* error = iq.child("error")) {
      for (const auto& condition : error->children) {
        if (condition.ns == kStanzaErrorNs && condition.name != "text") {
          reply.error = condition.name;
          break;
        }
      }
    }
    return reply;
  }
  const xml::Element* services = iq.child("services", kExtdiscoNs);
  if (services == nullptr) return reply;
  for (const auto& element : services->children) {
    if (element.name != "service" || element.ns != kExtdiscoNs) continue;
    auto read = reply.services.size() < kMaxExternalServices ? read_service(element)
                                                             : ServiceOrReason{std::nullopt, "too many services"};
    if (read.service) {
      reply.services.push_back(std::move(*read.service));
    } else {
      if (reply.skipped++ == 0) reply.skip_reason = std::move(read.reason);
    }
  }
  return reply;
}

std::optional<std::chrono::system_clock::time_point> parse_xmpp_datetime(std::string_view text) {
  // 0123456789012345678
  // CCYY-MM-DDThh:mm:ss
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  const auto year = fixed_number(text, 0, 4);
  const auto month = fixed_number(text, 5, 2);
  const auto day = fixed_number(text, 8, 2);
  const auto hour = fixed_number(text, 11, 2);
  const auto minute = fixed_number(text, 14, 2);
  const auto second = fixed_number(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(*year), std::chrono::month(static_cast<unsigned>(*month)),
                                         std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok()) return std::nullopt;
  std::size_t at = 19;
  std::chrono::nanoseconds fraction{0};
  if (text[at] == '.') {
    ++at;
    const std::size_t first = at;
    std::int64_t scale = 100'000'000;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      fraction += std::chrono::nanoseconds((text[at] - '0') * scale);
      scale /= 10;
      ++at;
    }
    if (at == first || at - first > 9) return std::nullopt;
  }
  std::chrono::minutes offset{0};
  if (at < text.size() && text[at] == 'Z' && at + 1 == text.size()) {
    // UTC
  } else if (at + 6 == text.size() && (text[at] == '+' || text[at] == '-') && text[at + 3] == ':') {
    const auto offset_hours = fixed_number(text, at + 1, 2);
    const auto offset_minutes = fixed_number(text, at + 4, 2);
    if (!offset_hours || !offset_minutes || *offset_hours > 23 || *offset_minutes > 59) return std::nullopt;
    offset = std::chrono::hours(*offset_hours) + std::chrono::minutes(*offset_minutes);
    if (text[at] == '-') offset = -offset;
  } else {
    return std::nullopt;
  }
  const auto local = std::chrono::sys_days(date) + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
                     std::chrono::seconds(*second) + fraction;
  // "…+02:00" is two hours ahead of UTC: subtract the offset to get UTC.
  return std::chrono::time_point_cast<std::chrono::system_clock::duration>(local - offset);
}

std::chrono::seconds refresh_delay(std::chrono::system_clock::time_point expires,
                                   std::chrono::system_clock::time_point now) {
  constexpr std::chrono::seconds kSoonest{10};
  constexpr std::chrono::seconds kMostEarly{600};
  const auto remaining = std::chrono::duration_cast<std::chrono::seconds>(expires - now);
  if (remaining <= kSoonest) return kSoonest;
  const auto early = std::min<std::chrono::seconds>(remaining / 4, kMostEarly);
  return std::max(kSoonest, remaining - early);
}

}  // namespace presentd::xmpp
