// SPDX-License-Identifier: Apache-2.0
#pragma once
// Shared gtest parameters: every SrtpProfile, with readable test names.
#include <gtest/gtest.h>

#include <string>

#include "presentd/rtp/srtp/srtp_profile.hpp"

namespace presentd::rtp::test {

inline auto all_srtp_profiles() {
  return ::testing::Values(SrtpProfile::aead_aes_128_gcm, SrtpProfile::aead_aes_256_gcm,
                           SrtpProfile::aes_cm_128_hmac_sha1_80, SrtpProfile::aes_cm_128_hmac_sha1_32);
}

inline std::string srtp_profile_test_name(const ::testing::TestParamInfo<SrtpProfile>& param_info) {
  return std::string(srtp_profile_info(param_info.param).name);
}

}  // namespace presentd::rtp::test
