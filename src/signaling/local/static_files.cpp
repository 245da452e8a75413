// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/local/static_files.hpp"

#include <array>
#include <fstream>
#include <sstream>
#include <utility>

#include "presentd/common/log.hpp"
#include "presentd/signaling/local/http_router.hpp"

namespace presentd::signaling {
namespace {

constexpr std::size_t kMaxFileBytes = std::size_t{4} * 1024 * 1024;

std::string_view content_type_for(const std::filesystem::path& path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".webmanifest", "application/manifest+json"},
      {".txt", "text/plain; charset=utf-8"},
  }};
  const auto extension = path.extension().string();
  for (const auto& [suffix, type] : kTypes) {
    if (suffix == extension) return type;
  }
  return "application/octet-stream";
}

}  // namespace

StaticFiles::StaticFiles(const std::filesystem::path& root) {
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) {
    PD_LOG(warning, "web") << "web root " << root.string() << " is not a directory; the presenter page is unavailable";
    return;
  }
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->is_symlink(ec)) continue;
    if (it->file_size(ec) > kMaxFileBytes) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    const auto url = "/" + std::filesystem::relative(it->path(), root, ec).generic_string();
    files_[url] = File{content.str(), std::string(content_type_for(it->path()))};
  }
  PD_LOG(info, "web") << "serving " << files_.size() << " files from " << root.string();
}

void StaticFiles::handle(const Request& request, const RequestContext&, const Responder& respond) const {
  std::string path(target_path(request.target()));
  if (path.ends_with('/')) path += "index.html";
  auto it = files_.find(path);
  // A page in its own directory answers at its bare name too (/watch → /watch/index.html); its
  // files are named with absolute paths, so the missing slash breaks nothing.
  if (it == files_.end()) it = files_.find(path + "/index.html");
  if (it == files_.end()) return respond(make_error(request, http::status::not_found, "not found"));
  // The page talks only to this box; nothing else may be loaded or framed (the connection adds
  // the Content-Security-Policy to every answer: security_headers.hpp).
  respond(make_response(request, http::status::ok, it->second.content, it->second.content_type));
}

}  // namespace presentd::signaling
