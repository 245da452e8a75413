// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/local/connection_slots.hpp"

#include <algorithm>

namespace presentd::signaling {

void ConnectionSlots::set_limits(SlotLimits limits) {
  max_total_ = std::max<std::size_t>(limits.max_total, 2);
  // One slot in sixteen (at least two) for sources holding none: 8 of the default 128.
  reserved_ = std::clamp<std::size_t>(max_total_ / 16, 2, max_total_ / 2);
  max_per_address_ = std::clamp<std::size_t>(limits.max_per_address, 1, max_total_ - reserved_);
}

std::size_t ConnectionSlots::held_by(const std::string& key) const {
  const auto it = per_key_.find(key);
  return it == per_key_.end() ? 0 : it->second;
}

std::optional<ConnectionSlots::Id> ConnectionSlots::longest_idle(const std::string* key) const {
  std::optional<Id> best;
  std::uint64_t best_since = 0;
  for (const auto& [id, slot] : slots_) {
    if (!slot.idle_since || (key != nullptr && slot.key != *key)) continue;
    if (!best || *slot.idle_since < best_since) {
      best = id;
      best_since = *slot.idle_since;
    }
  }
  return best;
}

ConnectionSlots::Admission ConnectionSlots::admit(const std::string& key) {
  Admission admission;
  const std::size_t held = held_by(key);
  if (held >= max_per_address_) {
    // The source's own idle connection makes room; never another source's.
    admission.evicted = longest_idle(&key);
    if (!admission.evicted) {
      admission.verdict = Verdict::refused_per_address;
      return admission;
    }
  } else {
    const std::size_t usable = held == 0 ? max_total_ : max_total_ - reserved_;
    if (slots_.size() >= usable) {
      admission.evicted = longest_idle(nullptr);
      if (!admission.evicted) return admission;  // refused_full
    }
  }
  if (admission.evicted) drop(*admission.evicted);
  admission.verdict = Verdict::admitted;
  admission.id = next_id_++;
  slots_.emplace(admission.id, Slot{key, std::nullopt});
  ++per_key_[key];
  return admission;
}

void ConnectionSlots::set_idle(Id id, bool idle) {
  const auto it = slots_.find(id);
  if (it == slots_.end()) return;
  if (!idle) {
    it->second.idle_since.reset();
  } else if (!it->second.idle_since) {
    it->second.idle_since = next_idle_++;
  }
}

std::size_t ConnectionSlots::idle() const {
  return static_cast<std::size_t>(
      std::count_if(slots_.begin(), slots_.end(), [](const auto& item) { return item.second.idle_since.has_value(); }));
}

void ConnectionSlots::release(Id id) { drop(id); }

void ConnectionSlots::drop(Id id) {
  const auto it = slots_.find(id);
  if (it == slots_.end()) return;
  const auto key = per_key_.find(it->second.key);
  if (key != per_key_.end() && --key->second == 0) per_key_.erase(key);
  slots_.erase(it);
}

}  // namespace presentd::signaling
