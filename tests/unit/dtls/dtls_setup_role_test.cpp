// SPDX-License-Identifier: Apache-2.0
#include "dtls/dtls_setup_role.hpp"

#include <gtest/gtest.h>

#include <string>

namespace presentd::dtls {
namespace {

struct SetupCase {
  std::string offer;
  std::optional<rtp::DtlsRole> role;
  std::string answer;
};

class DtlsSetup : public ::testing::TestWithParam<SetupCase> {};

TEST_P(DtlsSetup, AnswersPerRfc5763) {
  const auto answer = answer_dtls_setup(GetParam().offer);
  ASSERT_EQ(answer.has_value(), GetParam().role.has_value()) << GetParam().offer;
  if (!answer) return;
  EXPECT_EQ(answer->our_role, *GetParam().role);
  EXPECT_EQ(answer->answer_setup, GetParam().answer);
}

INSTANTIATE_TEST_SUITE_P(Offers, DtlsSetup,
                         ::testing::Values(SetupCase{"actpass", rtp::DtlsRole::server, "passive"},
                                           SetupCase{"ACTPASS", rtp::DtlsRole::server, "passive"},
                                           SetupCase{"active", rtp::DtlsRole::server, "passive"},
                                           SetupCase{"passive", rtp::DtlsRole::client, "active"},
                                           SetupCase{"holdconn", std::nullopt, ""}, SetupCase{"", std::nullopt, ""},
                                           SetupCase{"actpas", std::nullopt, ""}));

}  // namespace
}  // namespace presentd::dtls
