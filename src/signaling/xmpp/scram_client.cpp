// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/xmpp/scram_client.hpp"

#include <gsasl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <memory>

namespace presentd::xmpp {
namespace {

constexpr std::size_t kNonceBytes = 18;

struct GsaslFree {
  void operator()(char* p) const { gsasl_free(p); }
};
using GsaslString = std::unique_ptr<char, GsaslFree>;

Gsasl_hash gsasl_hash(ScramHash hash) { return hash == ScramHash::sha1 ? GSASL_HASH_SHA1 : GSASL_HASH_SHA256; }

std::string hmac(ScramHash hash, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(hash == ScramHash::sha1 ? EVP_sha1() : EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &length);
  return std::string(reinterpret_cast<const char*>(out), length);
}

std::optional<std::string> saslprep(const std::string& in) {
  char* out = nullptr;
  if (gsasl_saslprep(in.c_str(), GSASL_ALLOW_UNASSIGNED, &out, nullptr) != GSASL_OK) return std::nullopt;
  GsaslString owner(out);
  return std::string(out);
}

// RFC 5802 §5.1: ',' and '=' in a username are sent as "=2C" and "=3D".
std::string escape_username(std::string_view name) {
  std::string out;
  for (const char c : name) {
    if (c == ',') {
      out += "=2C";
    } else if (c == '=') {
      out += "=3D";
    } else {
      out += c;
    }
  }
  return out;
}

// The value of attribute `key` in a "k=v,k=v" message; nullopt when absent.
std::optional<std::string_view> attribute(std::string_view message, char key) {
  std::size_t start = 0;
  while (start < message.size()) {
    const auto end = std::min(message.find(',', start), message.size());
    const auto part = message.substr(start, end - start);
    if (part.size() >= 2 && part[0] == key && part[1] == '=') return part.substr(2);
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  char* out = nullptr;
  if (gsasl_base64_to(bytes.data(), bytes.size(), &out, nullptr) != GSASL_OK) return {};
  GsaslString owner(out);
  return std::string(out);
}

std::optional<std::string> base64_decode(std::string_view text) {
  char* out = nullptr;
  std::size_t length = 0;
  if (gsasl_base64_from(text.data(), text.size(), &out, &length) != GSASL_OK) return std::nullopt;
  GsaslString owner(out);
  return std::string(out, length);
}

std::string_view ScramClient::mechanism_name(ScramHash hash) {
  return hash == ScramHash::sha1 ? "SCRAM-SHA-1" : "SCRAM-SHA-256";
}

ScramClient::ScramClient(ScramHash hash, std::string username, std::string password, std::string client_nonce)
    : hash_(hash),
      username_(std::move(username)),
      password_(std::move(password)),
      client_nonce_(std::move(client_nonce)) {
  if (client_nonce_.empty()) {
    char random[kNonceBytes];
    if (gsasl_nonce(random, sizeof(random)) == GSASL_OK)
      client_nonce_ = base64_encode(std::string_view(random, sizeof(random)));
  }
}

ScramClient::~ScramClient() {
  OPENSSL_cleanse(password_.data(), password_.size());
  OPENSSL_cleanse(salted_.bytes.data(), salted_.bytes.size());
}

void ScramClient::use_salted_password(SaltedPassword cached) { salted_ = std::move(cached); }

ScramClient::Step ScramClient::client_first() {
  if (client_nonce_.empty()) return {{}, "no random nonce available"};
  const auto prepared = saslprep(username_);
  if (!prepared || prepared->empty()) return {{}, "the account name is not valid for SASLprep (RFC 4013)"};
  client_first_bare_ = "n=" + escape_username(*prepared) + ",r=" + client_nonce_;
  return {"n,," + client_first_bare_, {}};
}

ScramClient::Step ScramClient::client_final(std::string_view server_first) {
  if (client_first_bare_.empty()) return {{}, "SCRAM: server-first before client-first"};
  // RFC 5802 §5.1: a mandatory extension (m=) we do not know means we must stop.
  if (server_first.starts_with("m=")) return {{}, "SCRAM: the server requires an unknown extension"};
  const auto nonce = attribute(server_first, 'r');
  const auto salt = attribute(server_first, 's');
  const auto iterations_text = attribute(server_first, 'i');
  if (!nonce || !salt || !iterations_text) return {{}, "SCRAM: malformed server-first message"};
  if (!nonce->starts_with(client_nonce_) || nonce->size() == client_nonce_.size()) {
    return {{}, "SCRAM: the server's nonce does not extend ours"};
  }
  unsigned iterations = 0;
  const auto parsed =
      std::from_chars(iterations_text->data(), iterations_text->data() + iterations_text->size(), iterations);
  if (parsed.ec != std::errc() || parsed.ptr != iterations_text->data() + iterations_text->size() || iterations == 0) {
    return {{}, "SCRAM: bad iteration count"};
  }
  if (iterations > kMaxScramIterations) {
    return {{},
            "SCRAM: iteration count " + std::to_string(iterations) + " above the limit of " +
                std::to_string(kMaxScramIterations)};
  }
  const auto salt_bytes = base64_decode(*salt);
  if (!salt_bytes || salt_bytes->empty()) return {{}, "SCRAM: bad salt"};

  const std::size_t length = gsasl_hash_length(gsasl_hash(hash_));
  char client_key[GSASL_HASH_MAX_SIZE];
  char server_key[GSASL_HASH_MAX_SIZE];
  char stored_key[GSASL_HASH_MAX_SIZE];
  int rc = GSASL_OK;
  if (salted_.salt_b64 == *salt && salted_.iterations == iterations && salted_.bytes.size() == length) {
    rc = gsasl_scram_secrets_from_salted_password(gsasl_hash(hash_), salted_.bytes.data(), client_key, server_key,
                                                  stored_key);
  } else {
    char salted[GSASL_HASH_MAX_SIZE];
    rc = gsasl_scram_secrets_from_password(gsasl_hash(hash_), password_.c_str(), iterations, salt_bytes->data(),
                                           salt_bytes->size(), salted, client_key, server_key, stored_key);
    salted_ = {std::string(*salt), iterations, std::string(salted, length)};
    OPENSSL_cleanse(salted, sizeof(salted));
  }
  if (rc != GSASL_OK) return {{}, std::string("SCRAM: key derivation failed: ") + gsasl_strerror(rc)};

  const std::string without_proof = "c=biws,r=" + std::string(*nonce);
  const std::string auth_message = client_first_bare_ + "," + std::string(server_first) + "," + without_proof;
  std::string proof = hmac(hash_, std::string_view(stored_key, length), auth_message);
  for (std::size_t i = 0; i < length; ++i) proof[i] = static_cast<char>(proof[i] ^ client_key[i]);
  server_signature_ = hmac(hash_, std::string_view(server_key, length), auth_message);
  OPENSSL_cleanse(client_key, sizeof(client_key));
  OPENSSL_cleanse(stored_key, sizeof(stored_key));
  OPENSSL_cleanse(server_key, sizeof(server_key));
  return {without_proof + ",p=" + base64_encode(proof), {}};
}

ScramClient::Step ScramClient::verify_server_final(std::string_view server_final) {
  if (server_signature_.empty()) return {{}, "SCRAM: server-final before client-final"};
  if (const auto error = attribute(server_final, 'e')) return {{}, "SCRAM: the server says " + std::string(*error)};
  const auto verifier = attribute(server_final, 'v');
  const auto signature = verifier ? base64_decode(*verifier) : std::nullopt;
  if (!signature || signature->size() != server_signature_.size() ||
      CRYPTO_memcmp(signature->data(), server_signature_.data(), signature->size()) != 0) {
    return {{}, "SCRAM: the server did not prove it knows the password (wrong ServerSignature)"};
  }
  return {};
}

}  // namespace presentd::xmpp
