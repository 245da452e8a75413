// SPDX-License-Identifier: Apache-2.0
#include "app/config_check.hpp"

#include <cstdio>
#include <filesystem>
#include <string_view>

#include "presentd/access/admin_token.hpp"
#include "presentd/config/config_loader.hpp"
#include "presentd/config/config_schema.hpp"
#include "presentd/crypto/certificate.hpp"
#include "presentd/crypto/openssl_error.hpp"
#include "presentd/discovery/discovery_config_check.hpp"

namespace presentd::app {

CheckedConfig load_and_check(const ConfigSource& source) {
  CheckedConfig checked;
  checked.file_found = std::filesystem::exists(source.path);
  const auto loaded = config::load_config_file(source.path, !source.chosen_explicitly);
  for (const auto& problem : loaded.problems) checked.problems.push_back(config::format_problem(source.path, problem));
  if (!loaded.ok()) return checked;
  checked.config = loaded.config;
  const auto& config = checked.config;
  // Checks beyond the schema; their problems get a line like every other one.
  const std::string cloud_id = config.cloud.enabled ? config::cloud_meeting_id(config.cloud) : std::string();
  auto problems = discovery::check_discovery_config(config, cloud_id);
  const auto& tls = config.tls;
  if (!tls.certificate.empty()) {
    try {
      crypto::load_pem_identity(tls.certificate, tls.private_key);
    } catch (const crypto::CryptoError& error) {
      // The message names the file at fault first ("cannot open KEY", "KEY holds no ...",
      // "KEY is not the key of CERT"); the problem goes to that file's key.
      std::string_view message = error.what();
      if (message.starts_with("cannot open ")) message.remove_prefix(std::string_view("cannot open ").size());
      const bool key_at_fault = tls.private_key != tls.certificate && message.starts_with(tls.private_key);
      problems.push_back({0, key_at_fault ? "/tls/private_key" : "/tls/certificate", error.what()});
    }
  }
  try {
    (void)access::load_admin_token(config.admin.token_file);
  } catch (const std::runtime_error& error) {
    problems.push_back({0, "/admin/token_file", error.what()});
  }
  config::locate_problems(loaded.text, problems);
  for (const auto& problem : problems) checked.problems.push_back(config::format_problem(source.path, problem));
  return checked;
}

int run_check_config(const ConfigSource& source) {
  const auto checked = load_and_check(source);
  for (const auto& problem : checked.problems) (void)std::fprintf(stderr, "%s\n", problem.c_str());
  if (!checked.ok()) {
    (void)std::fprintf(stderr, "configuration has %zu problem%s\n", checked.problems.size(),
                       checked.problems.size() == 1 ? "" : "s");
    return 1;
  }
  if (!checked.file_found) std::printf("%s does not exist: the built-in defaults apply\n", source.path.c_str());
  std::printf("configuration ok\n");
  return 0;
}

int run_print_config(const ConfigSource& source) {
  const auto checked = load_and_check(source);
  for (const auto& problem : checked.problems) (void)std::fprintf(stderr, "%s\n", problem.c_str());
  if (!checked.ok()) return 1;
  (void)std::fputs(config::print_config(checked.config).c_str(), stdout);
  return 0;
}

}  // namespace presentd::app
