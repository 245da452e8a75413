// SPDX-License-Identifier: Apache-2.0
#include "app/status_report.hpp"

#include "app/screen_info.hpp"
#include "presentd/common/build_info.hpp"
#include "presentd/config/config_schema.hpp"

namespace presentd::app {
using config::name_in;

nlohmann::json make_status(const config::Config& config, const StatusFacts& facts) {
  auto sessions = facts.sessions.is_object() ? facts.sessions
                                             : nlohmann::json{{"active", 0},
                                                              {"started_total", 0},
                                                              {"sessions", nlohmann::json::array()},
                                                              {"presenters", nlohmann::json::array()}};
  nlohmann::json pin{{"policy", name_in(config::kPinPolicyNames, config.pin.policy)},
                     {"required", config.pin.policy != config::PinPolicy::off}};
  // The length of a rotating PIN helps the page size its field; a fixed PIN's length is the
  // admin's secret's shape, so it stays out.
  if (config.pin.policy == config::PinPolicy::rotate) pin["length"] = config.pin.length;
  const bool presenting = sessions.value("active", 0) > 0;
  auto presenters = sessions["presenters"];
  sessions.erase("presenters");
  auto viewers = sessions.contains("viewers") ? sessions["viewers"]
                                              : nlohmann::json{{"count", 0}, {"viewers", nlohmann::json::array()}};
  sessions.erase("viewers");
  viewers["policy"] = name_in(config::kViewerPolicyNames, config.viewers.policy);
  viewers["max"] = config.viewers.max;
  viewers["watch_path"] = "/watch";
  auto urls = connection_urls(config.network, facts.addresses);
  if (auto url = mdns_url(config, facts.mdns_host_name)) urls.push_back(std::move(*url));
  return {
      {"version", build::kVersion},
      {"room", {{"name", config.room.name}}},
      {"state", presenting ? "presenting" : "idle"},
      {"uptime_seconds", facts.uptime.count()},
      {"addresses", facts.addresses},
      {"urls", urls},
      {"meeting_id", facts.meeting_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(facts.meeting_id)},
      {"pin", pin},
      {"pin_required", pin["required"]},
      {"admission",
       {{"mode", name_in(config::kAdmissionModeNames, config.admission.mode)},
        {"max_presenters", config.admission.max_presenters},
        {"when_full", name_in(config::kWhenFullNames, config.admission.when_full)}}},
      {"presenters", presenters},
      {"viewers", viewers},
      {"sessions", sessions},
      {"screen", facts.screen.is_object() ? facts.screen : nlohmann::json{{"up", false}}},
  };
}

}  // namespace presentd::app
