// SPDX-License-Identifier: Apache-2.0
// Fuzzes a viewer's offer through the path a WHEP POST takes behind the HTTP rules (issue 15): the
// WHIP adapter, which serves WHEP too → ViewerHub (the cap) → ViewerSession (the viewer answer,
// ICE agent, DTLS transport, gathering) → the answer, then a PATCH (trickle or ICE restart) and the
// DELETE, with a presenter on screen whose streams the hub pairs with the viewer's m-lines. The
// input is the offer text, optionally followed by a NUL byte and the PATCH body (an sdpfrag). The
// drive and its checks: offer_path_fuzz.hpp.
#include "app/viewer_status.hpp"
#include "offer_path_fuzz.hpp"
#include "presentd/session/viewer_hub.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace presentd;
  static fuzz::OfferWorld world;
  session::ViewerHubSettings settings;
  settings.viewer.ice.local_addresses = {"127.0.0.1"};
  settings.viewer.gathering_timeout = std::chrono::milliseconds(1);
  {
    session::ViewerHub hub(world.io, world.pump, world.identity, settings, [](const std::string&, std::size_t) {});
    // A presenter on screen: VP8 and H.264 video, Opus sound, SSRCs known.
    session::PresenterStream video;
    video.ssrc = 0x1111;
    video.codecs = {{96, rtp::PayloadFormat::vp8, ""},
                    {102, rtp::PayloadFormat::h264, "packetization-mode=1;profile-level-id=42e01f"}};
    session::PresenterStream audio;
    audio.video = false;
    audio.ssrc = 0x2222;
    audio.codecs = {{111, rtp::PayloadFormat::opus, ""}};
    hub.presenter_joined("presenter", "Ann", {video, audio});
    app::WhipSessionAdapter whep(hub, nullptr);
    fuzz::drive_offer(world, whep, std::string(reinterpret_cast<const char*>(data), size), [&] {
      (void)app::viewers_status(hub, true).dump();
      (void)app::viewers_status_key(hub);
    });
    world.settle();
    hub.stop("the fuzz input ended");
    world.settle();
    if (hub.viewer_count() != 0) std::abort();
  }
  world.settle();
  return 0;
}
