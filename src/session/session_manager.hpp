#pragma once
// All presenter sessions of the box: creates them from WHIP offers, applies admission (the
// maximum number of presenters and what happens when the room is full), routes PATCH/DELETE to
// them and destroys them when they end. Implements the WHIP endpoint's session host.
//
// Thread: event loop.
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "session/session.hpp"
#include "signaling/local/whip_endpoint.hpp"

namespace presentd::session {

struct AdmissionSettings {
  int max_presenters = 4;
  config::WhenFull when_full = config::WhenFull::replace;
};

class SessionManager : public signaling::WhipSessionHost, private Session::Listener {
public:
  // Receives every decoded picture (decode worker threads) and every session's end.
  struct Observer {
    std::function<void(const std::string& session_id, std::size_t stream, media::PicturePtr)> on_picture;
    std::function<void(const std::string& session_id, SessionState state)> on_state;
    std::function<void(const std::string& session_id, std::span<const float> samples)> on_audio;
    // How long sound handed to on_audio now waits before it is heard; nullopt: nobody hears it.
    std::function<std::optional<Clock::Duration>(const std::string& session_id)> audio_output_delay;
  };

  SessionManager(boost::asio::io_context& io, ice::GlibContextPump& pump,
                 std::shared_ptr<const crypto::Identity> dtls_identity, SessionSettings settings,
                 AdmissionSettings admission, Observer observer = {});
  ~SessionManager() override;

  void create_session(std::string offer, const signaling::RequestContext& context,
                      std::function<void(signaling::WhipCreateResult)> done) override;
  std::optional<std::string> session_etag(const std::string& session_id) const override;
  signaling::WhipPatchResult patch_session(const std::string& session_id, const std::string& sdpfrag) override;
  bool delete_session(const std::string& session_id) override;

  void set_admission(AdmissionSettings admission) { admission_ = admission; }
  // For sessions created from now on; running ones keep what they negotiated.
  void set_settings(SessionSettings settings) { settings_ = std::move(settings); }
  void end_all(const std::string& reason);
  std::size_t session_count() const { return sessions_.size(); }
  nlohmann::json status() const;

private:
  void on_session_state(Session& session, SessionState state, const std::string& reason) override;
  void on_session_picture(const std::string& session_id, std::size_t stream, media::PicturePtr picture) override;
  void on_session_audio(const std::string& session_id, std::span<const float> samples) override;
  std::optional<Clock::Duration> audio_output_delay(const std::string& session_id) override;
  void destroy_later(const std::string& session_id);

  struct Entry {
    std::unique_ptr<Session> session;
    std::string etag;
    std::uint64_t order = 0;  // admission order: the oldest is replaced first
  };

  boost::asio::io_context& io_;
  ice::GlibContextPump& pump_;
  std::shared_ptr<const crypto::Identity> dtls_identity_;
  SessionSettings settings_;
  AdmissionSettings admission_;
  Observer observer_;
  std::map<std::string, Entry> sessions_;
  std::uint64_t next_order_ = 0;
  std::uint64_t sessions_started_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace presentd::session
