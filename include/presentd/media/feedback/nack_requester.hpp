// SPDX-License-Identifier: Apache-2.0
#pragma once
// NackRequester: decides which lost RTP packets to ask for again with generic NACK (RFC 4585
// §6.2.1). It watches sequence numbers as packets arrive, keeps the missing ones, and on the
// stream's ~20 ms feedback tick returns the ones to request now.
//
// Rules (issue 5):
//  - each missing packet is requested at most max_retries (10) times, no sooner than one RTT after
//    its previous request; one RTT after the last try it is given up and a keyframe is asked for;
//  - the list is bounded (max_list_size) and entries expire by time (max_age) and by distance
//    behind the newest packet (max_sequence_age, the jitter buffer's span): anything dropped
//    unrecovered also asks for a keyframe, since the frame that needed it can no longer be built;
//  - reorder allowance: a hole is first requested only once it is clearly a loss, i.e. when at
//    least reorder_distance (2) newer packets have arrived past it, or it has been missing for
//    reorder_window (10 ms). A packet overtaken by its neighbour (1, 3, 2) is therefore never
//    NACKed when the tick falls in between, while a real loss in a stream of any packet rate is
//    requested at the first tick that sees it (with 2+ later packets) or the one after.
// Sequence numbers are unwrapped to 64 bits so the list orders correctly across the 16-bit wrap.
//
// Thread: event loop, with the stream's RTCP feedback timer.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "presentd/common/clock.hpp"
#include "presentd/common/sequence_number.hpp"

namespace presentd::media {

struct NackConfig {
  std::size_t max_list_size = 1000;
  int max_retries = 10;
  Clock::Duration max_age = std::chrono::seconds{1};
  std::int64_t max_sequence_age = 2048;
  Clock::Duration initial_rtt = std::chrono::milliseconds{100};
  std::int64_t reorder_distance = 2;
  Clock::Duration reorder_window = std::chrono::milliseconds{10};
};

// What to send on this tick: one generic NACK naming `sequence_numbers` (oldest first), and a
// keyframe request (PLI/FIR, paced by KeyframeRequester) when some loss was given up.
struct [[nodiscard]] NackBatch {
  std::vector<std::uint16_t> sequence_numbers;
  bool keyframe_needed = false;
};

struct NackStats {
  std::uint64_t requests_sent = 0;      // sequence numbers named in NACKs, repeats included
  std::uint64_t packets_recovered = 0;  // arrived after being NACKed (retransmission or late)
  std::uint64_t packets_reordered = 0;  // arrived late but before any NACK
  std::uint64_t packets_given_up = 0;   // dropped unrecovered: retries, age or list bound
  std::uint64_t retransmissions_received = 0;
};

class NackRequester {
public:
  explicit NackRequester(const Clock& clock, NackConfig config = {});

  // Every media packet of the stream, including ones recovered from RTX (with their original
  // sequence number and `retransmission` set).
  void on_packet(std::uint16_t sequence_number, bool retransmission = false);

  // Latest round-trip time estimate (from RTCP SR/RR, or the transport's own measurement).
  void set_rtt(Clock::Duration rtt) { rtt_ = rtt; }

  // Losses older than `sequence_number` no longer matter (the jitter buffer moved past them to a
  // keyframe): forget them without asking for a keyframe.
  void clear_before(std::uint16_t sequence_number);

  // Called on the feedback timer (~20 ms).
  NackBatch on_tick();

  std::size_t missing_count() const { return missing_.size(); }
  const NackStats& stats() const { return stats_; }

private:
  struct Entry {
    Clock::TimePoint detected;
    std::optional<Clock::TimePoint> last_sent;
    int retries = 0;
  };

  // Unwraps without moving the unwrapper's reference (for a query, not an arrival).
  std::int64_t unwrap_relative(std::uint16_t sequence_number) const;
  void add_missing(std::int64_t from, std::int64_t to);
  void give_up(std::map<std::int64_t, Entry>::iterator it);
  bool ready_for_first_request(std::int64_t seq, const Entry& entry, Clock::TimePoint now) const;

  const Clock& clock_;
  NackConfig config_;
  NackStats stats_;
  Clock::Duration rtt_;
  SequenceUnwrapper unwrapper_;
  std::optional<std::int64_t> newest_;
  std::map<std::int64_t, Entry> missing_;
  bool keyframe_needed_ = false;
};

}  // namespace presentd::media
