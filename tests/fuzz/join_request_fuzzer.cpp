// SPDX-License-Identifier: Apache-2.0
// Fuzzes POST /api/v1/join bodies through the real router and AccessControl: every body gets an
// answer, the answer is JSON, a 200 carries a 32-hex token and anything else an error code.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "presentd/access/join_endpoint.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace presentd;
  namespace http = signaling::http;
  static ManualClock clock;
  static access::AccessControl control(clock, config::PinConfig{config::PinPolicy::fixed, 4, "2468"}, nullptr);
  static access::JoinEndpoint endpoint(clock, control);
  static signaling::HttpRouter router = [] {
    signaling::HttpRouter r;
    endpoint.register_routes(r);
    return r;
  }();
  clock.advance(std::chrono::minutes(2));  // each input starts clear of rate limits and back-off

  signaling::Request request{http::verb::post, "/api/v1/join", 11};
  request.set(http::field::content_type, "application/json");
  request.body().assign(reinterpret_cast<const char*>(data), size);
  request.prepare_payload();
  signaling::RequestContext context;
  context.remote = {boost::asio::ip::make_address("192.0.2.1"), 1};
  int answers = 0;
  router.dispatch(request, context, [&](signaling::Response response) {
    ++answers;
    const auto body = nlohmann::json::parse(response.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object()) std::abort();
    if (response.result() == http::status::ok) {
      if (!body.contains("token") || body["token"].get<std::string>().size() != 32) std::abort();
    } else if (!body.contains("error") || !body.contains("message")) {
      std::abort();
    }
  });
  if (answers != 1) std::abort();
  return 0;
}
