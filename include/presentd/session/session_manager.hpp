// SPDX-License-Identifier: Apache-2.0
#pragma once
// All presenter sessions of the box: creates them from parsed offers (SessionPort: WHIP and
// Jingle adapters alike), applies admission (mode "auto" or "approve", the maximum number of
// presenters and what happens when the room is full), routes trickle and ICE restarts to them,
// tells each session's page what happens (PageEventSink), and destroys sessions when they end.
//
// Admission "approve": a newcomer's session is created and answered at once (WHIP senders give
// up without a quick answer) but kept on hold, off the screen, until a presenter on screen
// approves it; a refusal or no answer within the approval timeout ends it ("declined",
// "timeout"). With nobody on screen there is nobody to ask: the newcomer is admitted.
//
// Room full with "replace" (and no approval to wait for): a newcomer takes nobody's place until
// it presents. It is answered at once but waits off screen, on hold, while everyone on screen
// stays; once its own media flows (Session::Listener::on_session_media) the oldest presenter is
// replaced and it is admitted. A newcomer that never gets media ends by itself (ice_failed,
// dtls_failed, connection_lost) and replaced nobody. The same holds for a newcomer approved
// while the room is full: it waits for its media like this before anyone is replaced. Waiting
// newcomers count against max_waiting like those waiting for approval, and against
// kMaxWaitingPerSource per source first. "refuse" refuses the newcomer (Refusal::room_full).
//
// Thread: event loop.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "presentd/common/liveness.hpp"
#include "presentd/common/loop_affinity.hpp"
#include "presentd/config/config.hpp"
#include "presentd/session/page_events.hpp"
#include "presentd/session/session.hpp"
#include "presentd/session/session_port.hpp"

namespace presentd::session {

class SessionMetrics;

struct AdmissionSettings {
  config::AdmissionMode mode = config::AdmissionMode::automatic;
  int max_presenters = 4;
  config::WhenFull when_full = config::WhenFull::replace;
  std::chrono::seconds approval_timeout{60};
  std::size_t max_waiting = 4;  // newcomers waiting (for approval or for a place) at once
};

// How many of the newcomers waiting at once may come from one source (an address, an IPv6 /64,
// or a remote presenter's bare JID), so that one sender cannot fill the room-wide waiting list
// and lock everyone else out. Two, not one: a presenter whose page reloads while its first try
// still waits (for an approval that may take a minute) can ask again at once.
inline constexpr std::size_t kMaxWaitingPerSource = 2;

class SessionManager : public SessionPort, private Session::Listener {
public:
  // Receives every decoded picture (decode worker threads) and the on-screen life of each
  // admitted session (event loop); sessions waiting for approval are never reported.
  struct Observer {
    std::function<void(const std::string& session_id, std::size_t stream, media::PicturePtr)> on_picture;
    std::function<void(const std::string& session_id, SessionState state, const std::string& name)> on_state;
    std::function<void(const std::string& session_id, std::span<const float> samples)> on_audio;
    // How long sound handed to on_audio now waits before it is heard; nullopt: nobody hears it.
    std::function<std::optional<Clock::Duration>(const std::string& session_id)> audio_output_delay;
    // Every session that ends, admitted or still waiting for approval, with why (remote
    // presenters are told, and a waiting one must hear about its timeout or refusal too).
    std::function<void(const std::string& session_id, EndReason reason)> on_ended;
    // Each media packet of a session on screen (Session::Listener::on_session_packet), for the
    // viewers; valid only during the call.
    std::function<void(const std::string& session_id, media::ReceivePipeline::ReportedStream kind,
                       std::size_t video_index, const rtp::RtpPacket& packet)>
        on_packet;
  };

  SessionManager(boost::asio::io_context& io, ice::GlibContextPump& pump,
                 std::shared_ptr<const crypto::Identity> dtls_identity, SessionSettings settings,
                 AdmissionSettings admission, Observer observer = {});
  ~SessionManager() override;

  // Where page events go (the event channel); null: nowhere.
  void set_page_events(PageEventSink* sink) { events_ = sink; }

  // SessionPort
  void create_session(const Requester& requester, const sdp::SessionDescription& offer,
                      std::function<void(CreateResult)> done) override;
  PatchResult patch_session(const std::string& session_id, const sdp::SdpFragment& fragment) override;
  bool stop_session(const std::string& session_id) override;
  bool has_session(const std::string& session_id) const override;

