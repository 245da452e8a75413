// SPDX-License-Identifier: Apache-2.0
#pragma once
// The viewers (issue 15), wired together: the ViewerHub (sessions and forwarding), the WHEP
// endpoint at /whep (the WHIP endpoint's HTTP rules through the same adapter, over the hub),
// who may watch (access::ViewerAccess under viewers.policy), the /watch page's layout call,
// and the viewers' status and metrics. WebrtcService feeds it the presenters on screen and their
// packets, and routes its keyframe requests to them.
//
// Thread: event loop.
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "presentd/common/clock.hpp"
#include "presentd/config/config.hpp"
#include "presentd/crypto/certificate.hpp"
#include "presentd/ice/ice_agent.hpp"
#include "presentd/metrics/registry.hpp"
#include "presentd/session/session_manager.hpp"
#include "presentd/session/viewer_hub.hpp"
#include "presentd/signaling/local/http_router.hpp"

namespace presentd::access {
class AccessControl;
class ViewerAccess;
}  // namespace presentd::access
namespace presentd::signaling {
class WhipEndpoint;
}

namespace presentd::app {

class WhipSessionAdapter;
class ViewerMetrics;

class ViewerService {
public:
  ViewerService(boost::asio::io_context& io, ice::GlibContextPump& pump,
                std::shared_ptr<const crypto::Identity> identity, const config::Config& config,
                access::AccessControl& access, session::SessionManager& presenters, metrics::Registry& registry);
  ~ViewerService();
  ViewerService(const ViewerService&) = delete;
  ViewerService& operator=(const ViewerService&) = delete;

  void register_routes(signaling::HttpRouter& router);
  // Reload: the policy at once ("off" ends every viewer), the cap and codecs for new viewers.
  void apply(const config::Config& config, const ice::IceAgentConfig& ice);
  // WHEP's Link headers: the same ICE servers as WHIP's.
  void set_ice_server_links(std::vector<std::string> links, std::vector<std::string> public_links);

  // From the presenters' session manager.
  void presenter_live(const std::string& session_id, const std::string& name);
  void presenter_ended(const std::string& session_id);
  void on_packet(const std::string& session_id, media::ReceivePipeline::ReportedStream kind, std::size_t video_index,
                 const rtp::RtpPacket& packet) {
    hub_->on_presenter_packet(session_id, kind, video_index, packet);
  }

  // The status API's "viewers" (each with bitrate, loss and RTT; network detail for admins).
  nlohmann::json status(bool network_detail) const;
  std::string status_key() const;
  // The admin's list, and "remove".
  nlohmann::json admin_list() const;
  bool remove(const std::string& viewer_id);
  // Shutdown: every viewer ends.
  void stop();

private:
  session::ViewerHubSettings settings_for(const config::Config& config, const ice::IceAgentConfig& ice) const;

  SteadyClock clock_;
  session::SessionManager& presenters_;
  metrics::Registry& registry_;
  std::unique_ptr<session::ViewerHub> hub_;
  std::unique_ptr<access::ViewerAccess> access_;
  std::unique_ptr<WhipSessionAdapter> adapter_;
  std::unique_ptr<signaling::WhipEndpoint> endpoint_;
  std::unique_ptr<ViewerMetrics> metrics_;
  std::uint64_t collector_ = 0;
};

}  // namespace presentd::app
