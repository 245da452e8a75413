// SPDX-License-Identifier: Apache-2.0
#pragma once
// The certificate fingerprint an SDP offer commits to (RFC 8122 §5, `a=fingerprint:sha-256 AB:..`),
// and the check that a DTLS peer's certificate matches it. This check is what authenticates the
// peer: WebRTC certificates are self-signed, so the fingerprint carried over the authenticated
// signalling channel is the only trust anchor (RFC 8827 §6.5).
// Thread: none; value types and pure functions.
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <openssl/x509.h>

namespace presentd::dtls {

struct DtlsFingerprint {
  std::string algorithm;  // lower case: "sha-256", "sha-384", "sha-512"
  std::string value;      // upper-case colon hex, as crypto::fingerprint() produces
};

// The hash functions presentd verifies a peer certificate with, strongest last: the one rule
// the SDP answer builder (which fingerprints an offer may carry) and the DTLS transport (which
// it can check) both ask, so the first never accepts what the second refuses. SHA-1 and MD5
// are not among them (RFC 8122 §5: SHA-256 or stronger).
[[nodiscard]] std::span<const std::string_view> usable_fingerprint_algorithms();
// "sha-256/sha-384/sha-512", for error messages.
[[nodiscard]] std::string usable_fingerprint_algorithms_text();

// Parses the attribute value "sha-256 AB:CD:..." (after "a=fingerprint:"). The hash name is
// case-insensitive (RFC 8122 §5: "hash-func" tokens), the hex digits may be either case; both are
// normalised. nullopt unless the algorithm is one presentd can compute and the value has exactly
// the digest's length in colon-separated octets.
[[nodiscard]] std::optional<DtlsFingerprint> parse_dtls_fingerprint(std::string_view attribute_value);

// Builds a normalised fingerprint from separate fields (as an SDP parser holds them); same rules
// as parse_dtls_fingerprint().
[[nodiscard]] std::optional<DtlsFingerprint> make_dtls_fingerprint(std::string_view algorithm, std::string_view value);

// The certificate's fingerprint with the given algorithm ("sha-256", ...), for our own answer's
// a=fingerprint. Throws crypto::CryptoError for an unsupported algorithm.
DtlsFingerprint certificate_fingerprint(X509* certificate, std::string_view algorithm = "sha-256");

// True when the certificate's digest with `expected.algorithm` equals `expected.value`, compared
// in constant time (the value is public, but nothing is gained by leaking where it differs).
// False for an unsupported algorithm or a malformed value.
[[nodiscard]] bool certificate_matches(X509* certificate, const DtlsFingerprint& expected);

}  // namespace presentd::dtls
