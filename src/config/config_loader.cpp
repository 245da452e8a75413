// SPDX-License-Identifier: Apache-2.0
#include "presentd/config/config_loader.hpp"

#include <cerrno>
#include <fstream>
#include <sstream>

#include "config/config_reader.hpp"
#include "config/json_line_map.hpp"
#include "presentd/common/errno_text.hpp"

namespace presentd::config {
namespace {

// Rules that relate two keys; the problem is reported at the key an admin would change.
void check_relations(const Config& c, std::vector<Problem>& problems) {
  const auto add = [&](std::string pointer, std::string message) {
    problems.push_back(Problem{0, std::move(pointer), std::move(message)});
  };
  if (c.network.media_port_min > c.network.media_port_max) {
    add("/network/media_port_max",
        "must not be below /network/media_port_min (" + std::to_string(c.network.media_port_min) + ")");
  }
  // A fixed PIN carries its own length: /pin/length sizes the rotating PIN only, so a
  // configuration written when the default length was 4 keeps working after an upgrade.
  if (c.pin.policy == PinPolicy::fixed && (c.pin.fixed.size() < 4 || c.pin.fixed.size() > 8)) {
    add("/pin/fixed", "must be 4..8 digits when /pin/policy is \"fixed\"");
  }
  if (c.tls.certificate.empty() != c.tls.private_key.empty()) {
    add(c.tls.certificate.empty() ? "/tls/certificate" : "/tls/private_key",
        "/tls/certificate and /tls/private_key must be set together (or both left empty)");
  }
  for (std::size_t i = 0; i < c.ice.turn_servers.size(); ++i) {
    const auto& turn = c.ice.turn_servers[i];
    const auto at = "/ice/turn_servers/" + std::to_string(i);
    if (turn.url.empty()) add(at + "/url", "must be set");
    if (!turn.credential_file.empty() && turn.username.empty())
      add(at + "/username", "must be set with a credential_file");
  }
  if (c.proxy.type != ProxyType::none) {
    if (c.proxy.host.empty()) add("/proxy/host", "must be set when /proxy/type is not \"none\"");
    if (c.proxy.port == 0) add("/proxy/port", "must be 1..65535 when /proxy/type is not \"none\"");
  }
  if (!c.proxy.password_file.empty() && c.proxy.username.empty()) {
    add("/proxy/username", "must be set with /proxy/password_file");
  }
  if (c.daemon.state_directory.empty()) add("/daemon/state_directory", "must not be empty");
  if (c.cloud.enabled) {
    if (c.cloud.jid.empty()) add("/cloud/jid", "must be set when /cloud/enabled is true");
    if (c.cloud.password_file.empty()) add("/cloud/password_file", "must be set when /cloud/enabled is true");
    if (!c.cloud.jid.empty() && require_six_digits(cloud_meeting_id(c.cloud))) {
      add("/cloud/meeting_id", "must be 6 digits when the JID's local part (\"" + jid_local_part(c.cloud.jid) +
                                   "\") is not: it is the cloud meeting ID people type");
    }
  }
}

}  // namespace

LoadResult parse_config(std::string_view text) {
  LoadResult result;
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const nlohmann::json::parse_error& error) {
    // nlohmann says "[json.exception.parse_error.101] parse error at line 4, column 3: <what>";
    // the line goes in front like every other problem, the column stays in the message.
    std::string message = error.what();
    std::string column;
    if (const auto at = message.find(", column "); at != std::string::npos) {
      const auto colon = message.find(": ", at);
      column = " at column " + message.substr(at + 9, colon - at - 9);
      message.erase(0, colon == std::string::npos ? message.size() : colon + 2);
    }
    result.problems.push_back(Problem{line_at_offset(text, error.byte == 0 ? 0 : error.byte - 1), "",
                                      "invalid JSON" + column + ": " + message});
    return result;
  } catch (const nlohmann::json::exception& error) {
    // Well-formed JSON nlohmann cannot hold, e.g. "[json.exception.out_of_range.406] number
    // overflow parsing '1E999'" (found by the config_loader fuzzer: it ended the process, on a
    // reload too). It names the token but not where it is: the line is the token's first one.
    std::string message = error.what();
    if (const auto end = message.find("] "); message.starts_with("[json.exception.") && end != std::string::npos) {
      message.erase(0, end + 2);
    }
    int line = 1;
    if (const auto open = message.find('\''); open != std::string::npos) {
      const auto close = message.find('\'', open + 1);
      const auto token = message.substr(open + 1, close == std::string::npos ? std::string::npos : close - open - 1);
      if (const auto at = text.find(token); !token.empty() && at != std::string_view::npos) {
        line = line_at_offset(text, at);
      }
    }
    result.problems.push_back(Problem{line, "", "invalid JSON: " + message});
    return result;
  }
  if (!document.is_object()) {
    result.problems.push_back(Problem{1, "", "must be a JSON object"});
    return result;
  }
  ConfigReader reader(document, "", result.problems);
  describe(reader, result.config);
  reader.report_unknown_keys();
  if (result.problems.empty()) check_relations(result.config, result.problems);

  locate_problems(text, result.problems);
  return result;
}

void locate_problems(std::string_view text, std::vector<Problem>& problems) {
  const JsonLineMap lines(text);
  for (auto& problem : problems) problem.line = lines.line_of(problem.pointer);
}

LoadResult load_config_file(const std::filesystem::path& path, bool missing_means_defaults) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult result;
    const int error = errno;
    if (error == ENOENT && missing_means_defaults) return result;
    result.problems.push_back(Problem{0, "", std::string("cannot read the file: ") + errno_text(error)});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto result = parse_config(text.str());
  result.text = std::move(text).str();
  return result;
}

std::string format_problem(std::string_view file_label, const Problem& problem) {
  std::string out(file_label);
  if (problem.line > 0) out += ":" + std::to_string(problem.line);
  out += ": ";
  if (!problem.pointer.empty()) out += problem.pointer + ": ";
  out += problem.message;
  return out;
}

}  // namespace presentd::config
