// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the whole-path fuzzers of an offer share (whip_session_fuzzer: a presenter's offer through
// the WHIP adapter into SessionManager; whep_session_fuzzer: a viewer's offer through the same
// adapter into ViewerHub): the world without network I/O, and the drive from an input (the offer,
// optionally a NUL byte and a PATCH body) through POST, PATCH and DELETE with the checks:
// every offer gets exactly one result; a refusal is a 4xx/5xx with a reason; an answer parses as
// SDP and its session exists with its ETag; an ICE restart's answer parses as an sdpfrag; the
// status serializes; the DELETE ends the session.
//
// No network I/O: the ICE agents gather on 127.0.0.1 only, and their GLib context is never
// pumped while a session lives (the pump is never started), so libnice sends no connectivity
// check; the session answers when its gathering timeout fires. After the DELETE the context is
// iterated once more so libnice closes the agent's sockets.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include <glib.h>
#include <boost/asio/io_context.hpp>

#include "app/whip_session_adapter.hpp"
#include "presentd/common/log.hpp"
#include "presentd/crypto/certificate.hpp"
#include "presentd/ice/glib_context_pump.hpp"
#include "presentd/metrics/registry.hpp"
#include "presentd/sdp/sdp_fragment.hpp"
#include "presentd/sdp/sdp_parser.hpp"
#include "presentd/session/session_metrics.hpp"

namespace presentd::fuzz {

struct OfferWorld {
  OfferWorld() { log::set_level(log::Level::error); }
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

inline void check_failure(const signaling::WhipFailure& failure) {
  const auto status = static_cast<unsigned>(failure.status);
  if (status < 400 || status > 599 || failure.reason.empty()) std::abort();
}

// POST, PATCH (when the input has one) and DELETE of one offer through `adapter`; `status` makes
// the status document of the port's sessions (it must serialize).
inline void drive_offer(OfferWorld& world, app::WhipSessionAdapter& adapter, const std::string& input,
                        const std::function<void()>& status) {
  const auto split = input.find('\0');
  const std::string offer = input.substr(0, split);
  const std::optional<std::string> patch =
      split == std::string::npos ? std::nullopt : std::optional<std::string>(input.substr(split + 1));
  signaling::RequestContext context;
  context.remote = {boost::asio::ip::make_address("192.0.2.1"), 40000};
  int results = 0;
  std::optional<signaling::WhipCreateResult> result;
  adapter.create_session(offer, context, [&](signaling::WhipCreateResult r) {
    ++results;
    result = std::move(r);
  });
  world.run_until([&] { return result.has_value(); });
  if (results != 1) std::abort();
  status();
  if (const auto* failure = std::get_if<signaling::WhipFailure>(&*result)) return check_failure(*failure);
  const auto& answer = std::get<signaling::WhipAnswer>(*result);
  if (!sdp::parse_sdp(answer.sdp) || answer.etag.empty() || adapter.session_etag(answer.session_id) != answer.etag) {
    std::abort();
  }
  if (patch) {
    const auto patched = adapter.patch_session(answer.session_id, *patch);
    if (const auto* refused = std::get_if<signaling::WhipFailure>(&patched)) {
      check_failure(*refused);
    } else if (const auto& outcome = std::get<signaling::WhipPatchOutcome>(patched); outcome.ice_restart) {
      if (!sdp::parse_sdp_fragment(outcome.sdpfrag) || outcome.etag == answer.etag) std::abort();
    }
    status();
  }
  if (!adapter.delete_session(answer.session_id)) std::abort();
}

}  // namespace presentd::fuzz
