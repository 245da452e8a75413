// SPDX-License-Identifier: Apache-2.0
#include "dtls/dtls_record.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace presentd::dtls {
namespace {

std::vector<std::uint8_t> record(std::uint8_t type, std::uint8_t minor, std::size_t body) {
  std::vector<std::uint8_t> out{
      type, 0xFE, minor, 0, 1, 0, 0, 0, 0, 0, 7, static_cast<std::uint8_t>(body >> 8), static_cast<std::uint8_t>(body)};
  out.insert(out.end(), body, 0x5A);
  return out;
}

std::vector<std::uint8_t> concat(std::vector<std::uint8_t> a, const std::vector<std::uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::vector<std::uint8_t> truncated(std::vector<std::uint8_t> datagram) {
  datagram.pop_back();
  return datagram;
}

struct RecordCase {
  const char* name;
  std::vector<std::uint8_t> datagram;
  std::optional<std::size_t> records;
};

class DtlsRecordCount : public ::testing::TestWithParam<RecordCase> {};

TEST_P(DtlsRecordCount, Counts) {
  EXPECT_EQ(count_dtls_records(GetParam().datagram), GetParam().records) << GetParam().name;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DtlsRecordCount,
    ::testing::Values(
        RecordCase{"handshake DTLS 1.2", record(22, 0xFD, 40), 1},
        RecordCase{"ClientHello record version DTLS 1.0", record(22, 0xFF, 200), 1},
        RecordCase{"empty body alert", record(21, 0xFD, 0), 1},
        RecordCase{"CCS then Finished in one datagram", concat(record(20, 0xFD, 1), record(22, 0xFD, 64)), 2},
        RecordCase{"ack (RFC 9147)", record(26, 0xFD, 2), 1}, RecordCase{"empty", {}, std::nullopt},
        RecordCase{"body one octet short", truncated(record(23, 0xFD, 4)), std::nullopt},
        RecordCase{"header one octet short", truncated(record(23, 0xFD, 0)), std::nullopt},
        RecordCase{"trailing byte", concat(record(23, 0xFD, 3), {0x17}), std::nullopt},
        RecordCase{"content type 19", record(19, 0xFD, 3), std::nullopt},
        RecordCase{"content type 27", record(27, 0xFD, 3), std::nullopt},
        RecordCase{"unified header 0x2C", {0x2C, 0, 1, 2, 3}, std::nullopt},
        RecordCase{"TLS version", {22, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, std::nullopt},
        RecordCase{"largest allowed", record(23, 0xFD, kMaxDtlsDatagramLength - kDtlsRecordHeaderLength), 1},
        RecordCase{"one over the limit", record(23, 0xFD, kMaxDtlsDatagramLength - kDtlsRecordHeaderLength + 1),
                   std::nullopt}));

}  // namespace
}  // namespace presentd::dtls
