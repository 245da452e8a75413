// SPDX-License-Identifier: Apache-2.0
#pragma once
// The JSON form of every configuration field, described once.
//
// describe(visitor, section) names each key, its C++ field and its rule. The same description
// drives the reader (validation with JSON-pointer paths), the printer (--print-config, secrets
// masked) and the key lister the tests use to prove config/presentd.json documents every key.
// A new key is added here and in config.hpp, nowhere else.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "presentd/config/config.hpp"

namespace presentd::config {

struct IntRange {
  long min;
  long max;
};
inline constexpr IntRange kPortRange{1, 65535};

// Returns an error message for a bad value, nullopt when the value is fine.
using TextRule = std::optional<std::string> (*)(const std::string& value);

std::optional<std::string> require_room_name(const std::string& value);
std::optional<std::string> require_ip_address(const std::string& value);
std::optional<std::string> require_absolute_path(const std::string& value);
std::optional<std::string> require_video_driver(const std::string& value);
std::optional<std::string> require_digits(const std::string& value);
std::optional<std::string> require_turn_url(const std::string& value);
std::optional<std::string> require_host_name(const std::string& value);
std::optional<std::string> require_user_name(const std::string& value);

// Comma-separated network interface names, each 1..15 bytes (IFNAMSIZ) without blanks or '/'.
inline std::optional<std::string> require_interface_names(const std::string& value) {
  std::size_t start = 0;
  while (!value.empty() && start <= value.size()) {
    const auto end = std::min(value.find(',', start), value.size());
    const std::string_view name = std::string_view(value).substr(start, end - start);
    if (name.empty() || name.size() > 15 || name.find_first_of(" \t/") != std::string_view::npos) {
      return "must be interface names separated by commas, such as \"eth0,wlan0\" (each 1..15 bytes, "
             "no blanks), or \"\" for every interface";
    }
    start = end + 1;
  }
  return std::nullopt;
}

template <class Enum, std::size_t N>
using EnumNames = std::array<std::pair<std::string_view, Enum>, N>;

// The JSON name of an enum value ("unknown" for a value the table lacks, a defect).
template <class Enum, std::size_t N>
std::string_view name_in(const EnumNames<Enum, N>& names, Enum value) {
  for (const auto& [name, candidate] : names) {
    if (candidate == value) return name;
  }
  return "unknown";
}

inline constexpr EnumNames<PinPolicy, 3> kPinPolicyNames{
    {{"rotate", PinPolicy::rotate}, {"fixed", PinPolicy::fixed}, {"off", PinPolicy::off}}};
inline constexpr EnumNames<AdmissionMode, 2> kAdmissionModeNames{
    {{"auto", AdmissionMode::automatic}, {"approve", AdmissionMode::approve}}};
inline constexpr EnumNames<WhenFull, 2> kWhenFullNames{{{"replace", WhenFull::replace}, {"refuse", WhenFull::refuse}}};
inline constexpr EnumNames<DisplayRenderer, 3> kDisplayRendererNames{
    {{"auto", DisplayRenderer::automatic}, {"gpu", DisplayRenderer::gpu}, {"software", DisplayRenderer::software}}};
inline constexpr EnumNames<ViewerPolicy, 3> kViewerPolicyNames{
    {{"pin", ViewerPolicy::pin}, {"open", ViewerPolicy::open}, {"off", ViewerPolicy::off}}};
inline constexpr EnumNames<AudioMix, 2> kAudioMixNames{{{"all", AudioMix::all}, {"focused", AudioMix::focused}}};

template <class V>
void describe(V& v, RoomConfig& c) {
  v.text("name", c.name, require_room_name);
}

template <class V>
void describe(V& v, NetworkConfig& c) {
  v.text("bind_address", c.bind_address, require_ip_address);
  v.integer("https_port", c.https_port, kPortRange);
  v.integer("media_port_min", c.media_port_min, kPortRange);
  v.integer("media_port_max", c.media_port_max, kPortRange);
  v.integer("max_connections", c.max_connections, IntRange{8, 4096});
  v.integer("max_connections_per_address", c.max_connections_per_address, IntRange{2, 4096});
}

template <class V>
void describe(V& v, TlsConfig& c) {
  v.readable_file("certificate", c.certificate);
  v.readable_file("private_key", c.private_key);
}

template <class V>
void describe(V& v, PinConfig& c) {
  v.choice("policy", c.policy, kPinPolicyNames);
  v.integer("length", c.length, IntRange{4, 8});
  v.secret("fixed", c.fixed, require_digits);
}

template <class V>
void describe(V& v, AdminConfig& c) {
  v.readable_file("token_file", c.token_file);
}

template <class V>
void describe(V& v, AdmissionConfig& c) {
  v.choice("mode", c.mode, kAdmissionModeNames);
  v.integer("max_presenters", c.max_presenters, IntRange{1, 4});
  v.choice("when_full", c.when_full, kWhenFullNames);
}

template <class V>
void describe(V& v, ViewersConfig& c) {
  v.choice("policy", c.policy, kViewerPolicyNames);
  v.integer("max", c.max, IntRange{0, 200});
}

template <class V>
void describe(V& v, DisplayConfig& c) {
  v.flag("fullscreen", c.fullscreen);
  v.text("driver", c.driver, require_video_driver);
  v.integer("screen", c.screen, IntRange{0, 15});
  v.flag("vsync", c.vsync);
  v.choice("renderer", c.renderer, kDisplayRendererNames);
}

template <class V>
void describe(V& v, AudioConfig& c) {
  v.integer("volume", c.volume, IntRange{0, 100});
  v.flag("mute", c.mute);
  v.choice("mix", c.mix, kAudioMixNames);
  v.integer("lip_sync_max_delay_ms", c.lip_sync_max_delay_ms, IntRange{0, 1000});
}

template <class V>
void describe(V& v, SnapshotConfig& c) {
  v.flag("enabled", c.enabled);
}

template <class V>
void describe(V& v, DiscoveryConfig& c) {
  v.flag("presentd_service", c.presentd_service);
  v.flag("https_service", c.https_service);
  v.text("interfaces", c.interfaces, require_interface_names);
}

inline constexpr EnumNames<CloudTls, 2> kCloudTlsNames{
    {{"direct", CloudTls::direct}, {"starttls", CloudTls::starttls}}};

// "local@domain" with both parts present and no resource (bare JID, RFC 7622).
std::optional<std::string> require_bare_jid(const std::string& value);
// "" or exactly six digits.
std::optional<std::string> require_six_digits(const std::string& value);
// "" or "https://host[:port][/path]" without spaces, query or fragment.
std::optional<std::string> require_https_url(const std::string& value);
// The remote page's address for one room: "<remote_page_url>join/<cloud meeting ID>" ("" without a page).
std::string remote_join_url(const CloudConfig& cloud);
// "name@domain", "*@domain" or "domain": an entry of cloud.allowed_jids / blocked_jids.
std::optional<std::string> require_jid_pattern(const std::string& value);
// A DNS name or IP literal without port ("" allowed).
// The parts of a bare JID ("" when absent) and the meeting ID the idle screen shows: the
// configured alias, else the JID's local part.
std::string jid_local_part(const std::string& jid);
std::string jid_domain_part(const std::string& jid);
std::string cloud_meeting_id(const CloudConfig& cloud);

template <class V>
void describe(V& v, CloudConfig& c) {
  v.flag("enabled", c.enabled);
  v.text("jid", c.jid, require_bare_jid);
  v.text("server", c.server, require_host_name);
  v.integer("port", c.port, IntRange{0, 65535});
  v.choice("tls", c.tls, kCloudTlsNames);
  v.readable_file("password_file", c.password_file);
  v.readable_file("ca_file", c.ca_file);
  v.flag("allow_plain", c.allow_plain);
  v.text("meeting_id", c.meeting_id, require_six_digits);
  v.text("remote_page_url", c.remote_page_url, require_https_url);
  v.text_list("allowed_jids", c.allowed_jids, require_jid_pattern);
  v.text_list("blocked_jids", c.blocked_jids, require_jid_pattern);
}

template <class V>
void describe(V& v, DaemonConfig& c) {
  v.text("state_directory", c.state_directory, require_absolute_path);
  v.text("web_root", c.web_root, require_absolute_path);
  v.choice("log_level", c.log_level, log::kLevelNames);
}

inline constexpr EnumNames<VideoCodec, 3> kVideoCodecNames{
    {{"vp8", VideoCodec::vp8}, {"h264", VideoCodec::h264}, {"vp9", VideoCodec::vp9}}};

inline constexpr EnumNames<Vp8Decoder, 2> kVp8DecoderNames{
    {{"libvpx", Vp8Decoder::libvpx}, {"ffmpeg", Vp8Decoder::ffmpeg}}};

// "IP:port" (IPv6 in brackets) as the configuration writes STUN servers.
struct HostPort {
  std::string host;  // numeric, without brackets
  std::uint16_t port = 0;
};
std::optional<HostPort> parse_host_port(const std::string& value);
std::optional<std::string> require_host_port(const std::string& value);

template <class V>
void describe(V& v, MediaConfig& c) {
  v.choice_list("video_codecs", c.video_codecs, kVideoCodecNames);
  v.integer("max_bitrate_kbps", c.max_bitrate_kbps, IntRange{0, 100000});
  v.flag("audio", c.audio);
  v.integer("remb_cap_kbps", c.remb_cap_kbps, IntRange{0, 100000});
  v.choice("vp8_decoder", c.vp8_decoder, kVp8DecoderNames);
}

template <class V>
void describe(V& v, TurnServerConfig& c) {
  v.text("url", c.url, require_turn_url);
  v.text("username", c.username, require_user_name);
  v.readable_file("credential_file", c.credential_file);
}

template <class V>
void describe(V& v, IceConfig& c) {
  v.text("stun_server", c.stun_server, require_host_port);
  v.flag("tcp", c.tcp);
  v.object_list("turn_servers", c.turn_servers);
  v.flag("share_turn_credentials", c.share_turn_credentials);
  v.readable_file("turn_ca_file", c.turn_ca_file);
}

inline constexpr EnumNames<ProxyType, 3> kProxyTypeNames{
    {{"none", ProxyType::none}, {"http", ProxyType::http}, {"socks5", ProxyType::socks5}}};

template <class V>
void describe(V& v, ProxyConfig& c) {
  v.choice("type", c.type, kProxyTypeNames);
  v.text("host", c.host, require_host_name);
  v.integer("port", c.port, IntRange{0, 65535});
  v.text("username", c.username, require_user_name);
  v.readable_file("password_file", c.password_file);
}

template <class V>
void describe(V& v, Config& c) {
  v.section("room", c.room);
  v.section("network", c.network);
  v.section("tls", c.tls);
  v.section("pin", c.pin);
  v.section("admin", c.admin);
  v.section("admission", c.admission);
  v.section("viewers", c.viewers);
  v.section("media", c.media);
  v.section("ice", c.ice);
  v.section("proxy", c.proxy);
  v.section("display", c.display);
  v.section("audio", c.audio);
  v.section("snapshot", c.snapshot);
  v.section("discovery", c.discovery);
  v.section("cloud", c.cloud);
  v.section("daemon", c.daemon);
}

}  // namespace presentd::config
