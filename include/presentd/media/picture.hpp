// SPDX-License-Identifier: Apache-2.0
#pragma once
// Picture: one decoded video frame, shared between threads by reference count and never copied.
//
// The pixels live in storage the decoder produced them in: an AVFrame reference (libavcodec), or
// a pooled buffer libvpx decoded into through its external frame-buffer callbacks. The Picture
// holds a reference to that storage, so the decoder cannot reuse the memory while any thread still
// looks at it; the last holder to let go returns it.
//
// Immutable once published: the decode worker builds it, stamps the frame information and timing,
// and only then hands out std::shared_ptr<const Picture> (PicturePtr). After that every thread may
// read it at once without locks.
//
// Thread: created on a decode worker, read anywhere (typically the render thread).
#include <array>
#include <cstdint>
#include <memory>
#include <span>

#include "presentd/common/clock.hpp"

namespace presentd::media {

enum class PixelFormat {
  i420,  // three planes: Y, then U and V at half width and half height
  nv12,  // two planes: Y, then interleaved UV at half height
};

struct PicturePlane {
  const std::uint8_t* data = nullptr;
  int stride = 0;  // bytes from one row to the next; at least the row width
};

// Where the picture's time went: complete frame received (last packet), decode started, decoded.
struct PictureTiming {
  Clock::TimePoint received{};
  Clock::TimePoint decode_started{};
  Clock::TimePoint decoded{};

  Clock::Duration decode_duration() const { return decoded - decode_started; }
  // Includes the time the frame waited in the decode queue.
  Clock::Duration receive_to_decoded() const { return decoded - received; }
};

class Picture {
public:
  // `storage` keeps the pixel memory alive; its deleter returns it to whoever owns it.
  Picture(PixelFormat format, int width, int height, std::array<PicturePlane, 3> planes,
          std::shared_ptr<const void> storage);

  PixelFormat format() const { return format_; }
  int width() const { return width_; }
  int height() const { return height_; }
  int plane_count() const { return format_ == PixelFormat::i420 ? 3 : 2; }
  const PicturePlane& plane(int index) const { return planes_.at(static_cast<std::size_t>(index)); }
  // Bytes of visible data in one row of a plane, and its number of rows.
  int plane_row_bytes(int index) const;
  int plane_rows(int index) const;
  // One visible row of a plane (no padding).
  std::span<const std::uint8_t> row(int plane_index, int y) const;

  std::uint32_t rtp_timestamp() const { return rtp_timestamp_; }
  const PictureTiming& timing() const { return timing_; }

  // Set by the decode worker before it publishes the picture; never called afterwards.
  void stamp(std::uint32_t rtp_timestamp, const PictureTiming& timing) {
    rtp_timestamp_ = rtp_timestamp;
    timing_ = timing;
  }

private:
  PixelFormat format_;
  int width_;
  int height_;
  std::array<PicturePlane, 3> planes_;
  std::shared_ptr<const void> storage_;
  std::uint32_t rtp_timestamp_ = 0;
  PictureTiming timing_;
};

using PicturePtr = std::shared_ptr<const Picture>;

}  // namespace presentd::media
