// SPDX-License-Identifier: Apache-2.0
#pragma once
// The status API's "sessions" and "presenters" (docs/protocol.md; app/status_report puts them in
// the whole document), read from the session core's stages: the JSON lives here, at the edge,
// so the core keeps plain figures.
//
// Thread: event loop (the decode threads' figures are read through their own locks).
#include <string>

#include <nlohmann/json.hpp>

#include "presentd/session/session.hpp"
#include "presentd/session/session_manager.hpp"

namespace presentd::app {

// {"active", "started_total", "sessions": […], "presenters": […]}. Addresses and ICE pairs only
// with `network_detail` (the admin's view).
nlohmann::json sessions_status(const session::SessionManager& sessions, bool network_detail);
// Changes whenever sessions_status() changes in what a reader acts on at once: a session comes,
// goes, is admitted, renamed or changes state, codec or picture size (app/status_cache.hpp).
std::string sessions_status_key(const session::SessionManager& sessions);

// One session's diagnostic detail (ICE, DTLS, SRTP, per stream).
nlohmann::json session_status(const session::Session& session, bool network_detail);
// The documented per-presenter summary.
nlohmann::json presenter_status(const session::Session& session);
std::string session_status_key(const session::Session& session);

}  // namespace presentd::app
