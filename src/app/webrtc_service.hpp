// SPDX-License-Identifier: Apache-2.0
#pragma once
// Everything that turns a WHIP offer into pictures on the screen, wired together: the GLib
// context libnice runs on (pumped from the event loop), the DTLS identity, the sessions and the
// WHIP endpoint, the presenter page's event channel. Sessions show up on the renderer as
// presenters, under the names they gave.
//
// Thread: event loop (pictures are handed to the renderer from the decode threads).
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <glib.h>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "app/turn_relays.hpp"
#include "presentd/common/clock.hpp"
#include "presentd/config/config.hpp"
#include "presentd/session/end_reason.hpp"
#include "presentd/signaling/local/http_router.hpp"

namespace presentd::ice {
class GlibContextPump;
}
namespace presentd::render {
class Renderer;
}
namespace presentd::metrics {
class Registry;
}
namespace presentd::access {
class AccessControl;
}
namespace presentd::session {
class SessionManager;
class SessionMetrics;
class SessionPort;
struct SessionSettings;
}  // namespace presentd::session
namespace presentd::signaling {
class EventChannel;
class WhipAuthorizer;
class WhipEndpoint;
}  // namespace presentd::signaling

namespace presentd::app {

class EventChannelBridge;
class ViewerService;
class WhipSessionAdapter;

class WebrtcService {
public:
  // `renderer` may be null (headless); `access` (not null, outliving this) decides who may
  // publish and, under viewers.policy, who may watch; `on_session_ended` is told of every session that ended, whatever
  // the reason. Sessions are counted in `registry` (it must outlive the service).
  WebrtcService(boost::asio::io_context& io, const config::Config& config, render::Renderer* renderer,
                access::AccessControl* access, std::function<void(const std::string&)> on_session_ended,
                metrics::Registry& registry);
  ~WebrtcService();
  WebrtcService(const WebrtcService&) = delete;
  WebrtcService& operator=(const WebrtcService&) = delete;

  void register_routes(signaling::HttpRouter& router);
  // A reload: new sessions use the new settings; running ones keep theirs.
  void apply(const config::Config& config);
  // TURN servers learnt at runtime (time-limited credentials, e.g. XEP-0215): new sessions relay
  // through them besides the configured ones; replaces the previous runtime list.
  void set_runtime_turn_servers(std::vector<TurnServerEntry> servers);
  // Ends every presentation (Esc/Del on the box; pages are told "ended_at_box"); new senders
  // are served as before.
  void end_sessions(const std::string& reason);
  // The viewers (issue 15): their status, the admin's list and "remove".
  ViewerService& viewers() { return *viewers_; }
  // Ends one presentation (an admin removed it: its page is told "removed"); false when there
  // is no such session.
  bool end_session(const std::string& session_id, const std::string& reason);
  // Shutdown step: end every session (decode threads joined), stop pumping libnice.
  void stop();
  // The sessions' status (app/session_status, part of app/status_report) plus the TURN relays.
  nlohmann::json status(bool network_detail) const;
  // Sessions that exist now, on screen or waiting (the status document's "active").
  std::size_t session_count() const;
  // sessions_status_key() plus the TURN relays (app/status_cache.hpp).
  std::string status_key() const;
  // Where sessions are created: WHIP (through its adapter) and the cloud's Jingle sessions
  // alike, so both pass the same admission.
  session::SessionPort& session_port();
  // Called (posted on the event loop) whenever a session starts, goes live or ends.
  void set_on_sessions_changed(std::function<void()> hook) { on_sessions_changed_ = std::move(hook); }
  // Called (synchronously) for every session that ends, also one still waiting for approval,
  // with why: the cloud tells its remote presenter (app/jingle_end_reason.hpp).
  // Told when a session is on the screen (live), e.g. to tell a remote presenter.
  void set_on_session_live(std::function<void(const std::string&)> hook) { on_session_live_ = std::move(hook); }
  void set_on_session_end(std::function<void(const std::string&, session::EndReason)> hook) {
    on_session_end_ = std::move(hook);
  }

private:
  session::SessionSettings settings_with_metrics(const config::Config& config) const;
  // New sessions' settings and the WHIP Link headers from config_ and the relays.
  void refresh_settings();
  void show_camera_tile(const std::string& session_id);

  boost::asio::io_context& io_;
  config::Config config_;
  render::Renderer* renderer_;
  SteadyClock clock_;
  metrics::Registry& registry_;
  std::unique_ptr<session::SessionMetrics> metrics_;
  std::uint64_t collector_ = 0;
  GMainContext* context_;
  std::unique_ptr<ice::GlibContextPump> pump_;
  std::unique_ptr<session::SessionManager> sessions_;
  std::unique_ptr<WhipSessionAdapter> whip_sessions_;
  std::unique_ptr<signaling::WhipEndpoint> whip_;
  std::unique_ptr<ViewerService> viewers_;  // before the sessions go: it holds their packets' path
  std::unique_ptr<EventChannelBridge> event_bridge_;
  std::unique_ptr<TurnRelays> relays_;  // closed in stop(), after the sessions
  std::unique_ptr<signaling::EventChannel> events_;
  nlohmann::json capabilities_;
  std::map<std::string, std::string> names_;  // session → presenter name, while on screen
  std::set<std::string> camera_tiles_;        // sessions whose camera has a tile
  std::function<void()> on_sessions_changed_;
  std::function<void(const std::string&, session::EndReason)> on_session_end_;
  std::function<void(const std::string&)> on_session_live_;
};

}  // namespace presentd::app
