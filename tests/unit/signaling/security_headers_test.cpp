// SPDX-License-Identifier: Apache-2.0
// The headers every answer gets as the connection writes it.
#include "signaling/local/security_headers.hpp"

#include <gtest/gtest.h>

namespace presentd::signaling {
namespace {

TEST(SecurityHeaders, StrictPolicyOnEveryAnswerAndHstsOnlyWithARealCertificate) {
  Request request{http::verb::get, "/", 11};
  auto response = make_error(request, http::status::not_found, "not found");
  response.set(http::field::strict_transport_security, "max-age=1");  // whatever a handler set
  apply_security_headers(response, false);
  EXPECT_EQ(response["Content-Security-Policy"],
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "frame-ancestors 'none'");
  EXPECT_EQ(response["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(response["Referrer-Policy"], "no-referrer");
  EXPECT_EQ(response.count(http::field::strict_transport_security), 0u);
  apply_security_headers(response, true);
  EXPECT_EQ(response[http::field::strict_transport_security], "max-age=31536000");
}

}  // namespace
}  // namespace presentd::signaling
