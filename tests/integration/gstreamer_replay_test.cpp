// SPDX-License-Identifier: Apache-2.0
// Issue 3's file-driven test: GStreamer, an independent implementation, encodes a test pattern
// and packetizes it (rtpvp8pay / rtph264pay), writing every RTP packet and every encoded frame
// to files. The packets are encrypted with SRTP as a sender would and replayed through presentd's
// receive path (ReceivePipeline → DecodeWorker); the pictures must be exactly those FFmpeg
// decodes from the encoder's own frames. Then the same stream with 5 % loss, reordering and
// duplicates: the NACK list must name exactly the missing packets, and once the retransmissions
// arrive every picture must be right again.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "presentd/media/decode/decode_worker.hpp"
#include "presentd/media/decode/video_decoder.hpp"
#include "presentd/media/receive/receive_pipeline.hpp"
#include "presentd/rtp/rtcp/compound.hpp"
#include "presentd/rtp/rtcp/nack.hpp"
#include "presentd/rtp/rtp_packet.hpp"
#include "presentd/rtp/srtp/srtp_keys.hpp"
#include "support/child_process.hpp"
#include "support/media/reference_decoder.hpp"
#include "support/media/synthetic_video.hpp"
#include "support/rtx_packet.hpp"
#include "support/temp_dir.hpp"

namespace presentd::media {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

struct Codec {
  const char* name;
  rtp::PayloadFormat format;
  AVCodecID ffmpeg_id;
  std::string encode;   // gst-launch fragment from raw video to the encoded stream
  std::string payload;  // gst-launch fragment from the encoded stream to RTP
};

const Codec kVp8{"vp8", rtp::PayloadFormat::vp8, AV_CODEC_ID_VP8,
                 "vp8enc deadline=1 keyframe-max-dist=45 target-bitrate=800000",
                 "rtpvp8pay mtu=1100 picture-id-mode=15-bit"};
const Codec kH264{"h264", rtp::PayloadFormat::h264, AV_CODEC_ID_H264,
                  "openh264enc gop-size=45 bitrate=800000 ! h264parse config-interval=-1 ! "
                  "video/x-h264,stream-format=byte-stream,alignment=au",
                  "rtph264pay mtu=1100 config-interval=0"};

class GstreamerReplay : public ::testing::TestWithParam<Codec> {
protected:
  void SetUp() override {
    const auto& codec = GetParam();
    const auto dir = dir_.path().string();
    const std::string pipeline =
        "gst-launch-1.0 -q videotestsrc num-buffers=150 pattern=smpte horizontal-speed=3 ! "
        "video/x-raw,width=640,height=360,framerate=30/1 ! " +
        codec.encode +
        " ! tee name=t "
        "t. ! queue ! multifilesink location=" +
        dir +
        "/frame-%05d "
        "t. ! queue ! " +
        codec.payload + " ! identity ! multifilesink location=" + dir + "/rtp-%05d";
    const auto [code, output] = test::run_command({"sh", "-c", pipeline});
    ASSERT_EQ(code, 0) << pipeline << "\n" << output;
    frames_ = test::read_numbered_files(dir_.path(), "frame-");
    packets_ = test::read_numbered_files(dir_.path(), "rtp-");
    ASSERT_GE(frames_.size(), 140u);
    ASSERT_GT(packets_.size(), frames_.size());

    // What FFmpeg makes of the encoder's own frames: the expected pictures.
    testing::ReferenceAvDecoder reference(codec.ffmpeg_id);
    for (const auto& frame : frames_) {
      const auto sum = reference.decode(frame);
      ASSERT_NE(sum, 0u) << "FFmpeg could not decode the reference stream";
      expected_.push_back(sum);
    }

    const auto profile = rtp::SrtpProfile::aead_aes_128_gcm;
    Bytes exported(rtp::keying_material_length(profile));
    std::mt19937 rng(7);
    for (auto& byte : exported) byte = static_cast<std::uint8_t>(rng());
    const auto ours = *rtp::split_dtls_srtp_keying_material(profile, exported, rtp::DtlsRole::server);
    sender_ = std::make_unique<rtp::SrtpContext>(
        profile, *rtp::split_dtls_srtp_keying_material(profile, exported, rtp::DtlsRole::client));
    payload_type_ = rtp::RtpPacket::parse(packets_.front())->payload_type();

    DecodeWorkerCallbacks callbacks;
    callbacks.on_picture = [this](PicturePtr picture) {
      std::lock_guard lock(mutex_);
      decoded_.push_back(testing::checksum(*picture));
    };
    callbacks.post_to_loop = [this](std::function<void()> work) {
      std::lock_guard lock(mutex_);
      loop_work_.push_back(std::move(work));
    };
    callbacks.on_keyframe_needed = [] {};
    worker_ = std::make_unique<DecodeWorker>(make_video_decoder(codec.format), decode_clock_, std::move(callbacks));

    ReceivePipelineConfig config;
    VideoStreamConfig video;
    video.payload_types[payload_type_] = codec.format;
    video.rtx_payload_types[kRtxPayloadType] = payload_type_;
    config.video.push_back(video);
    pipeline_ = std::make_unique<ReceivePipeline>(
        clock_, config, std::make_unique<rtp::SrtpContext>(profile, ours),
        [this](std::size_t, Frame&& frame, rtp::PayloadFormat) {
          worker_->submit(std::move(frame));
          // A replay runs far faster than 30 frames/s; let the decoder keep up, as it does live,
          // so the queue-overflow policy (tested in the unit tests) does not drop frames here.
          while (worker_->stats().queue_depth > 1) std::this_thread::sleep_for(1ms);
        },
        nullptr, [this](Bytes&& srtcp) { rtcp_.push_back(std::move(srtcp)); });
  }

