// SPDX-License-Identifier: Apache-2.0
#pragma once
// Who gets one of the HTTPS listener's connection slots. The box serves a room, so no single
// source may hold enough connections to shut everyone else out (docs/protocol.md, "Web
// hardening"):
//
// - a source (net::address_key: an IPv4 address, an IPv6 /64) holds at most `max_per_address`
//   connections; at that cap its own longest-idle connection makes room, or the newcomer is
//   refused;
// - `reserved` of the `max_total` slots are kept for sources that hold none, so many sources
//   trickling requests together still leave a way in for the next presenter;
// - when the slots a newcomer may use are all taken, the connection idle longest (waiting for
//   a request, between keep-alive requests or before the first one) closes to make room: a
//   browser opens a new one when it needs it. Only when no connection is idle is the newcomer
//   refused.
//
// Pure accounting: the listener asks admit() for each accepted socket and closes what it says;
// each connection reports when it waits for a request (idle) and when it ends (release).
// Thread: event loop.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace presentd::signaling {

struct SlotLimits {
  std::size_t max_total = 128;       // /network/max_connections
  std::size_t max_per_address = 16;  // /network/max_connections_per_address
};

class ConnectionSlots {
public:
  using Id = std::uint64_t;
  enum class Verdict { admitted, refused_per_address, refused_full };
  struct Admission {
    Verdict verdict = Verdict::refused_full;
    Id id = 0;                  // the new connection's slot (admitted only)
    std::optional<Id> evicted;  // an idle connection to close now; its slot is already free
  };

  explicit ConnectionSlots(SlotLimits limits = {}) { set_limits(limits); }
  // Connections already admitted stay; the new limits apply to newcomers.
  void set_limits(SlotLimits limits);

  [[nodiscard]] Admission admit(const std::string& key);
  // The connection waits for (true) or is reading or answering (false) a request.
  void set_idle(Id id, bool idle);
  // The connection ended; unknown IDs (already evicted) are ignored.
  void release(Id id);

  std::size_t total() const { return slots_.size(); }
  // Connections waiting for a request (those a newcomer may displace).
  std::size_t idle() const;
  std::size_t held_by(const std::string& key) const;
  std::size_t reserved() const { return reserved_; }
  std::size_t max_per_address() const { return max_per_address_; }
  std::size_t max_total() const { return max_total_; }

private:
  struct Slot {
    std::string key;
    std::optional<std::uint64_t> idle_since;  // a sequence number: lower is idle longer
  };
  // The connection idle longest, of `key` only when given.
  std::optional<Id> longest_idle(const std::string* key) const;
  void drop(Id id);

  std::size_t max_total_ = 0;
  std::size_t max_per_address_ = 0;
  std::size_t reserved_ = 0;
  std::map<Id, Slot> slots_;
  std::map<std::string, std::size_t> per_key_;
  Id next_id_ = 1;
  std::uint64_t next_idle_ = 1;
};

}  // namespace presentd::signaling
