// SPDX-License-Identifier: Apache-2.0
#pragma once
// Every viewer of the room, and which presenter each of its m-lines shows (issue 15).
//
// The presenters on screen, in the order they joined (the wall display's order), give a list of
// tiles: each presenter's video streams in order (screen, then camera). A viewer's video m-lines
// show the first tiles, one each: one m-line shows the first presenter, and the next one when
// that one leaves. A tile whose codecs the m-line lacks is passed over, so that m-line shows the
// next tile it can. Its audio m-line carries the first presenter that sends sound (the box
// forwards, it cannot mix). Every change of the list reassigns at once, and each forwarder waits
// for the new source's keyframe, asked for through one KeyframeRequestLimiter for the room (one
// request a second per presenter stream whatever the number of viewers).
//
// It is a SessionPort, so the WHIP adapter serves WHEP unchanged: create = a viewer from a recvonly
// offer (Refusal::room_full with Retry-After at `max_viewers`), patch = trickle / ICE restart,
// stop = DELETE. Watching takes no presenter slot and never touches the PIN. One source may hold
// at most max_viewers_per_source() places (429 with Retry-After past that).
//
// Thread: event loop. Packets come in from SessionManager's observer, synchronously.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "presentd/common/liveness.hpp"
#include "presentd/common/loop_affinity.hpp"
#include "presentd/media/forward/keyframe_request_limiter.hpp"
#include "presentd/media/receive/receive_pipeline.hpp"
#include "presentd/session/session_port.hpp"
#include "presentd/session/viewer_session.hpp"
#include "presentd/session/viewer_source.hpp"

namespace presentd::session {

// How many of the viewer places one source (an address, an IPv6 /64) may hold: half of them,
// rounded up, so that one client (or everyone behind one NAT) cannot take every place and lock
// the rest of the room out, while a source with several people behind it can still bring many.
std::size_t max_viewers_per_source(std::size_t max_viewers);

struct ViewerHubSettings {
  ViewerSettings viewer;
  std::size_t max_viewers = 25;
};

// What ended viewers sent, so the metrics' counters never go back when a viewer leaves.
struct ViewerTotals {
  std::uint64_t viewers_started = 0;
  std::uint64_t nack_resends = 0;
  std::uint64_t keyframe_requests = 0;  // the viewers' own (join, switch, PLI/FIR, retries)
  std::uint64_t pauses = 0;
  std::uint64_t packets_sent = 0;
};

class ViewerHub : public SessionPort, private ViewerSession::Listener {
public:
  // Asks a presenter (its session, video stream index) for a keyframe.
  using RequestKeyframe = std::function<void(const std::string& session_id, std::size_t video_index)>;

  ViewerHub(boost::asio::io_context& io, ice::GlibContextPump& pump,
            std::shared_ptr<const crypto::Identity> dtls_identity, ViewerHubSettings settings,
            RequestKeyframe request_keyframe);
  ~ViewerHub() override;
  ViewerHub(const ViewerHub&) = delete;
  ViewerHub& operator=(const ViewerHub&) = delete;

  // A presenter is on screen (live) / left it.
  void presenter_joined(const std::string& session_id, const std::string& name, std::vector<PresenterStream> streams);
  void presenter_left(const std::string& session_id);
  // One of its packets (SessionManager::Observer::on_packet).
  void on_presenter_packet(const std::string& session_id, media::ReceivePipeline::ReportedStream kind,
                           std::size_t video_index, const rtp::RtpPacket& packet);

  // SessionPort (WHEP through the WHIP adapter)
  void create_session(const Requester& requester, const sdp::SessionDescription& offer,
                      std::function<void(CreateResult)> done) override;
  PatchResult patch_session(const std::string& session_id, const sdp::SdpFragment& fragment) override;
  bool stop_session(const std::string& session_id) override;
  bool has_session(const std::string& session_id) const override;

  // For viewers from now on; a lower maximum ends nobody.
  void set_settings(ViewerHubSettings settings) { settings_ = std::move(settings); }
  // `policy` off: every viewer ends.
  void end_all(EndReason reason, const std::string& detail);
  // Shutdown: every viewer ends and the hub's own timer stops, so the event loop can run dry.
  void stop(const std::string& detail);
  // An admin's "remove"; false when there is no such viewer.
  bool end_viewer(const std::string& viewer_id, EndReason reason, const std::string& detail);
  std::size_t viewer_count() const { return viewers_.size(); }
  std::size_t max_viewers() const { return settings_.max_viewers; }
  // Presenters on screen (what viewers can be shown).
  std::size_t presenter_count() const { return presenters_.size(); }

  // One viewer for the status API and the admin's list.
  struct ViewerView {
    const ViewerSession& viewer;
    // Per m-line of its answer: the name of the presenter it shows, nullopt for nobody.
    std::vector<std::optional<std::string>> showing;
  };
  void for_each_viewer(const std::function<void(const ViewerView&)>& visit) const;
  // Ended viewers' figures plus the running ones'.
  ViewerTotals totals() const;
  const media::KeyframeRequestLimiterStats& keyframe_limiter_stats() const { return limiter_.stats(); }

private:
  LoopAffinity loop_;
  struct Presenter {
    std::string session_id;
    std::string name;
    std::vector<PresenterStream> streams;  // video in order, then audio
  };
  // One tile: a presenter's stream.
  struct Tile {
    std::string session_id;
    std::size_t stream = 0;  // index into Presenter::streams
    bool operator==(const Tile&) const = default;
  };
  struct Viewer {
    std::unique_ptr<ViewerSession> session;
    std::string source;                        // Requester::source: what the per-source limit counts
    std::vector<std::optional<Tile>> showing;  // per m-line of the answer
  };

  void assign(Viewer& viewer);
  void assign_all();
  std::vector<Tile> video_tiles() const;
  std::optional<Tile> audio_tile() const;
  const PresenterStream* stream_of(const Tile& tile) const;
  // Routes a request the limiter let through to the presenter stream received as `source_ssrc`.
  void ask_presenter_for_keyframe(std::uint32_t source_ssrc);
  void arm_tick();
  void on_tick();
  void add_to_totals(const ViewerSession& viewer);
  void destroy_later(const std::string& id);

  // ViewerSession::Listener
  void on_viewer_ready(ViewerSession& viewer) override;
  void on_viewer_ended(ViewerSession& viewer, EndReason reason, const std::string& detail) override;
  void on_viewer_keyframe_request(ViewerSession& viewer, std::uint32_t source_ssrc) override;

  boost::asio::io_context& io_;
  ice::GlibContextPump& pump_;
  std::shared_ptr<const crypto::Identity> dtls_identity_;
  ViewerHubSettings settings_;
  RequestKeyframe request_keyframe_;
  std::vector<Presenter> presenters_;  // in the order they joined the screen
  std::map<std::string, Viewer> viewers_;
  media::KeyframeRequestLimiter limiter_;
  ViewerTotals ended_totals_;
  SteadyClock clock_;
  boost::asio::steady_timer tick_timer_;
  bool stopped_ = false;
  Liveness liveness_;
};

}  // namespace presentd::session
