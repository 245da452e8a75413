// SPDX-License-Identifier: Apache-2.0
#include "presentd/signaling/local/event_channel.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>

#include "presentd/common/log.hpp"

namespace presentd::signaling {
namespace {
constexpr std::string_view kTag = "events";

Response json_error(const Request& request, http::status status, std::string_view code, std::string_view message) {
  const nlohmann::json body{{"error", code}, {"message", message}};
  return make_response(request, status, body.dump(), "application/json");
}

bool is_id(std::string_view text) {
  return !text.empty() && text.size() <= 64 &&
         std::all_of(text.begin(), text.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

// "<prefix>/<id>/<word>[/<rest>]" → {id, rest}; nullopt when the shape differs.
std::optional<std::pair<std::string, std::string>> split_target(std::string_view path, std::string_view prefix,
                                                                std::string_view word) {
  if (!path.starts_with(prefix)) return std::nullopt;
  path.remove_prefix(prefix.size());
  const auto slash = path.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto id = path.substr(0, slash);
  auto rest = path.substr(slash + 1);
  if (!is_id(id) || !rest.starts_with(word)) return std::nullopt;
  rest.remove_prefix(word.size());
  if (!rest.empty() && rest.front() != '/') return std::nullopt;
  if (!rest.empty()) rest.remove_prefix(1);
  return std::pair{std::string(id), std::string(rest)};
}
}  // namespace

std::string event_data(const ChannelEvent& event) {
  return event.data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

EventChannel::EventChannel(boost::asio::io_context& io, EventChannelHost& host, EventChannelOptions options)
    : io_(io), host_(host), options_(std::move(options)), heartbeat_(io) {}

EventChannel::~EventChannel() {
  liveness_.end();
  close_all();
}

void EventChannel::register_routes(HttpRouter& router) {
  router.add_prefix(http::verb::get, options_.path + "/",
                    [this](const Request& request, const RequestContext& context, const Responder& respond) {
                      on_get(request, context, respond);
                    });
  router.add_prefix(http::verb::post, options_.path + "/",
                    [this](const Request& request, const RequestContext& context, const Responder& respond) {
                      on_post(request, context, respond);
                    });
}

void EventChannel::on_get(const Request& request, const RequestContext& context, const Responder& respond) {
  const auto target = split_target(target_path(request.target()), options_.path + "/", "events");
  if (!target || !target->second.empty())
    return respond(json_error(request, http::status::not_found, "not_found", "No such resource."));
  const auto& session_id = target->first;
  auto first = host_.events_for_new_subscriber(session_id);
  const bool ended = !first;
  if (ended) {
    // Ended a moment ago: say how, once, in a stream that ends at once.
    const auto remembered =
        std::find_if(endings_.rbegin(), endings_.rend(), [&](const auto& entry) { return entry.first == session_id; });
    if (remembered == endings_.rend()) {
      return respond(
          json_error(request, http::status::not_found, "no_session", "This session does not exist (any more)."));
    }
    first = std::vector<ChannelEvent>{remembered->second};
  }
  forget_closed_streams();
  const auto for_session = streams_.count(session_id);
  if (streams_.size() >= options_.max_streams || for_session >= options_.max_streams_per_session) {
    PD_LOG(notice, kTag) << "refused an event stream for " << context.remote.address() << ": too many open";
    auto response = json_error(request, http::status::service_unavailable, "too_many_streams",
                               "Too many event streams are open; try again shortly.");
    response.set(http::field::retry_after, "5");
    return respond(std::move(response));
  }
  if (context.event_streams == nullptr) {
    return respond(json_error(request, http::status::internal_server_error, "no_stream", "Streaming is unavailable."));
  }
  auto stream = context.event_streams->open_event_stream(request);
  if (ended) {
    for (const auto& event : *first) stream->send_event(event.name, event_data(event));
    return stream->finish();
  }
  subscribe(session_id, std::move(stream), *first);
}

void EventChannel::subscribe(const std::string& session_id, std::shared_ptr<EventStream> stream,
                             const std::vector<ChannelEvent>& first) {
  for (const auto& event : first) stream->send_event(event.name, event_data(event));
  stream->set_on_closed([this, alive = liveness_.token()] {
    // Erasing here could run inside one of our own loops over streams_: sweep a moment later.
    boost::asio::post(io_, [this, alive] {
      if (alive) forget_closed_streams();
    });
  });
  streams_.emplace(session_id, std::move(stream));
  arm_heartbeat();
}

void EventChannel::on_post(const Request& request, const RequestContext&, const Responder& respond) {
  const auto target = split_target(target_path(request.target()), options_.path + "/", "approvals");
  if (!target || !is_id(target->second)) {
    return respond(json_error(request, http::status::not_found, "not_found", "No such resource."));
  }
  const auto body = nlohmann::json::parse(request.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("accept") || !body["accept"].is_boolean()) {
    return respond(json_error(request, http::status::bad_request, "bad_request",
                              "The body must be JSON like {\"accept\": true}."));
  }
  const auto answer = host_.answer_approval(target->first, target->second, body["accept"].get<bool>());
  if (answer.status != http::status::ok)
    return respond(json_error(request, answer.status, answer.error, answer.message));
  const nlohmann::json ok{{"request_id", target->second}, {"accepted", body["accept"].get<bool>()}};
  respond(make_response(request, http::status::ok, ok.dump(), "application/json"));
}

void EventChannel::publish(const std::string& session_id, const ChannelEvent& event) {
  loop_.check("EventChannel::publish");
  const auto data = event_data(event);
  const auto [begin, end] = streams_.equal_range(session_id);
  for (auto it = begin; it != end; ++it) it->second->send_event(event.name, data);
}

void EventChannel::session_ended(const std::string& session_id, const ChannelEvent& last) {
  loop_.check("EventChannel::session_ended");
  endings_.emplace_back(session_id, last);
  while (endings_.size() > options_.remembered_endings) endings_.pop_front();
  const auto data = event_data(last);
  const auto [begin, end] = streams_.equal_range(session_id);
  std::vector<std::shared_ptr<EventStream>> ending;
  for (auto it = begin; it != end; ++it) ending.push_back(it->second);
  streams_.erase(begin, end);
  for (const auto& stream : ending) {
    stream->send_event(last.name, data);
    stream->finish();
  }
}

void EventChannel::forget_closed_streams() {
  std::erase_if(streams_, [](const auto& entry) { return !entry.second->is_open(); });
  if (streams_.empty() && heartbeat_armed_) {
    heartbeat_.cancel();  // nothing to keep alive: let the loop run dry at shutdown
    heartbeat_armed_ = false;
  }
}

void EventChannel::arm_heartbeat() {
  if (heartbeat_armed_) return;
  heartbeat_armed_ = true;
  heartbeat_.expires_after(options_.heartbeat);
  heartbeat_.async_wait([this, alive = liveness_.token()](boost::system::error_code ec) {
    if (!alive) return;  // destroyed in the turn the timer expired: the handler was already queued
    if (ec) return;
    heartbeat_armed_ = false;
    forget_closed_streams();
    for (const auto& [id, stream] : streams_) stream->send_comment("heartbeat");
    if (!streams_.empty()) arm_heartbeat();
  });
}

void EventChannel::close_all() {
  loop_.check("EventChannel::close_all");
  heartbeat_.cancel();
  heartbeat_armed_ = false;
  auto streams = std::move(streams_);
  streams_.clear();
  for (const auto& [id, stream] : streams) stream->finish();
}

std::size_t EventChannel::stream_count() const {
  return static_cast<std::size_t>(
      std::count_if(streams_.begin(), streams_.end(), [](const auto& entry) { return entry.second->is_open(); }));
}

}  // namespace presentd::signaling
