// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/local/http_router.hpp"

#include <algorithm>

namespace presentd::signaling {

std::string_view target_path(std::string_view target) { return target.substr(0, target.find('?')); }

void HttpRouter::add(http::verb method, std::string path, Handler handler) {
  routes_.push_back(Route{method, std::move(path), false, std::move(handler)});
}

void HttpRouter::add_prefix(http::verb method, std::string prefix, Handler handler) {
  routes_.push_back(Route{method, std::move(prefix), true, std::move(handler)});
}

void HttpRouter::dispatch(const Request& request, const RequestContext& context, Responder respond) const {
  const auto path = target_path(request.target());
  const auto matches = [&](const Route& route) {
    return route.is_prefix ? path.starts_with(route.path) : path == route.path;
  };
  // HEAD is answered by the GET handler; Beast drops the body for HEAD responses.
  const auto method = request.method() == http::verb::head ? http::verb::get : request.method();
  const Route* best = nullptr;
  std::string allowed;
  for (const auto& route : routes_) {
    if (!matches(route)) continue;
    if (route.method != method) {
      allowed += (allowed.empty() ? "" : ", ") + std::string(http::to_string(route.method));
      continue;
    }
    // Exact routes beat prefixes, longer prefixes beat shorter ones.
    if (best == nullptr || (!route.is_prefix && best->is_prefix) ||
        (route.is_prefix == best->is_prefix && route.path.size() > best->path.size())) {
      best = &route;
    }
  }
  if (best != nullptr) return best->handler(request, context, std::move(respond));
  if (!allowed.empty()) {
    auto response = make_error(request, http::status::method_not_allowed, "method not allowed");
    response.set(http::field::allow, allowed);
    return respond(std::move(response));
  }
  respond(make_error(request, http::status::not_found, "not found"));
}

}  // namespace presentd::signaling
