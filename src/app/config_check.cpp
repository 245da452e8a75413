#include "app/config_check.hpp"

#include <cstdio>
#include <filesystem>

#include "access/admin_token.hpp"
#include "config/config_loader.hpp"
#include "crypto/certificate.hpp"
#include "crypto/openssl_error.hpp"
#include "discovery/discovery_config_check.hpp"

namespace presentd::app {

CheckedConfig load_and_check(const ConfigSource& source) {
  CheckedConfig checked;
  checked.file_found = std::filesystem::exists(source.path);
  const auto loaded = config::load_config_file(source.path, !source.chosen_explicitly);
  for (const auto& problem : loaded.problems) checked.problems.push_back(config::format_problem(source.path, problem));
  if (!loaded.ok()) return checked;
  checked.config = loaded.config;
  for (const auto& problem : discovery::check_discovery_config(checked.config)) {
    checked.problems.push_back(config::format_problem(source.path, problem));
  }
  const auto& tls = checked.config.tls;
  if (!tls.certificate.empty()) {
    try {
      crypto::load_pem_identity(tls.certificate, tls.private_key);
    } catch (const crypto::CryptoError& error) {
      checked.problems.push_back(source.path + ": /tls: " + error.what());
    }
  }
  try {
    (void)access::load_admin_token(checked.config.admin.token_file);
  } catch (const std::runtime_error& error) {
    checked.problems.push_back(source.path + ": /admin/token_file: " + error.what());
  }
  return checked;
}

int run_check_config(const ConfigSource& source) {
  const auto checked = load_and_check(source);
  for (const auto& problem : checked.problems) std::fprintf(stderr, "%s\n", problem.c_str());
  if (!checked.ok()) {
    std::fprintf(stderr, "configuration has %zu problem%s\n", checked.problems.size(),
                 checked.problems.size() == 1 ? "" : "s");
    return 1;
  }
  if (!checked.file_found) std::printf("%s does not exist: the built-in defaults apply\n", source.path.c_str());
  std::printf("configuration ok\n");
  return 0;
}

int run_print_config(const ConfigSource& source) {
  const auto checked = load_and_check(source);
  for (const auto& problem : checked.problems) std::fprintf(stderr, "%s\n", problem.c_str());
  if (!checked.ok()) return 1;
  std::fputs(config::print_config(checked.config).c_str(), stdout);
  return 0;
}

}  // namespace presentd::app