  void deliver(Bytes packet) {
    packet.reserve(packet.size() + rtp::kSrtpProtectScratch);
    ASSERT_EQ(sender_->outbound.protect_rtp(packet), rtp::SrtpResult::ok);
    pipeline_->on_packet(std::move(packet));
    clock_.advance(1ms);
  }

  Bytes rtx_of(const Bytes& original) {
    return test::make_rtx_packet(original, kRtxPayloadType, 0xAAAA0001, rtx_sequence_++);
  }

  std::set<std::uint16_t> nacked_since_last_call() {
    std::set<std::uint16_t> out;
    for (auto& packet : rtcp_) {
      EXPECT_EQ(sender_->inbound.unprotect_rtcp(packet), rtp::SrtpResult::ok);
      const auto compound = rtp::rtcp::parse_compound(packet);
      if (!compound) continue;
      for (const auto& message : compound->messages) {
        if (const auto* nack = std::get_if<rtp::rtcp::Nack>(&message)) {
          for (auto seq : nack->sequence_numbers()) out.insert(seq);
        }
      }
    }
    rtcp_.clear();
    return out;
  }

  bool is_keyframe(const Bytes& frame) const {
    if (GetParam().format == rtp::PayloadFormat::vp8) return !frame.empty() && (frame[0] & 0x01) == 0;
    for (std::size_t i = 0; i + 3 < frame.size(); ++i) {  // an IDR slice NAL unit (type 5)
      if (frame[i] == 0 && frame[i + 1] == 0 && frame[i + 2] == 1 && (frame[i + 3] & 0x1f) == 5) return true;
    }
    return false;
  }

  std::vector<std::uint64_t> finish_decoding() {
    worker_->stop(StopMode::drain);
    std::lock_guard lock(mutex_);
    return decoded_;
  }

