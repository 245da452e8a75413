// SPDX-License-Identifier: Apache-2.0
#include "presentd/config/config_loader.hpp"
#include "presentd/config/config_schema.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "support/temp_dir.hpp"

namespace presentd::config {
namespace {

const std::filesystem::path kShippedConfig = std::filesystem::path(PRESENTD_SOURCE_DIR) / "config/presentd.json";

TEST(ConfigLoader, ShippedConfigLoadsAndEqualsTheBuiltInDefaults) {
  const auto result = load_config_file(kShippedConfig, false);
  for (const auto& problem : result.problems) ADD_FAILURE() << format_problem("presentd.json", problem);
  ASSERT_TRUE(result.ok());
  // The shipped file documents the defaults; if they drift apart, one of them is lying.
  EXPECT_EQ(result.config, Config{});
}

TEST(ConfigLoader, ShippedConfigDocumentsEveryKey) {
  const auto text = test::read_file(kShippedConfig);
  const auto document = nlohmann::json::parse(text, nullptr, true, true);
  for (const auto& pointer : list_config_keys()) {
    EXPECT_TRUE(document.contains(nlohmann::json::json_pointer(pointer)))
        << pointer << " missing from config/presentd.json";
  }
}

TEST(ConfigLoader, EmptyObjectGivesDefaults) {
  const auto result = parse_config("{}");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.config, Config{});
}

TEST(ConfigLoader, TheDefaultPinHasSixDigits) {
  // 4 digits fall to a brute force in hours at the room-wide limit's rate (docs/protocol.md,
  // "Joining and PIN", has the time for each length).
  EXPECT_EQ(Config{}.pin.length, 6);
  EXPECT_EQ(Config{}.network.max_connections_per_address, 16);
}

TEST(ConfigLoader, MissingDefaultFileMeansDefaultsButMissingChosenFileIsAnError) {
  test::TempDir dir;
  EXPECT_TRUE(load_config_file(dir.path() / "absent.json", true).ok());
  const auto chosen = load_config_file(dir.path() / "absent.json", false);
  ASSERT_EQ(chosen.problems.size(), 1u);
  EXPECT_NE(chosen.problems[0].message.find("No such file"), std::string::npos);
}

TEST(ConfigLoader, ReadsEveryKindOfValueWithComments) {
  const auto result = parse_config(R"({
    // a comment
    "room": {"name": "Aula 3"},
    /* block
       comment */
    "network": {"https_port": 8443, "bind_address": "::1", "media_port_min": 40000, "media_port_max": 40010},
    "pin": {"policy": "fixed", "length": 6, "fixed": "123456"},
    "admission": {"mode": "approve", "max_presenters": 2, "when_full": "refuse"},
    "viewers": {"policy": "open", "max": 3},
    "display": {"fullscreen": false, "driver": "offscreen", "screen": 1, "vsync": false, "renderer": "software"},
    "daemon": {"log_level": "debug", "state_directory": "/tmp/x"}
  })");
  for (const auto& problem : result.problems) ADD_FAILURE() << format_problem("t", problem);
  ASSERT_TRUE(result.ok());
  const auto& c = result.config;
  EXPECT_EQ(c.room.name, "Aula 3");
  EXPECT_EQ(c.network.https_port, 8443);
  EXPECT_EQ(c.network.bind_address, "::1");
  EXPECT_EQ(c.network.media_port_max, 40010);
  EXPECT_EQ(c.pin.policy, PinPolicy::fixed);
  EXPECT_EQ(c.pin.fixed, "123456");
  EXPECT_EQ(c.admission.mode, AdmissionMode::approve);
  EXPECT_EQ(c.admission.max_presenters, 2);
  EXPECT_EQ(c.admission.when_full, WhenFull::refuse);
  EXPECT_EQ(c.viewers.policy, ViewerPolicy::open);
  EXPECT_EQ(c.viewers.max, 3);
  EXPECT_FALSE(c.display.fullscreen);
  EXPECT_EQ(c.display.driver, "offscreen");
  EXPECT_EQ(c.display.renderer, DisplayRenderer::software);
  EXPECT_EQ(c.daemon.log_level, log::Level::debug);
}

struct BrokenCase {
  const char* name;
  const char* text;
  std::vector<std::string> expected;  // formatted problems, file label "presentd.json"
};

