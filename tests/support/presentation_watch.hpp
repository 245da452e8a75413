// SPDX-License-Identifier: Apache-2.0
#pragma once
// Watches a presentation from the outside while a test abuses the box: a thread reads a frame
// counter (usually the presenter's frames_decoded from the status API) every 200 ms and records
// how long it was seen standing still. A standstill is measured between readings that returned
// the same count, so a slow reading (a loaded machine, a TLS handshake that took a second) never
// counts as a gap as long as the count moved meanwhile. A failed reading (the status API did not
// answer: e.g. every HTTPS slot taken by a flood) tells nothing about the frames: it is counted,
// and the longest time without a successful reading is reported as `longest_blind`.
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace presentd::test {

struct PresentationWatchResult {
  std::chrono::milliseconds longest_standstill{0};
  std::chrono::milliseconds longest_blind{0};  // between two successful readings
  int readings = 0;                            // successful readings
  int failed_readings = 0;                     // the counter could not be read (no answer, no such session)
  long first = 0, last = 0;                    // the first and the last count read
};

class PresentationWatch {
public:
  // `read_frames`: the counter now, nullopt when it cannot be read. Called on the watch's thread.
  explicit PresentationWatch(std::function<std::optional<long>()> read_frames);
  ~PresentationWatch();
  PresentationWatch(const PresentationWatch&) = delete;
  PresentationWatch& operator=(const PresentationWatch&) = delete;

  // Stops the thread (idempotent) and returns what it saw.
  PresentationWatchResult stop();

private:
  void run();

  std::function<std::optional<long>()> read_frames_;
  std::mutex mutex_;
  bool stopping_ = false;
  PresentationWatchResult result_;
  std::thread thread_;
};

// VmRSS of process `pid` in KiB (0 when unreadable).
long resident_kib(int pid);
// How many descriptors process `pid` holds open (-1 when unreadable).
int open_descriptors(int pid);

}  // namespace presentd::test
