// SPDX-License-Identifier: Apache-2.0
#pragma once
// Who is the DTLS client: decided by the offer's a=setup (RFC 4145 §4, RFC 5763 §5, RFC 8842 §5.1).
// presentd always answers and prefers to be the DTLS server, so it picks the AEAD profile
// (OpenSSL's server chooses the first profile of its own list the client offers).
//
//   offer a=setup   answer a=setup   presentd is
//   actpass         passive          server   (browsers, WHIP senders: the normal case)
//   active          passive          server
//   passive         active           client
//   holdconn / anything else: no DTLS association (nullopt)
//
// Thread: none; pure function.
#include <optional>
#include <string_view>

#include "presentd/rtp/srtp/srtp_keys.hpp"

namespace presentd::dtls {

struct DtlsSetupAnswer {
  rtp::DtlsRole our_role;
  std::string_view answer_setup;  // value for our answer's a=setup
};

// `offer_setup` is the attribute value ("actpass"...), case-insensitive (RFC 4145 tokens).
[[nodiscard]] std::optional<DtlsSetupAnswer> answer_dtls_setup(std::string_view offer_setup);

}  // namespace presentd::dtls