class BrokenConfig : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(BrokenConfig, ReportsEachProblemWithLineAndPointer) {
  const auto& param = GetParam();
  const auto result = parse_config(param.text);
  std::vector<std::string> actual;
  for (const auto& problem : result.problems) actual.push_back(format_problem("presentd.json", problem));
  EXPECT_EQ(actual, param.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, BrokenConfig,
    ::testing::Values(
        BrokenCase{"PortOutOfRange",
                   "{\n  \"network\": {\n    \"https_port\": 70000\n  }\n}",
                   {"presentd.json:3: /network/https_port: must be 1..65535"}},
        BrokenCase{"PortZero",
                   "{\"network\": {\"https_port\": 0}}",
                   {"presentd.json:1: /network/https_port: must be 1..65535"}},
        BrokenCase{
            "WrongTypes",
            "{\n\"room\": {\"name\": 5},\n\"display\": {\"fullscreen\": \"yes\"},\n\"network\": {\"https_port\": "
            "\"443\"}\n}",
            {"presentd.json:2: /room/name: must be a string",
             "presentd.json:4: /network/https_port: must be an integer",
             "presentd.json:3: /display/fullscreen: must be true or false"}},
        BrokenCase{"FloatIsNotAnInteger",
                   "{\"admission\": {\"max_presenters\": 2.5}}",
                   {"presentd.json:1: /admission/max_presenters: must be an integer"}},
        BrokenCase{"UnknownKeysWithSuggestion",
                   "{\n  \"network\": {\n    \"https_prot\": 443\n  },\n  \"xyzzy\": 1\n}",
                   {"presentd.json:3: /network/https_prot: unknown key (did you mean \"https_port\"?)",
                    "presentd.json:5: /xyzzy: unknown key"}},
        BrokenCase{"BadEnum",
                   "{\"pin\": {\"policy\": \"sometimes\"}}",
                   {"presentd.json:1: /pin/policy: must be one of \"rotate\", \"fixed\", \"off\""}},
        BrokenCase{"BadViewerPolicy",
                   "{\"viewers\": {\"policy\": \"public\", \"max\": 500}}",
                   {"presentd.json:1: /viewers/policy: must be one of \"pin\", \"open\", \"off\"",
                    "presentd.json:1: /viewers/max: must be 0..200"}},
        BrokenCase{"BadRenderer",
                   "{\"display\": {\"renderer\": \"opengl\"}}",
                   {"presentd.json:1: /display/renderer: must be one of \"auto\", \"gpu\", \"software\""}},
        BrokenCase{
            "PinLengthOutOfRange", "{\"pin\": {\n\"length\": 3}}", {"presentd.json:2: /pin/length: must be 4..8"}},
        BrokenCase{"TooManyPresenters",
                   "{\"admission\": {\"max_presenters\": 5}}",
                   {"presentd.json:1: /admission/max_presenters: must be 1..4"}},
        BrokenCase{"InvertedPortRange",
                   "{\"network\": {\n\"media_port_min\": 50100,\n\"media_port_max\": 50000}}",
                   {"presentd.json:3: /network/media_port_max: must not be below /network/media_port_min (50100)"}},
        BrokenCase{"FixedPinTooShort",
                   "{\"pin\": {\"policy\": \"fixed\",\n \"fixed\": \"123\"}}",
                   {"presentd.json:2: /pin/fixed: must be 4..8 digits when /pin/policy is \"fixed\""}},
        BrokenCase{"FixedPinTooLong",
                   "{\"pin\": {\"policy\": \"fixed\",\n \"fixed\": \"123456789\"}}",
                   {"presentd.json:2: /pin/fixed: must be 4..8 digits when /pin/policy is \"fixed\""}},
        BrokenCase{"NonDigitPin",
                   "{\"pin\": {\"fixed\": \"12a4\"}}",
                   {"presentd.json:1: /pin/fixed: must contain digits only"}},
        BrokenCase{"BadAddress",
                   "{\"network\": {\"bind_address\": \"localhost\"}}",
                   {"presentd.json:1: /network/bind_address: must be an IPv4 or IPv6 address such as 0.0.0.0 or ::"}},
        BrokenCase{
            "UnreadableCertificate",
            "{\"tls\": {\n\"certificate\": \"/nonexistent/cert.pem\",\n\"private_key\": \"/nonexistent/key.pem\"}}",
            {"presentd.json:2: /tls/certificate: cannot read \"/nonexistent/cert.pem\": No such file or directory",
             "presentd.json:3: /tls/private_key: cannot read \"/nonexistent/key.pem\": No such file or directory"}},
        BrokenCase{"RelativeStateDirectory",
                   "{\"daemon\": {\"state_directory\": \"var/lib\"}}",
                   {"presentd.json:1: /daemon/state_directory: must be an absolute path"}},
        BrokenCase{"StunServerByName",
                   "{\"ice\": {\"stun_server\": \"stun.example.net:3478\"}}",
                   {"presentd.json:1: /ice/stun_server: must be \"IP:port\" with a numeric address and a port "
                    "1..65535, e.g. \"192.0.2.10:3478\" (no name lookups on the event loop)"}},
        BrokenCase{"StunServerPortOutOfRange",
                   "{\"ice\": {\"stun_server\": \"192.0.2.1:70000\"}}",
                   {"presentd.json:1: /ice/stun_server: must be \"IP:port\" with a numeric address and a port "
                    "1..65535, e.g. \"192.0.2.10:3478\" (no name lookups on the event loop)"}},
        BrokenCase{"CodecListWithAnUnknownName",
                   "{\"media\": {\"video_codecs\": [\"vp8\", \"av1\"]}}",
                   {"presentd.json:1: /media/video_codecs: must be a non-empty array of \"vp8\", \"h264\", \"vp9\""}},
        BrokenCase{"CodecListWithADuplicate",
                   "{\"media\": {\"video_codecs\": [\"vp8\", \"vp8\"]}}",
                   {"presentd.json:1: /media/video_codecs: names \"vp8\" twice"}},
        BrokenCase{"SectionNotAnObject", "{\"room\": [1, 2]}", {"presentd.json:1: /room: must be an object"}},
        BrokenCase{"RootNotAnObject", "[1, 2, 3]", {"presentd.json:1: must be a JSON object"}},
        BrokenCase{
            "SyntaxErrorLine",
            "{\n  \"room\": {\n    \"name\": \"x\",\n  }\n}",
            {"presentd.json:4: invalid JSON at column 3: syntax error while parsing object key - unexpected '}'; "
             "expected string literal"}},
        // Found by the config_loader fuzzer: well-formed JSON whose number nlohmann cannot hold
        // threw past the loader and ended the process (on a reload, the running daemon).
        BrokenCase{"NumberTooLargeForJson",
                   "{\n  \"media\": {\n    \"max_bitrate_kbps\": 1E999\n  }\n}",
                   {"presentd.json:3: invalid JSON: number overflow parsing '1E999'"}},
        BrokenCase{"EmptyFile",
                   "",
                   {"presentd.json:1: invalid JSON at column 1: syntax error while parsing value - unexpected "
                    "end of input; expected '[', '{', or a literal"}}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(ConfigRules, ParsesIpv4AndBracketedIpv6HostPorts) {
  const auto v4 = parse_host_port("192.0.2.10:3478");
  ASSERT_TRUE(v4.has_value());
  EXPECT_EQ(v4->host, "192.0.2.10");
  EXPECT_EQ(v4->port, 3478);
  const auto v6 = parse_host_port("[2001:db8::1]:19302");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "2001:db8::1");
  EXPECT_EQ(v6->port, 19302);
  for (const char* bad : {"", "192.0.2.10", "192.0.2.10:", "192.0.2.10:0", "192.0.2.10:65536", "192.0.2.10:12a",
                          "host:3478", "192.0.2.10:1234567"}) {
    EXPECT_FALSE(parse_host_port(bad).has_value()) << bad;
  }
  EXPECT_FALSE(require_host_port("").has_value());  // empty: no STUN server
}

// Written when the default length was 4: a fixed PIN is its own length, so it still loads.
TEST(ConfigLoader, AFixedPinShorterThanTheDefaultLengthStillLoads) {
  const auto result = parse_config(R"({"pin": {"policy": "fixed", "fixed": "9753"}})");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.config.pin.fixed, "9753");
}

TEST(ConfigLoader, PrintMasksTheFixedPin) {
  const auto result = parse_config(R"({"pin": {"policy": "fixed", "fixed": "864213"}})");
  ASSERT_TRUE(result.ok());
  const auto printed = print_config(result.config);
  EXPECT_EQ(printed.find("864213"), std::string::npos);
  EXPECT_NE(printed.find("\"fixed\": \"********\""), std::string::npos);
  // What is printed (bar the masked secret) reads back to the same configuration.
  auto reread = parse_config(printed);
  ASSERT_EQ(reread.problems.size(), 1u);  // "********" is not digits
  EXPECT_EQ(reread.problems[0].pointer, "/pin/fixed");
}

TEST(ConfigLoader, PrintedDefaultsReadBackUnchanged) {
  const auto reread = parse_config(print_config(Config{}));
  ASSERT_TRUE(reread.ok());
  EXPECT_EQ(reread.config, Config{});
}

}  // namespace
}  // namespace presentd::config
