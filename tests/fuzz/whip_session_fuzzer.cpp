// SPDX-License-Identifier: Apache-2.0
// Fuzzes an offer through the path a WHIP POST takes behind the HTTP rules: the WHIP adapter
// (parse, ETags, refusals as HTTP) → SessionManager (admission) → Session (trial answer, ICE agent, DTLS transport,
// gathering) → the answer, then a PATCH (trickle or ICE restart) and the DELETE. The input is the offer text,
// optionally followed by a NUL byte and the PATCH body (an sdpfrag). The drive and its checks:
// offer_path_fuzz.hpp.
#include "app/session_status.hpp"
#include "offer_path_fuzz.hpp"
#include "presentd/session/session_manager.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace presentd;
  static fuzz::OfferWorld world;
  session::SessionSettings settings;
  settings.ice.local_addresses = {"127.0.0.1"};
  settings.gathering_timeout = std::chrono::milliseconds(1);
  {
    session::SessionManager manager(world.io, world.pump, world.identity, settings, session::AdmissionSettings{});
    manager.set_metrics(&world.metrics);
    app::WhipSessionAdapter whip(manager, &world.metrics);
    fuzz::drive_offer(world, whip, std::string(reinterpret_cast<const char*>(data), size),
                      [&] { (void)app::sessions_status(manager, true).dump(); });
    world.settle();
    if (manager.session_count() != 0) std::abort();
  }
  world.settle();
  return 0;
}
