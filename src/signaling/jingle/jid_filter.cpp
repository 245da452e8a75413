// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/jingle/jid_filter.hpp"

#include "presentd/sdp/text.hpp"

namespace presentd::signaling::jingle {
namespace {
// Lower case; "*@domain" is stored as "domain" (both mean every account of the domain).
std::vector<std::string> normalized(std::vector<std::string> list) {
  for (auto& entry : list) {
    entry = sdp::text::to_lower(entry);
    if (entry.starts_with("*@")) entry.erase(0, 2);
  }
  return list;
}
}  // namespace

std::string bare_jid(std::string_view jid) { return std::string(jid.substr(0, jid.find('/'))); }

JidFilter::JidFilter(std::vector<std::string> allowed, std::vector<std::string> blocked)
    : allowed_(normalized(std::move(allowed))), blocked_(normalized(std::move(blocked))) {}

bool JidFilter::matches(const std::vector<std::string>& list, std::string_view bare) {
  const auto at = bare.find('@');
  const auto domain = at == std::string_view::npos ? bare : bare.substr(at + 1);
  for (const auto& entry : list) {
    if (entry == bare || entry == domain) return true;
  }
  return false;
}

bool JidFilter::allows(std::string_view jid) const {
  const auto bare = sdp::text::to_lower(bare_jid(jid));
  if (bare.empty() || matches(blocked_, bare)) return false;
  return allowed_.empty() || matches(allowed_, bare);
}

}  // namespace presentd::signaling::jingle
