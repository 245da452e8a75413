// SPDX-License-Identifier: Apache-2.0
#pragma once
// Unguessable values from the CSPRNG (OpenSSL RAND_bytes): session IDs, ETags, PINs, SSRCs.
#include <cstdint>
#include <string>

namespace presentd {

// `bytes` random bytes as lower-case hex (2 × bytes characters). Throws if the CSPRNG fails.
std::string random_hex(std::size_t bytes);
// `count` decimal digits, each uniform (rejection sampling, no modulo bias).
std::string random_digits(std::size_t count);
std::uint32_t random_u32();

}  // namespace presentd
