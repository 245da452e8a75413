// SPDX-License-Identifier: Apache-2.0
#include "presentd/discovery/avahi_publisher.hpp"

#include <net/if.h>

#include <avahi-common/alternative.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-common/strlst.h>
#include <boost/asio/post.hpp>

#include "discovery/asio_avahi_poll.hpp"
#include "presentd/common/log.hpp"

namespace presentd::discovery {
namespace {

constexpr std::string_view kTag = "discovery";
// How often to try again when the system bus itself is missing (avahi_client_new fails even
// with AVAHI_CLIENT_NO_FAIL then); a late avahi-daemon on a running bus is noticed at once.
constexpr std::chrono::seconds kRetryInterval{3};

struct StringListDeleter {
  void operator()(AvahiStringList* list) const { avahi_string_list_free(list); }
};
using StringList = std::unique_ptr<AvahiStringList, StringListDeleter>;

// avahi_string_list_add prepends; the client hands the list to avahi-daemon head first and
// the record goes on the wire in that order. So the entries are added last first, which keeps
// `txtvers` first (RFC 6763 §6.7); discovery_test checks it through avahi-browse, which prints
// the strings in wire order.
StringList to_string_list(const std::vector<TxtEntry>& entries) {
  AvahiStringList* list = nullptr;
  for (auto entry = entries.rbegin(); entry != entries.rend(); ++entry) {
    list = avahi_string_list_add_pair(list, entry->key.c_str(), entry->value.c_str());
  }
  return StringList(list);
}

std::string error_text(AvahiClient* client) { return avahi_strerror(avahi_client_errno(client)); }

}  // namespace

std::vector<std::string> split_interface_list(const std::string& text) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = std::min(text.find(',', start), text.size());
    if (end > start) names.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return names;
}

PublishSettings publish_settings(const config::Config& config, const std::string& meeting_id,
                                 const std::string& certificate_fingerprint, const std::string& cloud_id) {
  PublishSettings settings;
  settings.name = config.room.name;
  settings.port = config.network.https_port;
  settings.presentd_service = config.discovery.presentd_service;
  settings.https_service = config.discovery.https_service;
  settings.interfaces = split_interface_list(config.discovery.interfaces);
  settings.facts.pin_required = config.pin.policy != config::PinPolicy::off;
  settings.facts.max_presenters = config.admission.max_presenters;
  settings.facts.meeting_id = meeting_id;
  settings.facts.cloud_id = cloud_id;
  settings.facts.fingerprint = certificate_fingerprint;
  return settings;
}

AvahiPublisher::AvahiPublisher(boost::asio::io_context& io, PublishSettings settings, HostNameListener on_host_name)
    : io_(io),
      settings_(std::move(settings)),
      name_(settings_.name),
      on_host_name_(std::move(on_host_name)),
      poll_(std::make_unique<AsioAvahiPoll>(io)),
      retry_timer_(io) {
  connect();
}

AvahiPublisher::~AvahiPublisher() { stop(); }

void AvahiPublisher::stop() {
  loop_.check("AvahiPublisher::stop");
  if (stopped_) return;
  stopped_ = true;
  retry_timer_.cancel();
  // Freeing the client withdraws the entry group (avahi-daemon sends the goodbye packets).
  free_client();
}

void AvahiPublisher::update(PublishSettings settings) {
  loop_.check("AvahiPublisher::update");
  if (stopped_ || settings == settings_) return;
  if (settings.name != settings_.name) {
    PD_LOG(notice, kTag) << "room renamed: withdrawing \"" << name_ << "\", publishing \"" << settings.name << "\"";
    name_ = settings.name;
  }
  settings_ = std::move(settings);
  if (group_ != nullptr) avahi_entry_group_reset(group_);
  if (client_ != nullptr && avahi_client_get_state(client_) == AVAHI_CLIENT_S_RUNNING) publish(client_);
}

