// SPDX-License-Identifier: Apache-2.0
#pragma once
// Reads a secret (a password, a TURN credential) from a file of its own, so the secret never sits
// in the main configuration. One trailing newline is dropped. The content is never logged.
// Thread: any. Reads the disk: call at start-up or reload only.
#include <optional>
#include <string>

namespace presentd::net {

// nullopt with `error` set (naming the file, never its content) when it cannot be read or is
// larger than 4 KiB. A file others may read gets a warning in `warning`.
std::optional<std::string> read_secret_file(const std::string& path, std::string& error, std::string& warning);

}  // namespace presentd::net
