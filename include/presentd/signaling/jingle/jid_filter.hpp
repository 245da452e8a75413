// SPDX-License-Identifier: Apache-2.0
#pragma once
// Which XMPP addresses may start a remote session: the allowed and blocked lists of the
// configuration. An entry is a bare JID ("alice@example.net") or a domain ("example.net" or
// "*@example.net", which cover every account there). Blocked wins over allowed; an empty allowed list allows everyone
// not blocked. Matching ignores the resource and ASCII case (RFC 7622 case-folds domain and,
// in practice, local part).
// Thread: none of its own; a value type.
#include <string>
#include <string_view>
#include <vector>

namespace presentd::signaling::jingle {

// "alice@example.net/phone" → "alice@example.net".
std::string bare_jid(std::string_view jid);

class JidFilter {
public:
  JidFilter() = default;
  JidFilter(std::vector<std::string> allowed, std::vector<std::string> blocked);
  bool allows(std::string_view jid) const;

private:
  static bool matches(const std::vector<std::string>& list, std::string_view bare);
  std::vector<std::string> allowed_;
  std::vector<std::string> blocked_;
};

}  // namespace presentd::signaling::jingle
