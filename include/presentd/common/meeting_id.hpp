// SPDX-License-Identifier: Apache-2.0
#pragma once
// The 10-digit meeting ID: the box's IPv4 address, reversibly scrambled and printed as ten
// decimal digits, so a person can type it on a network where discovery does not reach.
//
// The scrambling is an 8-round Feistel permutation of the 32-bit address with a fixed, public
// key. It is obfuscation (IDs of neighbouring boxes do not look alike and do not read as an
// address), not secrecy: anyone with this source can decode an ID.
//
// Thread: any (pure functions), except primary_ipv4_address which reads the interface list.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace presentd::common {

// Exactly 10 digits, zero-padded ("0000000000".."4294967295").
inline constexpr std::size_t kMeetingIdDigits = 10;

// Host-order IPv4 address (e.g. 0x0A000001 for 10.0.0.1) → 10-digit meeting ID.
[[nodiscard]] std::string encode_meeting_id(std::uint32_t ipv4_host_order);

// The inverse. Accepts exactly 10 ASCII digits whose value is < 2^32; nullopt otherwise.
[[nodiscard]] std::optional<std::uint32_t> decode_meeting_id(std::string_view digits);

// The 32-bit permutation itself, exposed for tests.
[[nodiscard]] std::uint32_t scramble_ipv4(std::uint32_t value);
[[nodiscard]] std::uint32_t unscramble_ipv4(std::uint32_t value);

// The box's primary IPv4 address (host order): the first address of the interface that
// carries the IPv4 default route, else the first up, non-loopback interface with an IPv4
// address. `interface` (optional out) receives its name. nullopt when there is none.
[[nodiscard]] std::optional<std::uint32_t> primary_ipv4_address(std::string* interface = nullptr);

// The address the meeting ID should encode for a listener bound to `bind_address`: that
// address when it is a specific IPv4 address, else primary_ipv4_address().
[[nodiscard]] std::optional<std::uint32_t> advertised_ipv4_address(const std::string& bind_address);

// "10.0.0.1" form of a host-order address, for logs.
[[nodiscard]] std::string ipv4_to_string(std::uint32_t ipv4_host_order);

}  // namespace presentd::common
