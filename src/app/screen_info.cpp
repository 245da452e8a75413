// SPDX-License-Identifier: Apache-2.0
#include "app/screen_info.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <cstring>
#include <memory>

#include "presentd/config/config_schema.hpp"

namespace presentd::app {

namespace {

std::string https_url(const std::string& host, int https_port) {
  const std::string port = https_port == 443 ? "" : ":" + std::to_string(https_port);
  const bool ipv6 = host.find(':') != std::string::npos;
  return "https://" + (ipv6 ? "[" + host + "]" : host) + port + "/";
}

bool loopback(const std::string& address) { return address.starts_with("127.") || address == "::1"; }

}  // namespace

std::vector<std::string> connection_urls(const config::NetworkConfig& network,
                                         const std::vector<std::string>& interface_addresses) {
  const bool wildcard = network.bind_address == "0.0.0.0" || network.bind_address == "::";
  const std::vector<std::string> hosts = wildcard ? interface_addresses : std::vector{network.bind_address};
  std::vector<std::string> urls;
  urls.reserve(hosts.size());
  for (const auto& host : hosts) urls.push_back(https_url(host, network.https_port));
  return urls;
}

std::optional<std::string> mdns_url(const config::Config& config, const std::string& host_name) {
  const bool published = config.discovery.presentd_service || config.discovery.https_service;
  if (host_name.empty() || !published || loopback(config.network.bind_address)) return std::nullopt;
  return https_url(host_name, config.network.https_port);
}

std::vector<std::string> local_ipv4_addresses() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return {};
  const std::unique_ptr<ifaddrs, decltype(&freeifaddrs)> owner(list, &freeifaddrs);
  std::vector<std::string> addresses;
  for (const ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
    if (entry->ifa_addr == nullptr || entry->ifa_addr->sa_family != AF_INET) continue;
    if ((entry->ifa_flags & IFF_LOOPBACK) != 0 || (entry->ifa_flags & IFF_UP) == 0) continue;
    sockaddr_in address{};
    std::memcpy(&address, entry->ifa_addr, sizeof(address));
    char text[INET_ADDRSTRLEN] = {};
    if (inet_ntop(AF_INET, &address.sin_addr, text, sizeof(text)) != nullptr) addresses.emplace_back(text);
  }
  return addresses;
}

render::AudioSettings audio_settings(const config::AudioConfig& audio) {
  return render::AudioSettings{
      audio.volume, audio.mute,
      audio.mix == config::AudioMix::focused ? render::MixMode::focused : render::MixMode::all};
}

render::DisplaySettings display_settings(const config::DisplayConfig& display) {
  render::DisplaySettings settings;
  settings.fullscreen = display.fullscreen;
  settings.screen = display.screen;
  settings.vsync = display.vsync;
  switch (display.renderer) {
    case config::DisplayRenderer::automatic: settings.renderer = render::RendererChoice::automatic; break;
    case config::DisplayRenderer::gpu: settings.renderer = render::RendererChoice::gpu; break;
    case config::DisplayRenderer::software: settings.renderer = render::RendererChoice::software; break;
  }
  return settings;
}

render::RendererOptions renderer_options(const config::Config& config) {
  render::RendererOptions options;
  options.video_driver = config.display.driver;
  options.set_display(display_settings(config.display));
  options.audio_settings = audio_settings(config.audio);
  return options;
}

render::IdleInfo make_idle_info(const config::Config& config, const ScreenState& state,
                                const std::vector<std::string>& interface_addresses) {
  render::IdleInfo info;
  info.room_name = config.room.name;
  info.urls = connection_urls(config.network, interface_addresses);
  // After the addresses: the QR code encodes the first URL, and phones do not all resolve .local.
  if (auto url = mdns_url(config, state.mdns_host_name)) info.urls.push_back(std::move(*url));
  // A fixed PIN is known from the start; a rotating one arrives through Daemon::set_pin.
  if (config.pin.policy == config::PinPolicy::fixed && !config.pin.fixed.empty()) {
    info.pin = config.pin.fixed;
  } else if (config.pin.policy == config::PinPolicy::rotate) {
    info.pin = state.pin;
  }
  info.meeting_id = state.meeting_id;
  // Everyone may watch the screen on their own device (issue 15): the first address's /watch.
  if (config.viewers.policy != config::ViewerPolicy::off && !info.urls.empty()) {
    auto base = info.urls.front();
    while (base.ends_with('/')) base.pop_back();
    info.watch_url = base + "/watch";
  }
  // The cloud meeting ID only helps while the server can reach the box.
  info.cloud_meeting_id = state.cloud_connected ? state.cloud_meeting_id : std::string();
  // From outside the room's network: the remote page opened on this room (docs/cloud.md).
  if (!info.cloud_meeting_id.empty()) info.remote_url = config::remote_join_url(config.cloud);
  std::string addresses;
  for (const auto& address : interface_addresses) addresses += (addresses.empty() ? "" : ", ") + address;
  info.status_line = (addresses.empty() ? std::string("no network address") : addresses);
  if (!state.cloud_meeting_id.empty())
    info.status_line += state.cloud_connected ? " \xC2\xB7 cloud connected" : " \xC2\xB7 cloud offline";
  return info;
}

}  // namespace presentd::app
