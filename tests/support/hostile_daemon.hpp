// SPDX-License-Identifier: Apache-2.0
#pragma once
// The fixture of the hostile-input suite (docs/reliability.md, "Hostile input"): the real daemon
// in the test's network namespace, a GStreamer sender presenting over WHIP, and after each class
// of abuse the checks every class shares: the daemon alive and answering, the presenter's frames
// never standing still over 1 s, RSS and descriptors back within the stated bounds.
//
// Abusers come from addresses of their own: every address of 10.201.0.0/16 is local in the
// namespace (an AnyIP route on lo), so source(i) gives the i-th "host", each with its own
// per-source budgets, as on a real guest network.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/https_client.hpp"
#include "support/namespace_daemon.hpp"
#include "support/presentation_watch.hpp"

namespace presentd::test {

inline const std::string kHostileGoodFingerprint =
    "a=fingerprint:sha-256 "
    "5A:5A:5A:5A:5A:5A:5A:5A:5A:5A:5A:5A:5A:5A:5A:5A:5A:5A:5A:5A:5A:5A:5A:5A:5A:5A:5A:5A:5A:5A:5A:5A\r\n";

// An offer in webrtcbin's shape, its parts replaceable: the session part, the m-line, the
// media attributes (codecs), the fingerprint and the candidates. Its one candidate points at an
// address nobody holds, so a session it creates never connects.
struct HostileOffer {
  std::string session = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n";
  std::string mline = "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n";
  std::string codecs = "a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack pli\r\n";
  std::string fingerprint = kHostileGoodFingerprint;
  std::string candidates = "a=candidate:1 1 UDP 2015363327 10.200.0.77 40000 typ host\r\na=end-of-candidates\r\n";
  std::string extra_media;  // more m-sections after the first

  std::string text() const {
    return session + mline +
           "c=IN IP4 0.0.0.0\r\na=mid:0\r\na=ice-ufrag:Xq3b\r\na=ice-pwd:Wm5ZkPq8rT2vLc9NhY4dFs7J\r\n"
           "a=setup:actpass\r\na=sendonly\r\na=rtcp-mux\r\n" +
           codecs + fingerprint + candidates + extra_media;
  }
};

// How far RSS and descriptors may stay above the baseline taken with the presenter on screen.
struct HostileBounds {
  long rss_kib = 32 * 1024;  // allocator high-water marks and decoder pools settle slowly
  int descriptors = 2;       // e.g. a connection closing as the check runs
};

class HostileInputTest : public NamespaceDaemonTest {
protected:
  static constexpr unsigned short kPort = 8443;
  static constexpr const char* kPin = "2468";

  // Starts the daemon (with `extra_sections`, see NamespaceDaemonOptions), the presenter, waits
  // for its pictures, takes the baseline and starts watching its frames.
  void start_presenting(const std::string& extra_sections = "");
  // Rewrites the configuration with `extra_sections` and reloads it (SIGHUP), waiting until done.
  void reload(const std::string& extra_sections);
  // The shared checks after a class; prints the figures under `what`.
  void expect_unharmed(const std::string& what, HostileBounds bounds = {});
  void TearDown() override;

  std::string source(int index) const;  // an abuser's own address
  std::string url(const std::string& path) const;
  std::filesystem::path certificate() const { return dir_.path() / "state/tls/https-certificate.pem"; }
  HttpResult call(const std::string& method, const std::string& target, const std::string& body = {},
                  const std::map<std::string, std::string>& headers = {});
  nlohmann::json status();
  // The presenter's decoded frames now (nullopt when the status cannot be read or lacks it).
  std::optional<long> presenter_frames();
  const std::string& presenter_id() const { return presenter_id_; }

private:
  std::unique_ptr<ChildProcess> presenter_;
  std::unique_ptr<PresentationWatch> watch_;
  std::string presenter_id_;
  long baseline_rss_kib_ = 0;
  int baseline_descriptors_ = 0;
};

}  // namespace presentd::test
