// SPDX-License-Identifier: Apache-2.0
#include "presentd/session/viewer_hub.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>

#include "presentd/common/internal_errors.hpp"
#include "presentd/common/log.hpp"
#include "presentd/common/random.hpp"
#include "presentd/rtp/depacketizer/depacketizer.hpp"

namespace presentd::session {
namespace {
constexpr std::string_view kTag = "viewers";
// How often kept keyframe requests are looked at (KeyframeRequestLimiter::poll).
constexpr std::chrono::milliseconds kTick{100};
// A viewer refused at the cap asks again after this long (Retry-After).
constexpr std::chrono::seconds kRetryWhenFull{10};

void add_stage_figures(const SendStage& stage, ViewerTotals& totals) {
  for (std::size_t line = 0; line < stage.stream_count(); ++line) {
    const auto& stats = stage.stream(line).stats();
    totals.nack_resends += stats.resends;
    totals.keyframe_requests += stats.keyframe_requests;
    totals.packets_sent += stats.packets_sent;
  }
  totals.pauses += stage.congestion().stats().pauses;
}

std::optional<rtp::PayloadFormat> format_of(const PresenterStream& stream, std::uint8_t payload_type) {
  for (const auto& codec : stream.codecs) {
    if (codec.payload_type == payload_type) return codec.format;
  }
  return std::nullopt;
}
}  // namespace

std::size_t max_viewers_per_source(std::size_t max_viewers) { return std::max<std::size_t>(1, (max_viewers + 1) / 2); }

ViewerHub::ViewerHub(boost::asio::io_context& io, ice::GlibContextPump& pump,
                     std::shared_ptr<const crypto::Identity> dtls_identity, ViewerHubSettings settings,
                     RequestKeyframe request_keyframe)
    : io_(io),
      pump_(pump),
      dtls_identity_(std::move(dtls_identity)),
      settings_(std::move(settings)),
      request_keyframe_(std::move(request_keyframe)),
      tick_timer_(io) {
  arm_tick();
}

ViewerHub::~ViewerHub() {
  liveness_.end();
  tick_timer_.cancel();
  viewers_.clear();
}

void ViewerHub::presenter_joined(const std::string& session_id, const std::string& name,
                                 std::vector<PresenterStream> streams) {
  loop_.check("ViewerHub::presenter_joined");
  for (const auto& presenter : presenters_) {
    if (presenter.session_id == session_id) return;
  }
  presenters_.push_back({session_id, name, std::move(streams)});
  assign_all();
}

void ViewerHub::presenter_left(const std::string& session_id) {
  loop_.check("ViewerHub::presenter_left");
  const auto it = std::find_if(presenters_.begin(), presenters_.end(),
                               [&](const Presenter& presenter) { return presenter.session_id == session_id; });
  if (it == presenters_.end()) return;
  for (const auto& stream : it->streams) {
    if (stream.ssrc) limiter_.forget(*stream.ssrc);
  }
  presenters_.erase(it);
  assign_all();
}

std::vector<ViewerHub::Tile> ViewerHub::video_tiles() const {
  std::vector<Tile> tiles;
  for (const auto& presenter : presenters_) {
    for (std::size_t index = 0; index < presenter.streams.size(); ++index) {
      if (presenter.streams[index].video) tiles.push_back({presenter.session_id, index});
    }
  }
  return tiles;
}

std::optional<ViewerHub::Tile> ViewerHub::audio_tile() const {
  for (const auto& presenter : presenters_) {
    for (std::size_t index = 0; index < presenter.streams.size(); ++index) {
      if (!presenter.streams[index].video) return Tile{presenter.session_id, index};
    }
  }
  return std::nullopt;
}

const PresenterStream* ViewerHub::stream_of(const Tile& tile) const {
  for (const auto& presenter : presenters_) {
    if (presenter.session_id == tile.session_id) {
      return tile.stream < presenter.streams.size() ? &presenter.streams[tile.stream] : nullptr;
    }
  }
  return nullptr;
}

void ViewerHub::assign_all() {
  for (auto& [id, viewer] : viewers_) assign(viewer);
}

void ViewerHub::assign(Viewer& viewer) {
  auto* stage = viewer.session->send_stage();
  if (stage == nullptr || viewer.session->ended()) return;
  const auto& media = viewer.session->media();
  viewer.showing.resize(media.size());
  const auto tiles = video_tiles();
  std::vector<bool> used(tiles.size(), false);
  for (std::size_t line = 0; line < media.size() && line < stage->stream_count(); ++line) {
    std::optional<Tile> chosen;
    std::optional<media::SourceStreamConfig> source;
    if (media[line].kind == sdp::ViewerMedia::Kind::video) {
      for (std::size_t t = 0; t < tiles.size() && !chosen; ++t) {
        if (used[t]) continue;
        auto config = source_for_viewer(*stream_of(tiles[t]), media[line]);
        if (config.payload_types.empty()) continue;  // no codec in common: the next tile
        used[t] = true;
        chosen = tiles[t];
        source = std::move(config);
      }
    } else if (const auto tile = audio_tile()) {
      auto config = source_for_viewer(*stream_of(*tile), media[line]);
      if (!config.payload_types.empty()) {
        chosen = tile;
        source = std::move(config);
      }
    }
    // Until the source's SSRC is known (no a=ssrc, no packet yet) nothing can be selected.
    const bool ready = source && source->ssrc != 0;
    auto& forwarder = stage->stream(line);
    const bool selected = forwarder.rewriter().source_ssrc().has_value();
    if (chosen == viewer.showing[line] && ready == selected &&
        (!ready || forwarder.rewriter().source_ssrc() == source->ssrc)) {
      continue;
    }
    viewer.showing[line] = chosen;
    if (ready) {
      stage->select_source(line, *source);
      PD_LOG(info, kTag) << viewer.session->short_id() << ": m-line " << media[line].mid << " shows "
                         << chosen->session_id.substr(0, 8) << " (SSRC " << source->ssrc << ")";
    } else {
      stage->clear_source(line);
      PD_LOG(info, kTag) << viewer.session->short_id() << ": m-line " << media[line].mid
                         << (chosen ? " waits for its presenter's first packet" : " shows nobody");
    }
  }
}

void ViewerHub::on_presenter_packet(const std::string& session_id, media::ReceivePipeline::ReportedStream kind,
                                    std::size_t video_index, const rtp::RtpPacket& packet) {
  if (viewers_.empty()) return;
  const bool video = kind == media::ReceivePipeline::ReportedStream::video;
  Presenter* presenter = nullptr;
  for (auto& candidate : presenters_) {
    if (candidate.session_id == session_id) presenter = &candidate;
  }
  if (presenter == nullptr) return;  // not on screen (yet)
  std::size_t index = 0;
  for (; index < presenter->streams.size(); ++index) {
    const auto& stream = presenter->streams[index];
    if (stream.video == video && (!video || stream.video_index == video_index)) break;
  }
  if (index == presenter->streams.size()) return;
  auto& stream = presenter->streams[index];
  if (!stream.ssrc) {
    stream.ssrc = packet.ssrc();
    assign_all();
  }
  if (packet.ssrc() != *stream.ssrc) return;
  if (video) {
    if (const auto format = format_of(stream, packet.payload_type());
        format && rtp::starts_keyframe(*format, packet.payload())) {
      limiter_.on_keyframe(*stream.ssrc);
    }
  }
  const Tile tile{session_id, index};
  for (auto& [id, viewer] : viewers_) {
    auto* stage = viewer.session->send_stage();
    if (stage == nullptr || viewer.session->ended()) continue;
    // This runs inside the presenter's receive callback: a viewer's failure must end that viewer
    // (posted, it may be deep inside its own objects), never the presenter's session.
    try {
      for (std::size_t line = 0; line < viewer.showing.size(); ++line) {
        if (viewer.showing[line] == tile) stage->forward(line, packet);
      }
    } catch (...) {
      report_current_exception(ErrorSite::session, kTag, "forwarding to viewer " + viewer.session->short_id());
      boost::asio::post(io_, [this, id = id, alive = liveness_.token()] {
        if (alive) (void)end_viewer(id, EndReason::error, "internal error (logged)");
      });
    }
  }
}

void ViewerHub::on_viewer_keyframe_request(ViewerSession& /*viewer*/, std::uint32_t source_ssrc) {
  if (limiter_.request(source_ssrc, clock_.now())) ask_presenter_for_keyframe(source_ssrc);
}

void ViewerHub::ask_presenter_for_keyframe(std::uint32_t source_ssrc) {
  for (const auto& presenter : presenters_) {
    for (const auto& stream : presenter.streams) {
      if (!stream.video || stream.ssrc != source_ssrc) continue;
      // Posted: a request can come from inside a forwarder, and the presenter's pipeline must
      // not be entered from there.
      boost::asio::post(io_, [this, alive = liveness_.token(), id = presenter.session_id, index = stream.video_index] {
        if (alive && request_keyframe_) request_keyframe_(id, index);
      });
      return;
    }
  }
}

void ViewerHub::arm_tick() {
  if (stopped_) return;
  tick_timer_.expires_after(kTick);
  tick_timer_.async_wait([this, alive = liveness_.token()](boost::system::error_code ec) {
    if (!ec && alive) on_tick();
  });
}

void ViewerHub::on_tick() {
  for (const auto ssrc : limiter_.poll(clock_.now())) ask_presenter_for_keyframe(ssrc);
  arm_tick();
}

void ViewerHub::create_session(const Requester& requester, const sdp::SessionDescription& offer,
                               std::function<void(CreateResult)> done) {
  loop_.check("ViewerHub::create_session");
  if (stopped_) {
    return done(Refusal{Refusal::Kind::unavailable, "the display is shutting down", sdp::ErrorCode::unsupported_offer,
                        std::chrono::seconds(5)});
  }
  if (viewers_.size() >= settings_.max_viewers) {
    PD_LOG(notice, kTag) << "viewer from " << requester.shown_as << " refused: " << viewers_.size()
                         << " viewers already watch";
    return done(Refusal{Refusal::Kind::room_full,
                        "the room has the most viewers it takes (" + std::to_string(settings_.max_viewers) + ")",
                        sdp::ErrorCode::unsupported_offer, kRetryWhenFull});
  }
  const auto from_source = static_cast<std::size_t>(std::count_if(
      viewers_.begin(), viewers_.end(), [&](const auto& entry) { return entry.second.source == requester.source; }));
  if (from_source >= max_viewers_per_source(settings_.max_viewers)) {
    PD_LOG(notice, kTag) << "viewer from " << requester.shown_as << " refused: " << from_source
                         << " viewers from there already watch";
    return done(Refusal{Refusal::Kind::source_waiting_full,
                        "too many viewers from this address (at most " +
                            std::to_string(max_viewers_per_source(settings_.max_viewers)) + ")",
                        sdp::ErrorCode::unsupported_offer, kRetryWhenFull});
  }
  const auto id = random_hex(16);
  auto session = std::make_unique<ViewerSession>(io_, pump_, dtls_identity_, settings_.viewer,
                                                 static_cast<ViewerSession::Listener&>(*this), id, requester.shown_as);
  auto* raw = session.get();
  viewers_.emplace(id, Viewer{std::move(session), requester.source, {}});
  ++ended_totals_.viewers_started;
  raw->start(offer, [this, id, done = std::move(done), alive = liveness_.token()](
                        std::optional<sdp::SessionDescription> answer, const AnswerFailure& failure) {
    if (!alive) return;
    const auto it = viewers_.find(id);
    if (!answer || it == viewers_.end()) {
      PD_LOG(notice, kTag) << "could not answer a viewer's offer: " << failure.message;
      if (it != viewers_.end()) it->second.session->end(EndReason::error, "no answer");
      return done(answer_refusal(failure));
    }
    done(AcceptedSession{id, std::move(*answer)});
  });
}

PatchResult ViewerHub::patch_session(const std::string& session_id, const sdp::SdpFragment& fragment) {
  loop_.check("ViewerHub::patch_session");
  const auto it = viewers_.find(session_id);
  if (it == viewers_.end() || it->second.session->ended()) {
    return Refusal{Refusal::Kind::no_such_session, "no such viewer"};
  }
  auto& viewer = *it->second.session;
  const auto* transport = viewer.transport();
  // As for presenters: new credentials are an ICE restart (RFC 8839 §4.4.1.1.1), else a trickle.
  if (transport == nullptr ||
      !sdp::is_ice_restart(fragment, transport->ice().remote_ufrag(), transport->ice().remote_pwd())) {
    if (!viewer.add_remote_candidates(fragment)) {
      return Refusal{Refusal::Kind::too_many_candidates,
                     "too many candidates for one viewer (at most " + std::to_string(kMaxRemoteCandidates) + ")"};
    }
    return AppliedFragment{};
  }
  auto answer = viewer.restart_ice(fragment);
  if (!answer) {
    return Refusal{Refusal::Kind::bad_fragment, "cannot restart ICE: " + answer.error().message, answer.error().code};
  }
  return AppliedFragment{std::move(answer).value()};
}

bool ViewerHub::stop_session(const std::string& session_id) {
  return end_viewer(session_id, EndReason::stopped, "the viewer left");
}

bool ViewerHub::end_viewer(const std::string& viewer_id, EndReason reason, const std::string& detail) {
  loop_.check("ViewerHub::end_viewer");
  const auto it = viewers_.find(viewer_id);
  if (it == viewers_.end() || it->second.session->ended()) return false;
  it->second.session->end(reason, detail);
  return true;
}

bool ViewerHub::has_session(const std::string& session_id) const {
  const auto it = viewers_.find(session_id);
  return it != viewers_.end() && !it->second.session->ended();
}

void ViewerHub::end_all(EndReason reason, const std::string& detail) {
  for (auto& [id, viewer] : viewers_) viewer.session->end(reason, detail);
}

void ViewerHub::stop(const std::string& detail) {
  stopped_ = true;
  tick_timer_.cancel();
  end_all(EndReason::shutdown, detail);
}

void ViewerHub::on_viewer_ready(ViewerSession& viewer) {
  const auto it = viewers_.find(viewer.id());
  if (it != viewers_.end()) assign(it->second);
}

void ViewerHub::on_viewer_ended(ViewerSession& viewer, EndReason /*reason*/, const std::string& /*detail*/) {
  add_to_totals(viewer);
  destroy_later(viewer.id());
}

void ViewerHub::add_to_totals(const ViewerSession& viewer) {
  if (const auto* stage = viewer.send_stage()) add_stage_figures(*stage, ended_totals_);
}

ViewerTotals ViewerHub::totals() const {
  auto totals = ended_totals_;
  for (const auto& [id, viewer] : viewers_) {
    const auto* stage = viewer.session->send_stage();
    // An ended viewer was counted in ended_totals_ already.
    if (stage != nullptr && !viewer.session->ended()) add_stage_figures(*stage, totals);
  }
  return totals;
}

void ViewerHub::destroy_later(const std::string& id) {
  boost::asio::post(io_, [this, id, alive = liveness_.token()] {
    if (alive) viewers_.erase(id);
  });
}

void ViewerHub::for_each_viewer(const std::function<void(const ViewerView&)>& visit) const {
  for (const auto& [id, viewer] : viewers_) {
    if (viewer.session->ended()) continue;
    ViewerView view{*viewer.session, {}};
    for (const auto& tile : viewer.showing) {
      std::optional<std::string> name;
      for (const auto& presenter : presenters_) {
        if (tile && presenter.session_id == tile->session_id) name = presenter.name;
      }
      view.showing.push_back(std::move(name));
    }
    visit(view);
  }
}

}  // namespace presentd::session
