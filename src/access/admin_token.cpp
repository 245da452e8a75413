// SPDX-License-Identifier: Apache-2.0
#include "presentd/access/admin_token.hpp"

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "presentd/common/errno_text.hpp"

namespace presentd::access {

std::optional<std::string> load_admin_token(const std::filesystem::path& path) {
  if (path.empty()) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read the admin token file " + path.string() + ": " + errno_text(errno));
  std::ostringstream content;
  content << in.rdbuf();
  std::string token = content.str();
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!token.empty() && blank(token.back())) token.pop_back();
  token.erase(token.begin(), std::find_if_not(token.begin(), token.end(), blank));
  // The message never contains the token, only what is wrong with it.
  if (token.size() < kMinAdminTokenLength || std::any_of(token.begin(), token.end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) == 0x7f;
      })) {
    throw std::runtime_error("the admin token in " + path.string() + " must be at least " +
                             std::to_string(kMinAdminTokenLength) +
                             " printable characters without blanks (e.g. openssl rand -hex 32)");
  }
  return token;
}

}  // namespace presentd::access
