// SPDX-License-Identifier: Apache-2.0
#include "render/presentation_view.hpp"

#include <algorithm>

#include "presentd/common/log.hpp"
#include "presentd/render/layout.hpp"

namespace presentd::render {
namespace {

constexpr SDL_Color kLabelText{255, 255, 255, 255};

Uint32 sdl_format(media::PixelFormat format) {
  return format == media::PixelFormat::nv12 ? SDL_PIXELFORMAT_NV12 : SDL_PIXELFORMAT_IYUV;
}

SDL_Rect to_sdl(const Rect& r) { return SDL_Rect{r.x, r.y, r.w, r.h}; }

}  // namespace

PresentationView::Presenter* PresentationView::find(PresenterId id) {
  const auto it = std::find_if(presenters_.begin(), presenters_.end(), [id](const auto& p) { return p.id == id; });
  return it == presenters_.end() ? nullptr : &*it;
}

bool PresentationView::contains(PresenterId id) const {
  return std::any_of(presenters_.begin(), presenters_.end(), [id](const auto& p) { return p.id == id; });
}

std::optional<PresenterId> PresentationView::newest() const {
  if (presenters_.empty()) return std::nullopt;
  return presenters_.back().id;
}

bool PresentationView::join(PresenterId id, const std::string& name) {
  if (contains(id) || presenters_.size() >= static_cast<std::size_t>(kMaxPresenters)) return false;
  Presenter p;
  p.id = id;
  p.name = name;
  presenters_.push_back(std::move(p));
  return true;
}

void PresentationView::leave(PresenterId id) {
  std::erase_if(presenters_, [id](const auto& p) { return p.id == id; });
}

void PresentationView::set_reconnecting(PresenterId id, bool reconnecting) {
  if (Presenter* p = find(id)) p->reconnecting = reconnecting;
}

void PresentationView::drop_textures() {
  for (auto& p : presenters_) {
    p.texture.reset();
    p.label = {};
    p.label_size = 0;
  }
  reconnecting_text_ = {};
  reconnecting_size_ = 0;
}

bool PresentationView::upload(SDL_Renderer* renderer, PresenterId id, media::PicturePtr picture) {
  Presenter* p = find(id);
  if (p == nullptr || !picture || !upload_to(renderer, *p, *picture)) return false;
  p->picture = std::move(picture);
  return true;
}

bool PresentationView::upload_to(SDL_Renderer* renderer, Presenter& presenter, const media::Picture& picture) {
  Presenter* p = &presenter;
  if (picture.width() <= 0 || picture.height() <= 0) return false;
  if (!p->texture || p->width != picture.width() || p->height != picture.height() || p->format != picture.format()) {
    p->texture.reset(SDL_CreateTexture(renderer, sdl_format(picture.format()), SDL_TEXTUREACCESS_STREAMING,
                                       picture.width(), picture.height()));
    if (!p->texture) {
      PD_LOG(warning, "render") << "cannot create a " << picture.width() << "x" << picture.height()
                                << " texture: " << SDL_GetError();
      return false;
    }
    // Screen content is mostly text: linear filtering keeps downscaled text legible.
    SDL_SetTextureScaleMode(p->texture.get(), SDL_ScaleModeLinear);
    p->width = picture.width();
    p->height = picture.height();
    p->format = picture.format();
  }
  const auto& y = picture.plane(0);
  const auto& u = picture.plane(1);
  int rc = 0;
  if (picture.format() == media::PixelFormat::nv12) {
    rc = SDL_UpdateNVTexture(p->texture.get(), nullptr, y.data, y.stride, u.data, u.stride);
  } else {
    const auto& v = picture.plane(2);
    rc = SDL_UpdateYUVTexture(p->texture.get(), nullptr, y.data, y.stride, u.data, u.stride, v.data, v.stride);
  }
  return rc == 0;
}

void PresentationView::draw_label(SDL_Renderer* renderer, TextPainter& painter, Presenter& p, const Rect& tile,
                                  int screen_height) {
  const int size = std::max(10, screen_height / 40);
  if (p.label_size != size) {
    p.label = painter.make(renderer, p.name, size, false, kLabelText);
    p.label_size = size;
  }
  if (!p.label) return;
  // Bottom-left corner of the tile, on a translucent plate so it reads on any content.
  const int pad = size / 3;
  const SDL_Rect plate{tile.x + pad, tile.y + tile.h - p.label.h - 3 * pad, p.label.w + 2 * pad, p.label.h + pad};
  SDL_SetRenderDrawBlendMode(renderer, SDL_BLENDMODE_BLEND);
  SDL_SetRenderDrawColor(renderer, 0, 0, 0, 140);
  SDL_RenderFillRect(renderer, &plate);
  p.label.draw(renderer, plate.x + pad, plate.y + pad / 2);
}

void PresentationView::draw(SDL_Renderer* renderer, TextPainter& painter, int width, int height) {
  SDL_SetRenderDrawColor(renderer, kLetterbox.r, kLetterbox.g, kLetterbox.b, 255);
  SDL_RenderClear(renderer);
  const auto tiles = tile_layout(width, height, static_cast<int>(presenters_.size()));
  for (std::size_t i = 0; i < tiles.size(); ++i) {
    Presenter& p = presenters_[i];
    if (!p.texture && p.picture && !upload_to(renderer, p, *p.picture)) p.picture.reset();
    if (p.texture) {
      const SDL_Rect dst = to_sdl(fit_letterboxed(tiles[i], p.width, p.height));
      SDL_RenderCopy(renderer, p.texture.get(), nullptr, &dst);
    }
    if (p.reconnecting) {
      const SDL_Rect veil = to_sdl(tiles[i]);
      SDL_SetRenderDrawBlendMode(renderer, SDL_BLENDMODE_BLEND);
      SDL_SetRenderDrawColor(renderer, 0, 0, 0, 160);
      SDL_RenderFillRect(renderer, &veil);
      const int size = std::max(12, height / 24);
      if (reconnecting_size_ != size) {
        reconnecting_text_ = painter.make(renderer, "Reconnecting\xE2\x80\xA6", size, true, kLabelText);
        reconnecting_size_ = size;
      }
      reconnecting_text_.draw(renderer, veil.x + (veil.w - reconnecting_text_.w) / 2,
                              veil.y + (veil.h - reconnecting_text_.h) / 2);
    }
    draw_label(renderer, painter, p, tiles[i], height);
  }
}

}  // namespace presentd::render
