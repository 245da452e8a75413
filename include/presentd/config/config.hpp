// SPDX-License-Identifier: Apache-2.0
#pragma once
// The daemon's configuration as plain structs. Every member has its built-in default here, so
// the daemon runs with no file at all. config_schema.hpp describes the JSON form of each field.
// Thread: event loop (loaded at start and on SIGHUP; copies are handed to whoever needs them).
#include <string>
#include <vector>

#include "presentd/common/log.hpp"

namespace presentd::config {

enum class PinPolicy { rotate, fixed, off };
enum class AdmissionMode { automatic, approve };
enum class WhenFull { replace, refuse };
enum class VideoCodec { vp8, h264, vp9 };
enum class Vp8Decoder { libvpx, ffmpeg };
enum class AudioMix { all, focused };
// display.renderer: "auto" (SDL's choice unless OpenGL runs on a software rasteriser), "gpu", "software".
enum class DisplayRenderer { automatic, gpu, software };
enum class ProxyType { none, http, socks5 };
enum class CloudTls { direct, starttls };
enum class ViewerPolicy { pin, open, off };

struct RoomConfig {
  std::string name = "Meeting room";
  bool operator==(const RoomConfig&) const = default;
};

struct NetworkConfig {
  std::string bind_address = "0.0.0.0";
  int https_port = 443;
  // Host UDP candidates for media are taken from this range (inclusive).
  int media_port_min = 50000;
  int media_port_max = 50999;
  // Open HTTPS connections at once (page, API, WHIP, event channels). At the cap the connection
  // idle longest closes for a newcomer; with none idle, newcomers are refused.
  int max_connections = 128;
  // Of those, at most this many from one address (an IPv6 /64).
  int max_connections_per_address = 16;
  bool operator==(const NetworkConfig&) const = default;
};

struct TlsConfig {
  // Empty: presentd generates a self-signed certificate once and keeps it in the state directory.
  std::string certificate;
  std::string private_key;
  bool operator==(const TlsConfig&) const = default;
};

struct PinConfig {
  PinPolicy policy = PinPolicy::rotate;
  int length = 6;
  std::string fixed;  // secret: only with policy "fixed"; never logged or printed
  bool operator==(const PinConfig&) const = default;
};

struct AdminConfig {
  // A file holding the admin token (readable by the service user). Empty: the admin API is off.
  std::string token_file;
  bool operator==(const AdminConfig&) const = default;
};

struct AdmissionConfig {
  AdmissionMode mode = AdmissionMode::automatic;
  int max_presenters = 4;
  WhenFull when_full = WhenFull::replace;
  bool operator==(const AdmissionConfig&) const = default;
};

// Who may watch the room's screen on their own device (issue 15): WHEP and the /watch page.
struct ViewersConfig {
  ViewerPolicy policy = ViewerPolicy::pin;  // pin: the room's PIN (its back-off), open: anyone, off: nobody
  int max = 25;                             // viewers at once, local and remote together
  bool operator==(const ViewersConfig&) const = default;
};

struct DisplayConfig {
  bool fullscreen = true;
  std::string driver;  // empty: SDL chooses (x11, wayland, kmsdrm, offscreen...)
  int screen = 0;
  bool vsync = true;
  DisplayRenderer renderer = DisplayRenderer::automatic;
  bool operator==(const DisplayConfig&) const = default;
};

struct AudioConfig {
  int volume = 100;  // percent, linear gain
  bool mute = false;
  AudioMix mix = AudioMix::all;
  // Longest a picture is held back to meet its sound (lip sync); 0 turns lip sync off.
  int lip_sync_max_delay_ms = 300;
  bool operator==(const AudioConfig&) const = default;
};

struct SnapshotConfig {
  // GET /api/v1/snapshot.png for admins; off by default because presentations are private.
  bool enabled = false;
  bool operator==(const SnapshotConfig&) const = default;
};

struct DiscoveryConfig {
  // Each DNS-SD record can be switched off (docs/discovery.md).
  bool presentd_service = true;  // _presentd._tcp with the TXT record native senders read
  bool https_service = true;     // _https._tcp for the page
  // Comma-separated interface names to publish on ("eth1,wlan0"); empty: every interface.
  std::string interfaces;
  bool operator==(const DiscoveryConfig&) const = default;
};

struct DaemonConfig {
  std::string state_directory = "/var/lib/presentd";
  std::string web_root;  // empty: the installed page (see build_info.hpp)
  log::Level log_level = log::Level::info;
  bool operator==(const DaemonConfig&) const = default;
};

struct MediaConfig {
  // Codecs presentd accepts, in the order it prefers them (the answer lists them in this order).
  std::vector<VideoCodec> video_codecs{VideoCodec::vp8, VideoCodec::h264, VideoCodec::vp9};
  // Bitrate the answer allows senders (b=AS/b=TIAS); 0 = 8 Mbit/s up to 1080p, 20 Mbit/s above.
  int max_bitrate_kbps = 0;
  bool audio = true;  // accept the presenter's audio
  // A REMB message caps senders that honour it (kbit/s); 0 = none: transport-wide feedback lets
  // the sender find the link's rate itself.
  int remb_cap_kbps = 0;
  // FFmpeg's VP8 decoder (default: ~10 % cheaper than libvpx and hands its buffers over without a
  // copy, which libvpx's VP8 decoder cannot; docs/performance.md) or libvpx (the reference
  // decoder, which also flags damage inside a frame).
  Vp8Decoder vp8_decoder = Vp8Decoder::ffmpeg;
  bool operator==(const MediaConfig&) const = default;
};

struct TurnServerConfig {
  // RFC 7065 URI: "turn:IP:port?transport=udp|tcp" (libnice relays itself) or
  // "turns:host:port" (TLS through presentd's tunnel; a name is checked against the certificate).
  std::string url;
  std::string username;
  std::string credential_file;  // the TURN password lives in this file, never in the main config
  bool operator==(const TurnServerConfig&) const = default;
};

struct IceConfig {
  std::string stun_server;  // "IP:port" of a STUN server for server-reflexive candidates; "" = none
  bool tcp = true;          // passive ICE-TCP candidates beside UDP (for LANs that block UDP)
  std::vector<TurnServerConfig> turn_servers;
  // Hand the TURN username and credential to WHIP senders in Link headers (RFC 9725 §4.6);
  // off by default: the servers are still announced, without the secret.
  bool share_turn_credentials = false;
  std::string turn_ca_file;  // PEM CA for turns: servers; "" = the system's trust store
  bool operator==(const IceConfig&) const = default;
};

// The proxy outgoing TCP connections take (the TURN-over-TLS tunnel, the XMPP client).
struct ProxyConfig {
  ProxyType type = ProxyType::none;
  std::string host;  // name or address of the proxy
  int port = 0;
  std::string username;       // "" = no authentication
  std::string password_file;  // the proxy password lives in this file, never in the main config
  bool operator==(const ProxyConfig&) const = default;
};

// The box as a client of an XMPP server (docs/cloud.md).
struct CloudConfig {
  bool enabled = false;
  std::string jid;     // the room's account, "123456@cloud.example.com"
  std::string server;  // host to connect to; "" = the JID's domain (no SRV lookup)
  int port = 0;        // 0 = 443 with Direct TLS, 5222 with STARTTLS
  CloudTls tls = CloudTls::direct;
  // The account's password, alone in a file only the service user can read: never in this file.
  std::string password_file;
  std::string ca_file;       // PEM CA certificates to trust; "" = the system store
  bool allow_plain = false;  // SASL PLAIN (over verified TLS only) when the server lacks SCRAM
  std::string meeting_id;    // 6 digits shown as the cloud meeting ID; "" = the JID's local part
  // The remote page's public address ("https://xmpp.example.com/remote/"), shown on the idle
  // screen as "<url>join/<ID>" beside the cloud meeting ID; "" = not shown (docs/cloud.md).
  std::string remote_page_url;
  // Who may present remotely: bare JIDs, "*@domain" or "domain" (signaling/jingle/jid_filter.hpp).
  // Empty allowed list: everyone not blocked. Blocked wins.
  std::vector<std::string> allowed_jids;
  std::vector<std::string> blocked_jids;
  bool operator==(const CloudConfig&) const = default;
};

struct Config {
  RoomConfig room;
  NetworkConfig network;
  TlsConfig tls;
  PinConfig pin;
  AdminConfig admin;
  AdmissionConfig admission;
  ViewersConfig viewers;
  MediaConfig media;
  IceConfig ice;
  ProxyConfig proxy;
  DisplayConfig display;
  AudioConfig audio;
  SnapshotConfig snapshot;
  DiscoveryConfig discovery;
  CloudConfig cloud;
  DaemonConfig daemon;
  bool operator==(const Config&) const = default;
};

}  // namespace presentd::config
