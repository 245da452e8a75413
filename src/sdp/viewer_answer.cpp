// SPDX-License-Identifier: Apache-2.0
#include "presentd/sdp/viewer_answer.hpp"

#include <algorithm>
#include <utility>

#include "presentd/sdp/sdp_writer.hpp"
#include "presentd/sdp/text.hpp"
#include "sdp/answer_frame.hpp"
#include "sdp/codec_selection.hpp"

namespace presentd::sdp {
namespace {

constexpr std::size_t kMaxCnameLength = 64;  // RFC 8830 §2: msid-id = 1*64token-char
// The 406 message names what the offer had, bounded: it goes back to the sender as the reason.
constexpr std::size_t kMaxNamedEncodings = 8;
constexpr std::size_t kMaxEncodingNameLength = 16;

std::string_view format_name(rtp::PayloadFormat format) {
  switch (format) {
    case rtp::PayloadFormat::vp8: return "VP8";
    case rtp::PayloadFormat::vp9: return "VP9 profile 0";
    case rtp::PayloadFormat::h264: return "H264 packetization-mode=1";
    case rtp::PayloadFormat::opus: return "opus/48000";
  }
  return "?";
}

std::optional<Error> check_config(const ViewerAnswerConfig& config) {
  const std::size_t audio = config.accept_audio ? 1 : 0;
  if (config.ssrcs.size() < config.max_video_m_lines || config.ssrcs.size() - config.max_video_m_lines < audio) {
    return make_error(ErrorCode::bad_config, 0,
                      "viewer answer: " + std::to_string(config.ssrcs.size()) + " SSRCs for " +
                          std::to_string(config.max_video_m_lines) + " video m-lines" + (audio ? " and audio" : ""));
  }
  auto sorted = config.ssrcs;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    return make_error(ErrorCode::bad_config, 0, "viewer answer: an SSRC is given twice");
  if (config.cname.empty() || config.cname.size() > kMaxCnameLength || !text::is_token(config.cname))
    return make_error(ErrorCode::bad_config, 0, "viewer answer: the cname must be 1 to 64 token characters");
  return std::nullopt;
}

// Retransmission, redundancy and FEC formats only protect another codec: naming them in the 406
// message would not help anyone.
bool protects_another_codec(const std::string& encoding) {
  const std::string name = text::to_lower(encoding);
  return name == "rtx" || name == "red" || name == "ulpfec" || name.rfind("flexfec", 0) == 0;
}

// The distinct encoding names of one kind of m-line, for the 406 message.
class EncodingNames {
public:
  void add(const MediaDescription& m) {
    for (const auto pt : m.payload_types()) {
      const Rtpmap* map = m.find_rtpmap(pt);
      if (!map || protects_another_codec(map->encoding)) continue;
      std::string name = map->encoding.substr(0, kMaxEncodingNameLength);
      if (!text::is_token(name)) continue;
      const bool seen =
          std::any_of(names_.begin(), names_.end(), [&](const std::string& n) { return text::iequals(n, name); });
      if (seen) continue;
      if (names_.size() == kMaxNamedEncodings) {
        more_ = true;
        return;
      }
      names_.push_back(std::move(name));
    }
  }
  [[nodiscard]] std::string text() const {
    if (names_.empty()) return "none";
    std::string out;
    for (const auto& name : names_) out += (out.empty() ? "" : ", ") + name;
    return more_ ? out + ", ..." : out;
  }

private:
  std::vector<std::string> names_;
  bool more_ = false;
};

class ViewerAnswerBuilder {
public:
  ViewerAnswerBuilder(const SessionDescription& offer, const ViewerAnswerConfig& config)
      : offer_(offer), config_(config) {}
  Result<ViewerAnswer> run();

private:
  std::optional<MediaDescription> accept(const MediaDescription& offered, std::size_t index, MediaDescription m);
  std::vector<ChosenCodec> codecs_for(const MediaDescription& offered, bool video) const;
  [[nodiscard]] Error nothing_forwardable() const;

