// SPDX-License-Identifier: Apache-2.0
#pragma once
// One session's ICE agent: libnice in full-ICE mode (RFC 8445), one stream with one component
// (RTP and RTCP multiplexed and bundled), driven by the GlibContextPump on the event loop.
//
// Controlled when answering an offer. Host UDP candidates come from the configured port range,
// passive ICE-TCP candidates beside them, server-reflexive from STUN and relayed from TURN when
// configured. Consent freshness (RFC 7675) is on. A sender that gives no candidates (OBS) or
// only mDNS ".local" names (Chrome sharing a screen) still connects: its connectivity checks
// teach libnice peer-reflexive candidates.
//
// Thread: event loop. Listener callbacks run there, from inside the pump's dispatch.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "presentd/common/loop_affinity.hpp"
#include "presentd/ice/glib_context_pump.hpp"

typedef struct _NiceAgent NiceAgent;  // NOLINT(bugprone-reserved-identifier): libnice's own name

namespace presentd::ice {

enum class IceState { new_, gathering, checking, connected, failed, closed };
std::string_view to_string(IceState state);

struct TurnServer {
  std::string address;  // numeric IP: name resolution happens before, off the event loop
  std::uint16_t port = 3478;
  enum class Transport { udp, tcp } transport = Transport::udp;
  std::string username;
  std::string password;
};

struct IceAgentConfig {
  bool controlling = false;
  std::uint16_t port_min = 0;  // 0/0: any port
  std::uint16_t port_max = 0;
  bool udp = true;
  bool tcp = true;
  // Addresses to gather host candidates on; empty means every interface libnice finds
  // (loopback is skipped by libnice unless listed here, which tests do).
  std::vector<std::string> local_addresses;
  std::optional<std::pair<std::string, std::uint16_t>> stun_server;  // numeric IP and port
  std::vector<TurnServer> turn_servers;
  bool consent_freshness = true;
};

struct IceCredentials {
  std::string ufrag;
  std::string password;
};

class IceAgent {
public:
  class Listener {
  public:
    virtual ~Listener() = default;
    virtual void on_ice_candidate(const std::string& candidate_line) = 0;  // "candidate:..."
    virtual void on_ice_gathering_done() = 0;
    virtual void on_ice_state(IceState state) = 0;
    virtual void on_ice_data(std::span<const std::uint8_t> datagram) = 0;
  };

  IceAgent(GlibContextPump& pump, IceAgentConfig config, Listener& listener);
  ~IceAgent();
  IceAgent(const IceAgent&) = delete;
  IceAgent& operator=(const IceAgent&) = delete;

  IceCredentials local_credentials() const;
  // Starts gathering; candidates arrive through the listener. False when libnice refuses
  // (e.g. no usable port in the range). on_ice_gathering_done() comes once, at the first of:
  // libnice's own end of gathering, or (with TURN servers) as many relayed candidates as TURN
  // servers. libnice asks every TURN server once per host address and ends gathering only when
  // the last request is answered or times out (~2 s); a request from an address the server does
  // not answer held the answer back by that long, while one relayed candidate per server is all a
  // peer can use (more from the same server are redundant). Candidates after that still reach
  // on_ice_candidate() and are used by our own checks.
  [[nodiscard]] bool gather();
  // The candidates to advertise. When every remote candidate so far is relayed (a sender with a
  // relay-only policy) and we have a relayed candidate ourselves, only our relayed ones: such a
  // peer reaches our host and server-reflexive candidates only through its TURN server, which
  // commonly refuses private peers, and a controlling libnice with regular nomination then waits
  // (~2 s) for those checks to fail before it nominates the relay pair. Otherwise all of them.
  std::vector<std::string> local_candidates() const;

  void set_remote_credentials(const std::string& ufrag, const std::string& password);
  // Accepts "candidate:..." or "a=candidate:..."; false for lines libnice cannot use (mDNS
  // ".local" hosts are skipped on purpose: the peer-reflexive path covers them).
  bool add_remote_candidate(std::string_view candidate_line);
  void remote_gathering_done();
  // ICE restart when the sender asks for one (RFC 8445 §9, RFC 8839 §4.4.1.1.1): new local
  // credentials, the peer's new ones, its old candidates dropped. libnice keeps the selected
  // pair (and sends on it) until the new checks pick one, so DTLS and SRTP carry on untouched.
  // Gathering is not repeated: our sockets and candidates stay. False when libnice refuses.
  [[nodiscard]] bool restart(const std::string& remote_ufrag, const std::string& remote_password);

  // One datagram on the selected pair; false when ICE has no pair yet or the send failed.
  bool send(std::span<const std::uint8_t> datagram);
  // Like send(), but a datagram that finds no selected pair yet is held (a few, in order) and
  // sent the moment libnice selects one, instead of being lost. For DTLS: a controlling sender
  // that nominates on its first check (Chrome) counts its pair usable as soon as our response
  // arrives and sends its ClientHello, while our side (controlled) selects the pair only when its
  // own triggered check comes back some 20-50 ms later. Our answering flight would otherwise be
  // dropped, and OpenSSL ignores the sender's repeated ClientHellos, so the handshake would wait
  // for our retransmission timer. Held datagrams are dropped when ICE fails.
  void send_when_connected(std::span<const std::uint8_t> datagram);
  // Datagrams send_when_connected() had to hold so far, and how many of those it had to drop.
  std::uint64_t held_datagrams() const { return held_total_; }
  std::uint64_t dropped_held_datagrams() const { return held_dropped_; }

  IceState state() const { return state_; }
  std::optional<std::string> selected_pair_description() const;

  // libnice agents made by IceAgents and not yet freed by libnice: an IceAgent's agent outlives
  // it until libnice has finished closing it (nice_agent_close_async), which the pump completes.
  // Steady at the number of live sessions; growth is a leak (IceAgentTest reads it).
  static std::size_t native_agents_alive();

private:
  LoopAffinity loop_;  // checks "Thread: event loop" in debug builds
  static void on_candidate_gathering_done(NiceAgent*, unsigned stream, void* self);
  static void on_new_candidate(NiceAgent*, void* candidate, void* self);
  static void on_component_state_changed(NiceAgent*, unsigned stream, unsigned component, unsigned state, void* self);
  static void on_receive(NiceAgent*, unsigned stream, unsigned component, unsigned length, char* data, void* self);
  static void on_new_selected_pair(NiceAgent*, unsigned stream, unsigned component, void* local, void* remote,
                                   void* self);
  void set_state(IceState state);
  void report_gathering_done();
  bool advertise_relay_only() const;
  void send_held();
  bool has_selected_pair() const;

  static std::size_t native_agents_alive_;  // event loop only, like every IceAgent

  GlibContextPump& pump_;
  IceAgentConfig config_;
  Listener& listener_;
  NiceAgent* agent_ = nullptr;
  unsigned stream_id_ = 0;
  IceState state_ = IceState::new_;
  std::size_t turn_servers_ = 0;                 // TURN servers libnice accepted
  std::size_t relay_candidates_ = 0;             // our relayed candidates gathered so far
  bool gathering_reported_ = false;              // on_ice_gathering_done() already given
  std::size_t remote_relayed_ = 0;               // remote candidates since the last restart, relayed
  std::size_t remote_other_ = 0;                 // and of any other type
  std::vector<std::vector<std::uint8_t>> held_;  // waiting for a selected pair, oldest first
  std::uint64_t held_total_ = 0;
  std::uint64_t held_dropped_ = 0;
};

}  // namespace presentd::ice
