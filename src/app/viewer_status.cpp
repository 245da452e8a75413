// SPDX-License-Identifier: Apache-2.0
#include "app/viewer_status.hpp"

#include <chrono>

#include "presentd/dtls/dtls_transport.hpp"

namespace presentd::app {
namespace {

std::string_view kind_name(const sdp::ViewerMedia& media) {
  return media.kind == sdp::ViewerMedia::Kind::video ? "video" : "audio";
}

nlohmann::json showing_of(const std::optional<std::string>& name) {
  return name ? nlohmann::json(*name) : nlohmann::json(nullptr);
}

nlohmann::json media_status(const session::ViewerHub::ViewerView& view, bool with_figures) {
  auto media = nlohmann::json::array();
  const auto& lines = view.viewer.media();
  const auto* stage = view.viewer.send_stage();
  for (std::size_t line = 0; line < lines.size(); ++line) {
    nlohmann::json entry{{"mid", lines[line].mid},
                         {"kind", kind_name(lines[line])},
                         {"presenter", showing_of(line < view.showing.size() ? view.showing[line] : std::nullopt)}};
    if (with_figures && stage != nullptr && line < stage->stream_count()) {
      const auto bitrate = stage->bitrate_bps(line);
      entry["bitrate_kbps"] = bitrate ? nlohmann::json(*bitrate / 1000) : nlohmann::json(nullptr);
      const auto& forwarder = stage->stream(line);
      entry["packets_sent"] = forwarder.stats().packets_sent;
      entry["nack_resends"] = forwarder.stats().resends;
      if (lines[line].kind == sdp::ViewerMedia::Kind::video) {
        entry["waiting_for_keyframe"] = forwarder.rewriter().source_ssrc().has_value() && !forwarder.gate().is_open();
      }
    }
    media.push_back(std::move(entry));
  }
  return media;
}

nlohmann::json viewer_status(const session::ViewerHub::ViewerView& view, bool network_detail) {
  const auto& viewer = view.viewer;
  nlohmann::json out{{"id", viewer.short_id()},
                     {"since_seconds", std::chrono::duration_cast<std::chrono::seconds>(viewer.age()).count()},
                     {"media", media_status(view, true)}};
  const auto* stage = viewer.send_stage();
  out["state"] = stage != nullptr ? "watching" : "connecting";
  if (stage != nullptr) {
    std::uint64_t total = 0;
    for (std::size_t line = 0; line < stage->stream_count(); ++line) total += stage->bitrate_bps(line).value_or(0);
    out["bitrate_kbps"] = total / 1000;
    const auto loss = stage->loss();
    out["loss"] = loss ? nlohmann::json(*loss) : nlohmann::json(nullptr);
    const auto rtt = stage->rtt();
    out["rtt_ms"] =
        rtt ? nlohmann::json(std::chrono::duration<double, std::milli>(*rtt).count()) : nlohmann::json(nullptr);
    const auto estimate = stage->estimate_bps();
    out["estimate_kbps"] = estimate ? nlohmann::json(*estimate / 1000) : nlohmann::json(nullptr);
    out["video_paused"] = stage->video_paused();
    out["pauses"] = stage->congestion().stats().pauses;
  }
  if (network_detail) {
    out["viewer_id"] = viewer.id();
    out["address"] = viewer.address();
    if (const auto* transport = viewer.transport()) {
      if (auto pair = transport->ice().selected_pair()) out["ice_selected_pair"] = *pair;
      out["dtls"] = dtls::to_string(transport->dtls().state());
    }
  }
  return out;
}

}  // namespace

nlohmann::json viewers_status(const session::ViewerHub& hub, bool network_detail) {
  auto viewers = nlohmann::json::array();
  hub.for_each_viewer(
      [&](const session::ViewerHub::ViewerView& view) { viewers.push_back(viewer_status(view, network_detail)); });
  return {{"count", hub.viewer_count()}, {"max", hub.max_viewers()}, {"viewers", viewers}};
}

std::string viewers_status_key(const session::ViewerHub& hub) {
  std::string key = std::to_string(hub.totals().viewers_started);
  hub.for_each_viewer([&key](const session::ViewerHub::ViewerView& view) {
    key += '|' + view.viewer.short_id() + (view.viewer.send_stage() != nullptr ? " w" : " c");
    for (const auto& name : view.showing) key += name ? ' ' + *name : std::string(" -");
  });
  return key;
}

std::optional<nlohmann::json> viewer_layout(const session::ViewerHub& hub, const std::string& viewer_id) {
  std::optional<nlohmann::json> layout;
  hub.for_each_viewer([&](const session::ViewerHub::ViewerView& view) {
    if (view.viewer.id() != viewer_id) return;
    layout = nlohmann::json{{"media", media_status(view, false)}, {"presenting", hub.presenter_count()}};
  });
  return layout;
}

}  // namespace presentd::app
