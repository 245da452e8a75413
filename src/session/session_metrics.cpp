// SPDX-License-Identifier: Apache-2.0
#include "presentd/session/session_metrics.hpp"

#include "presentd/session/end_reason.hpp"

namespace presentd::session {
namespace {

// What `now` adds to `before`; a figure that went down (a counter that restarted) counts whole.
std::uint64_t growth(std::uint64_t now, std::uint64_t before) { return now >= before ? now - before : now; }

}  // namespace

SessionMetrics::SessionMetrics(metrics::Registry& registry)
    : started_(registry.counter("presentd_sessions_started_total", "Presenter sessions created from accepted offers.")),
      ended_(registry.counter_family("presentd_sessions_ended_total",
                                     "Sessions that ended after media had flowed, by reason.", {"reason"})),
      failed_(registry.counter_family("presentd_sessions_failed_total",
                                      "Sessions that ended before any media flowed, by reason.", {"reason"})),
      rejected_(registry.counter_family("presentd_offers_rejected_total",
                                        "Offers refused before a session was created, by reason.", {"reason"})),
      active_(registry.gauge("presentd_sessions_active", "Presenter sessions now (connecting, live or reconnecting).")),
      packets_(registry.counter("presentd_rtp_packets_received_total",
                                "Authenticated RTP packets received (media, RTX and audio).")),
      bytes_(registry.counter("presentd_rtp_bytes_received_total", "Bytes of those RTP packets, headers included.")),
      lost_(registry.counter("presentd_rtp_packets_lost_total",
                             "Video packets given up as lost after NACK retries (not recovered).")),
      recovered_(registry.counter("presentd_rtp_packets_recovered_total",
                                  "Video packets that arrived after being NACKed (RTX or late).")),
      nacks_(registry.counter("presentd_nack_requests_total",
                              "Sequence numbers requested in RTCP NACKs, repeats included.")),
      plis_(registry.counter("presentd_pli_sent_total", "RTCP picture loss indications sent.")),
      firs_(registry.counter("presentd_fir_sent_total", "RTCP full intra requests sent.")),
      decoded_(registry.counter("presentd_frames_decoded_total", "Video frames decoded.")),
      dropped_(registry.counter_family("presentd_frames_dropped_total",
                                       "Video frames dropped before decoding, by reason.", {"reason"})),
      decode_errors_(registry.counter("presentd_decode_errors_total", "Video frames the decoder rejected.")),
      decode_seconds_(registry.histogram_family("presentd_decode_duration_seconds",
                                                "Time to decode one video frame, on the decoder threads.", {"codec"},
                                                metrics::exponential_bounds(0.0005, 2, 12))) {
  // Series that exist from the start, so rate() and alerts see a 0 before the first event.
  for (const auto code : kEndReasonCodes) {
    ended_.with({std::string(code)});
    failed_.with({std::string(code)});
  }
  for (const auto* reason : {"bad_offer", "room_full"}) rejected_.with({reason});
  for (const auto* reason : {"queue_full", "waiting_for_keyframe", "too_large"}) dropped_.with({reason});
}

void SessionMetrics::on_offer_rejected(std::string_view reason) { rejected_.with({std::string(reason)}).increment(); }

void SessionMetrics::on_started(const Session& session) {
  started_.increment();
  last_.emplace(session.id(), SessionCounters{});
}

void SessionMetrics::on_ended(const Session& session) {
  const auto it = last_.find(session.id());
  if (it == last_.end()) return;
  add_difference(session.counters(), it->second);
  last_.erase(it);
  auto& family = session.was_live() ? ended_ : failed_;
  family.with({std::string(to_code(session.end_reason()))}).increment();
}

void SessionMetrics::update(const Session& session) {
  const auto it = last_.find(session.id());
  if (it == last_.end()) return;
  const auto now = session.counters();
  add_difference(now, it->second);
  it->second = now;
}

void SessionMetrics::add_difference(const SessionCounters& now, const SessionCounters& before) {
  packets_.increment(growth(now.rtp_packets, before.rtp_packets));
  bytes_.increment(growth(now.rtp_bytes, before.rtp_bytes));
  lost_.increment(growth(now.packets_lost, before.packets_lost));
  recovered_.increment(growth(now.packets_recovered, before.packets_recovered));
  nacks_.increment(growth(now.nack_requests, before.nack_requests));
  plis_.increment(growth(now.plis_sent, before.plis_sent));
  firs_.increment(growth(now.firs_sent, before.firs_sent));
  decoded_.increment(growth(now.frames_decoded, before.frames_decoded));
  dropped_.with({"queue_full"}).increment(growth(now.frames_dropped_queue_full, before.frames_dropped_queue_full));
  dropped_.with({"waiting_for_keyframe"})
      .increment(growth(now.frames_dropped_waiting_for_keyframe, before.frames_dropped_waiting_for_keyframe));
  dropped_.with({"too_large"}).increment(growth(now.frames_dropped_too_large, before.frames_dropped_too_large));
  decode_errors_.increment(growth(now.decode_errors, before.decode_errors));
}

}  // namespace presentd::session