void AvahiPublisher::connect() {
  if (stopped_) return;
  int error = 0;
  // The callback runs from inside avahi_client_new already, before client_ is assigned: it
  // always uses the client pointer it is given.
  client_ = avahi_client_new(poll_->get(), AVAHI_CLIENT_NO_FAIL, &AvahiPublisher::on_client_state, this, &error);
  if (client_ != nullptr) return;
  if (!warned_unreachable_) {
    PD_LOG(warning, kTag) << "cannot reach avahi-daemon (" << avahi_strerror(error)
                          << "): the box is not announced on the network; its URL and meeting ID still work. "
                             "Retrying quietly.";
    warned_unreachable_ = true;
  }
  schedule_reconnect();
}

void AvahiPublisher::schedule_reconnect() {
  retry_timer_.expires_after(kRetryInterval);
  // The token, not only the timer's cancellation: a publisher destroyed (a reload) in the turn
  // the timer expired already has this handler queued with success.
  retry_timer_.async_wait([this, alive = liveness_.token()](const boost::system::error_code& ec) {
    if (!ec && alive) connect();
  });
}

void AvahiPublisher::free_client() {
  // The client frees its entry groups with it.
  group_ = nullptr;
  if (client_ != nullptr) avahi_client_free(client_);
  client_ = nullptr;
}

void AvahiPublisher::on_client_state(AvahiClient* client, AvahiClientState state, void* userdata) {
  auto& self = *static_cast<AvahiPublisher*>(userdata);
  switch (state) {
    case AVAHI_CLIENT_S_RUNNING:
      if (self.warned_unreachable_) PD_LOG(notice, kTag) << "connected to avahi-daemon";
      self.warned_unreachable_ = false;
      // Every (re)start of the client passes here, including after Avahi renamed the host.
      if (const char* fqdn = avahi_client_get_host_name_fqdn(client)) self.report_host_name(fqdn);
      self.publish(client);
      break;
    case AVAHI_CLIENT_S_COLLISION:
    case AVAHI_CLIENT_S_REGISTERING:
      // The host name is being (re)registered: withdraw until the server is running again.
      if (self.group_ != nullptr) avahi_entry_group_reset(self.group_);
      break;
    case AVAHI_CLIENT_CONNECTING: PD_LOG(info, kTag) << "waiting for avahi-daemon to start"; break;
    case AVAHI_CLIENT_FAILURE: {
      const int error = avahi_client_errno(client);
      if (error == AVAHI_ERR_DISCONNECTED) {
        PD_LOG(warning, kTag) << "avahi-daemon went away; publishing again as soon as it is back";
      } else {
        PD_LOG(warning, kTag) << "avahi client failed: " << avahi_strerror(error) << "; reconnecting";
      }
      self.report_host_name({});  // nobody answers for the .local name now
      // Not from inside Avahi's own callback: the client is freed and recreated on the loop.
      boost::asio::post(self.io_, [&self, client, alive = self.liveness_.token()] {
        if (!alive || self.client_ != client) return;
        self.free_client();
        self.connect();
      });
      break;
    }
  }
}

void AvahiPublisher::publish(AvahiClient* client) {
  if (!settings_.presentd_service && !settings_.https_service) return;
  if (group_ == nullptr) {
    group_ = avahi_entry_group_new(client, &AvahiPublisher::on_group_state, this);
    if (group_ == nullptr) {
      PD_LOG(error, kTag) << "cannot create an Avahi entry group: " << error_text(client);
      return;
    }
  }
  if (!avahi_entry_group_is_empty(group_)) return;
  // A name taken by a record we add ourselves (a stale registration) is a local collision:
  // move on to the alternative name until one is free.
  for (int attempt = 0; attempt < 16; ++attempt) {
    if (add_services()) {
      if (avahi_entry_group_is_empty(group_)) return;
      if (const int error = avahi_entry_group_commit(group_); error < 0) {
        PD_LOG(error, kTag) << "cannot publish \"" << name_ << "\": " << avahi_strerror(error);
      }
      return;
    }
    if (avahi_client_errno(client) != AVAHI_ERR_COLLISION) return;
    avahi_entry_group_reset(group_);
    rename_after_collision();
  }
}

