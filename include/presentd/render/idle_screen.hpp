// SPDX-License-Identifier: Apache-2.0
#pragma once
// The screen shown when nobody presents: how to connect to this room.
//
// Room name, the URL(s) to open and a QR code of the first one, the PIN in large digits when one
// is required, the meeting ID (and the cloud meeting ID when a cloud server is configured), and a
// discreet status line. Every size derives from the screen height, so the page reads the same
// from 1080p to 4K. Textures are built once per change (build()) and drawn as often as needed.
//
// Thread: render.
#include <optional>
#include <string>
#include <vector>

#include "presentd/render/layout.hpp"
#include "presentd/render/sdl_handles.hpp"
#include "presentd/render/text_painter.hpp"

namespace presentd::render {

struct IdleInfo {
  std::string room_name;
  std::vector<std::string> urls;   // the first one is encoded in the QR code
  std::optional<std::string> pin;  // shown only when set
  std::string watch_url;           // the viewers' page ("" = watching is off)
  std::string meeting_id;          // 10 digits, shown as 3-3-4
  std::string cloud_meeting_id;    // empty: no cloud server configured
  std::string remote_url;          // the remote page for this room, shown under the cloud ID; "" = none
  std::string status_line;         // network addresses, cloud state
  bool operator==(const IdleInfo&) const = default;
};

inline constexpr SDL_Color kIdleBackground{16, 24, 32, 255};

// "1234567890" -> "123 456 7890"; anything else unchanged.
[[nodiscard]] std::string group_meeting_id(const std::string& digits);

class IdleScreen {
public:
  void build(SDL_Renderer* renderer, TextPainter& painter, int width, int height, const IdleInfo& info);
  // `with_help` adds the keyboard hint shown after F1.
  void draw(SDL_Renderer* renderer, bool with_help) const;
  void clear() {
    items_.clear();
    help_ = {};
    qr_ = {};
  }

  Rect title_rect() const { return title_rect_; }
  Rect qr_rect() const { return qr_rect_; }

private:
  struct Item {
    TextTexture text;
    int x = 0;
    int y = 0;
  };
  // Adds one line at (x, y) and returns its height.
  int add(SDL_Renderer* renderer, TextPainter& painter, const std::string& text, int x, int y, int size, bool bold,
          SDL_Color colour);

  std::vector<Item> items_;
  Item help_;
  TexturePtr qr_;
  Rect qr_rect_;
  Rect title_rect_;
};

}  // namespace presentd::render
