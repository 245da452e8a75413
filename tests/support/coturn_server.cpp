#include "support/coturn_server.hpp"

#include <signal.h>

#include <fstream>

#include "support/temp_dir.hpp"
#include "support/wait_for_port.hpp"

namespace presentd::test {

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
