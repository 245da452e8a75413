// SPDX-License-Identifier: Apache-2.0
// The per-source key: IPv4 as itself, IPv6 by its /64, IPv4-mapped IPv6 as the IPv4 client.
#include "presentd/net/address_key.hpp"

#include <gtest/gtest.h>

namespace presentd::net {
namespace {
using boost::asio::ip::make_address;

TEST(AddressKey, Ipv4IsTheAddressItself) {
  EXPECT_EQ(address_key(make_address("192.0.2.7")), "192.0.2.7");
  EXPECT_NE(address_key(make_address("192.0.2.7")), address_key(make_address("192.0.2.8")));
}

TEST(AddressKey, Ipv6AddressesInOneSlash64ShareOneKey) {
  const auto key = address_key(make_address("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
  EXPECT_EQ(key, "2001:db8:1:2::/64");
  // Privacy addresses of the same host (or of its neighbours on the link): one budget.
  EXPECT_EQ(address_key(make_address("2001:db8:1:2::1")), key);
  EXPECT_EQ(address_key(make_address("2001:db8:1:2:ffff:ffff:ffff:ffff")), key);
  // The next /64 is another network.
  EXPECT_NE(address_key(make_address("2001:db8:1:3::1")), key);
  EXPECT_EQ(address_key(make_address("::1")), "::/64");
  EXPECT_EQ(address_key(make_address("fe80::1234:5678")), "fe80::/64");
}

TEST(AddressKey, AnIpv4MappedAddressIsTheIpv4Client) {
  EXPECT_EQ(address_key(make_address("::ffff:192.0.2.7")), "192.0.2.7");
}

}  // namespace
}  // namespace presentd::net
