// SPDX-License-Identifier: Apache-2.0
#pragma once
// Real encoders for the decoder tests and the benchmark: libvpx VP8/VP9 and libx264 through
// libavcodec (constrained baseline, zero latency: what Chrome sends for screen sharing), each
// producing one encoded frame per input frame with keyframes where the caller forces them.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <vpx/vp8cx.h>
#include <vpx/vpx_encoder.h>

extern "C" {
#include <libavutil/log.h>
#include <libavutil/opt.h>
}

#include "presentd/media/decode/av_handles.hpp"
#include "support/media/synthetic_video.hpp"

namespace presentd::media::testing {

struct EncodedFrame {
  std::vector<std::uint8_t> bitstream;
  bool keyframe = false;
};

class VpxTestEncoder {
public:
  VpxTestEncoder(bool vp9, int width, int height, unsigned kbps) {
    vpx_codec_iface_t* iface = vp9 ? vpx_codec_vp9_cx() : vpx_codec_vp8_cx();
    vpx_codec_enc_cfg_t cfg{};
    if (vpx_codec_enc_config_default(iface, &cfg, 0) != VPX_CODEC_OK) throw std::runtime_error("vpx config");
    cfg.g_w = static_cast<unsigned>(width);
    cfg.g_h = static_cast<unsigned>(height);
    cfg.g_timebase = {1, 30};
    cfg.rc_target_bitrate = kbps;
    cfg.rc_end_usage = VPX_CBR;
    cfg.g_lag_in_frames = 0;
    cfg.g_threads = 1;
    cfg.g_error_resilient = 0;
    cfg.kf_mode = VPX_KF_DISABLED;  // keyframes only where the test forces them
    if (vpx_codec_enc_init(&context_, iface, &cfg, 0) != VPX_CODEC_OK) throw std::runtime_error("vpx enc init");
    vpx_codec_control(&context_, VP8E_SET_CPUUSED, vp9 ? 8 : 12);
  }
  ~VpxTestEncoder() { vpx_codec_destroy(&context_); }
  VpxTestEncoder(const VpxTestEncoder&) = delete;
  VpxTestEncoder& operator=(const VpxTestEncoder&) = delete;

  EncodedFrame encode(const I420Image& image, bool force_keyframe) {
    vpx_image_t wrapped{};
    vpx_img_wrap(&wrapped, VPX_IMG_FMT_I420, static_cast<unsigned>(image.width), static_cast<unsigned>(image.height), 1,
                 const_cast<std::uint8_t*>(image.y.data()));
    wrapped.planes[VPX_PLANE_Y] = const_cast<std::uint8_t*>(image.y.data());
    wrapped.planes[VPX_PLANE_U] = const_cast<std::uint8_t*>(image.u.data());
    wrapped.planes[VPX_PLANE_V] = const_cast<std::uint8_t*>(image.v.data());
    wrapped.stride[VPX_PLANE_Y] = image.width;
    wrapped.stride[VPX_PLANE_U] = image.chroma_width();
    wrapped.stride[VPX_PLANE_V] = image.chroma_width();
    if (vpx_codec_encode(&context_, &wrapped, pts_++, 1, force_keyframe ? VPX_EFLAG_FORCE_KF : 0, VPX_DL_REALTIME) !=
        VPX_CODEC_OK) {
      throw std::runtime_error("vpx encode");
    }
    EncodedFrame out;
    vpx_codec_iter_t iter = nullptr;
    while (const vpx_codec_cx_pkt_t* pkt = vpx_codec_get_cx_data(&context_, &iter)) {
      if (pkt->kind != VPX_CODEC_CX_FRAME_PKT) continue;
      const auto* data = static_cast<const std::uint8_t*>(pkt->data.frame.buf);
      out.bitstream.insert(out.bitstream.end(), data, data + pkt->data.frame.sz);
      out.keyframe = out.keyframe || (pkt->data.frame.flags & VPX_FRAME_IS_KEY) != 0;
    }
    return out;
  }

private:
  vpx_codec_ctx_t context_{};
  vpx_codec_pts_t pts_ = 0;
};

// H.264 constrained baseline from libx264 through libavcodec; IDR frames only where forced.
class AvTestEncoder {
public:
  AvTestEncoder(int width, int height, std::int64_t bits_per_second)
      : frame_(av_frame_alloc()), packet_(av_packet_alloc()) {
    av_log_set_level(AV_LOG_ERROR);  // keep libx264's per-run summary out of test logs
    const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
    context_ = open_codec_context(codec, [&](AVCodecContext& c) {
      c.width = width;
      c.height = height;
      c.pix_fmt = AV_PIX_FMT_YUV420P;
      c.time_base = {1, 30};
      c.framerate = {30, 1};
      c.bit_rate = bits_per_second;
      c.gop_size = 100000;  // keyframes only where forced
      c.max_b_frames = 0;
      c.thread_count = 1;
      av_opt_set(c.priv_data, "preset", "veryfast", 0);
      av_opt_set(c.priv_data, "tune", "zerolatency", 0);
      av_opt_set(c.priv_data, "profile", "baseline", 0);
      av_opt_set_int(c.priv_data, "forced-idr", 1, 0);
    });
    if (!context_) throw std::runtime_error("libx264 encoder unavailable");
  }

  EncodedFrame encode(const I420Image& image, bool force_keyframe) {
    frame_->format = AV_PIX_FMT_YUV420P;
    frame_->width = image.width;
    frame_->height = image.height;
    frame_->data[0] = const_cast<std::uint8_t*>(image.y.data());
    frame_->data[1] = const_cast<std::uint8_t*>(image.u.data());
    frame_->data[2] = const_cast<std::uint8_t*>(image.v.data());
    frame_->linesize[0] = image.width;
    frame_->linesize[1] = image.chroma_width();
    frame_->linesize[2] = image.chroma_width();
    frame_->pts = pts_++;
    frame_->pict_type = force_keyframe ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
    if (avcodec_send_frame(context_.get(), frame_.get()) < 0) throw std::runtime_error("x264 send");
    EncodedFrame out;
    while (avcodec_receive_packet(context_.get(), packet_.get()) == 0) {
      out.bitstream.insert(out.bitstream.end(), packet_->data, packet_->data + packet_->size);
      out.keyframe = out.keyframe || (packet_->flags & AV_PKT_FLAG_KEY) != 0;
      av_packet_unref(packet_.get());
    }
    return out;
  }

private:
  AvCodecContextPtr context_;
  AvFramePtr frame_;
  AvPacketPtr packet_;
  std::int64_t pts_ = 0;
};

}  // namespace presentd::media::testing
