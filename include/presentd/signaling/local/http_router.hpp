// SPDX-License-Identifier: Apache-2.0
#pragma once
// Maps method + path to handlers. Exact paths win over prefixes; a known path with the wrong
// method answers 405 with Allow, an unknown one 404.
// Thread: event loop.
#include <functional>
#include <string>
#include <vector>

#include "presentd/signaling/local/http_types.hpp"

namespace presentd::signaling {

class HttpRouter {
public:
  void add(http::verb method, std::string path, Handler handler);
  // Matches `prefix` and everything below it ("/static/" matches "/static/a.css").
  void add_prefix(http::verb method, std::string prefix, Handler handler);

  void dispatch(const Request& request, const RequestContext& context, Responder respond) const;

  // Told the status code of every response the HTTPS server writes, routed or not (metrics).
  void set_response_observer(std::function<void(unsigned status)> observer) {
    response_observer_ = std::move(observer);
  }
  void note_response(unsigned status) const {
    if (response_observer_) response_observer_(status);
  }

private:
  struct Route {
    http::verb method;
    std::string path;
    bool is_prefix;
    Handler handler;
  };
  std::vector<Route> routes_;
  std::function<void(unsigned)> response_observer_;
};

// The path part of a request target ("/a/b?x=1" → "/a/b").
std::string_view target_path(std::string_view target);

}  // namespace presentd::signaling
