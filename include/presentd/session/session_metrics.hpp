// SPDX-License-Identifier: Apache-2.0
#pragma once
// The sessions' figures in the metrics registry: sessions started, ended and failed by reason,
// offers refused, and the media counters of every session (packets, bytes, losses, NACK/PLI,
// frames decoded and dropped) summed over all sessions, past and present.
//
// Who writes what:
//  - the session counters live in each Session (event loop); update() adds what changed since
//    its last call to the registry's counters. SessionManager's scrape collector calls it for
//    every session, and on_ended() folds a session's last figures in when it ends, so the
//    totals stay monotonic after the session is gone;
//  - decode times are observed by the decoder worker threads straight into the lock-free
//    histogram returned by decode_seconds() (Session hands it to its picture callback).
//
// Thread: event loop.
#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "presentd/metrics/registry.hpp"
#include "presentd/session/session.hpp"

namespace presentd::session {

class SessionMetrics {
public:
  explicit SessionMetrics(metrics::Registry& registry);

  // An offer refused before any session existed ("bad_offer", "room_full").
  void on_offer_rejected(std::string_view reason);
  void on_started(const Session& session);
  // Counts the end once (later calls for the same session are ignored): "ended" when the
  // session had been live, "failed" when it never was; labelled with to_code(end_reason()).
  void on_ended(const Session& session);
  void update(const Session& session);
  void set_active(std::size_t sessions) { active_.set(static_cast<double>(sessions)); }

  metrics::HistogramFamily& decode_seconds() { return decode_seconds_; }

private:
  void add_difference(const SessionCounters& now, const SessionCounters& before);

  metrics::Counter& started_;
  metrics::CounterFamily& ended_;
  metrics::CounterFamily& failed_;
  metrics::CounterFamily& rejected_;
  metrics::Gauge& active_;
  metrics::Counter& packets_;
  metrics::Counter& bytes_;
  metrics::Counter& lost_;
  metrics::Counter& recovered_;
  metrics::Counter& nacks_;
  metrics::Counter& plis_;
  metrics::Counter& firs_;
  metrics::Counter& decoded_;
  metrics::CounterFamily& dropped_;
  metrics::Counter& decode_errors_;
  metrics::HistogramFamily& decode_seconds_;
  std::map<std::string, SessionCounters> last_;  // figures already added, per running session
};

}  // namespace presentd::session
