// SPDX-License-Identifier: Apache-2.0
#include "sdp/codec_selection.hpp"

#include <algorithm>

#include "presentd/sdp/text.hpp"

namespace presentd::sdp {
namespace {

constexpr std::size_t kMaxFmtpParameters = 32;
constexpr std::uint32_t kVideoClockRate = 90000;

std::string_view fmtp_of(const MediaDescription& m, std::uint8_t pt) {
  const Fmtp* fmtp = m.find_fmtp(pt);
  return fmtp ? std::string_view(fmtp->parameters) : std::string_view();
}

// RFC 6184 §8.1 profile-level-id: profile_idc, profile-iop (constraint flags), level_idc, as six
// hex digits. Lower is better; ties keep offer order.
int h264_profile_rank(const std::string& profile_level_id) {
  const std::string id = text::to_lower(profile_level_id);
  if (id == "42e01f") return 0;
  if (id == "42001f") return 1;
  if (id.size() != 6) return 9;
  const std::string idc = id.substr(0, 2);
  if (idc == "42") return 2;  // (constrained) baseline at another level
  if (idc == "4d") return 3;  // main
  if (idc == "64") return 4;  // high
  return 5;
}

std::optional<std::uint8_t> rtx_for(const MediaDescription& m, std::uint8_t pt) {
  for (const auto rtx : m.payload_types()) {
    const Rtpmap* map = m.find_rtpmap(rtx);
    if (!map || !text::iequals(map->encoding, "rtx") || map->clock_rate != kVideoClockRate) continue;
    const auto apt = fmtp_parameter(fmtp_of(m, rtx), "apt");
    if (apt && text::parse_uint(*apt, 127) == pt) return rtx;
  }
  return std::nullopt;
}

struct VideoMatch {
  int rank = 0;             // lower is better (H.264 profiles); 0 for the other formats
  std::string answer_fmtp;  // what the receive answer writes for it
};

// Whether offered payload type `pt` (`map`) is `format` in a form we take: the one rule both the
// receive answer and the viewers' answer follow.
std::optional<VideoMatch> match_video(const MediaDescription& m, std::uint8_t pt, const Rtpmap& map,
                                      rtp::PayloadFormat format) {
  if (map.clock_rate != kVideoClockRate) return std::nullopt;
  const std::string_view fmtp = fmtp_of(m, pt);
  switch (format) {
    case rtp::PayloadFormat::vp8:
      if (!text::iequals(map.encoding, "VP8")) return std::nullopt;
      return VideoMatch{};
    case rtp::PayloadFormat::vp9: {
      if (!text::iequals(map.encoding, "VP9")) return std::nullopt;
      const auto profile = fmtp_parameter(fmtp, "profile-id");
      if (profile && *profile != "0") return std::nullopt;  // profile 2 is 10-bit: not on a screen
      return VideoMatch{0, profile ? "profile-id=0" : ""};
    }
    case rtp::PayloadFormat::h264: {
      if (!text::iequals(map.encoding, "H264")) return std::nullopt;
      if (fmtp_parameter(fmtp, "packetization-mode") != "1") return std::nullopt;
      const auto profile = fmtp_parameter(fmtp, "profile-level-id");
      // RFC 6184 §8.1: an absent profile-level-id means 42000A (baseline, level 1).
      const std::string profile_level_id = profile.value_or("42000a");
      if (profile_level_id.size() != 6 || !text::is_token(profile_level_id)) return std::nullopt;
      return VideoMatch{h264_profile_rank(profile_level_id),
                        "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=" + profile_level_id};
    }
    case rtp::PayloadFormat::opus: return std::nullopt;
  }
  return std::nullopt;
}

// The offered payload type for one format, or nullopt.
std::optional<ChosenCodec> choose(const MediaDescription& m, rtp::PayloadFormat format) {
  std::optional<ChosenCodec> best;
  int best_rank = 100;
  for (const auto pt : m.payload_types()) {
    const Rtpmap* map = m.find_rtpmap(pt);
    if (!map) continue;
    auto match = match_video(m, pt, *map, format);
    if (!match || (best && match->rank >= best_rank)) continue;
    best = ChosenCodec{pt, format, *map, std::move(match->answer_fmtp), rtx_for(m, pt)};
    best_rank = match->rank;
  }
  return best;
}

// Only what the receive path decodes, whatever a preference names (one list for both answers).
bool is_video_format(rtp::PayloadFormat format) {
  return std::find(rtp::kVideoPayloadFormats.begin(), rtp::kVideoPayloadFormats.end(), format) !=
         rtp::kVideoPayloadFormats.end();
}

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_fmtp_parameters(std::string_view parameters) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!parameters.empty() && out.size() < kMaxFmtpParameters) {
    const auto semicolon = parameters.find(';');
    const std::string_view item = text::trim(parameters.substr(0, semicolon));
    parameters = semicolon == std::string_view::npos ? std::string_view() : parameters.substr(semicolon + 1);
    if (item.empty()) continue;
    const auto equals = item.find('=');
    if (equals == std::string_view::npos) {
      out.emplace_back(text::to_lower(item), std::string());
    } else {
      out.emplace_back(text::to_lower(text::trim(item.substr(0, equals))),
                       std::string(text::trim(item.substr(equals + 1))));
    }
  }
  return out;
}

std::optional<std::string> fmtp_parameter(std::string_view parameters, std::string_view key) {
  for (auto& [name, value] : parse_fmtp_parameters(parameters))
    if (name == key) return std::move(value);
  return std::nullopt;
}

std::vector<ChosenCodec> choose_video_codecs(const MediaDescription& offer,
                                             const std::vector<rtp::PayloadFormat>& preference) {
  std::vector<ChosenCodec> chosen;
  for (const auto format : preference) {
    if (!is_video_format(format)) continue;
    const bool seen =
        std::any_of(chosen.begin(), chosen.end(), [&](const ChosenCodec& c) { return c.format == format; });
    if (seen) continue;
    if (auto codec = choose(offer, format)) chosen.push_back(std::move(*codec));
  }
  return chosen;
}

std::vector<ChosenCodec> forwardable_video_codecs(const MediaDescription& offer,
                                                  const std::vector<rtp::PayloadFormat>& formats) {
  std::vector<ChosenCodec> out;
  for (const auto pt : offer.payload_types()) {
    const Rtpmap* map = offer.find_rtpmap(pt);
    const bool seen = std::any_of(out.begin(), out.end(), [&](const ChosenCodec& c) { return c.payload_type == pt; });
    if (!map || seen) continue;
    for (const auto format : formats) {
      if (!is_video_format(format) || !match_video(offer, pt, *map, format)) continue;
      out.push_back(ChosenCodec{pt, format, *map, std::string(fmtp_of(offer, pt)), std::nullopt});
      break;
    }
  }
  return out;
}

std::optional<ChosenCodec> choose_opus(const MediaDescription& offer) {
  for (const auto pt : offer.payload_types()) {
    const Rtpmap* map = offer.find_rtpmap(pt);
    if (!map || !text::iequals(map->encoding, "opus") || map->clock_rate != 48000) continue;
    return ChosenCodec{pt, rtp::PayloadFormat::opus, *map, std::string(fmtp_of(offer, pt)), std::nullopt};
  }
  return std::nullopt;
}

}  // namespace presentd::sdp
