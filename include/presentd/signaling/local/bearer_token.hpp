// SPDX-License-Identifier: Apache-2.0
#pragma once
// "Authorization: Bearer <token>" (RFC 6750 §2.1), compared in constant time.
#include <optional>
#include <string_view>

namespace presentd::signaling {

// The token of a Bearer authorization header value, or nullopt for another scheme or none.
std::optional<std::string_view> bearer_token(std::string_view authorization_header);

// Constant time in the length of `expected`, whatever `presented` is.
bool tokens_equal(std::string_view presented, std::string_view expected);

}  // namespace presentd::signaling
