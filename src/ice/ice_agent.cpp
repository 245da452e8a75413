// SPDX-License-Identifier: Apache-2.0
#include "presentd/ice/ice_agent.hpp"

#include <nice/agent.h>

#include "presentd/common/log.hpp"

namespace presentd::ice {
namespace {
constexpr std::string_view kTag = "ice";
constexpr unsigned kComponent = 1;  // rtcp-mux: the one component carries everything
// A DTLS flight is at most a handful of datagrams (ours: 1-5); this bounds what a peer that
// never lets ICE complete can make us keep.
constexpr std::size_t kMaxHeldDatagrams = 16;

std::string strip_attribute_prefix(std::string_view line) {
  if (line.starts_with("a=")) line.remove_prefix(2);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  return std::string(line);
}

// The candidate's connection address: the fifth field of "candidate:f c t p addr port typ ...".
std::string_view candidate_address(std::string_view line) {
  for (int field = 0; field < 4; ++field) {
    const auto space = line.find(' ');
    if (space == std::string_view::npos) return {};
    line.remove_prefix(space + 1);
  }
  return line.substr(0, line.find(' '));
}
}  // namespace

std::size_t IceAgent::native_agents_alive_ = 0;

std::string_view to_string(IceState state) {
  switch (state) {
    case IceState::new_: return "new";
    case IceState::gathering: return "gathering";
    case IceState::checking: return "checking";
    case IceState::connected: return "connected";
    case IceState::failed: return "failed";
    case IceState::closed: return "closed";
  }
  return "unknown";
}

IceAgent::IceAgent(GlibContextPump& pump, IceAgentConfig config, Listener& listener)
    : pump_(pump), config_(std::move(config)), listener_(listener) {
  const auto flags = config_.consent_freshness ? NICE_AGENT_OPTION_CONSENT_FRESHNESS : NICE_AGENT_OPTION_NONE;
  agent_ = nice_agent_new_full(pump_.context(), NICE_COMPATIBILITY_RFC5245,
                               static_cast<NiceAgentOption>(flags | NICE_AGENT_OPTION_ICE_TRICKLE));
  ++native_agents_alive_;
  g_object_weak_ref(
      G_OBJECT(agent_), [](gpointer, GObject*) { --native_agents_alive_; }, nullptr);
  g_object_set(agent_, "controlling-mode", config_.controlling ? TRUE : FALSE, "ice-udp", config_.udp ? TRUE : FALSE,
               "ice-tcp", config_.tcp ? TRUE : FALSE, "upnp", FALSE, nullptr);
  if (config_.stun_server) {
    g_object_set(agent_, "stun-server", config_.stun_server->first.c_str(), "stun-server-port",
                 static_cast<guint>(config_.stun_server->second), nullptr);
  }
  for (const auto& address : config_.local_addresses) {
    NiceAddress nice_address;
    nice_address_init(&nice_address);
    if (nice_address_set_from_string(&nice_address, address.c_str())) {
      nice_agent_add_local_address(agent_, &nice_address);
    } else {
      PD_LOG(warning, kTag) << "ignoring local address \"" << address << "\"";
    }
  }
  g_signal_connect(agent_, "candidate-gathering-done", G_CALLBACK(&IceAgent::on_candidate_gathering_done), this);
  g_signal_connect(agent_, "new-candidate-full", G_CALLBACK(&IceAgent::on_new_candidate), this);
  g_signal_connect(agent_, "component-state-changed", G_CALLBACK(&IceAgent::on_component_state_changed), this);
  g_signal_connect(agent_, "new-selected-pair-full", G_CALLBACK(&IceAgent::on_new_selected_pair), this);

  stream_id_ = nice_agent_add_stream(agent_, 1);
  if (config_.port_min != 0)
    nice_agent_set_port_range(agent_, stream_id_, kComponent, config_.port_min, config_.port_max);
  for (const auto& turn : config_.turn_servers) {
    const bool udp = turn.transport == TurnServer::Transport::udp;
    if (nice_agent_set_relay_info(agent_, stream_id_, kComponent, turn.address.c_str(), turn.port,
                                  turn.username.c_str(), turn.password.c_str(),
                                  udp ? NICE_RELAY_TYPE_TURN_UDP : NICE_RELAY_TYPE_TURN_TCP)) {
      ++turn_servers_;
    } else {
      // The credentials stay out of the log; the address is what an admin needs to check.
      PD_LOG(warning, kTag) << "libnice refused the TURN server " << turn.address << ":" << turn.port
                            << (udp ? " (UDP)" : " (TCP)");
    }
  }
  nice_agent_attach_recv(agent_, stream_id_, kComponent, pump_.context(),
                         reinterpret_cast<NiceAgentRecvFunc>(&IceAgent::on_receive), this);
}

std::size_t IceAgent::native_agents_alive() { return native_agents_alive_; }

IceAgent::~IceAgent() {
  // Teardown barrier: no callback may reach this object once it is gone. Detach the receive
  // callback and the signals first; then let libnice close its sockets asynchronously (it may
  // still hold TURN allocations or a buffer in flight) and drop our reference. Removing the
  // stream closes its sockets here; the pump closes its duplicates of them at once.
  pump_.forget_descriptors();
  nice_agent_attach_recv(agent_, stream_id_, kComponent, pump_.context(), nullptr, nullptr);
  g_signal_handlers_disconnect_by_data(agent_, this);
  nice_agent_remove_stream(agent_, stream_id_);
  // The close completes through a GTask, which holds a reference to the agent and finishes in
  // the thread-default main context of the thread that started it. Ours is the pumped one only
  // if we say so: left to GLib's global default context, which nobody iterates, the task never
  // finished and every agent stayed allocated (about 0.7 KiB per session, docs/reliability.md).
  g_main_context_push_thread_default(pump_.context());
  nice_agent_close_async(agent_, nullptr, nullptr);
  g_main_context_pop_thread_default(pump_.context());
  g_object_unref(agent_);
  pump_.kick();
}

IceCredentials IceAgent::local_credentials() const {
  gchar* ufrag = nullptr;
  gchar* password = nullptr;
  IceCredentials credentials;
  if (nice_agent_get_local_credentials(agent_, stream_id_, &ufrag, &password)) {
    credentials = {ufrag, password};
  }
  g_free(ufrag);
  g_free(password);
  return credentials;
}

bool IceAgent::gather() {
  loop_.check("IceAgent::gather");
  set_state(IceState::gathering);
  const bool started = nice_agent_gather_candidates(agent_, stream_id_) != FALSE;
  pump_.kick();
  if (!started) set_state(IceState::failed);
  return started;
}

bool IceAgent::advertise_relay_only() const {
  return remote_relayed_ > 0 && remote_other_ == 0 && relay_candidates_ > 0;
}

std::vector<std::string> IceAgent::local_candidates() const {
  std::vector<std::string> lines;
  const bool relay_only = advertise_relay_only();
  GSList* candidates = nice_agent_get_local_candidates(agent_, stream_id_, kComponent);
  for (GSList* item = candidates; item != nullptr; item = item->next) {
    auto* candidate = static_cast<NiceCandidate*>(item->data);
    if (relay_only && candidate->type != NICE_CANDIDATE_TYPE_RELAYED) continue;
    gchar* sdp = nice_agent_generate_local_candidate_sdp(agent_, candidate);
    lines.push_back(strip_attribute_prefix(sdp));
    g_free(sdp);
  }
  g_slist_free_full(candidates, reinterpret_cast<GDestroyNotify>(nice_candidate_free));
  return lines;
}

void IceAgent::set_remote_credentials(const std::string& ufrag, const std::string& password) {
  loop_.check("IceAgent::set_remote_credentials");
  nice_agent_set_remote_credentials(agent_, stream_id_, ufrag.c_str(), password.c_str());
  pump_.kick();
}

bool IceAgent::add_remote_candidate(std::string_view candidate_line) {
  loop_.check("IceAgent::add_remote_candidate");
  const auto line = strip_attribute_prefix(candidate_line);
  // Counted before any is skipped: an mDNS host candidate still says the peer is not relay-only.
  ++(line.find(" typ relay") != std::string::npos ? remote_relayed_ : remote_other_);
  if (candidate_address(line).ends_with(".local")) {
    PD_LOG(debug, kTag) << "skipping an mDNS candidate; the peer-reflexive path will find the sender";
    return false;
  }
  NiceCandidate* candidate = nice_agent_parse_remote_candidate_sdp(agent_, stream_id_, ("a=" + line).c_str());
  if (candidate == nullptr) candidate = nice_agent_parse_remote_candidate_sdp(agent_, stream_id_, line.c_str());
  if (candidate == nullptr) {
    PD_LOG(debug, kTag) << "libnice cannot use the candidate \"" << line << "\"";
    return false;
  }
  GSList* list = g_slist_append(nullptr, candidate);
  const int added = nice_agent_set_remote_candidates(agent_, stream_id_, kComponent, list);
  g_slist_free_full(list, reinterpret_cast<GDestroyNotify>(nice_candidate_free));
  pump_.kick();
  return added > 0;
}

void IceAgent::remote_gathering_done() {
  loop_.check("IceAgent::remote_gathering_done");
  nice_agent_peer_candidate_gathering_done(agent_, stream_id_);
  pump_.kick();
}

bool IceAgent::restart(const std::string& remote_ufrag, const std::string& remote_password) {
  loop_.check("IceAgent::restart");
  if (!nice_agent_restart_stream(agent_, stream_id_)) return false;
  remote_relayed_ = 0;
  remote_other_ = 0;
  set_remote_credentials(remote_ufrag, remote_password);
  return true;
}

bool IceAgent::send(std::span<const std::uint8_t> datagram) {
  loop_.check("IceAgent::send");
  const gint sent = nice_agent_send(agent_, stream_id_, kComponent, static_cast<guint>(datagram.size()),
                                    reinterpret_cast<const gchar*>(datagram.data()));
  return sent == static_cast<gint>(datagram.size());
}

void IceAgent::send_when_connected(std::span<const std::uint8_t> datagram) {
  loop_.check("IceAgent::send_when_connected");
  // Held datagrams go first, so a new one never overtakes them.
  if (held_.empty() && send(datagram)) return;
  // With a pair selected the send itself failed (a full socket buffer): lost like any datagram.
  if (has_selected_pair() || state_ == IceState::failed || state_ == IceState::closed) return;
  ++held_total_;
  if (held_.size() >= kMaxHeldDatagrams) {
    ++held_dropped_;
    return;
  }
  held_.emplace_back(datagram.begin(), datagram.end());
  PD_LOG(debug, kTag) << "holding a " << datagram.size() << "-byte datagram until a pair is selected (ICE "
                      << to_string(state_) << ")";
}

void IceAgent::send_held() {
  if (held_.empty()) return;
  auto held = std::move(held_);
  held_.clear();
  std::size_t sent = 0;
  for (const auto& datagram : held) sent += send(datagram) ? 1 : 0;
  PD_LOG(debug, kTag) << "a pair is selected: sent " << sent << " of " << held.size() << " held datagram(s)";
}

bool IceAgent::has_selected_pair() const {
  NiceCandidate* local = nullptr;
  NiceCandidate* remote = nullptr;
  return nice_agent_get_selected_pair(agent_, stream_id_, kComponent, &local, &remote) != FALSE;
}

std::optional<std::string> IceAgent::selected_pair_description() const {
  NiceCandidate* local = nullptr;
  NiceCandidate* remote = nullptr;
  if (!nice_agent_get_selected_pair(agent_, stream_id_, kComponent, &local, &remote)) return std::nullopt;
  const auto describe = [](NiceCandidate* c) {
    gchar text[NICE_ADDRESS_STRING_LEN];
    nice_address_to_string(&c->addr, text);
    static constexpr const char* kTypes[] = {"host", "srflx", "prflx", "relay"};
    const char* transport = c->transport == NICE_CANDIDATE_TRANSPORT_UDP ? "udp" : "tcp";
    return std::string(text) + ":" + std::to_string(nice_address_get_port(&c->addr)) + "/" + transport + " " +
           kTypes[c->type];
  };
  return describe(local) + " <-> " + describe(remote);
}

void IceAgent::set_state(IceState state) {
  if (state == state_) return;
  state_ = state;
  if (state == IceState::failed) {
    held_dropped_ += held_.size();
    held_.clear();
  }
  listener_.on_ice_state(state);
}

void IceAgent::report_gathering_done() {
  if (gathering_reported_) return;
  gathering_reported_ = true;
  listener_.on_ice_gathering_done();
}

void IceAgent::on_candidate_gathering_done(NiceAgent*, unsigned, void* self) {
  static_cast<IceAgent*>(self)->report_gathering_done();
}

void IceAgent::on_new_candidate(NiceAgent* agent, void* candidate, void* self) {
  auto* ice = static_cast<IceAgent*>(self);
  auto* nice_candidate = static_cast<NiceCandidate*>(candidate);
  gchar* sdp = nice_agent_generate_local_candidate_sdp(agent, nice_candidate);
  ice->listener_.on_ice_candidate(strip_attribute_prefix(sdp));
  g_free(sdp);
  if (nice_candidate->type != NICE_CANDIDATE_TYPE_RELAYED) return;
  // libnice hands host candidates over before any TURN answer, so with a relayed candidate per
  // server everything worth advertising is there (header: why not wait for libnice's end).
  if (++ice->relay_candidates_ == ice->turn_servers_ && !ice->gathering_reported_) {
    PD_LOG(debug, kTag) << "a relayed candidate from each of " << ice->turn_servers_
                        << " TURN server(s): gathering counts as done";
    ice->report_gathering_done();
  }
}

void IceAgent::on_component_state_changed(NiceAgent*, unsigned, unsigned, unsigned state, void* self) {
  auto* agent = static_cast<IceAgent*>(self);
  switch (state) {
    case NICE_COMPONENT_STATE_CONNECTING: return agent->set_state(IceState::checking);
    case NICE_COMPONENT_STATE_CONNECTED:
    case NICE_COMPONENT_STATE_READY:
      // Normally sent already from new-selected-pair; before the listener hears "connected".
      agent->send_held();
      return agent->set_state(IceState::connected);
    case NICE_COMPONENT_STATE_FAILED: return agent->set_state(IceState::failed);
    default: return;
  }
}

void IceAgent::on_new_selected_pair(NiceAgent*, unsigned, unsigned, void*, void*, void* self) {
  static_cast<IceAgent*>(self)->send_held();
}

void IceAgent::on_receive(NiceAgent*, unsigned, unsigned, unsigned length, char* data, void* self) {
  static_cast<IceAgent*>(self)->listener_.on_ice_data(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(data), length));
}

}  // namespace presentd::ice
