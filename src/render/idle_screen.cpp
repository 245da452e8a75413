// SPDX-License-Identifier: Apache-2.0
#include "presentd/render/idle_screen.hpp"

#include <algorithm>

#include "render/qr_code.hpp"

namespace presentd::render {
namespace {

constexpr SDL_Color kPrimary{240, 242, 245, 255};
constexpr SDL_Color kSecondary{150, 160, 172, 255};

}  // namespace

std::string group_meeting_id(const std::string& digits) {
  if (digits.size() != 10 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return digits;
  }
  return digits.substr(0, 3) + " " + digits.substr(3, 3) + " " + digits.substr(6);
}

int IdleScreen::add(SDL_Renderer* renderer, TextPainter& painter, const std::string& text, int x, int y, int size,
                    bool bold, SDL_Color colour) {
  Item item{painter.make(renderer, text, size, bold, colour), x, y};
  const int h = item.text ? item.text.h : size;
  items_.push_back(std::move(item));
  return h;
}

void IdleScreen::build(SDL_Renderer* renderer, TextPainter& painter, int width, int height, const IdleInfo& info) {
  clear();
  const int margin = width / 16;
  const int label = std::max(8, height / 32);
  int y = height / 10;

  // The QR code sits on the right, as large as the text column allows, in whole pixels per module
  // so every module stays sharp (nearest-neighbour scaling of a one-pixel-per-module texture).
  const std::string qr_text = info.urls.empty() ? std::string() : info.urls.front();
  if (auto code = QrCode::encode(qr_text)) {
    const int target = std::min(height * 55 / 100, width * 38 / 100);
    const int module = std::max(1, target / code->image_size());
    const int side = module * code->image_size();
    qr_rect_ = Rect{width - margin - side, (height - side) / 2, side, side};
    auto rgb = code->rgb_image();
    SurfacePtr surface(SDL_CreateRGBSurfaceWithFormatFrom(rgb.data(), code->image_size(), code->image_size(), 24,
                                                          code->image_size() * 3, SDL_PIXELFORMAT_RGB24));
    if (surface) qr_.reset(SDL_CreateTextureFromSurface(renderer, surface.get()));
    if (qr_) SDL_SetTextureScaleMode(qr_.get(), SDL_ScaleModeNearest);
  }

  const int title_size = std::max(12, height / 11);
  const int title_h = add(renderer, painter, info.room_name, margin, y, title_size, true, kPrimary);
  title_rect_ = Rect{margin, y, items_.back().text.w, title_h};
  y += title_h + height / 20;

  if (!info.urls.empty()) {
    y += add(renderer, painter, "Open in your browser", margin, y, label, false, kSecondary);
    for (const auto& url : info.urls)
      y += add(renderer, painter, url, margin, y, std::max(10, height / 20), false, kPrimary);
    if (!info.watch_url.empty()) {
      y += add(renderer, painter, "Watch on your device: " + info.watch_url, margin, y, label, false, kSecondary);
    }
    y += height / 30;
  }
  if (info.pin) {
    y += add(renderer, painter, "PIN", margin, y, label, false, kSecondary);
    y += add(renderer, painter, *info.pin, margin, y, std::max(16, height / 7), true, kPrimary);
    y += height / 30;
  }
  if (!info.meeting_id.empty()) {
    y += add(renderer, painter, "Meeting ID", margin, y, label, false, kSecondary);
    y +=
        add(renderer, painter, group_meeting_id(info.meeting_id), margin, y, std::max(10, height / 18), true, kPrimary);
    y += height / 30;
  }
  if (!info.cloud_meeting_id.empty()) {
    y += add(renderer, painter, "Cloud meeting ID", margin, y, label, false, kSecondary);
    y += add(renderer, painter, group_meeting_id(info.cloud_meeting_id), margin, y, std::max(10, height / 18), true,
             kPrimary);
    if (!info.remote_url.empty()) {
      add(renderer, painter, info.remote_url, margin, y, std::max(8, height / 36), false, kSecondary);
    }
  }
  const int small = std::max(8, height / 48);
  add(renderer, painter, info.status_line, margin, height - margin / 2 - small, small, false, kSecondary);
  help_ = Item{
      painter.make(renderer, "Esc or Del ends all presentations \xC2\xB7 F1 closes this help", small, true, kPrimary),
      margin, height - margin / 2 - 3 * small};
}

void IdleScreen::draw(SDL_Renderer* renderer, bool with_help) const {
  SDL_SetRenderDrawColor(renderer, kIdleBackground.r, kIdleBackground.g, kIdleBackground.b, 255);
  SDL_RenderClear(renderer);
  for (const auto& item : items_) item.text.draw(renderer, item.x, item.y);
  if (with_help) help_.text.draw(renderer, help_.x, help_.y);
  if (qr_) {
    const SDL_Rect dst{qr_rect_.x, qr_rect_.y, qr_rect_.w, qr_rect_.h};
    SDL_RenderCopy(renderer, qr_.get(), nullptr, &dst);
  }
}

}  // namespace presentd::render
