// SPDX-License-Identifier: Apache-2.0
#include "presentd/session/viewer_source.hpp"

#include <cctype>
#include <string_view>

namespace presentd::session {
namespace {

const sdp::MediaDescription* m_line(const sdp::SessionDescription& answer, const std::string& mid) {
  for (const auto& media : answer.media) {
    if (media.mid == mid) return &media;
  }
  return nullptr;
}

std::vector<media::ExtensionMapping> extensions_of(const sdp::MediaDescription* media) {
  std::vector<media::ExtensionMapping> out;
  if (media == nullptr) return out;
  for (const auto& extmap : media->extmaps) {
    if (extmap.id > 0 && extmap.id < 256) out.push_back({static_cast<std::uint8_t>(extmap.id), extmap.uri});
  }
  return out;
}

std::string fmtp_of(const sdp::MediaDescription* media, std::uint8_t payload_type) {
  if (media == nullptr) return {};
  const auto* fmtp = media->find_fmtp(payload_type);
  return fmtp != nullptr ? fmtp->parameters : std::string{};
}

// One parameter of an fmtp line ("packetization-mode=1;profile-level-id=42e01f"), case as given.
std::string_view fmtp_parameter(std::string_view fmtp, std::string_view name) {
  while (!fmtp.empty()) {
    const auto end = fmtp.find(';');
    auto item = fmtp.substr(0, end);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item.size() > name.size() && item.substr(0, name.size()) == name && item[name.size()] == '=') {
      return item.substr(name.size() + 1);
    }
    if (end == std::string_view::npos) break;
    fmtp.remove_prefix(end + 1);
  }
  return {};
}

// H.264's profile (profile_idc and the constraint flags: the first 4 hex digits of
// profile-level-id, RFC 6184 §8.1). The level may differ: a decoder handles lower levels, and
// browsers answer with level-asymmetry-allowed.
std::string h264_profile(std::string_view fmtp) {
  const auto id = fmtp_parameter(fmtp, "profile-level-id");
  std::string profile(id.substr(0, 4));
  for (auto& c : profile) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return profile;
}

// The viewer's payload type for `codec`; nullopt when the viewer has none of that codec. For
// H.264 the best is the same profile and constraints, then the same profile_idc, then any.
std::optional<std::uint8_t> viewer_payload_type(const SourceCodec& codec, const sdp::ViewerMedia& viewer) {
  std::optional<std::uint8_t> best;
  int best_rank = -1;
  const auto wanted = codec.format == rtp::PayloadFormat::h264 ? h264_profile(codec.fmtp) : std::string();
  for (const auto& candidate : viewer.codecs) {
    if (candidate.format != codec.format) continue;
    if (codec.format != rtp::PayloadFormat::h264) return candidate.payload_type;
    const auto offered = h264_profile(candidate.fmtp);
    const int rank = offered == wanted ? 2 : offered.substr(0, 2) == wanted.substr(0, 2) ? 1 : 0;
    if (rank > best_rank) {
      best_rank = rank;
      best = candidate.payload_type;
    }
  }
  // Another H.264 profile still decodes in every browser's decoder (they all take High).
  return best;
}

}  // namespace

std::vector<PresenterStream> presenter_streams(const sdp::Negotiated& negotiated,
                                               const sdp::SessionDescription& answer) {
  std::vector<PresenterStream> streams;
  for (std::size_t index = 0; index < negotiated.video.size(); ++index) {
    const auto& video = negotiated.video[index];
    const auto* media = m_line(answer, video.mid);
    PresenterStream stream;
    stream.video_index = index;
    stream.ssrc = video.media_ssrc;
    for (const auto& [payload_type, format] : video.payload_types) {
      stream.codecs.push_back({payload_type, format, fmtp_of(media, payload_type)});
    }
    stream.extensions = extensions_of(media);
    streams.push_back(std::move(stream));
  }
  if (negotiated.audio) {
    const auto& audio = *negotiated.audio;
    PresenterStream stream;
    stream.video = false;
    stream.ssrc = audio.ssrc;
    stream.codecs.push_back({audio.payload_type, rtp::PayloadFormat::opus, {}});
    stream.extensions = extensions_of(m_line(answer, audio.mid));
    streams.push_back(std::move(stream));
  }
  return streams;
}

media::SourceStreamConfig source_for_viewer(const PresenterStream& source, const sdp::ViewerMedia& viewer) {
  media::SourceStreamConfig config;
  config.ssrc = source.ssrc.value_or(0);
  config.extensions = source.extensions;
  const bool viewer_video = viewer.kind == sdp::ViewerMedia::Kind::video;
  if (viewer_video != source.video) return config;
  for (const auto& codec : source.codecs) {
    if (const auto payload_type = viewer_payload_type(codec, viewer)) {
      config.payload_types.push_back({codec.payload_type, *payload_type, codec.format});
    }
  }
  return config;
}

}  // namespace presentd::session
