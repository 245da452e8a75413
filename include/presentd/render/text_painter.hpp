// SPDX-License-Identifier: Apache-2.0
#pragma once
// Text as SDL textures, with SDL2_ttf and the DejaVu fonts (Debian fonts-dejavu-core).
//
// Fonts are opened per pixel size on first use and kept, so the idle screen's few sizes cost one
// open each. Without a font file the painter returns empty text and logs once: the screen still
// shows the QR code, which carries the URL.
//
// Thread: render.
#include <map>
#include <string>
#include <utility>

#include "presentd/render/layout.hpp"
#include "presentd/render/sdl_handles.hpp"

namespace presentd::render {

struct FontFiles {
  std::string regular = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  std::string bold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
};

struct TextTexture {
  TexturePtr texture;
  int w = 0;
  int h = 0;
  explicit operator bool() const { return texture != nullptr; }
  void draw(SDL_Renderer* renderer, int x, int y) const;
};

class TextPainter {
public:
  explicit TextPainter(FontFiles files) : files_(std::move(files)) {}

  [[nodiscard]] TextTexture make(SDL_Renderer* renderer, const std::string& utf8, int pixel_size, bool bold,
                                 SDL_Color colour);
  // Width and height the text would take, without rendering it.
  [[nodiscard]] std::pair<int, int> measure(const std::string& utf8, int pixel_size, bool bold);

private:
  TTF_Font* font(int pixel_size, bool bold);

  FontFiles files_;
  std::map<std::pair<int, bool>, FontPtr> fonts_;
  bool warned_ = false;
};

}  // namespace presentd::render
