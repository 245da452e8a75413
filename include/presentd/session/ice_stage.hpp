// SPDX-License-Identifier: Apache-2.0
#pragma once
// The first stage of a session's chain: one ICE agent (libnice, one component, BUNDLE) with the
// rules a session applies to what the peer signals — the cap on remote candidates, trickle,
// and ICE restarts that keep DTLS and SRTP going over the pair in use (RFC 9725 §4.3.2).
// It knows nothing of DTLS or media: datagrams go up to its listener as they arrive.
//
// A receiving session (a presenter) and a sending one (a viewer) use it alike.
//
// Thread: event loop. The listener is called from inside libnice's callbacks (driven by the
// loop's GLib pump) and must not destroy the stage there: post the destruction.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "presentd/ice/ice_agent.hpp"
#include "presentd/sdp/answer_builder.hpp"
#include "presentd/sdp/sdp_fragment.hpp"
#include "presentd/session/session_boundary.hpp"

namespace presentd::session {

// Remote candidates one session takes in all (the offer's and every trickle since the last ICE
// restart). Each one costs libnice a check list entry and connectivity checks; a real sender
// has a dozen or two, so a peer trickling without end is refused instead.
constexpr std::size_t kMaxRemoteCandidates = 128;

class IceStage {
public:
  class Listener {
  public:
    virtual ~Listener() = default;
    // Our candidates are all known (or the agent gave up waiting for a server).
    virtual void on_ice_gathering_done() = 0;
    // A pair is selected: each time the agent (re)connects.
    virtual void on_ice_connected() = 0;
    // No pair works any more (never did, or went away: ever_connected() tells which).
    virtual void on_ice_failed() = 0;
    // Every datagram received on the selected pair that libnice did not consume (STUN).
    virtual void on_ice_datagram(std::span<const std::uint8_t> datagram) = 0;
  };

  // `log_name` prefixes this stage's log lines (the session's short id); `peer_noun` names the
  // peer in them ("sender", "viewer"). libnice's events reach the listener through `contain`.
  IceStage(ice::GlibContextPump& pump, const ice::IceAgentConfig& config, Listener& listener, std::string log_name,
           std::string peer_noun, Contain contain);
  ~IceStage();
  IceStage(const IceStage&) = delete;
  IceStage& operator=(const IceStage&) = delete;

  // The peer's credentials and candidates from its offer. Returns how many candidates libnice
  // could use (the rest are logged and skipped).
  std::size_t set_remote(const sdp::Negotiated& negotiated);
  // Opens the sockets and gathers our candidates; false when there is no usable address or port.
  [[nodiscard]] bool gather();
  // Trickled candidates (WHIP PATCH, Jingle transport-info). False, with nothing added, when
  // they would take the session past kMaxRemoteCandidates.
  [[nodiscard]] bool add_trickle(const sdp::SdpFragment& fragment);
  // An ICE restart with the peer's new credentials (the fragment must carry both): new local
  // credentials, a new check list from the fragment's candidates; the pair in use carries on
  // until a new one is selected.
  [[nodiscard]] sdp::Result<ice::IceCredentials> restart(const sdp::SdpFragment& fragment);

  // Sends on the selected pair; false when there is none.
  bool send(std::span<const std::uint8_t> datagram);
  // As send(), but held until a pair is selected (IceAgent::send_when_connected says why).
  void send_when_connected(std::span<const std::uint8_t> datagram);

  ice::IceCredentials local_credentials() const;
  std::vector<std::string> local_candidates() const;
  const std::string& remote_ufrag() const { return remote_ufrag_; }
  const std::string& remote_pwd() const { return remote_pwd_; }
  ice::IceState state() const;
  bool ever_connected() const { return ever_connected_; }
  std::uint64_t restarts() const { return restarts_; }
  std::optional<std::string> selected_pair() const;

private:
  class AgentEvents;
  bool add_candidate(const sdp::Candidate& candidate);
  void on_state(ice::IceState state);

  Listener& listener_;
  std::string log_name_;
  std::string peer_noun_;
  Contain contain_;
  std::unique_ptr<AgentEvents> events_;
  std::unique_ptr<ice::IceAgent> agent_;
  std::string remote_ufrag_;
  std::string remote_pwd_;
  std::size_t remote_candidates_ = 0;  // taken since the offer or the last ICE restart
  bool ever_connected_ = false;
  std::uint64_t restarts_ = 0;
};

}  // namespace presentd::session