bool AvahiPublisher::add_services() {
  std::vector<AvahiIfIndex> interfaces;
  for (const auto& name : settings_.interfaces) {
    const unsigned index = if_nametoindex(name.c_str());
    if (index == 0) {
      PD_LOG(warning, kTag) << "interface \"" << name
                            << "\" (/discovery/interfaces) does not exist: not publishing there";
      continue;
    }
    interfaces.push_back(static_cast<AvahiIfIndex>(index));
  }
  if (settings_.interfaces.empty()) interfaces.push_back(AVAHI_IF_UNSPEC);
  if (interfaces.empty()) PD_LOG(warning, kTag) << "none of /discovery/interfaces exists: nothing is published";
  const auto txt = to_string_list(presentd_txt(settings_.facts));
  const auto page_txt = to_string_list({{"path", "/", ""}});
  const auto port = static_cast<std::uint16_t>(settings_.port);
  for (const auto interface : interfaces) {
    const auto add = [&](std::string_view type, const StringList& records) {
      const int error = avahi_entry_group_add_service_strlst(
          group_, interface, AVAHI_PROTO_UNSPEC, static_cast<AvahiPublishFlags>(0), name_.c_str(),
          std::string(type).c_str(), nullptr, nullptr, port, records.get());
      if (error < 0 && error != AVAHI_ERR_COLLISION) {
        PD_LOG(error, kTag) << "cannot add " << type << " \"" << name_ << "\": " << avahi_strerror(error);
      }
      return error >= 0;
    };
    if (settings_.presentd_service && !add(kPresentdServiceType, txt)) return false;
    if (settings_.https_service && !add(kHttpsServiceType, page_txt)) return false;
  }
  return true;
}

void AvahiPublisher::report_host_name(const std::string& name) {
  if (name == host_name_) return;
  host_name_ = name;
  if (!name.empty()) PD_LOG(info, kTag) << "host name " << name;
  if (on_host_name_) on_host_name_(host_name_);
}

void AvahiPublisher::rename_after_collision() {
  char* alternative = avahi_alternative_service_name(name_.c_str());
  PD_LOG(notice, kTag) << "the name \"" << name_ << "\" is taken on the network; publishing as \"" << alternative
                       << "\"";
  name_ = alternative;
  avahi_free(alternative);
}

void AvahiPublisher::on_group_state(AvahiEntryGroup* group, AvahiEntryGroupState state, void* userdata) {
  auto& self = *static_cast<AvahiPublisher*>(userdata);
  if (self.group_ == nullptr) self.group_ = group;  // called from inside avahi_entry_group_new
  switch (state) {
    case AVAHI_ENTRY_GROUP_ESTABLISHED:
      PD_LOG(notice, kTag) << "published \"" << self.name_ << "\" (" << kPresentdServiceType << " "
                           << (self.settings_.presentd_service ? "on" : "off") << ", " << kHttpsServiceType << " "
                           << (self.settings_.https_service ? "on" : "off") << ") on port " << self.settings_.port;
      break;
    case AVAHI_ENTRY_GROUP_COLLISION:
      // Another host answers for this name: take the alternative and publish again.
      self.rename_after_collision();
      avahi_entry_group_reset(group);
      self.publish(avahi_entry_group_get_client(group));
      break;
    case AVAHI_ENTRY_GROUP_FAILURE:
      PD_LOG(error, kTag) << "publishing failed: " << error_text(avahi_entry_group_get_client(group));
      break;
    case AVAHI_ENTRY_GROUP_UNCOMMITED:
    case AVAHI_ENTRY_GROUP_REGISTERING: break;
  }
}

}  // namespace presentd::discovery
