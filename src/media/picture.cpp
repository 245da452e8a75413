// SPDX-License-Identifier: Apache-2.0
#include "presentd/media/picture.hpp"

#include <utility>

namespace presentd::media {

Picture::Picture(PixelFormat format, int width, int height, std::array<PicturePlane, 3> planes,
                 std::shared_ptr<const void> storage)
    : format_(format), width_(width), height_(height), planes_(planes), storage_(std::move(storage)) {}

int Picture::plane_row_bytes(int index) const {
  if (index == 0) return width_;
  // Chroma is subsampled by two, rounding up for odd sizes; NV12 interleaves U and V in one row.
  const int chroma_width = (width_ + 1) / 2;
  return format_ == PixelFormat::nv12 ? chroma_width * 2 : chroma_width;
}

int Picture::plane_rows(int index) const { return index == 0 ? height_ : (height_ + 1) / 2; }

std::span<const std::uint8_t> Picture::row(int plane_index, int y) const {
  const PicturePlane& p = plane(plane_index);
  if (y < 0 || y >= plane_rows(plane_index)) return {};
  return {p.data + static_cast<std::ptrdiff_t>(y) * p.stride, static_cast<std::size_t>(plane_row_bytes(plane_index))};
}

}  // namespace presentd::media
