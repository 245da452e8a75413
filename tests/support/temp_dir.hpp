// SPDX-License-Identifier: Apache-2.0
#pragma once
// A fresh directory under /tmp, removed with everything in it when the test ends.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace presentd::test {

class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `contents` to `name` inside the directory and returns the full path.
  std::filesystem::path write(std::string_view name, std::string_view contents) const;

private:
  std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& path);

// Every file in `dir` whose name starts with `prefix`, in name order, each read whole: what
// GStreamer's multifilesink leaves behind (one numbered file per frame or per RTP packet).
std::vector<std::vector<std::uint8_t>> read_numbered_files(const std::filesystem::path& dir, std::string_view prefix);

}  // namespace presentd::test
