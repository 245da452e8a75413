// SPDX-License-Identifier: Apache-2.0
// RFC 5764 §4.2 key split. Every byte of the exported block gets a value naming its field and
// offset, so a test failure shows which field landed where.
#include "presentd/rtp/srtp/srtp_keys.hpp"

#include <gtest/gtest.h>

#include "presentd/rtp/srtp/srtp_session.hpp"
#include "srtp_profile_params.hpp"
#include "srtp_reference.hpp"

namespace presentd::rtp {
namespace {

using test::Bytes;

// Field tags in the high nibble, offset in the low bits: client key 0x1_, server key 0x5_,
// client salt 0x9_, server salt 0xD_.
Bytes field(std::uint8_t tag, std::size_t length) {
  Bytes out(length);
  for (std::size_t i = 0; i < length; ++i) out[i] = static_cast<std::uint8_t>(tag + (i & 0x3f));
  return out;
}

Bytes copy(std::span<const std::uint8_t> data) { return Bytes(data.begin(), data.end()); }

void expect_master(const SrtpMasterKey& master, const Bytes& key, const Bytes& salt) {
  EXPECT_EQ(copy(master.key()), key);
  EXPECT_EQ(copy(master.salt()), salt);
  EXPECT_EQ(copy(master.key_and_salt()), test::concat({key, salt}));
}

class SrtpKeySplit : public ::testing::TestWithParam<SrtpProfile> {
protected:
  const SrtpProfileInfo& info = srtp_profile_info(GetParam());
  const Bytes client_key = field(0x10, info.master_key_length);
  const Bytes server_key = field(0x50, info.master_key_length);
  const Bytes client_salt = field(0x90, info.master_salt_length);
  const Bytes server_salt = field(0xd0, info.master_salt_length);
  // The layout the RFC prescribes: both keys first, then both salts.
  const Bytes exported = test::concat({client_key, server_key, client_salt, server_salt});
};

TEST_P(SrtpKeySplit, AsClientWeSendWithTheClientKey) {
  const auto keys = split_dtls_srtp_keying_material(GetParam(), exported, DtlsRole::client);
  ASSERT_TRUE(keys.has_value());
  expect_master(keys->local, client_key, client_salt);
  expect_master(keys->remote, server_key, server_salt);
}

TEST_P(SrtpKeySplit, AsServerWeSendWithTheServerKey) {
  const auto keys = split_dtls_srtp_keying_material(GetParam(), exported, DtlsRole::server);
  ASSERT_TRUE(keys.has_value());
  expect_master(keys->local, server_key, server_salt);
  expect_master(keys->remote, client_key, client_salt);
}

TEST_P(SrtpKeySplit, ExportedBlockOfAnyOtherLengthIsRefused) {
  for (const std::size_t length : {std::size_t{0}, exported.size() - 1, exported.size() + 1, std::size_t{60}}) {
    if (length == exported.size()) continue;
    const Bytes wrong(length, 0xab);
    EXPECT_EQ(split_dtls_srtp_keying_material(GetParam(), wrong, DtlsRole::client), std::nullopt) << length;
  }
}

// End to end: both peers derive from the same exported block; what the client protects the server
// unprotects and vice versa. Two peers that both think they are the client must not talk.
TEST_P(SrtpKeySplit, ClientAndServerContextsInteroperateOnlyWithOppositeRoles) {
  const auto client_keys = split_dtls_srtp_keying_material(GetParam(), exported, DtlsRole::client);
  const auto server_keys = split_dtls_srtp_keying_material(GetParam(), exported, DtlsRole::server);
  ASSERT_TRUE(client_keys && server_keys);
  SrtpContext client(GetParam(), *client_keys);
  SrtpContext server(GetParam(), *server_keys);
  SrtpContext confused(GetParam(), *client_keys);

  const auto plain = test::make_rtp(65535, 1, 0x1234, test::pattern(200, 5));
  auto to_server = plain;
  ASSERT_EQ(client.outbound.protect_rtp(to_server), SrtpResult::ok);
  auto to_confused = to_server;
  ASSERT_EQ(server.inbound.unprotect_rtp(to_server), SrtpResult::ok);
  EXPECT_EQ(to_server, plain);
  EXPECT_EQ(confused.inbound.unprotect_rtp(to_confused), SrtpResult::auth_failed);

  const auto rtcp = test::make_rtcp_rr(0x1111, 0x1234, 65535);
  auto to_client = rtcp;
  ASSERT_EQ(server.outbound.protect_rtcp(to_client), SrtpResult::ok);
  ASSERT_EQ(client.inbound.unprotect_rtcp(to_client), SrtpResult::ok);
  EXPECT_EQ(to_client, rtcp);
}

TEST(SrtpMasterKey, CopyAndAssignKeepTheBytes) {
  const Bytes key = field(0x10, 16);
  const Bytes salt = field(0x90, 14);
  SrtpMasterKey a(key, salt);
  SrtpMasterKey b;
  b = a;
  expect_master(b, key, salt);
  SrtpMasterKey c(std::move(a));
  expect_master(c, key, salt);
  EXPECT_TRUE(SrtpMasterKey().key_and_salt().empty());
}

INSTANTIATE_TEST_SUITE_P(AllProfiles, SrtpKeySplit, test::all_srtp_profiles(), test::srtp_profile_test_name);

}  // namespace
}  // namespace presentd::rtp