  static constexpr std::uint8_t kRtxPayloadType = 121;
  test::TempDir dir_;
  std::vector<Bytes> frames_;
  std::vector<Bytes> packets_;
  std::vector<std::uint64_t> expected_;
  std::uint8_t payload_type_ = 0;
  std::uint16_t rtx_sequence_ = 1;
  ManualClock clock_;         // the pipeline's (event-loop) time
  SteadyClock decode_clock_;  // read on the decode thread: decode-time statistics
  std::unique_ptr<rtp::SrtpContext> sender_;
  std::unique_ptr<DecodeWorker> worker_;
  std::unique_ptr<ReceivePipeline> pipeline_;
  std::vector<Bytes> rtcp_;
  std::mutex mutex_;
  std::vector<std::uint64_t> decoded_;
  std::vector<std::function<void()>> loop_work_;
};

TEST_P(GstreamerReplay, CleanReplayDecodesExactlyTheReferencePictures) {
  for (const auto& packet : packets_) deliver(packet);
  EXPECT_EQ(finish_decoding(), expected_);
}

TEST_P(GstreamerReplay, LossReorderingAndDuplicatesAreNackedExactlyAndRecovered) {
  std::mt19937 rng(2026);
  std::vector<std::size_t> order;
  std::set<std::uint16_t> dropped;
  std::vector<std::size_t> dropped_indices;
  for (std::size_t i = 0; i < packets_.size(); ++i) {
    // The first packets stay (the stream must start somewhere the decoder can) and so do the
    // last: a loss at the very end shows no gap until a later packet arrives, live or here.
    if (i > 3 && i + 10 < packets_.size() && rng() % 100 < 5) {
      dropped.insert(rtp::RtpPacket::parse(packets_[i])->sequence_number());
      dropped_indices.push_back(i);
    } else {
      order.push_back(i);
    }
  }
  for (std::size_t i = 5; i + 1 < order.size(); i += 11) std::swap(order[i], order[i + 1]);  // reorder
  for (std::size_t i = 7; i < order.size(); i += 13) order.insert(order.begin() + static_cast<long>(i), order[i]);
  ASSERT_GE(dropped.size(), 3u);

  // Live-like: a feedback tick every 20 packets (20 ms); each packet NACKed is retransmitted
  // (as RTX) one tick later, like a sender 20 ms away.
  std::map<std::uint16_t, std::size_t> index_of;
  for (const auto index : dropped_indices) index_of[rtp::RtpPacket::parse(packets_[index])->sequence_number()] = index;
  std::set<std::uint16_t> nacked;
  std::vector<std::uint16_t> to_retransmit;
  for (std::size_t n = 0; n < order.size(); ++n) {
    deliver(packets_[order[n]]);
    if (n % 20 == 19) {
      for (const auto seq : to_retransmit) deliver(rtx_of(packets_[index_of.at(seq)]));
      to_retransmit.clear();
      pipeline_->on_tick();
      for (const auto seq : nacked_since_last_call()) {
        EXPECT_TRUE(dropped.contains(seq)) << seq << " was NACKed but never dropped";
        if (dropped.contains(seq) && nacked.insert(seq).second) to_retransmit.push_back(seq);
      }
    }
  }
  for (int round = 0; round < 3; ++round) {
    for (const auto seq : to_retransmit) deliver(rtx_of(packets_[index_of.at(seq)]));
    to_retransmit.clear();
    clock_.advance(20ms);
    pipeline_->on_tick();
    for (const auto seq : nacked_since_last_call()) {
      if (nacked.insert(seq).second) to_retransmit.push_back(seq);
    }
  }
  const auto decoded = finish_decoding();

  // Frames that lost a packet shortly before a keyframe may be superseded by it: the assembler
  // jumps to a complete keyframe rather than wait for an older delta frame, and the NACKs for
  // those packets are withdrawn. Everything else must be recovered exactly.
  std::vector<std::uint32_t> frame_timestamps;  // frame index → RTP timestamp
  for (const auto& packet : packets_) {
    const auto ts = rtp::RtpPacket::parse(packet)->timestamp();
    if (frame_timestamps.empty() || frame_timestamps.back() != ts) frame_timestamps.push_back(ts);
  }
  ASSERT_EQ(frame_timestamps.size(), frames_.size());
  std::set<std::size_t> skipped;  // frame indices missing from the decoded pictures
  std::size_t next = 0;
  for (std::size_t frame = 0; frame < expected_.size(); ++frame) {
    if (next < decoded.size() && decoded[next] == expected_[frame]) {
      ++next;
    } else {
      skipped.insert(frame);
    }
  }
  EXPECT_EQ(next, decoded.size()) << "a decoded picture matches no reference picture in order";
  for (const auto frame : skipped) {
    // Only a run that ends right before a keyframe may be skipped.
    std::size_t k = frame + 1;
    while (k < frames_.size() && skipped.contains(k)) ++k;
    EXPECT_TRUE(k < frames_.size() && is_keyframe(frames_[k])) << "frame " << frame << " was lost for good";
  }
  EXPECT_LE(skipped.size(), frames_.size() / 10);
  const auto frame_of = [&](std::uint16_t seq) {
    const auto it = std::find_if(packets_.begin(), packets_.end(), [&](const Bytes& packet) {
      return rtp::RtpPacket::parse(packet)->sequence_number() == seq;
    });
    const auto ts = rtp::RtpPacket::parse(*it)->timestamp();
    return static_cast<std::size_t>(std::find(frame_timestamps.begin(), frame_timestamps.end(), ts) -
                                    frame_timestamps.begin());
  };
  std::size_t nacked_but_superseded = 0;
  for (const auto seq : dropped) {
    const bool superseded = skipped.contains(frame_of(seq));
    if (nacked.contains(seq)) {
      nacked_but_superseded += superseded ? 1 : 0;
      continue;
    }
    EXPECT_TRUE(superseded) << seq << " was dropped, never NACKed, yet its frame was needed";
  }
  EXPECT_GE(nacked.size(), dropped.size() * 8 / 10);
  // A retransmission that lands after its frame was superseded is not counted as a recovery.
  const auto recovered = pipeline_->video_stream(0).nack_stats().packets_recovered;
  EXPECT_LE(recovered, nacked.size());
  EXPECT_GE(recovered, nacked.size() - nacked_but_superseded);
}

INSTANTIATE_TEST_SUITE_P(Codecs, GstreamerReplay, ::testing::Values(kVp8, kH264),
                         [](const auto& test_info) { return std::string(test_info.param.name); });

}  // namespace
}  // namespace presentd::media