  // What a page that starts listening to `session_id` is told first (its state and, for a
  // presenter on screen, the open approval requests); nullopt: no such session.
  std::optional<std::vector<PageEvent>> events_for_new_page(const std::string& session_id) const;
  // A presenter on screen (`approver_session_id`) admits or declines a waiting newcomer.
  ApprovalOutcome answer_approval(const std::string& approver_session_id, const std::string& request_id, bool accept);

  void set_admission(AdmissionSettings admission) { admission_ = admission; }
  // For sessions created from now on; running ones keep what they negotiated.
  void set_settings(SessionSettings settings) { settings_ = std::move(settings); }
  // Ends one session (e.g. an admin's "remove"); false when there is no such session.
  bool end_session(const std::string& session_id, EndReason reason, const std::string& detail);
  void end_all(EndReason reason, const std::string& detail);
  std::size_t session_count() const { return sessions_.size(); }
  // The session with this ID, or null.
  const Session* find_session(const std::string& session_id) const;
  // A viewer needs a keyframe of a presenter's video stream; false: no such session.
  bool request_keyframe(const std::string& session_id, std::size_t stream);
  std::uint64_t sessions_started() const { return sessions_started_; }
  // Counts sessions in `metrics` from now on (null: none); it must outlive this manager.
  void set_metrics(SessionMetrics* metrics) { metrics_ = metrics; }
  // One session as the status report (app/session_status, part of app/status_report) and the metrics see it.
  struct SessionView {
    const Session& session;
    const std::string& name;     // as shown on screen
    std::string_view admission;  // the status API's "admission" (docs/protocol.md)
  };
  void for_each_session(const std::function<void(const SessionView&)>& visit) const;

private:
  LoopAffinity loop_;  // checks "Thread: event loop" in debug builds
  struct Entry {
    std::unique_ptr<Session> session;
    std::uint64_t order = 0;  // admission order: the oldest is replaced first
    std::string name;
    bool admitted = true;
    bool waiting_for_slot = false;  // room full, "replace": off screen until its media flows
    bool media_flowed = false;      // its media reached the box (Session::Listener::on_session_media)
    std::string source;             // who asked: the sender's address key (IPv6: its /64), or a remote JID
    std::string request_id;         // while waiting for approval
    std::unique_ptr<boost::asio::steady_timer> approval_timer;
    std::string page_state;  // last "state" sent to the event channel
  };

  void on_session_state(Session& session, SessionState state, const std::string& reason) override;
  void on_session_picture(const std::string& session_id, std::size_t stream, media::PicturePtr picture) override;
  void on_session_audio(const std::string& session_id, std::span<const float> samples) override;
  std::optional<Clock::Duration> audio_output_delay(const std::string& session_id) override;
  void on_session_packet(const Session& session, media::ReceivePipeline::ReportedStream kind, std::size_t video_index,
                         const rtp::RtpPacket& packet) override;
  void destroy_later(const std::string& session_id);
  // The status API's "admission" of a session (docs/protocol.md).
  static const char* admission_name(const Entry& entry);

  void on_session_media(Session& session) override;
  // Refuses the newcomer (room or waiting list full), or says it must wait for its media.
  std::optional<Refusal> make_room(const std::string& source, bool needs_approval, bool& wait_for_slot);
  void wait_for_media(const std::string& session_id, Entry& entry);
  void admit_slot_waiters_if_room();
  void ask_for_approval(const std::string& session_id, Entry& entry);
  void admit(const std::string& session_id, Entry& entry);
  void settle_request(const Entry& entry, bool accepted, std::string_view why);
  void admit_waiting_if_alone();
  int on_screen_count() const;
  Entry* oldest(bool admitted);
  void publish_state(const std::string& session_id, Entry& entry);
  void publish_to_presenters(const PageEvent& event);
  nlohmann::json state_of(const Entry& entry) const;
  PageEvent approval_request_of(const Entry& entry) const;

  boost::asio::io_context& io_;
  ice::GlibContextPump& pump_;
  std::shared_ptr<const crypto::Identity> dtls_identity_;
  SessionSettings settings_;
  AdmissionSettings admission_;
  Observer observer_;
  PageEventSink* events_ = nullptr;
  std::map<std::string, Entry> sessions_;
  std::uint64_t next_order_ = 0;
  std::uint64_t sessions_started_ = 0;
  SessionMetrics* metrics_ = nullptr;
  bool ending_all_ = false;
  Liveness liveness_;  // tokens in deferred handlers: liveness.hpp
};

}  // namespace presentd::session
