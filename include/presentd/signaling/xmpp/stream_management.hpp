// SPDX-License-Identifier: Apache-2.0
#pragma once
// XEP-0198 stream management bookkeeping for the client: how many stanzas we handled (the h we
// report in <a/> and <resume/>), which of ours the server has not acknowledged yet (re-sent
// after a resumption), and the resumption id. Counters are 32-bit and wrap (XEP-0198 §4).
//
// Thread: event loop.
#include <cstdint>
#include <deque>
#include <string>

namespace presentd::xmpp {

inline constexpr std::string_view kSmNs = "urn:xmpp:sm:3";

class StreamManagement {
public:
  // Unacknowledged stanzas kept for resending; beyond this the oldest are dropped (and a
  // resumption would lose them, as a fresh login would).
  static constexpr std::size_t kMaxUnacked = 500;

  // <enable/> sent: the server counts our stanzas from here on.
  void requested();
  // <enabled/> arrived: the server counts its stanzas to us from here on.
  void enabled(std::string resume_id);
  // <resumed h='..'/>: the server's count of our stanzas; returns what must be sent again.
  [[nodiscard]] std::deque<std::string> resumed(std::uint32_t server_h);
  // The link is gone; counters and the id stay for a resumption.
  void suspend() { active_ = inbound_active_ = false; }
  // Resumption failed or was never possible: start over.
  void reset();

  [[nodiscard]] bool active() const { return active_; }
  [[nodiscard]] bool can_resume() const { return !resume_id_.empty(); }
  [[nodiscard]] const std::string& resume_id() const { return resume_id_; }

  void count_inbound() {
    if (inbound_active_) ++inbound_;
  }
  [[nodiscard]] std::uint32_t inbound() const { return inbound_; }
  void sent(std::string stanza);
  // <a h='..'/>: drops what the server has confirmed. false when h is beyond what we sent.
  bool acknowledged(std::uint32_t server_h);
  [[nodiscard]] std::size_t unacked() const { return unacked_.size(); }

private:
  bool active_ = false;          // our stanzas are counted
  bool inbound_active_ = false;  // the server's stanzas are counted
  std::string resume_id_;
  std::uint32_t inbound_ = 0;
  std::uint32_t acked_ = 0;  // the server's last h
  std::deque<std::string> unacked_;
};

}  // namespace presentd::xmpp
