// SPDX-License-Identifier: Apache-2.0
#pragma once
// The DNS-SD TXT record presentd publishes for `_presentd._tcp`, built and checked without
// Avahi so the limits can be tested and enforced at --check-config time.
//
// RFC 6763 §6: the record is a sequence of strings, each one length byte and up to 255 bytes
// of "key=value". Keys are short, printable US-ASCII without '=' (§6.4), compared case-
// insensitively, and `txtvers` comes first (§6.7) so a client can tell the layout apart.
// Values are opaque bytes: nothing is escaped on the wire; the first '=' ends the key.
//
//   +--------+------------------------+--------+------------------ ...
//   | len=9  | t x t v e r s = 1      | len=N  | k e y = v a l u e ...
//   +--------+------------------------+--------+------------------ ...
//
// Thread: any (pure functions).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace presentd::discovery {

inline constexpr std::size_t kMaxTxtStringBytes = 255;   // one length byte per string
inline constexpr std::size_t kMaxServiceNameBytes = 63;  // one DNS label (RFC 6763 §4.1.1)

struct TxtEntry {
  std::string key;
  std::string value;
  // JSON pointer of the configuration key the value comes from ("" when it is fixed), so a
  // value that cannot fit is reported where the admin can change it.
  std::string source_pointer;
  bool operator==(const TxtEntry&) const = default;
};

// What the `_presentd._tcp` TXT record describes.
struct ServiceFacts {
  std::string whip_path = "/whip";
  bool pin_required = true;
  int max_presenters = 4;
  std::string meeting_id;   // 10 digits; empty when the box has no IPv4 address
  std::string cloud_id;     // the cloud meeting ID while the box is online in the cloud, else ""
  std::string fingerprint;  // "AB:CD:..." SHA-256 of the HTTPS certificate
  bool operator==(const ServiceFacts&) const = default;
};

inline constexpr int kTxtVersion = 1;
inline constexpr int kProtocolVersion = 1;
inline constexpr std::string_view kCodecs = "VP8,VP9,H264,Opus";

// The entries in publishing order: txtvers first, then pv, path, pin, max, codecs, mid,
// cid (only when set), fp (only when known).
[[nodiscard]] std::vector<TxtEntry> presentd_txt(const ServiceFacts& facts);

// Why `entry` cannot be published, or nullopt when it can.
[[nodiscard]] std::optional<std::string> txt_entry_problem(const TxtEntry& entry);

// The RFC 6763 §6.1 wire form (length-prefixed strings); nullopt if any entry has a problem.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> encode_txt(const std::vector<TxtEntry>& entries);

// Splits wire-form TXT data back into "key=value" strings; nullopt when a length runs past the
// end. Used by tests and by anyone checking what a record holds.
[[nodiscard]] std::optional<std::vector<std::string>> decode_txt(const std::vector<std::uint8_t>& wire);

}  // namespace presentd::discovery
