// SPDX-License-Identifier: Apache-2.0
#pragma once
// OpenSSL reports failures on a per-thread error queue. Draining it into the exception message
// makes the one log line useful and keeps stale errors from confusing the next call.
#include <stdexcept>
#include <string>
#include <string_view>

namespace presentd::crypto {

// Empties the calling thread's OpenSSL error queue and returns its entries joined by "; ".
std::string drain_openssl_errors();

class CryptoError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// Throws CryptoError("<what>: <drained OpenSSL errors>").
[[noreturn]] void throw_openssl_error(std::string_view what);

}  // namespace presentd::crypto
