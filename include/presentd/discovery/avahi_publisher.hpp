// SPDX-License-Identifier: Apache-2.0
#pragma once
// Publishes the box by DNS-SD through avahi-daemon: `_presentd._tcp` (name = room name, TXT
// from txt_record.hpp) and `_https._tcp` for the page, on every interface or only the ones
// configured.
//
// Real-world behaviour it handles (docs/discovery.md):
// - a name collision: Avahi's alternative name ("Board Room #2"), logged, re-published;
// - avahi-daemon absent at start, starting late, or restarting: the client is created with
//   AVAHI_CLIENT_NO_FAIL and recreated after a disconnect, then everything is re-published;
// - no system bus at all: one warning, a quiet retry every few seconds, nothing else affected;
// - update() (reload): a changed name or record set is withdrawn and published anew.
//
// Thread: event loop (Avahi runs on AsioAvahiPoll, no thread of its own).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <avahi-client/client.h>
#include <avahi-client/publish.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "presentd/common/liveness.hpp"
#include "presentd/common/loop_affinity.hpp"
#include "presentd/config/config.hpp"
#include "presentd/discovery/txt_record.hpp"

namespace presentd::discovery {

class AsioAvahiPoll;

inline constexpr std::string_view kPresentdServiceType = "_presentd._tcp";
inline constexpr std::string_view kHttpsServiceType = "_https._tcp";

struct PublishSettings {
  std::string name;  // the room name
  int port = 443;    // the HTTPS port
  bool presentd_service = true;
  bool https_service = true;
  std::vector<std::string> interfaces;  // empty: every interface
  ServiceFacts facts;
  bool operator==(const PublishSettings&) const = default;
};

// Settings from the configuration plus what the daemon knows at run time.
[[nodiscard]] PublishSettings publish_settings(const config::Config& config, const std::string& meeting_id,
                                               const std::string& certificate_fingerprint,
                                               const std::string& cloud_id = {});

// "eth0,wlan0" → {"eth0", "wlan0"}; "" → {}.
[[nodiscard]] std::vector<std::string> split_interface_list(const std::string& text);

class AvahiPublisher {
public:
  // Told the host's mDNS name ("box.local") whenever avahi-daemon runs with it (also after
  // Avahi renamed the host on a collision), and "" when avahi-daemon goes away. Event loop.
  using HostNameListener = std::function<void(const std::string&)>;

  AvahiPublisher(boost::asio::io_context& io, PublishSettings settings, HostNameListener on_host_name = {});
  ~AvahiPublisher();  // withdraws everything (stop())
  AvahiPublisher(const AvahiPublisher&) = delete;
  AvahiPublisher& operator=(const AvahiPublisher&) = delete;

  // Applies new settings; re-publishes only when they changed.
  void update(PublishSettings settings);
  // Withdraws the records and disconnects from avahi-daemon. Idempotent.
  void stop();

  // The name in use: the room name, or Avahi's alternative after a collision.
  const std::string& published_name() const { return name_; }

private:
  LoopAffinity loop_;  // checks "Thread: event loop" in debug builds
  static void on_client_state(AvahiClient* client, AvahiClientState state, void* userdata);
  static void on_group_state(AvahiEntryGroup* group, AvahiEntryGroupState state, void* userdata);

  void connect();
  void schedule_reconnect();
  void free_client();
  void publish(AvahiClient* client);
  bool add_services();
  void rename_after_collision();
  void report_host_name(const std::string& name);

  boost::asio::io_context& io_;
  PublishSettings settings_;
  std::string name_;
  HostNameListener on_host_name_;
  std::string host_name_;  // the last one reported
  std::unique_ptr<AsioAvahiPoll> poll_;
  AvahiClient* client_ = nullptr;
  AvahiEntryGroup* group_ = nullptr;
  boost::asio::steady_timer retry_timer_;
  bool warned_unreachable_ = false;
  bool stopped_ = false;
  // Handlers posted from Avahi callbacks check it, so they never touch a destroyed publisher.
  Liveness liveness_;  // tokens in deferred handlers: liveness.hpp
};

}  // namespace presentd::discovery
