// SPDX-License-Identifier: Apache-2.0
#pragma once
// The client side of SASL SCRAM (RFC 5802; SCRAM-SHA-256: RFC 7677), no channel binding
// (gs2 flag "n": XMPP over TLS 1.3 has no tls-unique, and Prosody does not require -PLUS).
//
//   C: n,,n=user,r=<client nonce>                           client-first
//   S: r=<client nonce><server nonce>,s=<salt>,i=<iter>     server-first
//   C: c=biws,r=<nonce>,p=<ClientProof>                     client-final
//   S: v=<ServerSignature>                                  server-final (or e=<error>)
//
// GNU SASL does the SASLprep, the key derivation (Hi() = PBKDF2, ClientKey, StoredKey,
// ServerKey), the nonce and base64; this class builds and checks the four messages. It is not
// gsasl's own mechanism because that one cannot be given a fixed client nonce, and the RFC test
// vectors need one (tests/unit/signaling/xmpp/scram_client_test.cpp); the same tests also run
// this client against gsasl's SCRAM server.
//
// Salted passwords can be cached by the caller (salted_password()/use_salted_password()): the
// derivation is thousands of HMAC rounds, done on the event loop, so a reconnect skips it.
//
// Thread: any; one instance per authentication attempt.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace presentd::xmpp {

enum class ScramHash { sha1, sha256 };

// Iteration counts above this are refused: a hostile server could otherwise stall the loop.
inline constexpr unsigned kMaxScramIterations = 100000;

class ScramClient {
public:
  // `client_nonce` empty: 18 random bytes from gsasl_nonce, base64-encoded (as gsasl does).
  ScramClient(ScramHash hash, std::string username, std::string password, std::string client_nonce = {});
  ~ScramClient();
  ScramClient(const ScramClient&) = delete;
  ScramClient& operator=(const ScramClient&) = delete;

  struct Step {
    std::string message;  // to send (empty when `error` is set)
    std::string error;    // why authentication cannot go on; never contains a secret
    [[nodiscard]] bool ok() const { return error.empty(); }
  };

  [[nodiscard]] Step client_first();
  [[nodiscard]] Step client_final(std::string_view server_first);
  // true when the server proved it knows the password (constant-time comparison).
  [[nodiscard]] Step verify_server_final(std::string_view server_final);

  // The SaltedPassword of the last client_final(), with what it was derived from, so the
  // caller can cache it; use_salted_password() skips the derivation when salt and count match.
  struct SaltedPassword {
    std::string salt_b64;
    unsigned iterations = 0;
    std::string bytes;
  };
  [[nodiscard]] const SaltedPassword& salted_password() const { return salted_; }
  void use_salted_password(SaltedPassword cached);

  [[nodiscard]] static std::string_view mechanism_name(ScramHash hash);

private:
  ScramHash hash_;
  std::string username_;
  std::string password_;
  std::string client_nonce_;
  std::string client_first_bare_;
  std::string server_signature_;
  SaltedPassword salted_;
};

// base64 through gsasl (shared by SASL PLAIN and the tests).
[[nodiscard]] std::string base64_encode(std::string_view bytes);
[[nodiscard]] std::optional<std::string> base64_decode(std::string_view text);

}  // namespace presentd::xmpp
