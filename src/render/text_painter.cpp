// SPDX-License-Identifier: Apache-2.0
#include "presentd/render/text_painter.hpp"

#include "presentd/common/log.hpp"

namespace presentd::render {

void TextTexture::draw(SDL_Renderer* renderer, int x, int y) const {
  if (!texture) return;
  const SDL_Rect dst{x, y, w, h};
  SDL_RenderCopy(renderer, texture.get(), nullptr, &dst);
}

TTF_Font* TextPainter::font(int pixel_size, bool bold) {
  if (pixel_size < 4) pixel_size = 4;
  const auto key = std::make_pair(pixel_size, bold);
  if (const auto it = fonts_.find(key); it != fonts_.end()) return it->second.get();
  const std::string& file = bold ? files_.bold : files_.regular;
  FontPtr opened(TTF_OpenFont(file.c_str(), pixel_size));
  if (!opened) {
    if (!warned_)
      PD_LOG(warning, "render") << "cannot open font " << file << ": " << TTF_GetError() << " (text hidden)";
    warned_ = true;
    return nullptr;
  }
  return fonts_.emplace(key, std::move(opened)).first->second.get();
}

TextTexture TextPainter::make(SDL_Renderer* renderer, const std::string& utf8, int pixel_size, bool bold,
                              SDL_Color colour) {
  TextTexture text;
  TTF_Font* f = utf8.empty() ? nullptr : font(pixel_size, bold);
  if (f == nullptr) return text;
  SurfacePtr surface(TTF_RenderUTF8_Blended(f, utf8.c_str(), colour));
  if (!surface) return text;
  text.texture.reset(SDL_CreateTextureFromSurface(renderer, surface.get()));
  text.w = surface->w;
  text.h = surface->h;
  return text;
}

std::pair<int, int> TextPainter::measure(const std::string& utf8, int pixel_size, bool bold) {
  int w = 0;
  int h = 0;
  if (TTF_Font* f = font(pixel_size, bold); f != nullptr) TTF_SizeUTF8(f, utf8.c_str(), &w, &h);
  return {w, h};
}

}  // namespace presentd::render
