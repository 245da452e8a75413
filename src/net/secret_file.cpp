// SPDX-License-Identifier: Apache-2.0
#include "presentd/net/secret_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <iterator>

#include "presentd/common/errno_text.hpp"

namespace presentd::net {

std::optional<std::string> read_secret_file(const std::string& path, std::string& error, std::string& warning) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read the secret file \"" + path + "\": " + errno_text(errno);
    return std::nullopt;
  }
  std::string secret;
  constexpr std::size_t kLimit = 4096;
  char chunk[512];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    secret.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (secret.size() > kLimit) {
      error = "the secret file \"" + path + "\" is larger than 4 KiB";
      return std::nullopt;
    }
  }
  if (!secret.empty() && secret.back() == '\n') secret.pop_back();
  if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  struct stat status {};
  if (::stat(path.c_str(), &status) == 0 && (status.st_mode & S_IROTH) != 0) {
    warning =
        "the secret file \"" + path + "\" is readable by every user; make it readable by presentd only (chmod 600)";
  }
  return secret;
}

}  // namespace presentd::net
