// SPDX-License-Identifier: Apache-2.0
#include "app/daemon_routes.hpp"

#include "presentd/metrics/text_exposition.hpp"
#include "presentd/signaling/local/join_redirect.hpp"

namespace presentd::app {

void register_daemon_routes(signaling::HttpRouter& router, DaemonRoutes routes) {
  router.set_response_observer(std::move(routes.on_response));
  router.add(signaling::http::verb::get, "/api/v1/status",
             [status = std::move(routes.status)](const signaling::Request& request, const signaling::RequestContext&,
                                                 const signaling::Responder& respond) {
               respond(signaling::make_response(request, signaling::http::status::ok, status(), "application/json"));
             });
  router.add(signaling::http::verb::get, "/metrics",
             [metrics = routes.metrics](const signaling::Request& request, const signaling::RequestContext&,
                                        const signaling::Responder& respond) {
               respond(signaling::make_response(request, signaling::http::status::ok,
                                                metrics::write_text_exposition(*metrics), metrics::kTextContentType));
             });
  signaling::register_join_redirect(router, std::move(routes.https_port));
  router.add_prefix(signaling::http::verb::get, "/",
                    [files = std::move(routes.static_files)](
                        const signaling::Request& request, const signaling::RequestContext& context,
                        const signaling::Responder& respond) { files().handle(request, context, respond); });
}

}  // namespace presentd::app
