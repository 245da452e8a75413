// SPDX-License-Identifier: Apache-2.0
#include "presentd/sdp/candidate.hpp"

#include <sstream>

#include "presentd/sdp/text.hpp"

namespace presentd::sdp {
namespace {

// foundation, component, transport, priority, address, port, "typ", type: 8 fixed fields, then
// pairs. 64 fields is far more than any sender writes (Chrome: ~16).
constexpr std::size_t kMaxCandidateFields = 64;
constexpr std::size_t kMaxFoundationLength = 32;  // RFC 8445 §5.1.1.3: 1*32 ice-char
constexpr std::size_t kMaxAddressLength = 255;    // a DNS name at most

bool valid_address(std::string_view address) { return text::is_token(address) && address.size() <= kMaxAddressLength; }

std::optional<std::uint16_t> parse_port(std::string_view value) {
  const auto port = text::parse_uint(value, 65535);
  if (!port) return std::nullopt;
  return static_cast<std::uint16_t>(*port);
}

}  // namespace

bool Candidate::is_mdns() const {
  constexpr std::string_view kSuffix = ".local";
  return address.size() > kSuffix.size() &&
         text::iequals(std::string_view(address).substr(address.size() - kSuffix.size()), kSuffix);
}

std::optional<Candidate> parse_candidate(std::string_view value) {
  constexpr std::string_view kPrefix = "candidate:";
  if (value.size() >= kPrefix.size() && text::iequals(value.substr(0, kPrefix.size()), kPrefix))
    value.remove_prefix(kPrefix.size());
  bool overflow = false;
  const auto fields = text::split_fields(value, kMaxCandidateFields, &overflow);
  if (overflow || fields.size() < 8) return std::nullopt;
  // Extensions come in name/value pairs after the fixed part.
  if ((fields.size() - 8) % 2 != 0) return std::nullopt;

  Candidate c;
  if (fields[0].size() > kMaxFoundationLength || !text::is_token(fields[0])) return std::nullopt;
  c.foundation = std::string(fields[0]);
  const auto component = text::parse_uint(fields[1], 256);
  if (!component || *component == 0) return std::nullopt;
  c.component = static_cast<std::uint16_t>(*component);
  if (!text::is_token(fields[2])) return std::nullopt;
  c.transport = text::to_lower(fields[2]);
  const auto priority = text::parse_uint(fields[3], 0xffffffffULL);
  if (!priority) return std::nullopt;
  c.priority = static_cast<std::uint32_t>(*priority);
  if (!valid_address(fields[4])) return std::nullopt;
  c.address = std::string(fields[4]);
  const auto port = parse_port(fields[5]);
  if (!port) return std::nullopt;
  c.port = *port;
  if (!text::iequals(fields[6], "typ") || !text::is_token(fields[7])) return std::nullopt;
  c.type = text::to_lower(fields[7]);

  for (std::size_t i = 8; i + 1 < fields.size(); i += 2) {
    const std::string_view name = fields[i];
    const std::string_view val = fields[i + 1];
    if (text::iequals(name, "raddr")) {
      if (!valid_address(val)) return std::nullopt;
      c.related_address = std::string(val);
    } else if (text::iequals(name, "rport")) {
      c.related_port = parse_port(val);
      if (!c.related_port) return std::nullopt;
    } else if (text::iequals(name, "tcptype")) {
      c.tcptype = text::to_lower(val);
    } else {
      c.extensions.emplace_back(std::string(name), std::string(val));
    }
  }
  return c;
}

std::string format_candidate(const Candidate& c) {
  std::ostringstream out;
  out << "candidate:" << c.foundation << ' ' << c.component << ' ' << c.transport << ' ' << c.priority << ' '
      << c.address << ' ' << c.port << " typ " << c.type;
  if (c.related_address) out << " raddr " << *c.related_address;
  if (c.related_port) out << " rport " << *c.related_port;
  if (c.tcptype) out << " tcptype " << *c.tcptype;
  for (const auto& [name, val] : c.extensions) out << ' ' << name << ' ' << val;
  return out.str();
}

}  // namespace presentd::sdp
