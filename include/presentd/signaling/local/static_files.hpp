// SPDX-License-Identifier: Apache-2.0
#pragma once
// Serves the presenter page from memory. The web directory is small and read once at start and
// on reload, so a request never waits on the disk and a path can never escape the directory.
// Thread: event loop.
#include <filesystem>
#include <map>
#include <string>

#include "presentd/signaling/local/http_types.hpp"

namespace presentd::signaling {

class StaticFiles {
public:
  // Loads every regular file below `root` (symlinks are not followed). A missing root leaves
  // the set empty and logs a warning; the API keeps working.
  explicit StaticFiles(const std::filesystem::path& root);

  void handle(const Request& request, const RequestContext& context, const Responder& respond) const;
  std::size_t file_count() const { return files_.size(); }

private:
  struct File {
    std::string content;
    std::string content_type;
  };
  std::map<std::string, File, std::less<>> files_;  // key: URL path, e.g. "/index.html"
};

}  // namespace presentd::signaling