  const SessionDescription& offer_;
  const ViewerAnswerConfig& config_;
  ViewerAnswer answer_;
  std::size_t video_m_lines_ = 0;
  bool audio_taken_ = false;
  EncodingNames offered_video_;
  EncodingNames offered_audio_;
};

std::vector<ChosenCodec> ViewerAnswerBuilder::codecs_for(const MediaDescription& offered, bool video) const {
  if (video) {
    if (video_m_lines_ >= config_.max_video_m_lines) return {};
    return forwardable_video_codecs(offered, config_.video_codecs);
  }
  if (!config_.accept_audio || audio_taken_) return {};
  auto opus = choose_opus(offered);
  if (!opus) return {};
  return {std::move(*opus)};
}

std::optional<MediaDescription> ViewerAnswerBuilder::accept(const MediaDescription& offered, std::size_t index,
                                                            MediaDescription m) {
  const bool video = offered.media == "video";
  if (!video && offered.media != "audio") return std::nullopt;
  (video ? offered_video_ : offered_audio_).add(offered);
  const auto codecs = codecs_for(offered, video);
  if (codecs.empty()) return std::nullopt;
  if (video) {
    ++video_m_lines_;
  } else {
    audio_taken_ = true;
  }

  ViewerMedia media;
  media.kind = video ? ViewerMedia::Kind::video : ViewerMedia::Kind::audio;
  media.mid = offered.mid.value_or("");
  media.m_line_index = index;
  media.ssrc = config_.ssrcs[answer_.media.size()];
  for (const auto& codec : codecs) {
    answer_payload_type(m, offered, codec);
    media.codecs.push_back(ViewerCodec{codec.payload_type, codec.format, codec.rtpmap.clock_rate, codec.answer_fmtp});
  }
  const auto every_codec = [&](std::string_view type, std::string_view parameter) {
    return std::all_of(codecs.begin(), codecs.end(),
                       [&](const ChosenCodec& c) { return has_feedback(m, c.payload_type, type, parameter); });
  };
  media.nack = every_codec("nack", "");
  media.nack_pli = every_codec("nack", "pli");
  media.ccm_fir = every_codec("ccm", "fir");
  media.goog_remb = every_codec("goog-remb", "");
  media.transport_cc = every_codec("transport-cc", "");
  media.extensions = m.extmaps;
  m.extmap_allow_mixed = offered.extmap_allow_mixed;
  media.two_byte_extensions_allowed = offer_.extmap_allow_mixed || offered.extmap_allow_mixed;
  // One stream (the cname) with a track per m-line; the track id only has to be unique.
  m.ssrcs.push_back(SsrcAttribute{media.ssrc, "cname", config_.cname});
  m.msid = config_.cname + " " + offered.media + std::to_string(index);
  answer_.media.push_back(std::move(media));
  return m;
}

Error ViewerAnswerBuilder::nothing_forwardable() const {
  std::string forwarded;
  for (const auto format : config_.video_codecs) {
    if (format != rtp::PayloadFormat::opus) forwarded += std::string(format_name(format)) + ", ";
  }
  forwarded += config_.accept_audio ? std::string(format_name(rtp::PayloadFormat::opus)) : "no audio";
  return make_error(ErrorCode::no_common_codec, 0,
                    "no codec we can forward was offered: video: " + offered_video_.text() +
                        "; audio: " + offered_audio_.text() + " (we forward " + forwarded + ")");
}

Result<ViewerAnswer> ViewerAnswerBuilder::run() {
  if (auto error = check_config(config_)) return std::move(*error);
  auto framed = frame_answer(
      offer_, local_transport_of(config_), Direction::sendonly,
      [this](const MediaDescription& offered, std::size_t index, MediaDescription base) {
        return accept(offered, index, std::move(base));
      },
      answer_.transport);
  if (!framed) return framed.error();
  if (!framed->accepted_any) return nothing_forwardable();
  answer_.description = std::move(framed).value().description;
  answer_.sdp = write_sdp(answer_.description);
  return std::move(answer_);
}

}  // namespace

Result<ViewerAnswer> build_viewer_answer(const SessionDescription& offer, const ViewerAnswerConfig& config) {
  return ViewerAnswerBuilder(offer, config).run();
}

}  // namespace presentd::sdp
