// SPDX-License-Identifier: Apache-2.0
#include "app/viewer_service.hpp"

#include "app/viewer_metrics.hpp"
#include "app/viewer_status.hpp"
#include "app/whip_session_adapter.hpp"
#include "presentd/access/viewer_access.hpp"
#include "presentd/signaling/local/json_response.hpp"
#include "presentd/signaling/local/whip_endpoint.hpp"

namespace presentd::app {
namespace {
constexpr std::string_view kWhepPath = "/whep";

rtp::PayloadFormat format_of(config::VideoCodec codec) {
  switch (codec) {
    case config::VideoCodec::vp8: return rtp::PayloadFormat::vp8;
    case config::VideoCodec::h264: return rtp::PayloadFormat::h264;
    case config::VideoCodec::vp9: return rtp::PayloadFormat::vp9;
  }
  return rtp::PayloadFormat::vp8;
}
}  // namespace

ViewerService::ViewerService(boost::asio::io_context& io, ice::GlibContextPump& pump,
                             std::shared_ptr<const crypto::Identity> identity, const config::Config& config,
                             access::AccessControl& access, session::SessionManager& presenters,
                             metrics::Registry& registry)
    : presenters_(presenters), registry_(registry) {
  hub_ = std::make_unique<session::ViewerHub>(io, pump, std::move(identity), settings_for(config, {}),
                                              [this](const std::string& session_id, std::size_t video_index) {
                                                (void)presenters_.request_keyframe(session_id, video_index);
                                              });
  access_ = std::make_unique<access::ViewerAccess>(access, config.viewers.policy,
                                                   [this](const std::string& id) { return hub_->has_session(id); });
  adapter_ = std::make_unique<WhipSessionAdapter>(*hub_, nullptr);
  signaling::WhipEndpointOptions options;
  options.path = std::string(kWhepPath);
  options.not_found = "no such viewer";
  options.authorizer = access_.get();
  endpoint_ = std::make_unique<signaling::WhipEndpoint>(clock_, *adapter_, options);
  metrics_ = std::make_unique<ViewerMetrics>(registry);
  collector_ = registry_.add_collector([this] { metrics_->update(hub_->viewer_count(), hub_->totals()); });
}

ViewerService::~ViewerService() {
  registry_.remove_collector(collector_);
  endpoint_.reset();
  adapter_.reset();
  access_.reset();
  hub_.reset();
}

session::ViewerHubSettings ViewerService::settings_for(const config::Config& config,
                                                       const ice::IceAgentConfig& ice) const {
  session::ViewerHubSettings settings;
  settings.viewer.ice = ice;
  settings.viewer.video_codecs.clear();
  for (const auto codec : config.media.video_codecs) settings.viewer.video_codecs.push_back(format_of(codec));
  settings.viewer.audio = config.media.audio;
  settings.max_viewers =
      config.viewers.policy == config::ViewerPolicy::off ? 0 : static_cast<std::size_t>(config.viewers.max);
  return settings;
}

void ViewerService::register_routes(signaling::HttpRouter& router) {
  endpoint_->register_routes(router);
  // GET /whep/<id>/layout: what each of the viewer's m-lines shows, for the /watch page. The
  // viewer's ID (128 random bits, known only from its own 201) is the credential.
  router.add_prefix(
      signaling::http::verb::get, std::string(kWhepPath) + "/",
      [this](const signaling::Request& request, const signaling::RequestContext&, const signaling::Responder& respond) {
        auto path = signaling::target_path(request.target()).substr(kWhepPath.size() + 1);
        constexpr std::string_view kSuffix = "/layout";
        std::optional<nlohmann::json> layout;
        if (path.ends_with(kSuffix)) {
          layout = viewer_layout(*hub_, std::string(path.substr(0, path.size() - kSuffix.size())));
        }
        if (!layout) {
          return respond(signaling::make_json_error(request, signaling::http::status::not_found, "no_such_viewer",
                                                    "No such viewer."));
        }
        auto response = signaling::make_json_response(request, signaling::http::status::ok, *layout);
        response.set(signaling::http::field::cache_control, "no-store");
        respond(std::move(response));
      });
}

void ViewerService::apply(const config::Config& config, const ice::IceAgentConfig& ice) {
  hub_->set_settings(settings_for(config, ice));
  access_->set_policy(config.viewers.policy);
  if (config.viewers.policy == config::ViewerPolicy::off) {
    hub_->end_all(session::EndReason::removed, "watching was turned off");
  }
}

void ViewerService::set_ice_server_links(std::vector<std::string> links, std::vector<std::string> public_links) {
  endpoint_->set_ice_server_links(std::move(links), std::move(public_links));
}

void ViewerService::presenter_live(const std::string& session_id, const std::string& name) {
  const auto* session = presenters_.find_session(session_id);
  if (session == nullptr || session->negotiated() == nullptr || session->answer() == nullptr) return;
  hub_->presenter_joined(session_id, name, session::presenter_streams(*session->negotiated(), *session->answer()));
}

void ViewerService::presenter_ended(const std::string& session_id) { hub_->presenter_left(session_id); }

nlohmann::json ViewerService::status(bool network_detail) const { return viewers_status(*hub_, network_detail); }

std::string ViewerService::status_key() const { return viewers_status_key(*hub_); }

nlohmann::json ViewerService::admin_list() const { return viewers_status(*hub_, true); }

bool ViewerService::remove(const std::string& viewer_id) {
  return hub_->end_viewer(viewer_id, session::EndReason::removed, "removed by an admin");
}

void ViewerService::stop() { hub_->stop("the display is shutting down"); }

}  // namespace presentd::app
