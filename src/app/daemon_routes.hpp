// SPDX-License-Identifier: Apache-2.0
#pragma once
// The daemon's own routes on the HTTPS router: the status API, the metrics, the /join/<ID>
// redirect and the presenter page (static files, the catch-all under "/"), and the response
// observer that counts every answer. The endpoints of other modules (WHIP, event channel,
// join, admin) register themselves. The daemon registers these once at start; the HTTP fuzzer
// (tests/fuzz/http_api_fuzzer.cpp) registers the same ones.
// Thread: event loop.
#include <functional>
#include <string>

#include "presentd/metrics/registry.hpp"
#include "presentd/signaling/local/http_router.hpp"
#include "presentd/signaling/local/static_files.hpp"

namespace presentd::app {

struct DaemonRoutes {
  // GET /api/v1/status: the public document's text (app/status_report.hpp); the daemon caches it.
  std::function<std::string()> status;
  // GET /metrics: everything registered there, at scrape time. Must outlive the router.
  metrics::Registry* metrics = nullptr;
  // The presenter page; read per request, since a reload replaces the files.
  std::function<const signaling::StaticFiles&()> static_files;
  // This box's HTTPS port, for /join/<ID> redirects; read per request (reload).
  std::function<unsigned short()> https_port;
  // Every status code the server writes, routed or not.
  std::function<void(unsigned status)> on_response;
};

void register_daemon_routes(signaling::HttpRouter& router, DaemonRoutes routes);

}  // namespace presentd::app
