// SPDX-License-Identifier: Apache-2.0
#include "presentd/session/session_manager.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>

#include "presentd/common/display_name.hpp"
#include "presentd/common/log.hpp"
#include "presentd/common/random.hpp"
#include "presentd/session/session_metrics.hpp"

namespace presentd::session {
namespace {
constexpr std::string_view kTag = "sessions";

// How long a newcomer refused for a full room or waiting list waits before trying again.
constexpr std::chrono::seconds kRetryWhenFull{10};

std::string short_id(const std::string& id) { return id.substr(0, 8); }

// The state a presenter's page shows (docs/protocol.md, "Event channel").
std::string_view page_state_of(SessionState state) {
  switch (state) {
    case SessionState::connecting: return "connecting";
    case SessionState::live: return "presenting";
    case SessionState::reconnecting: return "reconnecting";
    case SessionState::ended: return "ended";
  }
  return "connecting";
}

}  // namespace

SessionManager::SessionManager(boost::asio::io_context& io, ice::GlibContextPump& pump,
                               std::shared_ptr<const crypto::Identity> dtls_identity, SessionSettings settings,
                               AdmissionSettings admission, Observer observer)
    : io_(io),
      pump_(pump),
      dtls_identity_(std::move(dtls_identity)),
      settings_(std::move(settings)),
      admission_(admission),
      observer_(std::move(observer)) {}

SessionManager::~SessionManager() {
  liveness_.end();
  ending_all_ = true;
  sessions_.clear();
}

int SessionManager::on_screen_count() const {
  return static_cast<int>(std::count_if(sessions_.begin(), sessions_.end(), [](const auto& item) {
    return item.second.admitted && item.second.session->state() != SessionState::ended;
  }));
}

SessionManager::Entry* SessionManager::oldest(bool admitted) {
  Entry* found = nullptr;
  for (auto& [id, entry] : sessions_) {
    if (entry.admitted != admitted || entry.session->state() == SessionState::ended) continue;
    if (found == nullptr || entry.order < found->order) found = &entry;
  }
  return found;
}

std::optional<Refusal> SessionManager::make_room(const std::string& source, bool needs_approval, bool& wait_for_slot) {
  const bool full = on_screen_count() >= admission_.max_presenters;
  // "replace" without approval: the newcomer takes the oldest presenter's place only once its
  // own media flows (on_session_media); until then it waits off screen and everyone stays.
  wait_for_slot = full && !needs_approval && admission_.when_full == config::WhenFull::replace;
  if (needs_approval || wait_for_slot) {
    // Per source before room-wide: one sender's offers fill its own share, not everyone's.
    const auto waiting_from_source =
        static_cast<std::size_t>(std::count_if(sessions_.begin(), sessions_.end(), [&](const auto& item) {
          return !item.second.admitted && item.second.source == source;
        }));
    if (waiting_from_source >= kMaxWaitingPerSource) {
      return Refusal{Refusal::Kind::source_waiting_full,
                     "you already have " + std::to_string(waiting_from_source) +
                         " presentations waiting; wait for them or stop them first",
                     {},
                     kRetryWhenFull};
    }
    const auto waiting = static_cast<std::size_t>(
        std::count_if(sessions_.begin(), sessions_.end(), [](const auto& item) { return !item.second.admitted; }));
    if (waiting >= admission_.max_waiting) {
      return Refusal{Refusal::Kind::waiting_list_full,
                     needs_approval ? "too many presenters are already waiting for approval"
                                    : "too many presenters are already waiting for a place",
                     {},
                     kRetryWhenFull};
    }
  }
  if (!full) return std::nullopt;
  if (admission_.when_full == config::WhenFull::refuse) {
    return Refusal{
        Refusal::Kind::room_full,
        "the room is full (" + std::to_string(admission_.max_presenters) + " presenters); try again when someone stops",
        {},
        kRetryWhenFull};
  }
  // "replace": with approval the oldest presenter leaves only once the newcomer is approved,
  // without it once the newcomer's media flows.
  return std::nullopt;
}

void SessionManager::create_session(const Requester& requester, const sdp::SessionDescription& offer,
                                    std::function<void(CreateResult)> done) {
  loop_.check("SessionManager::create_session");
  const bool needs_approval = admission_.mode == config::AdmissionMode::approve && on_screen_count() > 0;
  bool wait_for_slot = false;
  if (auto refused = make_room(requester.source, needs_approval, wait_for_slot)) {
    PD_LOG(notice, kTag) << "refused a presenter from " << requester.source << ": " << refused->message;
    if (metrics_) {
      metrics_->on_offer_rejected(refused->kind == Refusal::Kind::source_waiting_full ? "waiting_per_source"
                                                                                      : "room_full");
    }
    return done(std::move(*refused));
  }

  const auto id = random_hex(16);
  Session::Listener& listener = *this;  // the base is private: converted here, where it is accessible
  auto session = std::make_unique<Session>(io_, pump_, dtls_identity_, settings_, listener, id, requester.shown_as);
  auto* raw = session.get();
  auto& entry = sessions_[id];
  entry.session = std::move(session);
  entry.order = next_order_++;
  entry.source = requester.source;
  // Every adapter's name passes the one sanitiser before it reaches the screen, status or logs.
  const auto name = sanitize_display_name(requester.name);
  entry.name = name.empty() ? "Presenter" : name;
  ++sessions_started_;
  if (metrics_) metrics_->on_started(*raw);
  if (needs_approval) ask_for_approval(id, entry);
  if (wait_for_slot) wait_for_media(id, entry);
  raw->start(offer, [this, id, done = std::move(done), alive = liveness_.token()](
                        std::optional<sdp::SessionDescription> answer, const Session::AnswerFailure& failure) {
    if (!alive) return;
    const auto it = sessions_.find(id);
    if (!answer || it == sessions_.end()) {
      PD_LOG(notice, kTag) << "could not answer an offer: " << failure.message;
      // Ending reports to the page, the metrics and destroys the session (a no-op if it already ended).
      if (it != sessions_.end()) {
        it->second.session->end(EndReason::error, failure.message.empty() ? "cannot answer" : failure.message);
      }
      return done(answer_refusal(failure));
    }
    done(AcceptedSession{id, std::move(*answer)});
  });
}

void SessionManager::wait_for_media(const std::string& session_id, Entry& entry) {
  entry.admitted = false;
  entry.waiting_for_slot = true;
  entry.session->set_on_hold(true);
  PD_LOG(notice, kTag) << short_id(session_id)
                       << ": the room is full; waiting for this presenter's media before "
                          "it replaces the oldest one";
  publish_state(session_id, entry);
}

void SessionManager::on_session_media(Session& session) {
  const auto it = sessions_.find(session.id());
  if (it == sessions_.end()) return;
  it->second.media_flowed = true;  // an approval that comes later need not wait for it
  if (!it->second.waiting_for_slot || session.state() == SessionState::ended) return;
  Entry& entry = it->second;
  // Counted on screen from here on, so the place the replaced presenter frees is not handed to
  // another waiting newcomer (admit_slot_waiters_if_room) in between.
  entry.admitted = true;
  if (on_screen_count() > admission_.max_presenters) {
    if (admission_.when_full != config::WhenFull::replace) {  // changed by a reload meanwhile
      entry.admitted = false;
      return session.end(EndReason::room_full, "the room is full");
    }
    if (auto* victim = oldest(true)) victim->session->end(EndReason::replaced, "replaced by another presenter");
  }
  PD_LOG(notice, kTag) << short_id(session.id()) << ": media flows; admitted";
  admit(session.id(), entry);
}

void SessionManager::admit_slot_waiters_if_room() {
  while (!ending_all_ && on_screen_count() < admission_.max_presenters) {
    Entry* next = nullptr;
    std::string next_id;
    for (auto& [id, entry] : sessions_) {
      if (!entry.waiting_for_slot || entry.session->state() == SessionState::ended) continue;
      if (next == nullptr || entry.order < next->order) {
        next = &entry;
        next_id = id;
      }
    }
    if (next == nullptr) return;
    PD_LOG(notice, kTag) << short_id(next_id) << ": admitted (a place became free)";
    admit(next_id, *next);
  }
}

void SessionManager::ask_for_approval(const std::string& session_id, Entry& entry) {
  entry.admitted = false;
  entry.request_id = random_hex(8);
  entry.session->set_on_hold(true);
  entry.approval_timer = std::make_unique<boost::asio::steady_timer>(io_, admission_.approval_timeout);
  entry.approval_timer->async_wait([this, session_id, alive = liveness_.token()](boost::system::error_code ec) {
    if (ec || !alive) return;
    const auto it = sessions_.find(session_id);
    if (it == sessions_.end() || it->second.admitted) return;
    it->second.session->end(EndReason::timeout, "nobody approved the presenter in time");
  });
  PD_LOG(notice, kTag) << short_id(session_id) << ": waiting for approval";
  publish_state(session_id, entry);
  publish_to_presenters(approval_request_of(entry));
}

PageEvent SessionManager::approval_request_of(const Entry& entry) const {
  return {"approval_request", {{"request_id", entry.request_id}, {"name", entry.name}}};
}

ApprovalOutcome SessionManager::answer_approval(const std::string& approver_session_id, const std::string& request_id,
                                                bool accept) {
  loop_.check("SessionManager::answer_approval");
  const auto approver = sessions_.find(approver_session_id);
  if (approver == sessions_.end() || approver->second.session->state() == SessionState::ended) {
    return ApprovalOutcome::no_session;
  }
  if (!approver->second.admitted) {
    return ApprovalOutcome::not_presenting;
  }
  const auto waiting = std::find_if(sessions_.begin(), sessions_.end(), [&](const auto& item) {
    return !item.second.admitted && !item.second.waiting_for_slot && item.second.request_id == request_id &&
           item.second.session->state() != SessionState::ended;
  });
  if (waiting == sessions_.end()) {
    return ApprovalOutcome::no_request;
  }
  PD_LOG(notice, kTag) << short_id(waiting->first) << ": " << (accept ? "approved" : "declined") << " by "
                       << short_id(approver_session_id);
  if (!accept) {
    waiting->second.session->end(EndReason::declined, "a presenter declined");
    return ApprovalOutcome::settled;
  }
  if (on_screen_count() >= admission_.max_presenters) {
    if (admission_.when_full == config::WhenFull::refuse) {
      waiting->second.session->end(EndReason::room_full, "the room filled up while waiting");
      return ApprovalOutcome::settled;
    }
    if (!waiting->second.media_flowed) {
      // Approved, but like any newcomer it takes nobody's place until its own media flows: one
      // that never connects must not have ended the presentation it was approved to replace.
      settle_request(waiting->second, true, "approved");
      waiting->second.approval_timer.reset();
      wait_for_media(waiting->first, waiting->second);
      return ApprovalOutcome::settled;
    }
    if (auto* victim = oldest(true)) victim->session->end(EndReason::replaced, "replaced by another presenter");
  }
  admit(waiting->first, waiting->second);
  return ApprovalOutcome::settled;
}

void SessionManager::admit(const std::string& session_id, Entry& entry) {
  entry.admitted = true;
  if (entry.approval_timer) entry.approval_timer->cancel();
  if (entry.waiting_for_slot) {
    entry.waiting_for_slot = false;
  } else {
    settle_request(entry, true, "approved");
  }
  entry.session->set_on_hold(false);
  publish_state(session_id, entry);
  const auto state = entry.session->state();
  if (state != SessionState::connecting && observer_.on_state) observer_.on_state(session_id, state, entry.name);
}

void SessionManager::settle_request(const Entry& entry, bool accepted, std::string_view why) {
  publish_to_presenters(
      {"approval_result",
       {{"request_id", entry.request_id}, {"name", entry.name}, {"accepted", accepted}, {"reason", why}}});
}

void SessionManager::admit_waiting_if_alone() {
  if (ending_all_ || on_screen_count() > 0) return;
  Entry* next = oldest(false);
  if (next == nullptr || next->waiting_for_slot) return;  // those are admit_slot_waiters_if_room()'s
  const auto it =
      std::find_if(sessions_.begin(), sessions_.end(), [&](const auto& item) { return &item.second == next; });
  PD_LOG(notice, kTag) << short_id(it->first) << ": admitted (nobody left on screen to ask)";
  admit(it->first, *next);
}

PatchResult SessionManager::patch_session(const std::string& session_id, const sdp::SdpFragment& fragment) {
  loop_.check("SessionManager::patch_session");
  const auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return Refusal{Refusal::Kind::no_such_session, "no such session"};
  Session& session = *it->second.session;
  // The fragment's credentials are the sender's: new ones mean an ICE restart (RFC 8839
  // §4.4.1.1.1), the same or none a trickle.
  if (!sdp::is_ice_restart(fragment, session.remote_ice_ufrag(), session.remote_ice_pwd())) {
    if (!session.add_remote_candidates(fragment)) {
      return Refusal{Refusal::Kind::too_many_candidates,
                     "too many candidates for one session (at most " + std::to_string(kMaxRemoteCandidates) + ")"};
    }
    return AppliedFragment{};
  }
  auto answer = session.restart_ice(fragment);
  if (!answer) {
    return Refusal{Refusal::Kind::bad_fragment, "cannot restart ICE: " + answer.error().message, answer.error().code};
  }
  return AppliedFragment{std::move(answer).value()};
}

bool SessionManager::has_session(const std::string& session_id) const {
  const auto it = sessions_.find(session_id);
  return it != sessions_.end() && it->second.session->state() != SessionState::ended;
}

bool SessionManager::stop_session(const std::string& session_id) {
  loop_.check("SessionManager::stop_session");
  return end_session(session_id, EndReason::stopped, "stopped by the presenter");
}

bool SessionManager::end_session(const std::string& session_id, EndReason reason, const std::string& detail) {
  loop_.check("SessionManager::end_session");
  const auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return false;
  it->second.session->end(reason, detail);
  return true;
}

void SessionManager::end_all(EndReason reason, const std::string& detail) {
  loop_.check("SessionManager::end_all");
  ending_all_ = true;
  for (auto& [id, entry] : sessions_) entry.session->end(reason, detail);
  sessions_.clear();
  ending_all_ = false;
}

void SessionManager::on_session_state(Session& session, SessionState state, const std::string& /*reason*/) {
  const auto it = sessions_.find(session.id());
  if (it == sessions_.end()) return;
  if (state == SessionState::ended && metrics_) metrics_->on_ended(session);
  if (state == SessionState::ended && observer_.on_ended) observer_.on_ended(session.id(), session.end_reason());
  auto& entry = it->second;
  if (entry.admitted && observer_.on_state) observer_.on_state(session.id(), state, entry.name);
  if (state != SessionState::ended) return publish_state(session.id(), entry);

  if (entry.approval_timer) entry.approval_timer->cancel();
  if (!entry.admitted && !entry.waiting_for_slot) {
    const auto why = session.end_reason();
    settle_request(entry, false, why == EndReason::declined || why == EndReason::timeout ? to_code(why) : "withdrawn");
  }
  if (events_ != nullptr) events_->session_ended(session.id(), {"state", state_of(entry)});
  entry.page_state = "ended";
  destroy_later(session.id());
  admit_slot_waiters_if_room();
  admit_waiting_if_alone();
}

nlohmann::json SessionManager::state_of(const Entry& entry) const {
  const auto state = entry.session->state();
  // A newcomer waiting for a place is still "connecting" to its page: it is not on screen yet.
  const std::string_view page_state = state == SessionState::ended ? page_state_of(state)
                                      : entry.waiting_for_slot     ? "connecting"
                                      : !entry.admitted            ? "waiting_for_approval"
                                                                   : page_state_of(state);
  nlohmann::json out{{"state", page_state}, {"name", entry.name}};
  if (state == SessionState::ended) out["reason"] = to_code(entry.session->end_reason());
  return out;
}

void SessionManager::publish_state(const std::string& session_id, Entry& entry) {
  auto state = state_of(entry);
  const auto name = state["state"].get<std::string>();
  if (name == entry.page_state) return;
  entry.page_state = name;
  if (events_ != nullptr) events_->publish(session_id, {"state", std::move(state)});
}

void SessionManager::publish_to_presenters(const PageEvent& event) {
  if (events_ == nullptr) return;
  for (const auto& [id, entry] : sessions_) {
    if (entry.admitted && entry.session->state() != SessionState::ended) events_->publish(id, event);
  }
}

std::optional<std::vector<PageEvent>> SessionManager::events_for_new_page(const std::string& session_id) const {
  const auto it = sessions_.find(session_id);
  if (it == sessions_.end() || it->second.session->state() == SessionState::ended) return std::nullopt;
  std::vector<PageEvent> events{{"state", state_of(it->second)}};
  if (!it->second.admitted) return events;
  for (const auto& [id, entry] : sessions_) {
    if (!entry.admitted && !entry.waiting_for_slot && entry.session->state() != SessionState::ended) {
      events.push_back(approval_request_of(entry));
    }
  }
  return events;
}

void SessionManager::on_session_picture(const std::string& session_id, std::size_t stream, media::PicturePtr picture) {
  if (observer_.on_picture) observer_.on_picture(session_id, stream, std::move(picture));
}

void SessionManager::on_session_audio(const std::string& session_id, std::span<const float> samples) {
  if (observer_.on_audio) observer_.on_audio(session_id, samples);
}

void SessionManager::on_session_packet(const Session& session, media::ReceivePipeline::ReportedStream kind,
                                       std::size_t video_index, const rtp::RtpPacket& packet) {
  if (observer_.on_packet) observer_.on_packet(session.id(), kind, video_index, packet);
}

const Session* SessionManager::find_session(const std::string& session_id) const {
  const auto it = sessions_.find(session_id);
  return it == sessions_.end() ? nullptr : it->second.session.get();
}

bool SessionManager::request_keyframe(const std::string& session_id, std::size_t stream) {
  loop_.check("SessionManager::request_keyframe");
  const auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return false;
  it->second.session->request_keyframe(stream);
  return true;
}

std::optional<Clock::Duration> SessionManager::audio_output_delay(const std::string& session_id) {
  return observer_.audio_output_delay ? observer_.audio_output_delay(session_id) : std::nullopt;
}

void SessionManager::destroy_later(const std::string& session_id) {
  // Never destroy a session inside one of its own callbacks: post, then erase.
  boost::asio::post(io_, [this, session_id, alive = liveness_.token()] {
    if (!alive) return;
    sessions_.erase(session_id);
  });
}

const char* SessionManager::admission_name(const Entry& entry) {
  return entry.admitted ? "admitted" : entry.waiting_for_slot ? "waiting_for_media" : "waiting_for_approval";
}

void SessionManager::for_each_session(const std::function<void(const SessionView&)>& visit) const {
  loop_.check("SessionManager::for_each_session");
  for (const auto& [id, entry] : sessions_) visit({*entry.session, entry.name, admission_name(entry)});
}

}  // namespace presentd::session
