// SPDX-License-Identifier: Apache-2.0
// Discovery against a real avahi-daemon. Each scenario runs avahi_scenario.sh inside new
// network, mount and PID namespaces (its own system bus, avahi-daemon and veth links, so no
// mDNS leaves the machine and a host avahi-daemon is not disturbed) and prints facts; these
// tests check them: exact TXT values through avahi-browse, collisions, avahi-daemon restarts,
// late start, no bus at all, interface restriction, renaming on SIGHUP, and the cloud meeting ID
// (`cid`) while the box is online with a real Prosody.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "presentd/common/meeting_id.hpp"
#include "presentd/discovery/txt_record.hpp"
#include "support/child_process.hpp"
#include "support/network_namespace.hpp"
#include "support/prosody_server.hpp"
#include "support/temp_dir.hpp"

namespace presentd::test {
namespace {

// One line of `avahi-browse -rpt` for a resolved service.
struct Resolved {
  std::string interface, protocol, name, type, address, port, txt;
};

struct Scenario {
  int exit_code = -1;
  std::string output;
  std::multimap<std::string, std::string> facts;  // "KEY value" lines
  std::vector<Resolved> resolved;

  std::string fact(const std::string& key) const {
    const auto found = facts.find(key);
    return found == facts.end() ? std::string() : found->second;
  }
  std::vector<Resolved> of(const std::string& type, const std::string& protocol = "IPv4") const {
    std::vector<Resolved> out;
    for (const auto& r : resolved) {
      if (r.type == type && r.protocol == protocol) out.push_back(r);
    }
    return out;
  }
};

// `sections`: configuration sections added to every presentd the scenario starts. With
// `own_network` false the scenario shares the test's network namespace (and makes no links).
Scenario run_scenario(const std::string& name, const std::string& sections = {}, bool own_network = true) {
  const TempDir work;
  const std::string script = std::string(PRESENTD_SOURCE_DIR) + "/tests/integration/discovery/avahi_scenario.sh";
  Scenario scenario;
  // --kill-child: if `timeout` ends unshare, the script (PID 1 of the new PID namespace) and
  // with it every server it started are killed too.
  std::vector<std::string> command{"timeout", "-k", "5", "90", "unshare"};
  if (own_network) command.push_back("--net");
  for (const char* argument : {"--mount", "--pid", "--fork", "--kill-child", "--mount-proc", "bash"}) {
    command.push_back(argument);
  }
  for (const std::string& argument : {script, name, std::string(PRESENTD_BINARY), work.path().string(),
                                      std::string(PRESENTD_SOURCE_DIR) + "/web", sections}) {
    command.push_back(argument);
  }
  std::tie(scenario.exit_code, scenario.output) = run_command(command);
  std::istringstream lines(scenario.output);
  std::string line;
  while (std::getline(lines, line)) {
    const auto space = line.find(' ');
    if (space == std::string::npos) {
      scenario.facts.emplace(line, "");
      continue;
    }
    const std::string key = line.substr(0, space), value = line.substr(space + 1);
    scenario.facts.emplace(key, value);
    if (key != "RESOLVED") continue;
    std::vector<std::string> fields;
    std::istringstream parts(value);
    for (std::string field; fields.size() < 9 && std::getline(parts, field, ';');) fields.push_back(field);
    std::string txt;
    std::getline(parts, txt);
    if (fields.size() == 9) {
      scenario.resolved.push_back({fields[1], fields[2], fields[3], fields[4], fields[7], fields[8], txt});
    }
  }
  return scenario;
}

// avahi-browse -p quotes each TXT string in wire order.
std::string browse_txt(const std::vector<discovery::TxtEntry>& entries) {
  std::string out;
  for (const auto& entry : entries) out += (out.empty() ? "\"" : " \"") + entry.key + "=" + entry.value + "\"";
  return out;
}

std::set<std::string> names_of(const std::vector<Resolved>& services) {
  std::set<std::string> names;
  for (const auto& service : services) names.insert(service.name);
  return names;
}

constexpr std::uint32_t kDefaultRouteAddress = (10u << 24) | (78u << 16) | 1;  // v1, 10.78.0.1

TEST(Discovery, PublishesExactlyTheConfiguredTxtRecordAndThePage) {
  const auto scenario = run_scenario("txt");
  ASSERT_EQ(scenario.exit_code, 0) << scenario.output;
  const auto fingerprint = scenario.fact("FINGERPRINT");
  ASSERT_EQ(fingerprint.size(), 95u) << scenario.output;

  discovery::ServiceFacts facts;
  facts.pin_required = true;
  facts.max_presenters = 3;
  facts.meeting_id = common::encode_meeting_id(kDefaultRouteAddress);
  facts.fingerprint = fingerprint;
  const std::string expected_txt = browse_txt(discovery::presentd_txt(facts));
  ASSERT_EQ(expected_txt.substr(0, 11), "\"txtvers=1\"");

  const auto services = scenario.of("_presentd._tcp");
  // Every interface avahi-daemon uses: lo, v0, v1.
  ASSERT_EQ(services.size(), 3u) << scenario.output;
  for (const auto& service : services) {
    EXPECT_EQ(service.name, "Board\\032Room");
    EXPECT_EQ(service.port, "8443");
    EXPECT_EQ(service.txt, expected_txt) << service.interface;
  }
  const auto pages = scenario.of("_https._tcp");
  ASSERT_EQ(pages.size(), 3u) << scenario.output;
  for (const auto& page : pages) {
    EXPECT_EQ(page.name, "Board\\032Room");
    EXPECT_EQ(page.port, "8443");
    EXPECT_EQ(page.txt, "\"path=/\"");
  }
  EXPECT_EQ(scenario.fact("EXIT_a"), "0");
  EXPECT_EQ(scenario.fact("WITHDRAWN_ON_EXIT"), "1") << "SIGTERM withdraws the records";
}

TEST(Discovery, PublishesOnlyTheChosenRecordsOnTheChosenInterfaces) {
  const auto scenario = run_scenario("interfaces");
  ASSERT_EQ(scenario.exit_code, 0) << scenario.output;
  EXPECT_TRUE(scenario.of("_presentd._tcp").empty()) << scenario.output;
  EXPECT_TRUE(scenario.of("_presentd._tcp", "IPv6").empty()) << scenario.output;
  const auto pages = scenario.of("_https._tcp");
  ASSERT_EQ(pages.size(), 1u) << scenario.output;
  EXPECT_EQ(pages[0].interface, "v1");
  EXPECT_EQ(pages[0].address, "10.78.0.1");
  for (const auto& page : scenario.of("_https._tcp", "IPv6")) EXPECT_EQ(page.interface, "v1");
  EXPECT_NE(scenario.fact("LOG").find("interface \"nope0\" (/discovery/interfaces) does not exist"), std::string::npos)
      << scenario.output;
}

TEST(Discovery, TwoBoxesWithTheSameRoomNameGetTwoDistinctNames) {
  const auto scenario = run_scenario("collision");
  ASSERT_EQ(scenario.exit_code, 0) << scenario.output;
  const auto services = scenario.of("_presentd._tcp");
  EXPECT_EQ(names_of(services), (std::set<std::string>{"Board\\032Room", "Board\\032Room\\032\\0352"}))
      << scenario.output;
  std::set<std::string> ports;
  for (const auto& service : services) ports.insert(service.name + " " + service.port);
  EXPECT_EQ(ports.size(), 2u) << "each name belongs to one box\n" << scenario.output;
  EXPECT_NE(scenario.fact("LOG").find("publishing as \"Board Room #2\""), std::string::npos) << scenario.output;
}

TEST(Discovery, AnAvahiDaemonRestartIsFollowedWithinFiveSecondsWithoutRestartingPresentd) {
  const auto scenario = run_scenario("restart");
  ASSERT_EQ(scenario.exit_code, 0) << scenario.output;
  EXPECT_EQ(scenario.fact("ALIVE_WITHOUT_AVAHI"), "1");
  const auto back = scenario.fact("BACK_AFTER_MS");
  ASSERT_FALSE(back.empty()) << "not back within 5 s\n" << scenario.output;
  EXPECT_LT(std::stoi(back), 5000);
  EXPECT_EQ(scenario.fact("SAME_PROCESS"), "1");
  EXPECT_EQ(scenario.fact("STARTS"), "1") << "presentd started once";
}

TEST(Discovery, AnAvahiDaemonStartedAfterPresentdIsUsedAtOnce) {
  const auto scenario = run_scenario("late");
  ASSERT_EQ(scenario.exit_code, 0) << scenario.output;
  const auto published = scenario.fact("PUBLISHED_AFTER_MS");
  ASSERT_FALSE(published.empty()) << scenario.output;
  EXPECT_LT(std::stoi(published), 5000);
}

TEST(Discovery, WithoutAnyBusOneWarningAndEverythingElseWorks) {
  const auto scenario = run_scenario("nobus");
  ASSERT_EQ(scenario.exit_code, 0) << scenario.output;
  EXPECT_NE(scenario.fact("STATUS").find("\"name\":\"Board Room\""), std::string::npos) << scenario.output;
  EXPECT_EQ(scenario.fact("WARNINGS"), "1") << "retries stay quiet";
  EXPECT_EQ(scenario.fact("EXIT_a"), "0");
}

TEST(Discovery, TheStatusListsTheLocalNameAvahiAnswersForAndFollowsAHostRename) {
  const auto scenario = run_scenario("hostname");
  ASSERT_EQ(scenario.exit_code, 0) << scenario.output;
  // The name avahi-daemon itself answers for (a reverse mDNS lookup of the box's address).
  const auto name = scenario.fact("AVAHI_NAME");
  ASSERT_TRUE(name.ends_with(".local")) << scenario.output;
  const auto status = nlohmann::json::parse(scenario.fact("STATUS"), nullptr, false);
  ASSERT_TRUE(status.is_object()) << scenario.output;
  const auto urls = status["urls"].get<std::vector<std::string>>();
  ASSERT_FALSE(urls.empty()) << scenario.output;
  EXPECT_EQ(urls.back(), "https://" + name + ":8443/") << scenario.output;
  EXPECT_EQ(urls.front().find(".local"), std::string::npos) << "an address first: the QR code encodes it";

  EXPECT_FALSE(scenario.fact("RENAMED_AFTER_MS").empty()) << scenario.output;
  const auto renamed = nlohmann::json::parse(scenario.fact("RENAMED_STATUS"), nullptr, false);
  ASSERT_TRUE(renamed.is_object()) << scenario.output;
  const auto renamed_urls = renamed["urls"].get<std::vector<std::string>>();
  EXPECT_EQ(std::count(renamed_urls.begin(), renamed_urls.end(), "https://presentd-renamed-box.local:8443/"), 1)
      << scenario.output;
  EXPECT_EQ(std::count(renamed_urls.begin(), renamed_urls.end(), "https://" + name + ":8443/"), 0) << scenario.output;
}

TEST(Discovery, ARenamedRoomIsPublishedAndTheOldNameWithdrawnOnSighup) {
  const auto scenario = run_scenario("rename");
  ASSERT_EQ(scenario.exit_code, 0) << scenario.output;
  EXPECT_FALSE(scenario.fact("RENAMED_AFTER_MS").empty()) << scenario.output;
  EXPECT_FALSE(scenario.fact("OLD_GONE_AFTER_MS").empty()) << scenario.output;
  EXPECT_EQ(names_of(scenario.of("_presentd._tcp")), std::set<std::string>{"Beta\\032Room"}) << scenario.output;
}

TEST(Discovery, TheCloudMeetingIdIsPublishedWhileTheBoxIsOnlineWithItsCloudServer) {
  // Prosody in the test's own network namespace; the scenario (its own bus and avahi-daemon)
  // shares that namespace so presentd reaches Prosody on 127.0.0.1.
  std::string why;
  ASSERT_TRUE(enter_private_network(why)) << why;
  const TempDir dir;
  std::filesystem::permissions(dir.path(), std::filesystem::perms::others_exec | std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  std::filesystem::create_directories(dir.path() / "prosody");
  ProsodyServer prosody(dir.path() / "prosody");
  const std::string room = "482913";
  prosody.add_user(room, "room password 5!");
  prosody.start();
  const auto password_file = dir.write("cloud-password", "room password 5!\n");
  std::filesystem::permissions(password_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::replace);
  const std::string cloud = R"(
  "cloud": {"enabled": true, "jid": ")" +
                            room + R"(@localhost", "server": "127.0.0.1", "port": )" +
                            std::to_string(prosody.starttls_port()) + R"(, "tls": "starttls", "password_file": ")" +
                            password_file.string() + R"(", "ca_file": ")" + prosody.ca_file().string() + R"("},)";

