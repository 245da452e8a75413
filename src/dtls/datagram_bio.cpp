// SPDX-License-Identifier: Apache-2.0
#include "presentd/dtls/datagram_bio.hpp"

#include <algorithm>
#include <cstring>

#include "presentd/crypto/openssl_error.hpp"

namespace presentd::dtls {
namespace {

DatagramBioState* state_of(BIO* bio) { return static_cast<DatagramBioState*>(BIO_get_data(bio)); }

int datagram_write(BIO* bio, const char* data, int length) {
  BIO_clear_retry_flags(bio);
  auto* state = state_of(bio);
  if (state == nullptr || data == nullptr || length < 0) return -1;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(data);
  state->output.emplace_back(bytes, bytes + length);
  return length;
}

int datagram_read(BIO* bio, char* buffer, int capacity) {
  BIO_clear_retry_flags(bio);
  auto* state = state_of(bio);
  if (state == nullptr || buffer == nullptr || capacity < 0) return -1;
  if (state->input.empty()) {
    BIO_set_retry_read(bio);
    return -1;
  }
  const auto count = std::min(state->input.size(), static_cast<std::size_t>(capacity));
  std::memcpy(buffer, state->input.data(), count);
  state->input = {};
  return static_cast<int>(count);
}

long datagram_ctrl(BIO* bio, int command, long /*number*/, void* /*pointer*/) {
  switch (command) {
    case BIO_CTRL_FLUSH:  // every write is already "sent"
      return 1;
    case BIO_CTRL_PENDING: {
      const auto* state = state_of(bio);
      return state == nullptr ? 0 : static_cast<long>(state->input.size());
    }
    case BIO_CTRL_WPENDING:  // nothing is held back: the MTU arithmetic must not subtract anything
      return 0;
    case BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT:  // DTLSv1_get_timeout() is the owner's view of the timer
      return 1;
    default:
      // MTU queries, peer addresses, SCTP...: unsupported. The owner sets the MTU explicitly with
      // SSL_OP_NO_QUERY_MTU, and the mtu overhead is 0 because the MTU given is the DTLS payload.
      return 0;
  }
}

int datagram_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

int datagram_destroy(BIO* bio) {
  BIO_set_data(bio, nullptr);
  return 1;
}

// One method table for the process; OpenSSL keeps a pointer to it in every BIO, so it lives until
// exit (a function-local static is initialised once, thread-safely).
const BIO_METHOD* datagram_method() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "presentd datagram");
    if (m == nullptr || BIO_meth_set_write(m, datagram_write) != 1 || BIO_meth_set_read(m, datagram_read) != 1 ||
        BIO_meth_set_ctrl(m, datagram_ctrl) != 1 || BIO_meth_set_create(m, datagram_create) != 1 ||
        BIO_meth_set_destroy(m, datagram_destroy) != 1) {
      crypto::throw_openssl_error("cannot create the DTLS datagram BIO method");
    }
    return m;
  }();
  return method;
}

}  // namespace

crypto::BioPtr make_datagram_bio(DatagramBioState& state) {
  crypto::BioPtr bio(BIO_new(datagram_method()));
  if (!bio) crypto::throw_openssl_error("cannot create a DTLS datagram BIO");
  BIO_set_data(bio.get(), &state);
  return bio;
}

}  // namespace presentd::dtls
