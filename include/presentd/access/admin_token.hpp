// SPDX-License-Identifier: Apache-2.0
#pragma once
// The admin token from `admin.token_file`: the file's content without surrounding blanks and
// line ends. Read at start-up and on every reload, so rotating it is "write the file, reload".
// Thread: event loop (start-up and reload).
#include <filesystem>
#include <optional>
#include <string>

namespace presentd::access {

inline constexpr std::size_t kMinAdminTokenLength = 16;

// nullopt for an empty path (admin API off). Throws std::runtime_error naming the file when it
// cannot be read or holds fewer than kMinAdminTokenLength characters (or blanks inside).
std::optional<std::string> load_admin_token(const std::filesystem::path& path);

}  // namespace presentd::access
