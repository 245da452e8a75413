// SPDX-License-Identifier: Apache-2.0
#include "presentd/discovery/txt_record.hpp"

#include <algorithm>
#include <span>

#include "presentd/common/byte_reader.hpp"

namespace presentd::discovery {

std::vector<TxtEntry> presentd_txt(const ServiceFacts& facts) {
  std::vector<TxtEntry> entries{
      {"txtvers", std::to_string(kTxtVersion), ""},
      {"pv", std::to_string(kProtocolVersion), ""},
      {"path", facts.whip_path, ""},
      {"pin", facts.pin_required ? "1" : "0", "/pin/policy"},
      {"max", std::to_string(facts.max_presenters), "/admission/max_presenters"},
      {"codecs", std::string(kCodecs), ""},
  };
  if (!facts.meeting_id.empty()) entries.push_back({"mid", facts.meeting_id, ""});
  if (!facts.cloud_id.empty()) entries.push_back({"cid", facts.cloud_id, "/cloud/meeting_id"});
  if (!facts.fingerprint.empty()) entries.push_back({"fp", "sha-256 " + facts.fingerprint, "/tls/certificate"});
  return entries;
}

std::optional<std::string> txt_entry_problem(const TxtEntry& entry) {
  if (entry.key.empty()) return "a TXT key must not be empty (RFC 6763 §6.4)";
  // §6.4: printable US-ASCII 0x20..0x7E except '='. Keys of at most 9 bytes are recommended.
  const bool printable = std::all_of(entry.key.begin(), entry.key.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x20 && byte <= 0x7E && c != '=';
  });
  if (!printable) return "TXT key \"" + entry.key + "\" must be printable ASCII without '=' (RFC 6763 §6.4)";
  const std::size_t size = entry.key.size() + 1 + entry.value.size();
  if (size > kMaxTxtStringBytes) {
    return "too long to publish by DNS-SD: the TXT string \"" + entry.key + "=...\" would be " + std::to_string(size) +
           " bytes, at most " + std::to_string(kMaxTxtStringBytes) + " are possible including \"" + entry.key +
           "=\" (RFC 6763 §6.1)";
  }
  return std::nullopt;
}

std::optional<std::vector<std::uint8_t>> encode_txt(const std::vector<TxtEntry>& entries) {
  std::vector<std::uint8_t> wire;
  for (const auto& entry : entries) {
    if (txt_entry_problem(entry)) return std::nullopt;
    const std::string text = entry.key + "=" + entry.value;
    wire.push_back(static_cast<std::uint8_t>(text.size()));
    wire.insert(wire.end(), text.begin(), text.end());
  }
  // §6.1: an empty TXT record is one zero-length string.
  if (wire.empty()) wire.push_back(0);
  return wire;
}

std::optional<std::vector<std::string>> decode_txt(const std::vector<std::uint8_t>& wire) {
  std::vector<std::string> strings;
  ByteReader reader(std::span<const std::uint8_t>(wire.data(), wire.size()));
  while (!reader.empty()) {
    const auto length = reader.u8();
    if (!length) return std::nullopt;
    const auto bytes = reader.bytes(*length);
    if (!bytes) return std::nullopt;
    if (!bytes->empty()) strings.emplace_back(bytes->begin(), bytes->end());
  }
  return strings;
}

}  // namespace presentd::discovery
