// SPDX-License-Identifier: Apache-2.0
#include "support/coturn_server.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <signal.h>

#include <fstream>

#include "support/temp_dir.hpp"
#include "support/wait_for_port.hpp"

namespace presentd::test {

std::pair<std::string, std::string> turn_rest_credentials(const std::string& secret, const std::string& name,
                                                          std::chrono::seconds lifetime) {
  const auto expiry =
      std::chrono::duration_cast<std::chrono::seconds>((std::chrono::system_clock::now() + lifetime).time_since_epoch())
          .count();
  const std::string username = std::to_string(expiry) + (name.empty() ? "" : ":" + name);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha1(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(username.data()), username.size(), mac, &length);
  std::string password(4 * ((length + 2) / 3) + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(password.data()), mac, static_cast<int>(length));
  password.resize(static_cast<std::size_t>(written));
  return {username, password};
}

CoturnServer::CoturnServer(const std::filesystem::path& directory, const CoturnOptions& options)
    : log_(directory / "turnserver.log") {
  const auto config = directory / "turnserver.conf";
  {
    std::ofstream out(config);
    out << "listening-ip=" << options.listen_address << "\nrelay-ip=" << options.relay_address
        << "\nlistening-port=" << options.port << "\ntls-listening-port=" << options.tls_port
        << "\nlt-cred-mech\nrealm=" << options.realm << "\nno-cli\nno-multicast-peers\nno-dtls\nsimple-log\n"
        << "log-file=stdout\npidfile=" << (directory / "turnserver.pid").string()
        << "\nmin-port=49152\nmax-port=49999\n";
    if (!options.certificate.empty()) {
      out << "cert=" << options.certificate.string() << "\npkey=" << options.private_key.string() << "\n";
    } else {
      out << "no-tls\n";
    }
    for (const auto& [name, password] : options.users) out << "user=" << name << ":" << password << "\n";
    if (!options.auth_secret.empty()) out << "use-auth-secret\nstatic-auth-secret=" << options.auth_secret << "\n";
    for (const auto& range : options.denied_peer_ranges) out << "denied-peer-ip=" << range << "\n";
  }
  process_ = std::make_unique<ChildProcess>(std::vector<std::string>{"/usr/bin/turnserver", "-c", config.string()},
                                            std::map<std::string, std::string>{}, log_);
  ready_ = wait_for_tcp_listener(options.listen_address, options.port, std::chrono::seconds(15)) &&
           (options.certificate.empty() ||
            wait_for_tcp_listener(options.listen_address, options.tls_port, std::chrono::seconds(15)));
}

CoturnServer::~CoturnServer() {
  if (process_ && process_->running()) {
    process_->signal(SIGTERM);
    process_->wait_for_exit(std::chrono::seconds(5));
  }
}

std::string CoturnServer::log() const { return read_file(log_); }

}  // namespace presentd::test
