// SPDX-License-Identifier: Apache-2.0
#include "presentd/sdp/answer_builder.hpp"

#include <tuple>
#include <utility>

#include "presentd/sdp/sdp_writer.hpp"
#include "presentd/sdp/text.hpp"
#include "sdp/answer_frame.hpp"
#include "sdp/codec_selection.hpp"

namespace presentd::sdp {
namespace {

// FID group (RFC 5576 §4.2, media SSRC first) or, lacking one, the first a=ssrc line.
std::pair<std::optional<std::uint32_t>, std::optional<std::uint32_t>> offered_ssrcs(const MediaDescription& m) {
  for (const auto& group : m.ssrc_groups) {
    if (text::iequals(group.semantics, "FID") && group.ssrcs.size() >= 2) return {group.ssrcs[0], group.ssrcs[1]};
  }
  if (!m.ssrcs.empty()) return {m.ssrcs.front().ssrc, std::nullopt};
  return {std::nullopt, std::nullopt};
}

class AnswerBuilder {
public:
  AnswerBuilder(const SessionDescription& offer, const AnswerConfig& config) : offer_(offer), config_(config) {}
  Result<Answer> run();

private:
  std::optional<MediaDescription> accept(const MediaDescription& offered, std::size_t index, MediaDescription m);
  static void add_payload_type(MediaDescription& answer, const MediaDescription& offered, const ChosenCodec& codec);
  std::optional<MediaDescription> accept_video(const MediaDescription& offered, std::size_t index, MediaDescription m);
  std::optional<MediaDescription> accept_audio(const MediaDescription& offered, std::size_t index, MediaDescription m);

  const SessionDescription& offer_;
  const AnswerConfig& config_;
  Answer answer_;
};

std::optional<MediaDescription> AnswerBuilder::accept(const MediaDescription& offered, std::size_t index,
                                                      MediaDescription m) {
  if (offered.media == "video") return accept_video(offered, index, std::move(m));
  if (offered.media == "audio") return accept_audio(offered, index, std::move(m));
  return std::nullopt;
}

void AnswerBuilder::add_payload_type(MediaDescription& answer, const MediaDescription& offered,
                                     const ChosenCodec& codec) {
  answer_payload_type(answer, offered, codec);
  if (codec.rtx_payload_type) {
    const std::uint8_t pt = codec.payload_type;
    const std::uint8_t rtx = *codec.rtx_payload_type;
    answer.formats.push_back(std::to_string(rtx));
    answer.rtpmaps.push_back(Rtpmap{rtx, "rtx", 90000, std::nullopt});
    answer.fmtps.push_back(Fmtp{rtx, "apt=" + std::to_string(pt)});
  }
}

std::optional<MediaDescription> AnswerBuilder::accept_video(const MediaDescription& offered, std::size_t index,
                                                            MediaDescription m) {
  if (answer_.negotiated.video.size() >= config_.max_video_streams) return std::nullopt;
  const auto codecs = choose_video_codecs(offered, config_.video_codecs);
  if (codecs.empty()) return std::nullopt;
  NegotiatedVideo video;
  video.mid = offered.mid.value_or("");
  video.m_line_index = index;
  video.primary_payload_type = codecs.front().payload_type;
  for (const auto& codec : codecs) {
    add_payload_type(m, offered, codec);
    video.payload_types[codec.payload_type] = codec.format;
    if (codec.rtx_payload_type) video.rtx_payload_types[*codec.rtx_payload_type] = codec.payload_type;
  }
  const std::uint8_t primary = video.primary_payload_type;
  video.nack = has_feedback(m, primary, "nack", "");
  video.nack_pli = has_feedback(m, primary, "nack", "pli");
  video.ccm_fir = has_feedback(m, primary, "ccm", "fir");
  video.goog_remb = has_feedback(m, primary, "goog-remb", "");
  video.transport_cc = has_feedback(m, primary, "transport-cc", "");
  std::tie(video.media_ssrc, video.rtx_ssrc) = offered_ssrcs(offered);
  video.transport_cc_extension_id = extension_id(m, kTransportCcUri);
  video.playout_delay_extension_id = extension_id(m, kPlayoutDelayUri);
  video.abs_send_time_extension_id = extension_id(m, kAbsSendTimeUri);
  video.mid_extension_id = extension_id(m, kMidUri);
  // RFC 3556 b=AS is kbit/s, RFC 3890 b=TIAS bit/s; Chrome honours either as its send cap.
  m.bandwidths = {Bandwidth{"AS", config_.max_bitrate_bps / 1000}, Bandwidth{"TIAS", config_.max_bitrate_bps}};
  answer_.negotiated.video.push_back(std::move(video));
  return m;
}

std::optional<MediaDescription> AnswerBuilder::accept_audio(const MediaDescription& offered, std::size_t index,
                                                            MediaDescription m) {
  if (!config_.accept_audio || answer_.negotiated.audio) return std::nullopt;
  const auto opus = choose_opus(offered);
  if (!opus) return std::nullopt;
  add_payload_type(m, offered, *opus);
  NegotiatedAudio audio{offered.mid.value_or(""),     index,
                        opus->payload_type,           opus->rtpmap.clock_rate,
                        offered_ssrcs(offered).first, extension_id(m, kTransportCcUri)};
  answer_.negotiated.audio = std::move(audio);
  return m;
}

Result<Answer> AnswerBuilder::run() {
  Negotiated& n = answer_.negotiated;
  auto framed = frame_answer(
      offer_, local_transport_of(config_), Direction::recvonly,
      [this](const MediaDescription& offered, std::size_t index, MediaDescription base) {
        return accept(offered, index, std::move(base));
      },
      n);
  if (!framed) return framed.error();
  if (!framed->accepted_any)
    return make_error(ErrorCode::no_common_codec, 0, "no video or audio codec we can decode was offered");
  answer_.description = std::move(framed).value().description;
  for (const auto& v : n.video) {
    if (!n.transport_cc_extension_id) n.transport_cc_extension_id = v.transport_cc_extension_id;
  }
  if (!n.transport_cc_extension_id && n.audio) n.transport_cc_extension_id = n.audio->transport_cc_extension_id;
  n.max_bitrate_bps = config_.max_bitrate_bps;
  answer_.sdp = write_sdp(answer_.description);
  return std::move(answer_);
}

}  // namespace

std::uint64_t default_max_bitrate(std::uint32_t display_width, std::uint32_t display_height) {
  const std::uint64_t pixels = static_cast<std::uint64_t>(display_width) * display_height;
  return pixels <= 1920ULL * 1080ULL ? kDefaultMaxBitrateUpTo1080p : kDefaultMaxBitrateAbove1080p;
}

Result<Answer> build_answer(const SessionDescription& offer, const AnswerConfig& config) {
  return AnswerBuilder(offer, config).run();
}

}  // namespace presentd::sdp
