// SPDX-License-Identifier: Apache-2.0
// The _presentd._tcp TXT record: contents, order, RFC 6763 §6 limits and wire form, checked
// against Avahi's own serialisation.
#include "presentd/discovery/txt_record.hpp"

#include <gtest/gtest.h>

#include <avahi-common/strlst.h>

#include "presentd/config/config_schema.hpp"
#include "presentd/discovery/avahi_publisher.hpp"
#include "presentd/discovery/discovery_config_check.hpp"

namespace presentd::discovery {
namespace {

const std::string kFingerprint =
    "75:F6:CD:11:19:16:1B:D5:FF:D8:6E:3A:8E:B5:9F:0C:F1:4D:04:97:34:86:61:F8:12:9E:88:5C:4B:B3:B1:3A";

std::vector<std::string> strings_of(const std::vector<TxtEntry>& entries) {
  std::vector<std::string> out;
  for (const auto& entry : entries) out.push_back(entry.key + "=" + entry.value);
  return out;
}

// Avahi's serialiser, an independent implementation of the same wire form.
std::vector<std::uint8_t> avahi_wire(const std::vector<TxtEntry>& entries) {
  AvahiStringList* list = nullptr;
  for (const auto& entry : entries) list = avahi_string_list_add_pair(list, entry.key.c_str(), entry.value.c_str());
  std::vector<std::uint8_t> wire(4096);
  wire.resize(avahi_string_list_serialize(list, wire.data(), wire.size()));
  avahi_string_list_free(list);
  return wire;
}

TEST(TxtRecord, DescribesTheBoxWithTxtversFirst) {
  ServiceFacts facts;
  facts.pin_required = true;
  facts.max_presenters = 3;
  facts.meeting_id = "2758753250";
  facts.fingerprint = kFingerprint;
  EXPECT_EQ(strings_of(presentd_txt(facts)),
            (std::vector<std::string>{"txtvers=1", "pv=1", "path=/whip", "pin=1", "max=3", "codecs=VP8,VP9,H264,Opus",
                                      "mid=2758753250", "fp=sha-256 " + kFingerprint}));
}

TEST(TxtRecord, OptionalEntriesAppearOnlyWhenKnown) {
  ServiceFacts facts;
  facts.pin_required = false;
  EXPECT_EQ(strings_of(presentd_txt(facts)), (std::vector<std::string>{"txtvers=1", "pv=1", "path=/whip", "pin=0",
                                                                       "max=4", "codecs=VP8,VP9,H264,Opus"}));
  facts.cloud_id = "482913";
  const auto with_cloud = presentd_txt(facts);
  EXPECT_EQ(with_cloud.back(), (TxtEntry{"cid", "482913", "/cloud/meeting_id"}));
}

TEST(TxtRecord, WireFormMatchesAvahiAndDecodesBack) {
  ServiceFacts facts;
  facts.meeting_id = "0342213146";
  facts.fingerprint = kFingerprint;
  facts.cloud_id = "a=b c\"d";  // '=' and quotes in a value travel verbatim
  const auto entries = presentd_txt(facts);
  const auto wire = encode_txt(entries);
  ASSERT_TRUE(wire.has_value());
  EXPECT_EQ(*wire, avahi_wire(entries));
  ASSERT_EQ((*wire)[0], 9);
  EXPECT_EQ(std::string(wire->begin() + 1, wire->begin() + 10), "txtvers=1");
  EXPECT_EQ(decode_txt(*wire), strings_of(entries));
}

TEST(TxtRecord, AnEmptyRecordIsOneEmptyString) {
  EXPECT_EQ(encode_txt({}), (std::vector<std::uint8_t>{0}));  // RFC 6763 §6.1
  EXPECT_EQ(decode_txt({0}), std::vector<std::string>{});
}

TEST(TxtRecord, DecodeRefusesALengthPastTheEnd) {
  EXPECT_EQ(decode_txt({5, 'a', '=', 'b'}), std::nullopt);
  EXPECT_EQ(decode_txt({3, 'a', '=', 'b', 4, 'c'}), std::nullopt);
}

TEST(TxtRecord, EachStringHoldsAtMost255BytesIncludingTheKey) {
  struct Case {
    std::size_t value_bytes;
    bool fits;
  };
  // "cid=" is 4 bytes: 251 value bytes make exactly 255.
  for (const auto [value_bytes, fits] :
       {Case{0, true}, Case{250, true}, Case{251, true}, Case{252, false}, Case{255, false}, Case{1000, false}}) {
    const TxtEntry entry{"cid", std::string(value_bytes, 'x'), "/cloud/meeting_id"};
    EXPECT_EQ(!txt_entry_problem(entry).has_value(), fits) << value_bytes;
    EXPECT_EQ(encode_txt({entry}).has_value(), fits) << value_bytes;
  }
  const auto problem = txt_entry_problem({"cid", std::string(255, 'x'), "/cloud/meeting_id"});
  ASSERT_TRUE(problem.has_value());
  EXPECT_NE(problem->find("259 bytes, at most 255"), std::string::npos) << *problem;
}

TEST(TxtRecord, KeysArePrintableAsciiWithoutEquals) {
  for (const auto& key : std::vector<std::string>{"", "a=b", "t\x01x", "\x7f", "k\xc3\xa9"}) {
    EXPECT_TRUE(txt_entry_problem({key, "v", ""}).has_value()) << key;
  }
  for (const std::string key : {"txtvers", "a b", "~!", "K"}) EXPECT_FALSE(txt_entry_problem({key, "v", ""})) << key;
}

config::Config room_named(std::string name) {
  config::Config config;
  config.room.name = std::move(name);
  return config;
}

TEST(DiscoveryConfigCheck, TheDefaultsPublish) { EXPECT_TRUE(check_discovery_config(config::Config{}).empty()); }

TEST(DiscoveryConfigCheck, AValueThatCannotFitIsReportedAtItsKey) {
  const auto problems = check_discovery_config(config::Config{}, std::string(300, 'c'));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].pointer, "/cloud/meeting_id");
  EXPECT_EQ(
      config::format_problem("presentd.json", problems[0]),
      "presentd.json: /cloud/meeting_id: too long to publish by DNS-SD: the TXT string \"cid=...\" would be 304 bytes, "
      "at most 255 are possible including \"cid=\" (RFC 6763 §6.1)");
  EXPECT_TRUE(check_discovery_config(config::Config{}, std::string(251, 'c')).empty());
}

