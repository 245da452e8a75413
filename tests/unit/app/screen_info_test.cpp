// SPDX-License-Identifier: Apache-2.0
#include "app/screen_info.hpp"

#include <gtest/gtest.h>

namespace presentd::app {
namespace {

struct UrlCase {
  const char* what;
  std::string bind_address;
  int port;
  std::vector<std::string> interfaces;
  std::vector<std::string> expected;
};

TEST(ConnectionUrls, FollowTheBindAddressAndOmitTheDefaultPort) {
  const std::vector<UrlCase> cases{
      {"specific address, default port", "192.0.2.7", 443, {"10.0.0.1"}, {"https://192.0.2.7/"}},
      {"specific address, other port", "127.0.0.1", 8443, {}, {"https://127.0.0.1:8443/"}},
      {"wildcard: every interface",
       "0.0.0.0",
       443,
       {"10.0.0.1", "192.168.4.2"},
       {"https://10.0.0.1/", "https://192.168.4.2/"}},
      {"IPv6 in brackets", "2001:db8::5", 8443, {}, {"https://[2001:db8::5]:8443/"}},
      {"wildcard without interfaces", "::", 443, {}, {}},
  };
  for (const auto& c : cases) {
    config::NetworkConfig network;
    network.bind_address = c.bind_address;
    network.https_port = c.port;
    EXPECT_EQ(connection_urls(network, c.interfaces), c.expected) << c.what;
  }
}

TEST(IdleInfo, ShowsTheFixedPinOnlyWithTheFixedPolicyAndARotatingOneOnceKnown) {
  config::Config config;
  config.room.name = "Board room";
  config.pin.fixed = "9753";
  ScreenState state;
  state.meeting_id = "1234567890";
  config.pin.policy = config::PinPolicy::fixed;
  EXPECT_EQ(make_idle_info(config, state, {}).pin, std::optional<std::string>("9753"));
  config.pin.policy = config::PinPolicy::off;
  EXPECT_EQ(make_idle_info(config, state, {}).pin, std::nullopt);
  config.pin.policy = config::PinPolicy::rotate;
  EXPECT_EQ(make_idle_info(config, state, {}).pin, std::nullopt) << "not known until the PIN module sets it";
  state.pin = "0412";
  const auto info = make_idle_info(config, state, {"10.0.0.1"});
  EXPECT_EQ(info.pin, std::optional<std::string>("0412"));
  EXPECT_EQ(info.room_name, "Board room");
  EXPECT_EQ(info.meeting_id, "1234567890");
  EXPECT_EQ(info.status_line, "10.0.0.1");
}

TEST(IdleInfo, NamesTheViewersPageUnlessWatchingIsOff) {
  config::Config config;
  config.network.bind_address = "0.0.0.0";
  ScreenState state;
  EXPECT_EQ(make_idle_info(config, state, {"10.0.0.1", "192.168.4.2"}).watch_url, "https://10.0.0.1/watch");
  config.viewers.policy = config::ViewerPolicy::open;
  EXPECT_EQ(make_idle_info(config, state, {"10.0.0.1"}).watch_url, "https://10.0.0.1/watch");
  config.viewers.policy = config::ViewerPolicy::off;
  EXPECT_EQ(make_idle_info(config, state, {"10.0.0.1"}).watch_url, "");
  config.viewers.policy = config::ViewerPolicy::pin;
  EXPECT_EQ(make_idle_info(config, state, {}).watch_url, "") << "no address, no page to name";
}

TEST(IdleInfo, ShowsTheRemotePageForThisRoomOnlyWhileTheCloudIsConnected) {
  config::Config config;
  config.cloud.enabled = true;
  config.cloud.jid = "654321@cloud.example.com";
  ScreenState state;
  state.cloud_meeting_id = "654321";
  EXPECT_EQ(make_idle_info(config, state, {}).remote_url, "") << "offline, and no page configured";
  state.cloud_connected = true;
  EXPECT_EQ(make_idle_info(config, state, {}).remote_url, "") << "no page configured";
  config.cloud.remote_page_url = "https://xmpp.example.com/remote";
  EXPECT_EQ(make_idle_info(config, state, {}).remote_url, "https://xmpp.example.com/remote/join/654321");
  config.cloud.remote_page_url = "https://xmpp.example.com/remote/";
  EXPECT_EQ(make_idle_info(config, state, {}).remote_url, "https://xmpp.example.com/remote/join/654321");
  state.cloud_connected = false;
  EXPECT_EQ(make_idle_info(config, state, {}).remote_url, "");
}

struct MdnsCase {
  const char* what;
  std::string bind_address;
  int port;
  bool presentd_service;
  bool https_service;
  std::string host_name;
  std::vector<std::string> expected;
};

TEST(IdleInfo, AddsTheLocalNameAfterTheAddressesWhileDiscoveryPublishesIt) {
  const std::vector<MdnsCase> cases{
      {"wildcard, both records",
       "0.0.0.0",
       443,
       true,
       true,
       "aula.local",
       {"https://10.0.0.1/", "https://aula.local/"}},
      {"other port, one record",
       "0.0.0.0",
       8443,
       false,
       true,
       "aula-2.local",
       {"https://10.0.0.1:8443/", "https://aula-2.local:8443/"}},
      {"specific address", "10.0.0.1", 443, true, false, "aula.local", {"https://10.0.0.1/", "https://aula.local/"}},
      {"discovery off", "0.0.0.0", 443, false, false, "aula.local", {"https://10.0.0.1/"}},
      {"avahi-daemon not running", "0.0.0.0", 443, true, true, "", {"https://10.0.0.1/"}},
      {"bound to loopback", "127.0.0.1", 443, true, true, "aula.local", {"https://127.0.0.1/"}},
  };
  for (const auto& c : cases) {
    config::Config config;
    config.network.bind_address = c.bind_address;
    config.network.https_port = c.port;
    config.discovery.presentd_service = c.presentd_service;
    config.discovery.https_service = c.https_service;
    ScreenState state;
    state.mdns_host_name = c.host_name;
    const auto info = make_idle_info(config, state, {"10.0.0.1"});
    EXPECT_EQ(info.urls, c.expected) << c.what;
    // The QR code encodes the first URL: an address every phone can open.
    EXPECT_EQ(info.urls.front().find(".local"), std::string::npos) << c.what;
  }
}

TEST(RendererOptions, TakeTheRendererChoice) {
  config::Config config;
  EXPECT_EQ(renderer_options(config).renderer, render::RendererChoice::automatic);
  config.display.renderer = config::DisplayRenderer::gpu;
  EXPECT_EQ(renderer_options(config).renderer, render::RendererChoice::gpu);
  config.display.renderer = config::DisplayRenderer::software;
  EXPECT_EQ(renderer_options(config).renderer, render::RendererChoice::software);
  EXPECT_EQ(display_settings(config.display).renderer, render::RendererChoice::software);
}

TEST(RendererOptions, ComeFromTheDisplayAndAudioSections) {
  config::Config config;
  config.display = {false, "offscreen", 1, false};
  config.audio = {40, true, config::AudioMix::focused};
  const auto options = renderer_options(config);
  EXPECT_EQ(options.video_driver, "offscreen");
  EXPECT_FALSE(options.fullscreen);
  EXPECT_EQ(options.screen, 1);
  EXPECT_FALSE(options.vsync);
  EXPECT_EQ(options.audio_settings.volume_percent, 40);
  EXPECT_TRUE(options.audio_settings.mute);
  EXPECT_EQ(options.audio_settings.mode, render::MixMode::focused);
}

}  // namespace
}  // namespace presentd::app
