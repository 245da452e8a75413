#pragma once
// Everything that turns a WHIP offer into pictures on the screen, wired together: the GLib
// context libnice runs on (pumped from the event loop), the DTLS identity, the sessions and the
// WHIP endpoint. Sessions show up on the renderer as presenters.
//
// Thread: event loop (pictures are handed to the renderer from the decode threads).
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <glib.h>
#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "config/config.hpp"
#include "signaling/local/http_router.hpp"

namespace presentd::ice {
class GlibContextPump;
}
namespace presentd::render {
class Renderer;
}
namespace presentd::session {
class SessionManager;
}
namespace presentd::signaling {
class WhipEndpoint;
}

namespace presentd::app {

class WebrtcService {
public:
  // `renderer` may be null (headless); `token` gives the Bearer token WHIP senders must present
  // (nullopt: none).
  WebrtcService(boost::asio::io_context& io, const config::Config& config, render::Renderer* renderer,
                std::function<std::optional<std::string>()> token);
  ~WebrtcService();
  WebrtcService(const WebrtcService&) = delete;
  WebrtcService& operator=(const WebrtcService&) = delete;

  void register_routes(signaling::HttpRouter& router);
  // A reload: new sessions use the new settings; running ones keep theirs.
  void apply(const config::Config& config);
  // Ends every presentation (Esc/Del on the box); new senders are served as before.
  void end_sessions(const std::string& reason);
  // Shutdown step: end every session (decode threads joined), stop pumping libnice.
  void stop();
  nlohmann::json status() const;
  // Called (posted on the event loop) whenever a session starts, goes live or ends.
  void set_on_sessions_changed(std::function<void()> hook) { on_sessions_changed_ = std::move(hook); }

private:
  boost::asio::io_context& io_;
  render::Renderer* renderer_;
  SteadyClock clock_;
  GMainContext* context_;
  std::unique_ptr<ice::GlibContextPump> pump_;
  std::unique_ptr<session::SessionManager> sessions_;
  std::unique_ptr<signaling::WhipEndpoint> whip_;
  std::function<void()> on_sessions_changed_;
};

}  // namespace presentd::app
