// SPDX-License-Identifier: Apache-2.0
#include "presentd/dtls/dtls_fingerprint.hpp"

#include <array>
#include <cctype>

#include <openssl/crypto.h>

#include "presentd/crypto/certificate.hpp"
#include "presentd/crypto/openssl_error.hpp"

namespace presentd::dtls {
namespace {

struct Algorithm {
  std::string_view name;
  std::size_t digest_length;  // octets
};

constexpr std::array kAlgorithms{Algorithm{"sha-256", 32}, Algorithm{"sha-384", 48}, Algorithm{"sha-512", 64}};
constexpr std::array<std::string_view, kAlgorithms.size()> kAlgorithmNames{kAlgorithms[0].name, kAlgorithms[1].name,
                                                                           kAlgorithms[2].name};

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

// "AB:CD:..." with exactly `octets` octets; returns the upper-case form.
std::optional<std::string> normalise_hex(std::string_view value, std::size_t octets) {
  if (value.size() != octets * 3 - 1) return std::nullopt;
  std::string out(value);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    if (i % 3 == 2) {
      if (c != ':') return std::nullopt;
      continue;
    }
    if (!std::isxdigit(c)) return std::nullopt;
    out[i] = static_cast<char>(std::toupper(c));
  }
  return out;
}

}  // namespace

std::span<const std::string_view> usable_fingerprint_algorithms() { return kAlgorithmNames; }

std::string usable_fingerprint_algorithms_text() {
  std::string out;
  for (const auto name : kAlgorithmNames) out += (out.empty() ? "" : "/") + std::string(name);
  return out;
}

std::optional<DtlsFingerprint> make_dtls_fingerprint(std::string_view algorithm, std::string_view value) {
  const auto name = to_lower(trim(algorithm));
  for (const auto& known : kAlgorithms) {
    if (known.name != name) continue;
    auto hex = normalise_hex(trim(value), known.digest_length);
    if (!hex) return std::nullopt;
    return DtlsFingerprint{name, std::move(*hex)};
  }
  return std::nullopt;
}

std::optional<DtlsFingerprint> parse_dtls_fingerprint(std::string_view attribute_value) {
  const auto text = trim(attribute_value);
  const auto space = text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  return make_dtls_fingerprint(text.substr(0, space), text.substr(space + 1));
}

DtlsFingerprint certificate_fingerprint(X509* certificate, std::string_view algorithm) {
  const auto name = to_lower(algorithm);
  return DtlsFingerprint{name, crypto::fingerprint(certificate, name)};
}

bool certificate_matches(X509* certificate, const DtlsFingerprint& expected) {
  const auto normalised = make_dtls_fingerprint(expected.algorithm, expected.value);
  if (!normalised || certificate == nullptr) return false;
  std::string actual;
  try {
    actual = crypto::fingerprint(certificate, normalised->algorithm);
  } catch (const crypto::CryptoError&) {
    return false;
  }
  return actual.size() == normalised->value.size() &&
         CRYPTO_memcmp(actual.data(), normalised->value.data(), actual.size()) == 0;
}

}  // namespace presentd::dtls
