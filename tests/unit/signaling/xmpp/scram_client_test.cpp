// SPDX-License-Identifier: Apache-2.0
// SCRAM client: the RFC 5802 §5 (SCRAM-SHA-1) and RFC 7677 §3 (SCRAM-SHA-256) exchanges byte
// for byte with the RFCs' fixed client nonces, then real exchanges against GNU SASL's own SCRAM
// server with random nonces, and the ways a server can be wrong.
#include <gsasl.h>
#include <gtest/gtest.h>

#include <memory>

#include "presentd/signaling/xmpp/scram_client.hpp"

namespace presentd::xmpp {
namespace {

struct Vector {
  ScramHash hash;
  const char* nonce;
  const char* client_first;
  const char* server_first;
  const char* client_final;
  const char* server_final;
};

// RFC 5802 §5 and RFC 7677 §3 (user "user", password "pencil").
const Vector kVectors[] = {
    {ScramHash::sha1, "fyko+d2lbbFgONRv9qkxdawL", "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
     "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
     "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
     "v=rmF9pqV8S7suAoZWja4dJRkFsKQ="},
    {ScramHash::sha256, "rOprNGfwEbeRWgbNEkqO", "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
     "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
     "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
     "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="},
};

TEST(ScramClient, ReproducesTheRfcExchanges) {
  for (const auto& v : kVectors) {
    SCOPED_TRACE(ScramClient::mechanism_name(v.hash));
    ScramClient client(v.hash, "user", "pencil", v.nonce);
    const auto first = client.client_first();
    ASSERT_TRUE(first.ok()) << first.error;
    EXPECT_EQ(first.message, v.client_first);
    const auto final_message = client.client_final(v.server_first);
    ASSERT_TRUE(final_message.ok()) << final_message.error;
    EXPECT_EQ(final_message.message, v.client_final);
    EXPECT_TRUE(client.verify_server_final(v.server_final).ok());
  }
}

TEST(ScramClient, CachedSaltedPasswordGivesTheSameProof) {
  const auto& v = kVectors[1];
  ScramClient first(v.hash, "user", "pencil", v.nonce);
  (void)first.client_first();
  ASSERT_TRUE(first.client_final(v.server_first).ok());
  // A wrong password with the right cached SaltedPassword still proves: the cache is used.
  ScramClient second(v.hash, "user", "not-the-password", v.nonce);
  second.use_salted_password(first.salted_password());
  (void)second.client_first();
  EXPECT_EQ(second.client_final(v.server_first).message, v.client_final);
}

TEST(ScramClient, RefusesAWrongServerSignatureAndBadServerMessages) {
  const auto& v = kVectors[0];
  ScramClient client(v.hash, "user", "pencil", v.nonce);
  (void)client.client_first();
  ASSERT_TRUE(client.client_final(v.server_first).ok());
  EXPECT_FALSE(client.verify_server_final("v=AAAAv3Bz2T0CJGbJQyF0X+HI4Ts=").ok());
  EXPECT_FALSE(client.verify_server_final("e=invalid-proof").ok());
  EXPECT_FALSE(client.verify_server_final("garbage").ok());

  const char* bad_server_firsts[] = {
      "r=someoneelse,s=QSXCR+Q6sek8bf92,i=4096",               // nonce does not extend ours
      "r=fyko+d2lbbFgONRv9qkxdawL,s=QSXCR+Q6sek8bf92,i=4096",  // no server part
      "r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=0",
      "r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=99999999",  // would stall the loop
      "r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=12x",
      "r=fyko+d2lbbFgONRv9qkxdawLx,i=4096",
      "m=ext,r=fyko+d2lbbFgONRv9qkxdawLx,s=QSXCR+Q6sek8bf92,i=4096",
      "",
  };
  for (const char* bad : bad_server_firsts) {
    ScramClient fresh(v.hash, "user", "pencil", v.nonce);
    (void)fresh.client_first();
    const auto step = fresh.client_final(bad);
    EXPECT_FALSE(step.ok()) << bad;
    EXPECT_EQ(step.error.find("pencil"), std::string::npos);
  }
}

TEST(ScramClient, EscapesCommaAndEqualsInTheUsername) {
  ScramClient client(ScramHash::sha256, "a,b=c", "pw", "nonce");
  EXPECT_EQ(client.client_first().message, "n,,n=a=2Cb=3Dc,r=nonce");
}

// GNU SASL's server asks for the password through its callback.
int server_callback(Gsasl*, Gsasl_session* session, Gsasl_property property) {
  if (property == GSASL_PASSWORD) return gsasl_property_set(session, GSASL_PASSWORD, "correct horse");
  return GSASL_NO_CALLBACK;
}

struct GsaslServer {
  Gsasl* context = nullptr;
  Gsasl_session* session = nullptr;
  explicit GsaslServer(const char* mechanism) {
    EXPECT_EQ(gsasl_init(&context), GSASL_OK);
    gsasl_callback_set(context, server_callback);
    EXPECT_EQ(gsasl_server_start(context, mechanism, &session), GSASL_OK);
    gsasl_property_set(session, GSASL_AUTHID, nullptr);
  }
  ~GsaslServer() {
    gsasl_finish(session);
    gsasl_done(context);
  }
  // One server step; returns {rc, output}.
  std::pair<int, std::string> step(const std::string& input) {
    char* out = nullptr;
    std::size_t length = 0;
    const int rc = gsasl_step(session, input.data(), input.size(), &out, &length);
    std::string output = out != nullptr ? std::string(out, length) : std::string();
    gsasl_free(out);
    return {rc, output};
  }
};

TEST(ScramClient, AuthenticatesAgainstGnuSaslsServer) {
  for (const auto hash : {ScramHash::sha1, ScramHash::sha256}) {
    for (const char* password : {"correct horse", "wrong horse"}) {
      SCOPED_TRACE(std::string(ScramClient::mechanism_name(hash)) + " " + password);
      GsaslServer server(std::string(ScramClient::mechanism_name(hash)).c_str());
      ScramClient client(hash, "room", password);
      const auto [rc1, server_first] = server.step(client.client_first().message);
      ASSERT_EQ(rc1, GSASL_NEEDS_MORE);
      const auto client_final = client.client_final(server_first);
      ASSERT_TRUE(client_final.ok()) << client_final.error;
      const auto [rc2, server_final] = server.step(client_final.message);
      if (std::string(password) == "correct horse") {
        ASSERT_EQ(rc2, GSASL_OK) << gsasl_strerror(rc2);
        EXPECT_TRUE(client.verify_server_final(server_final).ok());
      } else {
        EXPECT_NE(rc2, GSASL_OK);
      }
    }
  }
}

}  // namespace
}  // namespace presentd::xmpp