TEST(DiscoveryConfigCheck, TheRoomNameMustFitOneDnsLabelUnlessNothingIsPublished) {
  EXPECT_TRUE(check_discovery_config(room_named(std::string(63, 'r'))).empty());
  auto config = room_named(std::string(64, 'r'));
  const auto problems = check_discovery_config(config);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].pointer, "/room/name");
  EXPECT_NE(problems[0].message.find("at most 63 bytes"), std::string::npos);
  config.discovery.presentd_service = false;
  EXPECT_EQ(check_discovery_config(config).size(), 1u) << "the page record still carries the name";
  config.discovery.https_service = false;
  EXPECT_TRUE(check_discovery_config(config).empty());
}

TEST(DiscoveryConfig, InterfaceListsAreCheckedAndSplit) {
  for (const std::string good : {"", "eth0", "eth0,wlan0", "enp0s31f6,br-guest"}) {
    EXPECT_EQ(config::require_interface_names(good), std::nullopt) << good;
  }
  for (const std::string bad : {",", "eth0,", ",eth0", "eth0,,wlan0", "eth 0", "a/b", "sixteen-chars-xx"}) {
    EXPECT_NE(config::require_interface_names(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(split_interface_list(""), std::vector<std::string>{});
  EXPECT_EQ(split_interface_list("eth0,wlan0"), (std::vector<std::string>{"eth0", "wlan0"}));
}

TEST(DiscoveryConfig, PublishSettingsComeFromTheConfiguration) {
  config::Config config;
  config.room.name = "Board Room";
  config.network.https_port = 8443;
  config.pin.policy = config::PinPolicy::off;
  config.admission.max_presenters = 2;
  config.discovery.https_service = false;
  config.discovery.interfaces = "eth1";
  const auto settings = publish_settings(config, "2758753250", kFingerprint);
  EXPECT_EQ(settings.name, "Board Room");
  EXPECT_EQ(settings.port, 8443);
  EXPECT_TRUE(settings.presentd_service);
  EXPECT_FALSE(settings.https_service);
  EXPECT_EQ(settings.interfaces, std::vector<std::string>{"eth1"});
  EXPECT_FALSE(settings.facts.pin_required);
  EXPECT_EQ(settings.facts.max_presenters, 2);
  EXPECT_EQ(settings.facts.meeting_id, "2758753250");
  EXPECT_EQ(settings.facts.fingerprint, kFingerprint);
  EXPECT_TRUE(settings.facts.cloud_id.empty());
}

}  // namespace
}  // namespace presentd::discovery
