// SPDX-License-Identifier: Apache-2.0
#pragma once
// The headers every HTTPS answer carries, whoever built it (docs/protocol.md, "Hardening"):
// a Content-Security-Policy without inline script, no MIME sniffing, no referrer, no framing,
// and Strict-Transport-Security only when the box has a real certificate (a browser that was
// told HSTS for a self-signed box could never click through its warning again).
// Thread: any (pure).
#include <string_view>

#include "presentd/signaling/local/http_types.hpp"

namespace presentd::signaling {

inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'";

void apply_security_headers(Response& response, bool hsts);

}  // namespace presentd::signaling
