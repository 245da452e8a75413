// SPDX-License-Identifier: Apache-2.0
#pragma once
// Loads and validates the JSON configuration. Problems are collected, never thrown, so
// --check-config and SIGHUP can report every one of them at once.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "presentd/config/config.hpp"

namespace presentd::config {

struct Problem {
  int line = 1;
  std::string pointer;  // RFC 6901 JSON pointer, "" for the whole document
  std::string message;
};

struct LoadResult {
  Config config;
  std::vector<Problem> problems;
  // The text that was parsed, so checks made after loading (TLS files, DNS-SD limits) can
  // report their problems at a line too (locate_problems).
  std::string text;
  bool ok() const { return problems.empty(); }
};

// Parses configuration text (comments allowed). Keys that are absent keep their defaults.
LoadResult parse_config(std::string_view text);

// Reads `path`. A missing file is a problem unless `missing_means_defaults` (the default path
// may legitimately be absent: the daemon then runs on built-in defaults).
LoadResult load_config_file(const std::filesystem::path& path, bool missing_means_defaults);

// Sets each problem's line to where its pointer (or nearest ancestor) appears in `text`.
void locate_problems(std::string_view text, std::vector<Problem>& problems);

// "presentd.json:12: /network/https_port: must be 1..65535"
std::string format_problem(std::string_view file_label, const Problem& problem);

// The effective configuration as JSON text, secrets masked.
std::string print_config(const Config& config);

// Every JSON pointer the schema knows, e.g. "/network/https_port".
std::vector<std::string> list_config_keys();

}  // namespace presentd::config
