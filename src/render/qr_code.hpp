// SPDX-License-Identifier: Apache-2.0
#pragma once
// A QR code of the connection URL, as a square of dark/light modules (libqrencode).
//
// Thread: any.
#include <optional>
#include <string>
#include <vector>

namespace presentd::render {

class QrCode {
public:
  // Byte mode, error correction level M (survives a glare spot or a smudged screen).
  [[nodiscard]] static std::optional<QrCode> encode(const std::string& text);

  int size() const { return size_; }  // modules per side, without the quiet zone
  bool dark(int x, int y) const { return modules_[index(x, y, size_)]; }

  // The code with its 4-module quiet zone as RGB24 pixels, one pixel per module: black on white.
  static constexpr int kQuietZone = 4;
  int image_size() const { return size_ + 2 * kQuietZone; }
  std::vector<unsigned char> rgb_image() const;

private:
  // Row-major index of (x, y) in a square of `side`, computed in size_t.
  static std::size_t index(int x, int y, int side) {
    return static_cast<std::size_t>(y) * static_cast<std::size_t>(side) + static_cast<std::size_t>(x);
  }

  int size_ = 0;
  std::vector<bool> modules_;
};

}  // namespace presentd::render
