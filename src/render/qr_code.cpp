// SPDX-License-Identifier: Apache-2.0
#include "render/qr_code.hpp"

#include <memory>

#include <qrencode.h>

namespace presentd::render {
namespace {
struct QrFree {
  void operator()(QRcode* code) const { QRcode_free(code); }
};
}  // namespace

std::optional<QrCode> QrCode::encode(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::unique_ptr<QRcode, QrFree> code(QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M));
  if (!code) return std::nullopt;
  QrCode result;
  result.size_ = code->width;
  result.modules_.resize(index(0, code->width, code->width));
  // libqrencode: bit 0 of each byte is the module colour (1 = dark); the other bits are metadata.
  for (std::size_t i = 0; i < result.modules_.size(); ++i) result.modules_[i] = (code->data[i] & 1U) != 0;
  return result;
}

std::vector<unsigned char> QrCode::rgb_image() const {
  const int side = image_size();
  std::vector<unsigned char> rgb(index(0, side, side) * 3, 255);
  for (int y = 0; y < size_; ++y) {
    for (int x = 0; x < size_; ++x) {
      if (!dark(x, y)) continue;
      const auto i = index(x + kQuietZone, y + kQuietZone, side) * 3;
      rgb[i] = rgb[i + 1] = rgb[i + 2] = 0;
    }
  }
  return rgb;
}

}  // namespace presentd::render
