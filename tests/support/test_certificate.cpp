// SPDX-License-Identifier: Apache-2.0
#include "support/test_certificate.hpp"

#include <stdexcept>

#include "support/child_process.hpp"

namespace presentd::test {

TestCertificate make_test_certificate(const std::filesystem::path& directory, const std::string& name,
                                      const std::string& subject_alt_names) {
  TestCertificate out{directory / (name + ".pem"), directory / (name + "-key.pem")};
  const auto [code, output] =
      run_command({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                   "-days", "2", "-subj", "/CN=" + name, "-addext", "subjectAltName=" + subject_alt_names, "-keyout",
                   out.private_key.string(), "-out", out.certificate.string()});
  if (code != 0) throw std::runtime_error("openssl req failed: " + output);
  std::filesystem::permissions(out.private_key,
                               std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                   std::filesystem::perms::group_read | std::filesystem::perms::others_read);
  return out;
}

}  // namespace presentd::test
