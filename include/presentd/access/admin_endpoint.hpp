// SPDX-License-Identifier: Apache-2.0
#pragma once
// The admin API (docs/protocol.md, "Admin API"): list and remove presenters and viewers, lock and unlock the room,
// rotate or read the PIN, fetch a PNG of the screen. Every request needs
// "Authorization: Bearer <admin token>" (compared in constant time; failures back off like PIN
// failures); with no token configured the whole API answers 404.
//
// Thread: event loop.
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "presentd/access/access_control.hpp"
#include "presentd/access/failure_tracker.hpp"
#include "presentd/signaling/local/http_router.hpp"

namespace presentd::access {

struct AdminHooks {
  // Ends the session with reason "removed"; false when there is no such session.
  std::function<bool(const std::string& session_id)> remove_presenter;
  // Starts taking a PNG of the screen and calls `done` on the event loop with its bytes
  // (nullopt: it failed). Returns false when no snapshot can be taken now (no display, or one
  // is already being taken). Empty: the box has no display.
  std::function<bool(std::function<void(std::optional<std::string> png)> done)> snapshot;
  // GET /api/v1/admin/status: the status JSON with each presenter's network detail (address,
  // ICE pair), which the public status leaves out. Empty: 404.
  std::function<std::string()> status;
  // GET /api/v1/admin/viewers: each viewer (ID, address, what it watches). Empty: none listed.
  std::function<nlohmann::json()> list_viewers;
  // Ends one viewer; false when there is no such viewer.
  std::function<bool(const std::string& viewer_id)> remove_viewer;
};

class AdminEndpoint {
public:
  AdminEndpoint(const Clock& clock, AccessControl& access, AdminHooks hooks);

  // At start and on reload: the admin token (nullopt: admin API off) and /snapshot/enabled.
  void configure(std::optional<std::string> token, bool snapshot_enabled);
  void register_routes(signaling::HttpRouter& router);

private:
  using Handler = void (AdminEndpoint::*)(const signaling::Request&, const signaling::Responder&);
  signaling::Handler guarded(Handler handler);
  // nullopt when the request carries the admin token; otherwise the answer that refuses it.
  std::optional<signaling::Response> refuse_unless_admin(const signaling::Request& request,
                                                         const signaling::RequestContext& context);

  void on_list(const signaling::Request& request, const signaling::Responder& respond);
  void on_remove(const signaling::Request& request, const signaling::Responder& respond);
  void on_list_viewers(const signaling::Request& request, const signaling::Responder& respond);
  void on_remove_viewer(const signaling::Request& request, const signaling::Responder& respond);
  void on_lock(const signaling::Request& request, const signaling::Responder& respond);
  void on_unlock(const signaling::Request& request, const signaling::Responder& respond);
  void on_rotate(const signaling::Request& request, const signaling::Responder& respond);
  void on_pin(const signaling::Request& request, const signaling::Responder& respond);
  void on_snapshot(const signaling::Request& request, const signaling::Responder& respond);
  void on_status(const signaling::Request& request, const signaling::Responder& respond);

  AccessControl& access_;
  AdminHooks hooks_;
  FailureTracker failures_;
  std::optional<std::string> token_;
  bool snapshot_enabled_ = false;
};

}  // namespace presentd::access
