// SPDX-License-Identifier: Apache-2.0
// Fuzzes the configuration as start, SIGHUP and --check-config load it: the input is the file's
// text, read through load_and_check (schema, then the checks beyond it: DNS-SD limits, TLS
// files, the admin token), so a file no check refuses is one the daemon runs with. Every
// problem is a located, readable line; an accepted file prints (--print-config) and the printed
// text loads again to the same configuration unless a masked secret changed it.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "app/config_check.hpp"
#include "presentd/config/config_loader.hpp"

namespace {
// One file per process, rewritten for every input (load_and_check reads a path, as the daemon
// does) and removed at exit.
struct InputFile {
  std::string path =
      (std::filesystem::temp_directory_path() / ("presentd_config_fuzz_" + std::to_string(getpid()) + ".json"))
          .string();
  ~InputFile() { std::remove(path.c_str()); }
};
const std::string& input_path() {
  static const InputFile file;
  return file.path;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace presentd;
  {
    std::ofstream out(input_path(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) std::abort();
  }
  const auto checked = app::load_and_check(app::ConfigSource{input_path(), true});
  for (const auto& problem : checked.problems) {
    // "file:line: /pointer: message" with a message, never an empty or unlocated line.
    if (!problem.starts_with(input_path() + ":") || problem.size() <= input_path().size() + 3) std::abort();
  }
  if (!checked.ok()) return 0;
  const auto printed = config::print_config(checked.config);
  const auto reloaded = config::parse_config(printed);
  const bool masked = printed.find("\"********\"") != std::string::npos;
  if (!masked && (!reloaded.ok() || !(reloaded.config == checked.config))) std::abort();
  return 0;
}
