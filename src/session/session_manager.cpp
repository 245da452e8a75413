#include "session/session_manager.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>

#include "common/log.hpp"
#include "common/random.hpp"
#include "sdp/sdp_parser.hpp"

namespace presentd::session {
namespace {
constexpr std::string_view kTag = "sessions";
namespace http = signaling::http;

std::string presenter_of(const signaling::RequestContext& context) {
  return context.origin.empty() ? context.remote.address().to_string() : context.origin;
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
  *alive_ = false;
  sessions_.clear();
}

void SessionManager::create_session(std::string offer_text, const signaling::RequestContext& context,
                                    std::function<void(signaling::WhipCreateResult)> done) {
  auto offer = sdp::parse_sdp(offer_text);
  if (!offer) {
    PD_LOG(notice, kTag) << "rejected an offer from " << presenter_of(context) << ": " << offer.error().message;
    return done(signaling::WhipFailure{static_cast<http::status>(sdp::http_status(offer.error().code)),
                                       "bad SDP offer: " + offer.error().message});
  }
  if (static_cast<int>(sessions_.size()) >= admission_.max_presenters) {
    if (admission_.when_full == config::WhenFull::refuse) {
      return done(signaling::WhipFailure{http::status::service_unavailable,
                                         "the room is full (" + std::to_string(admission_.max_presenters) +
                                             " presenters)",
                                         10});
    }
    const auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
      return a.second.order < b.second.order;
    });
    oldest->second.session->end("replaced by another presenter");
  }

  const auto id = random_hex(16);
  const auto presenter = presenter_of(context);
  Session::Listener& listener = *this;  // the base is private: converted here, where it is accessible
  auto session = std::make_unique<Session>(io_, pump_, dtls_identity_, settings_, listener, id, presenter);
  auto* raw = session.get();
  sessions_[id] = Entry{std::move(session), random_hex(8), next_order_++};
  ++sessions_started_;
  raw->start(*offer, [this, id, done = std::move(done), alive = alive_](std::optional<std::string> answer,
                                                                         std::string error) {
    if (!*alive) return;
    const auto it = sessions_.find(id);
    if (!answer || it == sessions_.end()) {
      PD_LOG(notice, kTag) << "could not answer an offer: " << error;
      destroy_later(id);
      return done(signaling::WhipFailure{http::status::not_acceptable, error.empty() ? "cannot answer" : error});
    }
    done(signaling::WhipAnswer{id, *answer, it->second.etag});
  });
}

std::optional<std::string> SessionManager::session_etag(const std::string& session_id) const {
  const auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return std::nullopt;
  return it->second.etag;
}

signaling::WhipPatchResult SessionManager::patch_session(const std::string& session_id, const std::string& sdpfrag) {
  const auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return signaling::WhipFailure{http::status::not_found, "no such WHIP session"};
  auto fragment = sdp::parse_sdp_fragment(sdpfrag);
  if (!fragment) return signaling::WhipFailure{http::status::bad_request, "bad sdpfrag: " + fragment.error().message};
  if (fragment->ice_ufrag && *fragment->ice_ufrag != it->second.session->ice_ufrag()) {
    // ICE restarts are not supported yet: RFC 9725 §4.3.2 asks for 422 then.
    return signaling::WhipFailure{http::status::unprocessable_entity, "ICE restart is not supported"};
  }
  it->second.session->add_remote_candidates(*fragment);
  return signaling::WhipPatchOutcome{};
}

bool SessionManager::delete_session(const std::string& session_id) {
  const auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return false;
  it->second.session->end("stopped by the presenter");
  return true;
}

void SessionManager::end_all(const std::string& reason) {
  for (auto& [id, entry] : sessions_) entry.session->end(reason);
  sessions_.clear();
}

void SessionManager::on_session_state(Session& session, SessionState state, const std::string&) {
  if (observer_.on_state) observer_.on_state(session.id(), state);
  if (state == SessionState::ended) destroy_later(session.id());
}

void SessionManager::on_session_picture(const std::string& session_id, std::size_t stream, media::PicturePtr picture) {
  if (observer_.on_picture) observer_.on_picture(session_id, stream, std::move(picture));
}

void SessionManager::on_session_audio(const std::string& session_id, std::span<const float> samples) {
  if (observer_.on_audio) observer_.on_audio(session_id, samples);
}

void SessionManager::destroy_later(const std::string& session_id) {
  // Never destroy a session inside one of its own callbacks: post, then erase.
  boost::asio::post(io_, [this, session_id, alive = alive_] {
    if (!*alive) return;
    sessions_.erase(session_id);
  });
}

nlohmann::json SessionManager::status() const {
  auto sessions = nlohmann::json::array();
  for (const auto& [id, entry] : sessions_) sessions.push_back(entry.session->status());
  return {{"active", sessions_.size()}, {"started_total", sessions_started_}, {"sessions", sessions}};
}

}  // namespace presentd::session
