// SPDX-License-Identifier: Apache-2.0
#pragma once
// The key every per-source limit counts under (connection slots, PIN and admin back-off, the
// join and WHIP rate limits): an IPv4 address as itself, an IPv6 address by its /64. One host
// on an IPv6 network picks any number of addresses inside its /64 (SLAAC privacy addresses,
// RFC 8981), so a full IPv6 address would give it as many budgets as it likes; a /64 is what a
// network hands one link. An IPv4-mapped IPv6 address (a "::" listener serving IPv4 clients)
// is the IPv4 client it maps.
// Thread: any (a pure function).
#include <string>

#include <boost/asio/ip/address.hpp>

namespace presentd::net {

// "192.0.2.7", "2001:db8:1:2::/64".
[[nodiscard]] std::string address_key(const boost::asio::ip::address& address);

}  // namespace presentd::net
