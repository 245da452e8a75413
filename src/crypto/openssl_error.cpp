// SPDX-License-Identifier: Apache-2.0
#include "presentd/crypto/openssl_error.hpp"

#include <array>

#include <openssl/err.h>

namespace presentd::crypto {

std::string drain_openssl_errors() {
  std::string joined;
  while (const unsigned long code = ERR_get_error()) {
    std::array<char, 256> text{};
    ERR_error_string_n(code, text.data(), text.size());
    if (!joined.empty()) joined += "; ";
    joined += text.data();
  }
  return joined;
}

void throw_openssl_error(std::string_view what) {
  const std::string details = drain_openssl_errors();
  throw CryptoError(std::string(what) + (details.empty() ? "" : ": " + details));
}

}  // namespace presentd::crypto
