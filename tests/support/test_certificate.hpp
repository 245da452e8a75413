// SPDX-License-Identifier: Apache-2.0
#pragma once
// A self-signed ECDSA P-256 certificate made with the openssl command for test servers (coturn,
// a TLS peer): the certificate doubles as the CA file a client trusts.
#include <filesystem>
#include <string>

namespace presentd::test {

struct TestCertificate {
  std::filesystem::path certificate;
  std::filesystem::path private_key;
};

// `subject_alt_names` as openssl writes them, e.g. "IP:10.200.0.1,DNS:turn.test". Throws
// std::runtime_error with openssl's output when it fails.
TestCertificate make_test_certificate(const std::filesystem::path& directory, const std::string& name,
                                      const std::string& subject_alt_names);

}  // namespace presentd::test
