// SPDX-License-Identifier: Apache-2.0
#include "presentd/session/ice_stage.hpp"

#include "presentd/common/log.hpp"
#include "presentd/sdp/candidate.hpp"

namespace presentd::session {
namespace {
constexpr std::string_view kTag = "session";
}

// Keeps libnice's listener interface out of the stage's public one.
class IceStage::AgentEvents : public ice::IceAgent::Listener {
public:
  explicit AgentEvents(IceStage& stage) : stage_(stage) {}
  // Our candidates are read from the agent when the answer is written.
  void on_ice_candidate(const std::string& /*candidate_line*/) override {}
  // Inside the session's boundary: these run from libnice's C callbacks, which no exception may
  // cross.
  void on_ice_gathering_done() override {
    stage_.contain_("answering", [this] { stage_.listener_.on_ice_gathering_done(); });
  }
  void on_ice_state(ice::IceState state) override {
    stage_.contain_("an ICE state change", [&] { stage_.on_state(state); });
  }
  void on_ice_data(std::span<const std::uint8_t> datagram) override {
    stage_.contain_("a received datagram", [&] { stage_.listener_.on_ice_datagram(datagram); });
  }

private:
  IceStage& stage_;
};

IceStage::IceStage(ice::GlibContextPump& pump, const ice::IceAgentConfig& config, Listener& listener,
                   std::string log_name, std::string peer_noun, Contain contain)
    : listener_(listener),
      log_name_(std::move(log_name)),
      peer_noun_(std::move(peer_noun)),
      contain_(std::move(contain)),
      events_(std::make_unique<AgentEvents>(*this)),
      agent_(std::make_unique<ice::IceAgent>(pump, config, *events_)) {}

// The agent goes first: its destructor is libnice's teardown barrier, after which no callback
// reaches events_.
IceStage::~IceStage() { agent_.reset(); }

std::size_t IceStage::set_remote(const sdp::Negotiated& negotiated) {
  remote_ufrag_ = negotiated.remote_ice_ufrag;
  remote_pwd_ = negotiated.remote_ice_pwd;
  agent_->set_remote_credentials(remote_ufrag_, remote_pwd_);
  remote_candidates_ = negotiated.remote_candidates.size();
  std::size_t usable = 0;
  for (const auto& candidate : negotiated.remote_candidates) usable += add_candidate(candidate) ? 1 : 0;
  if (negotiated.remote_end_of_candidates) agent_->remote_gathering_done();
  return usable;
}

bool IceStage::gather() { return agent_->gather(); }

bool IceStage::add_trickle(const sdp::SdpFragment& fragment) {
  if (remote_candidates_ + fragment.candidates.size() > kMaxRemoteCandidates) {
    PD_LOG(notice, kTag) << log_name_ << ": refused " << fragment.candidates.size()
                         << " trickled candidates: the session already has " << remote_candidates_;
    return false;
  }
  remote_candidates_ += fragment.candidates.size();
  for (const auto& trickled : fragment.candidates) add_candidate(trickled.candidate);
  if (fragment.end_of_candidates) agent_->remote_gathering_done();
  return true;
}

sdp::Result<ice::IceCredentials> IceStage::restart(const sdp::SdpFragment& fragment) {
  // RFC 9725 §4.3.2: a restart carries both new credentials (RFC 8839 §5.4 limits are the
  // parser's); half a pair cannot authenticate checks.
  if (!fragment.ice_ufrag || !fragment.ice_pwd) {
    return sdp::make_error(sdp::ErrorCode::missing_field, 0, "an ICE restart needs both a=ice-ufrag and a=ice-pwd");
  }
  if (fragment.candidates.size() > kMaxRemoteCandidates) {
    return sdp::make_error(sdp::ErrorCode::unsupported_offer, 0, "too many candidates in the ICE restart");
  }
  if (!agent_->restart(*fragment.ice_ufrag, *fragment.ice_pwd)) {
    return sdp::make_error(sdp::ErrorCode::unsupported_offer, 0, "the ICE agent refused to restart");
  }
  remote_ufrag_ = *fragment.ice_ufrag;
  remote_pwd_ = *fragment.ice_pwd;
  ++restarts_;
  // A restart starts a new check list (libnice forgets the old remote candidates).
  remote_candidates_ = fragment.candidates.size();
  std::size_t usable = 0;
  for (const auto& trickled : fragment.candidates) usable += add_candidate(trickled.candidate) ? 1 : 0;
  if (fragment.end_of_candidates) agent_->remote_gathering_done();
  PD_LOG(notice, kTag) << log_name_ << ": ICE restart asked by the " << peer_noun_ << " with "
                       << fragment.candidates.size() << " candidates (" << usable << " usable); DTLS and SRTP carry on";
  return agent_->local_credentials();
}

bool IceStage::add_candidate(const sdp::Candidate& candidate) {
  return agent_->add_remote_candidate(sdp::format_candidate(candidate));
}

bool IceStage::send(std::span<const std::uint8_t> datagram) { return agent_->send(datagram); }

void IceStage::send_when_connected(std::span<const std::uint8_t> datagram) { agent_->send_when_connected(datagram); }

ice::IceCredentials IceStage::local_credentials() const { return agent_->local_credentials(); }

std::vector<std::string> IceStage::local_candidates() const { return agent_->local_candidates(); }

ice::IceState IceStage::state() const { return agent_->state(); }

std::optional<std::string> IceStage::selected_pair() const { return agent_->selected_pair_description(); }

void IceStage::on_state(ice::IceState state) {
  PD_LOG(info, kTag) << log_name_ << ": ICE " << ice::to_string(state);
  if (state == ice::IceState::connected) {
    ever_connected_ = true;
    if (auto pair = agent_->selected_pair_description()) PD_LOG(info, kTag) << log_name_ << ": selected " << *pair;
    listener_.on_ice_connected();
  } else if (state == ice::IceState::failed) {
    listener_.on_ice_failed();
  }
}

}  // namespace presentd::session
