// SPDX-License-Identifier: Apache-2.0
#include "presentd/discovery/discovery_config_check.hpp"

#include "presentd/common/meeting_id.hpp"
#include "presentd/discovery/txt_record.hpp"

namespace presentd::discovery {

std::vector<config::Problem> check_discovery_config(const config::Config& config, const std::string& cloud_id) {
  std::vector<config::Problem> problems;
  const auto& discovery = config.discovery;
  if (discovery.presentd_service || discovery.https_service) {
    if (config.room.name.size() > kMaxServiceNameBytes) {
      problems.push_back({0, "/room/name",
                          "must be at most " + std::to_string(kMaxServiceNameBytes) +
                              " bytes to be published by DNS-SD (one DNS label, RFC 6763 §4.1.1); shorten it or "
                              "switch off /discovery/presentd_service and /discovery/https_service"});
    }
  }
  if (!discovery.presentd_service) return problems;
  // The longest values the running daemon can put in: a full meeting ID and a SHA-256
  // fingerprint ("AB:" × 32 without the last colon).
  ServiceFacts facts;
  facts.pin_required = config.pin.policy != config::PinPolicy::off;
  facts.max_presenters = config.admission.max_presenters;
  facts.meeting_id = std::string(common::kMeetingIdDigits, '9');
  facts.cloud_id = cloud_id;
  facts.fingerprint = std::string(32 * 3 - 1, 'F');
  for (const auto& entry : presentd_txt(facts)) {
    if (auto problem = txt_entry_problem(entry)) problems.push_back({0, entry.source_pointer, *problem});
  }
  return problems;
}

}  // namespace presentd::discovery
