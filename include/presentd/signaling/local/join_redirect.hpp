// SPDX-License-Identifier: Apache-2.0
#pragma once
// GET /join/<10-digit meeting ID>: any presentd box sends the browser on to the box the ID
// names (302 to https://<its IPv4>/), so one bookmark serves every room. An ID that is not ten
// digits, or names no usable unicast address, gets a readable 404 page.
// Thread: event loop.
#include <functional>
#include <optional>
#include <string>

#include "presentd/signaling/local/http_router.hpp"

namespace presentd::signaling {

// The port (this box's HTTPS port, read per request so a reload applies) is appended to the
// target when it is not 443: boxes of one site share their configuration.
void register_join_redirect(HttpRouter& router, std::function<unsigned short()> https_port);

// The redirect target for `meeting_id`, or nullopt when the ID is not one.
std::optional<std::string> join_target(std::string_view meeting_id, unsigned short https_port);

}  // namespace presentd::signaling
