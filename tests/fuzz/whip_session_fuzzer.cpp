// SPDX-License-Identifier: Apache-2.0
// Fuzzes an offer through the path a WHIP POST takes behind the HTTP rules: the WHIP adapter
// (parse, ETags, refusals as HTTP) → SessionManager (admission) → Session (trial answer, ICE agent, DTLS transport,
// gathering) → the answer, then a PATCH (trickle or ICE restart) and the DELETE. The input is the offer text,
// optionally followed by a NUL byte and the PATCH body (an sdpfrag).
//
// No network I/O: the ICE agents gather on 127.0.0.1 only, and their GLib context is never
// pumped while a session lives (the pump is never started), so libnice sends no connectivity
// check; the session answers when its gathering timeout fires. After the DELETE the context is
// iterated once more so libnice closes the agent's sockets.
//
// Checked: every offer gets exactly one result; a refusal is a 4xx/5xx with a reason; an
// answer parses as SDP and its session exists with its ETag; an ICE restart's answer parses as
// an sdpfrag; the status document (GET /api/v1/status) serializes; the DELETE ends the session.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <variant>

#include <glib.h>
#include <boost/asio/io_context.hpp>

#include "app/session_status.hpp"
#include "app/whip_session_adapter.hpp"
#include "presentd/common/log.hpp"
#include "presentd/crypto/certificate.hpp"
#include "presentd/ice/glib_context_pump.hpp"
#include "presentd/metrics/registry.hpp"
#include "presentd/sdp/sdp_fragment.hpp"
#include "presentd/sdp/sdp_parser.hpp"
#include "presentd/session/session_manager.hpp"
#include "presentd/session/session_metrics.hpp"

namespace {
using namespace presentd;

struct World {
  World() { log::set_level(log::Level::error); }
  boost::asio::io_context io;
  GMainContext* context = g_main_context_new();
  ice::GlibContextPump pump{io, context};  // never started: libnice never runs while a session lives
  std::shared_ptr<const crypto::Identity> identity = std::make_shared<const crypto::Identity>(
      crypto::generate_self_signed(crypto::KeyType::ecdsa_p256, {"presentd-fuzz"}, std::chrono::hours(24)));
  metrics::Registry registry;
  session::SessionMetrics metrics{registry};

  // Runs the loop until `done` or, as a bug, a second of nothing happening.
  template <class Predicate>
  void run_until(Predicate done) {
    while (!done()) {
      io.restart();
      if (io.run_one_for(std::chrono::seconds(1)) == 0) std::abort();
    }
  }
  void settle() {
    io.restart();
    io.poll();
    while (g_main_context_iteration(context, FALSE)) {
    }
  }
};

void check_failure(const signaling::WhipFailure& failure) {
  const auto status = static_cast<unsigned>(failure.status);
  if (status < 400 || status > 599 || failure.reason.empty()) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find('\0');
  const std::string offer = input.substr(0, split);
  const std::optional<std::string> patch =
      split == std::string::npos ? std::nullopt : std::optional<std::string>(input.substr(split + 1));

  session::SessionSettings settings;
  settings.ice.local_addresses = {"127.0.0.1"};
  settings.gathering_timeout = std::chrono::milliseconds(1);
  {
    session::SessionManager manager(world.io, world.pump, world.identity, settings, session::AdmissionSettings{});
    manager.set_metrics(&world.metrics);
    app::WhipSessionAdapter whip(manager, &world.metrics);
    signaling::RequestContext context;
    context.remote = {boost::asio::ip::make_address("192.0.2.1"), 40000};
    int results = 0;
    std::optional<signaling::WhipCreateResult> result;
    whip.create_session(offer, context, [&](signaling::WhipCreateResult r) {
      ++results;
      result = std::move(r);
    });
    world.run_until([&] { return result.has_value(); });
    if (results != 1) std::abort();
    (void)app::sessions_status(manager, true).dump();

    if (const auto* failure = std::get_if<signaling::WhipFailure>(&*result)) {
      check_failure(*failure);
    } else {
      const auto& answer = std::get<signaling::WhipAnswer>(*result);
      if (!sdp::parse_sdp(answer.sdp) || answer.etag.empty() || whip.session_etag(answer.session_id) != answer.etag) {
        std::abort();
      }
      if (patch) {
        const auto patched = whip.patch_session(answer.session_id, *patch);
        if (const auto* refused = std::get_if<signaling::WhipFailure>(&patched)) {
          check_failure(*refused);
        } else if (const auto& outcome = std::get<signaling::WhipPatchOutcome>(patched); outcome.ice_restart) {
          if (!sdp::parse_sdp_fragment(outcome.sdpfrag) || outcome.etag == answer.etag) std::abort();
        }
        (void)app::sessions_status(manager, true).dump();
      }
      if (!whip.delete_session(answer.session_id)) std::abort();
    }
    world.settle();
    if (manager.session_count() != 0) std::abort();
  }
  world.settle();
  return 0;
}
