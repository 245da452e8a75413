// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/xmpp/stream_management.hpp"

namespace presentd::xmpp {

void StreamManagement::requested() {
  reset();
  active_ = true;
}

void StreamManagement::enabled(std::string resume_id) {
  inbound_active_ = true;
  inbound_ = 0;
  resume_id_ = std::move(resume_id);
}

std::deque<std::string> StreamManagement::resumed(std::uint32_t server_h) {
  active_ = inbound_active_ = true;
  acknowledged(server_h);
  return std::move(unacked_);
}

void StreamManagement::reset() {
  active_ = inbound_active_ = false;
  resume_id_.clear();
  inbound_ = 0;
  acked_ = 0;
  unacked_.clear();
}

void StreamManagement::sent(std::string stanza) {
  if (unacked_.size() == kMaxUnacked) {
    unacked_.pop_front();
    ++acked_;  // counted as gone so later h values still line up
  }
  unacked_.push_back(std::move(stanza));
}

bool StreamManagement::acknowledged(std::uint32_t server_h) {
  // Unsigned subtraction handles the 2^32 wrap.
  const std::uint32_t newly = server_h - acked_;
  if (newly > unacked_.size()) return false;
  for (std::uint32_t i = 0; i < newly; ++i) unacked_.pop_front();
  acked_ = server_h;
  return true;
}

}  // namespace presentd::xmpp
