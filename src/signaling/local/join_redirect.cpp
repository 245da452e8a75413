// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/local/join_redirect.hpp"

#include "presentd/common/meeting_id.hpp"

namespace presentd::signaling {
namespace {

constexpr std::string_view kPrefix = "/join/";

// An address a browser in the meeting room could reach: not 0/8, loopback, link-local,
// multicast or the broadcast address (someone mistyped, or the ID was made up).
bool is_reachable_unicast(std::uint32_t address) {
  const auto first = address >> 24;
  if (first == 0 || first == 127 || first >= 224) return false;
  return (address & 0xFFFF0000u) != 0xA9FE0000u;  // 169.254/16
}

Response not_a_meeting_id(const Request& request) {
  // Plain markup and the page's own stylesheet: the CSP allows no inline style or script.
  std::string page =
      "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>Unknown meeting ID</title><link rel=\"stylesheet\" href=\"/style.css\"></head>\n"
      "<body><main><h1>Unknown meeting ID</h1>"
      "<p>A meeting ID has exactly ten digits, as shown on the room's screen. Check it and try again.</p>"
      "<p><a href=\"/\">Back to the presenter page</a></p></main></body>\n</html>\n";
  return make_response(request, http::status::not_found, std::move(page), "text/html; charset=utf-8");
}

}  // namespace

std::optional<std::string> join_target(std::string_view meeting_id, unsigned short https_port) {
  const auto address = common::decode_meeting_id(meeting_id);
  if (!address || !is_reachable_unicast(*address)) return std::nullopt;
  std::string target = "https://" + common::ipv4_to_string(*address);
  if (https_port != 443) target += ":" + std::to_string(https_port);
  return target + "/";
}

void register_join_redirect(HttpRouter& router, std::function<unsigned short()> https_port) {
  router.add_prefix(
      http::verb::get, std::string(kPrefix),
      [https_port = std::move(https_port)](const Request& request, const RequestContext&, const Responder& respond) {
        auto id = target_path(request.target());
        id.remove_prefix(kPrefix.size());
        const auto target = join_target(id, https_port());
        if (!target) return respond(not_a_meeting_id(request));
        auto response = make_response(request, http::status::found, "");
        response.set(http::field::location, *target);
        respond(std::move(response));
      });
}

}  // namespace presentd::signaling
