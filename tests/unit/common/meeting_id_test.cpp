// SPDX-License-Identifier: Apache-2.0
// The meeting ID: a reversible, zero-padded 10-digit encoding of an IPv4 address.
#include "presentd/common/meeting_id.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace presentd::common {
namespace {

constexpr std::uint32_t ipv4(unsigned a, unsigned b, unsigned c, unsigned d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

TEST(MeetingId, RoundTripsEdgeAndRandomAddresses) {
  std::vector<std::uint32_t> addresses{0,
                                       1,
                                       0xFFFFFFFF,
                                       0xFFFFFFFE,
                                       ipv4(127, 0, 0, 1),
                                       ipv4(10, 0, 0, 1),
                                       ipv4(192, 168, 1, 20),
                                       ipv4(169, 254, 0, 1),
                                       0x80000000,
                                       0x7FFFFFFF};
  std::mt19937 random(20261123);
  for (int i = 0; i < 200000; ++i) addresses.push_back(random());
  for (std::uint32_t i = 0; i < 4096; ++i) addresses.push_back(ipv4(10, 1, i >> 8, i & 0xFF));  // a whole /20
  for (const auto address : addresses) {
    const auto id = encode_meeting_id(address);
    ASSERT_EQ(id.size(), kMeetingIdDigits) << ipv4_to_string(address);
    EXPECT_EQ(decode_meeting_id(id), address) << ipv4_to_string(address) << " -> " << id;
  }
}

TEST(MeetingId, IsAPermutationThatHidesTheOctets) {
  // Distinct inputs give distinct IDs (checked over a /16), and no ID is just the address.
  std::set<std::string> seen;
  int same_as_address = 0;
  for (std::uint32_t low = 0; low < 65536; ++low) {
    const auto address = ipv4(192, 168, 0, 0) | low;
    const auto id = encode_meeting_id(address);
    EXPECT_TRUE(seen.insert(id).second) << id;
    same_as_address += scramble_ipv4(address) == address ? 1 : 0;
  }
  EXPECT_EQ(same_as_address, 0);
  // Neighbouring boxes do not get look-alike IDs: their leading digits differ.
  EXPECT_NE(encode_meeting_id(ipv4(10, 0, 0, 1)).substr(0, 3), encode_meeting_id(ipv4(10, 0, 0, 2)).substr(0, 3));
}

// Pinned values: IDs are printed on screens and written down, so the key and round function
// must never change. A failure here means every meeting ID ever shown would change.
TEST(MeetingId, KnownExamplesStayFixed) {
  const std::vector<std::pair<std::uint32_t, std::string>> known{
      {ipv4(0, 0, 0, 0), "0342213146"},   {ipv4(255, 255, 255, 255), "3562331596"}, {ipv4(10, 77, 0, 1), "2758753250"},
      {ipv4(10, 78, 0, 1), "2944542472"}, {ipv4(192, 168, 1, 20), "3580896981"},    {ipv4(127, 0, 0, 1), "0899986189"},
  };
  for (const auto& [address, id] : known) {
    EXPECT_EQ(encode_meeting_id(address), id) << ipv4_to_string(address);
    EXPECT_EQ(decode_meeting_id(id), address) << id;
  }
}

TEST(MeetingId, LeadingZerosArePrintedAndRead) {
  const auto id = encode_meeting_id(ipv4(127, 0, 0, 1));
  ASSERT_EQ(id.front(), '0');
  EXPECT_EQ(decode_meeting_id(id), ipv4(127, 0, 0, 1));
  EXPECT_EQ(decode_meeting_id(id.substr(1)), std::nullopt) << "nine digits are not an ID";
}

TEST(MeetingId, DecodeRejectsWhatIsNotTenDigitsBelowTwoToThe32) {
  const std::vector<std::string> rejected{"",
                                          "123456789",
                                          "12345678901",
                                          "429496729a",
                                          "4294967296",
                                          "9999999999",
                                          " 123456789",
                                          "-123456789",
                                          "+123456789",
                                          "12345 6789",
                                          "１２３４５６７８９０",
                                          std::string("1234\0"
                                                      "56789",
                                                      10)};
  for (const auto& text : rejected) EXPECT_EQ(decode_meeting_id(text), std::nullopt) << "\"" << text << "\"";
  EXPECT_TRUE(decode_meeting_id("4294967295").has_value());
  EXPECT_TRUE(decode_meeting_id("0000000000").has_value());
}

TEST(MeetingId, AdvertisedAddressIsTheBoundOneWhenSpecific) {
  EXPECT_EQ(advertised_ipv4_address("192.168.1.20"), ipv4(192, 168, 1, 20));
  // Wildcard and loopback fall back to the primary interface, which is never loopback.
  std::string interface;
  if (const auto primary = primary_ipv4_address(&interface)) {
    EXPECT_NE(*primary >> 24, 127u);
    EXPECT_FALSE(interface.empty());
    EXPECT_EQ(advertised_ipv4_address("0.0.0.0"), primary);
    EXPECT_EQ(advertised_ipv4_address("127.0.0.1"), primary);
  }
}

TEST(MeetingId, FormatsAddressesForLogs) {
  EXPECT_EQ(ipv4_to_string(ipv4(10, 77, 0, 1)), "10.77.0.1");
  EXPECT_EQ(ipv4_to_string(0), "0.0.0.0");
}

}  // namespace
}  // namespace presentd::common