  const auto scenario = run_scenario("cloud", cloud, /*own_network=*/false);
  prosody.stop();
  ASSERT_EQ(scenario.exit_code, 0) << scenario.output;
  ASSERT_FALSE(scenario.fact("CID_AFTER_MS").empty()) << "no cid while online\n" << scenario.output;

  // Online: exactly the record with the cloud meeting ID in its place (after mid, before fp).
  discovery::ServiceFacts facts;
  facts.max_presenters = 3;
  facts.cloud_id = room;
  facts.fingerprint = scenario.fact("FINGERPRINT");
  const auto online = scenario.fact("ONLINE");
  std::smatch mid;
  if (std::regex_search(online, mid, std::regex(R"re("mid=([0-9]{10})")re"))) facts.meeting_id = mid[1];
  EXPECT_NE(online.find(";" + browse_txt(discovery::presentd_txt(facts))), std::string::npos)
      << browse_txt(discovery::presentd_txt(facts)) << "\n"
      << scenario.output;

  // Cloud switched off and reloaded: the same service, re-published without cid.
  EXPECT_FALSE(scenario.fact("CID_GONE_AFTER_MS").empty()) << scenario.output;
  facts.cloud_id.clear();
  const auto services = scenario.of("_presentd._tcp");
  ASSERT_FALSE(services.empty()) << scenario.output;
  for (const auto& service : services) EXPECT_EQ(service.txt, browse_txt(discovery::presentd_txt(facts)));
}

TEST(Discovery, CheckConfigRefusesARoomNameDnsSdCannotCarry) {
  TempDir dir;
  const auto file = dir.write("presentd.json", "{\n  \"room\": {\"name\": \"" + std::string(64, 'R') + "\"}\n}\n");
  const auto [code, output] = run_command({PRESENTD_BINARY, "--check-config", "--config", file.string()});
  EXPECT_EQ(code, 1);
  EXPECT_NE(output.find("presentd.json:2: /room/name: must be at most 63 bytes to be published by DNS-SD"),
            std::string::npos)
      << output;
  const auto off = dir.write("off.json", "{\"room\": {\"name\": \"" + std::string(64, 'R') +
                                             "\"}, \"discovery\": {\"presentd_service\": false, "
                                             "\"https_service\": false}}");
  EXPECT_EQ(run_command({PRESENTD_BINARY, "--check-config", "--config", off.string()}).first, 0);
}

}  // namespace
}  // namespace presentd::test
