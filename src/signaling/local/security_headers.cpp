// SPDX-License-Identifier: Apache-2.0
#include "signaling/local/security_headers.hpp"

namespace presentd::signaling {

void apply_security_headers(Response& response, bool hsts) {
  response.set("Content-Security-Policy", kContentSecurityPolicy);
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  response.set("X-Frame-Options", "DENY");  // frame-ancestors for browsers without CSP level 2
  if (hsts) {
    response.set(http::field::strict_transport_security, "max-age=31536000");
  } else {
    response.erase(http::field::strict_transport_security);
  }
}

}  // namespace presentd::signaling
