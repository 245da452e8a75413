// SPDX-License-Identifier: Apache-2.0
#pragma once
// The viewers as the status API (docs/protocol.md, "viewers"), the admin's list and the /watch
// page's layout call see them, read from the hub and each viewer's send stage.
//
// Thread: event loop.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "presentd/session/viewer_hub.hpp"

namespace presentd::app {

// {"count", "max", "viewers": [...]}: each viewer's short ID, age, what each m-line shows, the
// bitrate sent, the viewer's loss, RTT and REMB, paused or not. `network_detail` (admins) adds the
// full ID (the capability "remove" takes), the address and the ICE pair.
nlohmann::json viewers_status(const session::ViewerHub& hub, bool network_detail);
// Changes whenever the status shows something new apart from the running figures.
std::string viewers_status_key(const session::ViewerHub& hub);
// GET /whep/<id>/layout: {"media": [{"mid", "kind", "presenter" (null: nobody)}], "presenting"};
// nullopt: no such viewer.
std::optional<nlohmann::json> viewer_layout(const session::ViewerHub& hub, const std::string& viewer_id);

}  // namespace presentd::app
