// SPDX-License-Identifier: Apache-2.0
#include "presentd/common/meeting_id.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

namespace presentd::common {
namespace {

// Public round keys (the first digits of pi in 16-bit groups). Changing them changes every
// meeting ID ever printed, so they are fixed forever.
constexpr std::array<std::uint16_t, 8> kRoundKeys{0x243F, 0x6A88, 0x85A3, 0x08D3, 0x1319, 0x8A2E, 0x0370, 0x7344};

// A cheap non-linear 16-bit mix; a Feistel network is a permutation whatever this returns.
std::uint16_t round_function(std::uint16_t half, std::uint16_t key) {
  std::uint32_t x = static_cast<std::uint32_t>(half ^ key) * 0x9E3Bu;
  x ^= x >> 13;
  x = (x * 0x5BD1u) + key;
  return static_cast<std::uint16_t>(x ^ (x >> 16));
}

// The interface of the IPv4 default route from /proc/net/route (destination and mask 0).
std::string default_route_interface() {
  std::ifstream routes("/proc/net/route");
  std::string line;
  std::getline(routes, line);  // header
  while (std::getline(routes, line)) {
    std::istringstream fields(line);
    std::string name, destination, gateway, flags, refcnt, use, metric, mask;
    if (!(fields >> name >> destination >> gateway >> flags >> refcnt >> use >> metric >> mask)) continue;
    if (destination == "00000000" && mask == "00000000") return name;
  }
  return {};
}

}  // namespace

std::uint32_t scramble_ipv4(std::uint32_t value) {
  auto left = static_cast<std::uint16_t>(value >> 16);
  auto right = static_cast<std::uint16_t>(value & 0xFFFF);
  for (const auto key : kRoundKeys) {
    const auto next_right = static_cast<std::uint16_t>(left ^ round_function(right, key));
    left = right;
    right = next_right;
  }
  return (static_cast<std::uint32_t>(left) << 16) | right;
}

std::uint32_t unscramble_ipv4(std::uint32_t value) {
  auto left = static_cast<std::uint16_t>(value >> 16);
  auto right = static_cast<std::uint16_t>(value & 0xFFFF);
  for (auto key = kRoundKeys.rbegin(); key != kRoundKeys.rend(); ++key) {
    const auto previous_left = static_cast<std::uint16_t>(right ^ round_function(left, *key));
    right = left;
    left = previous_left;
  }
  return (static_cast<std::uint32_t>(left) << 16) | right;
}

std::string encode_meeting_id(std::uint32_t ipv4_host_order) {
  // A 32-bit value has at most ten digits: the ID is it, zero-padded to ten.
  const std::string digits = std::to_string(scramble_ipv4(ipv4_host_order));
  return std::string(kMeetingIdDigits - digits.size(), '0') + digits;
}

std::optional<std::uint32_t> decode_meeting_id(std::string_view digits) {
  if (digits.size() != kMeetingIdDigits) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (value > 0xFFFFFFFFull) return std::nullopt;
  return unscramble_ipv4(static_cast<std::uint32_t>(value));
}

std::optional<std::uint32_t> primary_ipv4_address(std::string* interface) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return std::nullopt;
  const std::unique_ptr<ifaddrs, void (*)(ifaddrs*)> owner(list, freeifaddrs);
  const std::string preferred = default_route_interface();
  std::optional<std::uint32_t> found;
  std::string found_name;
  for (const ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
    if (entry->ifa_addr == nullptr || entry->ifa_addr->sa_family != AF_INET) continue;
    if ((entry->ifa_flags & IFF_UP) == 0 || (entry->ifa_flags & IFF_LOOPBACK) != 0) continue;
    sockaddr_in address{};
    std::memcpy(&address, entry->ifa_addr, sizeof address);
    const bool is_preferred = !preferred.empty() && preferred == entry->ifa_name;
    if (!found || is_preferred) {
      found = ntohl(address.sin_addr.s_addr);
      found_name = entry->ifa_name;
      if (is_preferred) break;
    }
  }
  if (found && interface != nullptr) *interface = found_name;
  return found;
}

std::optional<std::uint32_t> advertised_ipv4_address(const std::string& bind_address) {
  in_addr address{};
  if (inet_pton(AF_INET, bind_address.c_str(), &address) == 1 && address.s_addr != htonl(INADDR_ANY) &&
      address.s_addr != htonl(INADDR_LOOPBACK)) {
    return ntohl(address.s_addr);
  }
  return primary_ipv4_address();
}

std::string ipv4_to_string(std::uint32_t ipv4_host_order) {
  char text[INET_ADDRSTRLEN] = {};
  const in_addr address{htonl(ipv4_host_order)};
  inet_ntop(AF_INET, &address, text, sizeof text);
  return text;
}

}  // namespace presentd::common
