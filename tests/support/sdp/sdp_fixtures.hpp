// SPDX-License-Identifier: Apache-2.0
#pragma once
// Loads the captured offers of tests/vectors/sdp (see the README there) for the SDP tests.
#include <fstream>
#include <sstream>
#include <string>

namespace presentd::sdp::testing {

inline std::string read_vector(const std::string& name) {
  std::ifstream in(std::string(PRESENTD_SOURCE_DIR) + "/tests/vectors/sdp/" + name, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline const char* const kChromium = "chromium_156_vp8_opus_datachannel.sdp";
inline const char* const kGstVp8 = "gstreamer_1_22_vp8_opus.sdp";
inline const char* const kGstH264 = "gstreamer_1_22_h264.sdp";
inline const char* const kAiortc = "aiortc_1_4_vp8_h264_opus.sdp";
inline const char* const kFirefox = "firefox_esr_153_vp8_vp9_opus_datachannel.sdp";
// Firefox's fake camera over WHIP, captured by the integration test's sender (host candidates).
inline const char* const kFirefoxWhip = "firefox_esr_153_camera_whip.sdp";
inline const char* const kObs = "obs_like_handwritten_h264_opus.sdp";

// A small valid offer that the malformed-input tests edit one line of. Its fingerprint has the
// length of a SHA-256 digest: the answer builder takes only fingerprints the DTLS layer can check.
inline const char* const kMinimalOffer =
    "v=0\r\n"
    "o=- 1 1 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE 0\r\n"
    "a=fingerprint:sha-256 "
    "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=mid:0\r\n"
    "a=ice-ufrag:abcd\r\n"
    "a=ice-pwd:abcdefghijklmnopqrstuv\r\n"
    "a=setup:actpass\r\n"
    "a=sendonly\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:96 VP8/90000\r\n";

}  // namespace presentd::sdp::testing
