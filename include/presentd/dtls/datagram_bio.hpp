// SPDX-License-Identifier: Apache-2.0
#pragma once
// A BIO that keeps DTLS datagram boundaries on both sides, so OpenSSL can be driven from the
// event loop without a socket of its own.
//
// Why not BIO_s_mem: a memory BIO is a byte stream. Two records OpenSSL writes back to back would
// come out as one blob, and the owner could not tell where one datagram ends (BIO_s_dgram_pair,
// which keeps boundaries, arrives only in OpenSSL 3.2; Debian 12 has 3.0). OpenSSL's DTLS code
// issues one BIO_write per record it sends and sizes each to the MTU, so a BIO that turns every
// write into one outgoing datagram is exactly right. On the read side, one read returns at most
// one received datagram, as recvfrom() on a UDP socket would.
//
// Thread: the event loop (whichever thread owns the SSL object).
#include <cstdint>
#include <span>
#include <vector>

#include "presentd/crypto/openssl_handles.hpp"

namespace presentd::dtls {

// Shared between the BIO and its owner; must outlive the BIO.
struct DatagramBioState {
  // The datagram OpenSSL may read next; the first read consumes it (a smaller read buffer
  // truncates it, like a UDP socket). Empty: reads report "retry", i.e. SSL_ERROR_WANT_READ.
  std::span<const std::uint8_t> input;
  // Datagrams OpenSSL wrote since the owner last took them, in order.
  std::vector<std::vector<std::uint8_t>> output;
};

// A new BIO over `state` (one reference, to hand to SSL_set_bio(ssl, bio, bio)).
// Throws crypto::CryptoError if OpenSSL cannot allocate it.
crypto::BioPtr make_datagram_bio(DatagramBioState& state);

}  // namespace presentd::dtls
