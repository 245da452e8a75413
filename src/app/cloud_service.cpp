#include "app/cloud_service.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/log.hpp"
#include "config/config_schema.hpp"
#include "signaling/xmpp/tcp_connector.hpp"
#include "signaling/xmpp/xmpp_tls.hpp"

namespace presentd::app {
namespace {

constexpr std::string_view kTag = "cloud";

// The account password: the file's whole content minus one trailing line break.
std::optional<std::string> read_password(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::ostringstream text;
  text << file.rdbuf();
  std::string password = text.str();
  if (!password.empty() && password.back() == '\n') password.pop_back();
  if (!password.empty() && password.back() == '\r') password.pop_back();
  const auto permissions = std::filesystem::status(path).permissions();
  using std::filesystem::perms;
  if ((permissions & (perms::group_read | perms::others_read)) != perms::none) {
    PD_LOG(warning, kTag) << path << " can be read by other users: chmod 600 it (owner: the presentd user)";
  }
  return password;
}

std::string digest(const std::string& secret) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(secret.data(), secret.size(), out, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(out), length);
}

xmpp::Connector make_connector(boost::asio::io_context& io) {
  // The one place a proxy connector (HTTP CONNECT, SOCKS5) is slotted in.
  return xmpp::make_tcp_connector(io);
}

}  // namespace

CloudService::CloudService(boost::asio::io_context& io, std::function<void(bool)> on_online_changed)
    : io_(io), on_online_changed_(std::move(on_online_changed)) {}

CloudService::~CloudService() = default;

std::string CloudService::online_meeting_id() const {
  return online() ? config::cloud_meeting_id(config_) : std::string();
}

void CloudService::apply(const config::CloudConfig& cloud) {
  std::optional<std::string> password;
  if (cloud.enabled) {
    password = read_password(cloud.password_file);
    if (!password) {
      PD_LOG(error, kTag) << "cannot read the password file " << cloud.password_file << ": cloud stays offline";
    }
  }
  const std::string fingerprint = password ? digest(*password) : std::string();
  if (client_ && cloud == config_ && fingerprint == password_fingerprint_) return;  // nothing changed
  stop();
  config_ = cloud;
  password_fingerprint_ = fingerprint;
  if (!cloud.enabled || !password) {
    if (password) OPENSSL_cleanse(password->data(), password->size());
    return;
  }
  xmpp::XmppClientSettings settings;
  settings.local = config::jid_local_part(cloud.jid);
  settings.domain = config::jid_domain_part(cloud.jid);
  settings.host = cloud.server;
  settings.direct_tls = cloud.tls == config::CloudTls::direct;
  settings.port = static_cast<std::uint16_t>(cloud.port != 0 ? cloud.port : (settings.direct_tls ? 443 : 5222));
  settings.allow_plain = cloud.allow_plain;
  settings.password = std::move(*password);
  OPENSSL_cleanse(password->data(), password->size());
  std::shared_ptr<boost::asio::ssl::context> tls;
  try {
    tls = xmpp::make_xmpp_tls_context(cloud.ca_file);
  } catch (const std::exception& error) {
    PD_LOG(error, kTag) << error.what() << ": cloud stays offline";
    return;
  }
  xmpp::XmppClientCallbacks callbacks;
  callbacks.on_online_changed = [this](bool online) {
    if (on_online_changed_) on_online_changed_(online);
  };
  client_ = std::make_unique<xmpp::XmppClient>(io_, std::move(settings), std::move(tls), make_connector(io_),
                                               std::move(callbacks));
  client_->set_room_status(status_);
  PD_LOG(info, kTag) << "cloud meeting ID " << config::cloud_meeting_id(cloud) << " (" << cloud.jid << ")";
  client_->start();
}

void CloudService::stop() {
  if (!client_) return;
  client_->stop();  // reports going offline through on_online_changed
  client_.reset();
}

void CloudService::set_room_status(xmpp::RoomStatus status) {
  status_ = status;
  if (client_) client_->set_room_status(status);
}

}  // namespace presentd::app
