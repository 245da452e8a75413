// SPDX-License-Identifier: Apache-2.0
#include "app/session_status.hpp"

#include <algorithm>
#include <chrono>

#include "presentd/dtls/dtls_transport.hpp"

namespace presentd::app {
namespace {
using session::Session;

double milliseconds(Clock::Duration duration) { return std::chrono::duration<double, std::milli>(duration).count(); }

std::int64_t whole_seconds(Clock::Duration duration) {
  return std::chrono::duration_cast<std::chrono::seconds>(duration).count();
}

nlohmann::json optional_number(std::optional<double> value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

void add_transport(nlohmann::json& out, const Session& session, bool network_detail) {
  const auto* transport = session.transport();
  if (transport == nullptr) return;
  const auto& ice = transport->ice();
  out["ice"] = {{"state", ice::to_string(ice.state())}, {"restarts", ice.restarts()}};
  if (auto pair = network_detail ? ice.selected_pair() : std::nullopt) out["ice"]["selected_pair"] = *pair;
  out["dtls"] = {{"state", dtls::to_string(transport->dtls().state())}};
}

void add_decoder(nlohmann::json& entry, const media::DecodeWorker& worker) {
  const auto decode = worker.stats();
  entry["decoder"] = worker.decoder_name();
  entry["frames_decoded"] = decode.frames_decoded;
  entry["frames_dropped"] = decode.frames_dropped_queue_full + decode.frames_dropped_waiting_for_keyframe;
  entry["decode_errors"] = decode.decode_errors;
  entry["decode_ms_p50"] = milliseconds(decode.decode_time_p50);
  entry["decode_ms_p99"] = milliseconds(decode.decode_time_p99);
}

nlohmann::json video_stream_status(const Session& session, std::size_t index) {
  const auto& stream = session.receive_stage()->pipeline().video_stream(index);
  const auto& nack = stream.nack_stats();
  nlohmann::json entry{{"packets", stream.stats().packets},
                       {"bytes", stream.stats().bytes},
                       {"rtx_packets", stream.stats().rtx_packets},
                       {"frames_assembled", stream.stats().frames_assembled},
                       {"nack_requests", nack.requests_sent},
                       {"packets_recovered", nack.packets_recovered},
                       {"packets_lost", nack.packets_given_up},
                       {"keyframes_requested", stream.keyframe_stats().plis_sent + stream.keyframe_stats().firs_sent}};
  if (const auto* worker = session.decoders()->worker(index)) add_decoder(entry, *worker);
  if (const auto picture = session.sink()->latest_picture(index)) {
    entry["picture"] = {{"width", picture->width}, {"height", picture->height}, {"mean_yuv", picture->mean_yuv}};
  }
  return entry;
}

nlohmann::json lip_sync_status(const Session& session, const session::LipSyncGate& gate) {
  const auto sync = gate.state();
  nlohmann::json out{{"active", sync.active},
                     {"video_delay_ms", milliseconds(sync.video_delay)},
                     {"pictures_held", gate.pictures_held()}};
  if (const auto output = session.audio_output_delay()) out["sound_output_delay_ms"] = milliseconds(*output);
  if (sync.audio_lag) out["audio_lag_ms"] = milliseconds(*sync.audio_lag);
  return out;
}

void add_media(nlohmann::json& out, const Session& session) {
  const auto& pipeline = session.receive_stage()->pipeline();
  const auto& srtp = pipeline.srtp_stats();
  out["srtp"] = {{"ok", srtp.ok}, {"auth_failed", srtp.auth_failed}, {"replayed", srtp.replayed}};
  auto streams = nlohmann::json::array();
  for (std::size_t i = 0; i < pipeline.video_stream_count(); ++i) streams.push_back(video_stream_status(session, i));
  out["video"] = streams;
  out["audio_packets"] = pipeline.stats().audio_packets;
  if (session.sink()->has_audio_decoder()) out["audio_blocks_decoded"] = session.sink()->audio_blocks_decoded();
  out["rtcp_sent"] = pipeline.stats().rtcp_sent;
  if (const auto* gate = session.sink()->lip_sync()) out["lip_sync"] = lip_sync_status(session, *gate);
  out["transport_feedback_messages"] = pipeline.transport_feedback_stats().feedback_messages;
}

// Codec, picture size, wire loss, jitter and decode times describe the main (first) video stream.
void add_main_stream(nlohmann::json& out, const Session& session) {
  const auto& pipeline = session.receive_stage()->pipeline();
  if (pipeline.video_stream_count() == 0) return;
  if (const auto format = session.decoders()->format(0)) out["codec"] = session::codec_name(*format);
  if (const auto picture = session.sink()->latest_picture(0)) {
    out["resolution"] = {{"width", picture->width}, {"height", picture->height}};
  }
  const auto ssrc = pipeline.video_stream(0).media_ssrc();
  if (const auto* statistics = ssrc ? pipeline.statistics().stream(*ssrc) : nullptr) {
    // RFC 3550 A.3: lost on the wire, before NACK/RTX recovered what it could.
    const auto lost = std::max<std::int64_t>(statistics->cumulative_lost(), 0);
    const auto expected = static_cast<double>(statistics->packets_received()) + static_cast<double>(lost);
    out["loss_fraction"] = expected > 0 ? static_cast<double>(lost) / expected : 0.0;
    out["jitter_ms"] = statistics->jitter() / 90.0;  // 90 kHz video clock
  }
  if (const auto* worker = session.decoders()->worker(0)) {
    const auto decode = worker->stats();
    out["decode_ms"] = {{"p50", milliseconds(decode.decode_time_p50)},
                        {"p95", milliseconds(decode.decode_time_p95)},
                        {"p99", milliseconds(decode.decode_time_p99)}};
  }
}
}  // namespace

nlohmann::json session_status(const Session& session, bool network_detail) {
  nlohmann::json out{{"id", session.short_id()},
                     {"state", session::to_string(session.state())},
                     {"uptime_seconds", whole_seconds(session.age())}};
  // Time to answer and to the first picture, from the offer: what a presenter waits for.
  if (const auto answered = session.answered_after()) out["answer_ms"] = milliseconds(*answered);
  if (const auto* sink = session.sink()) {
    if (const auto first = sink->first_picture_after()) out["first_picture_ms"] = milliseconds(*first);
  }
  add_transport(out, session, network_detail);
  // Where the presenter is (an address, or an XMPP address): for the admin only.
  if (network_detail) out["presenter"] = session.presenter();
  if (session.receive_stage() != nullptr) add_media(out, session);
  return out;
}

nlohmann::json presenter_status(const Session& session) {
  nlohmann::json out{{"id", session.short_id()},
                     {"name", session.presenter()},
                     {"state", session::to_string(session.state())},
                     {"since_seconds", whole_seconds(session.age())},
                     {"codec", nullptr},
                     {"resolution", nullptr},
                     {"fps", optional_number(session.frame_rate())},
                     {"bitrate_bps", optional_number(session.bit_rate())},
                     {"loss_fraction", nullptr},
                     {"packets_lost", 0},
                     {"rtt_ms", nullptr},
                     {"jitter_ms", nullptr},
                     {"nacks_sent", 0},
                     {"plis_sent", 0},
                     {"frames_decoded", 0},
                     {"frames_dropped", 0},
                     {"decode_ms", nullptr}};
  if (session.receive_stage() == nullptr) return out;
  const auto totals = session.counters();
  out["packets_lost"] = totals.packets_lost;
  out["nacks_sent"] = totals.nack_requests;
  out["plis_sent"] = totals.plis_sent;
  out["frames_decoded"] = totals.frames_decoded;
  out["frames_dropped"] = totals.frames_dropped_queue_full + totals.frames_dropped_waiting_for_keyframe;
  if (const auto rtt = session.receive_stage()->pipeline().rtt()) out["rtt_ms"] = milliseconds(*rtt);
  add_main_stream(out, session);
  return out;
}

std::string session_status_key(const Session& session) {
  std::string key = session.short_id() + ' ' + std::string(session::to_string(session.state()));
  if (const auto* transport = session.transport()) {
    key += ' ' + std::string(ice::to_string(transport->ice().state())) + ' ' +
           std::to_string(transport->ice().restarts()) + ' ' + std::string(dtls::to_string(transport->dtls().state()));
  }
  const auto* decoders = session.decoders();
  const auto* sink = session.sink();
  if (decoders == nullptr || sink == nullptr) return key;
  for (std::size_t i = 0; i < decoders->stream_count(); ++i) {
    const auto format = decoders->format(i);
    key += ' ' + std::to_string(format ? static_cast<int>(*format) : -1);
  }
  if (sink->first_picture_after()) key += " pictured";
  for (std::size_t i = 0; i < decoders->stream_count(); ++i) {
    if (const auto picture = sink->latest_picture(i)) {
      key += ' ' + std::to_string(picture->width) + 'x' + std::to_string(picture->height);
    }
  }
  return key;
}

nlohmann::json sessions_status(const session::SessionManager& sessions, bool network_detail) {
  auto all = nlohmann::json::array();
  auto presenters = nlohmann::json::array();
  sessions.for_each_session([&](const session::SessionManager::SessionView& view) {
    auto detail = session_status(view.session, network_detail);
    detail["name"] = view.name;
    detail["admission"] = view.admission;
    all.push_back(std::move(detail));
    auto presenter = presenter_status(view.session);
    presenter["name"] = view.name;
    presenters.push_back(std::move(presenter));
  });
  return {{"active", sessions.session_count()},
          {"started_total", sessions.sessions_started()},
          {"sessions", all},
          {"presenters", presenters}};
}

std::string sessions_status_key(const session::SessionManager& sessions) {
  std::string key = std::to_string(sessions.sessions_started());
  sessions.for_each_session([&key](const session::SessionManager::SessionView& view) {
    key += '|' + session_status_key(view.session) + ' ' + std::string(view.admission) + ' ' + view.name;
  });
  return key;
}

}  // namespace presentd::app
