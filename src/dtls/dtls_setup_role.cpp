// SPDX-License-Identifier: Apache-2.0
#include "dtls/dtls_setup_role.hpp"

#include <cctype>

namespace presentd::dtls {
namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

}  // namespace

std::optional<DtlsSetupAnswer> answer_dtls_setup(std::string_view offer_setup) {
  if (equals_ignoring_case(offer_setup, "actpass") || equals_ignoring_case(offer_setup, "active")) {
    return DtlsSetupAnswer{rtp::DtlsRole::server, "passive"};
  }
  if (equals_ignoring_case(offer_setup, "passive")) return DtlsSetupAnswer{rtp::DtlsRole::client, "active"};
  return std::nullopt;
}

}  // namespace presentd::dtls
