// SPDX-License-Identifier: Apache-2.0
#pragma once
// What is shown while people present: one tile per presenter (tile_layout), the newest decoded
// picture letterboxed in it, a small name label, and a "Reconnecting…" veil while the session's
// liveness timer says the sender went quiet.
//
// Pictures are uploaded straight from the decoder's planes into a streaming YUV texture (I420
// with SDL_UpdateYUVTexture, NV12 with SDL_UpdateNVTexture): no intermediate copy. A presenter
// who leaves takes their texture along, so the last frame is never left frozen on screen.
//
// Thread: render.
#include <string>
#include <vector>

#include "presentd/media/picture.hpp"
#include "presentd/render/audio_mixer.hpp"
#include "presentd/render/sdl_handles.hpp"
#include "presentd/render/text_painter.hpp"

namespace presentd::render {

inline constexpr SDL_Color kLetterbox{0, 0, 0, 255};

class PresentationView {
public:
  // Returns false when the screen is full (kMaxPresenters) or the id is already shown.
  bool join(PresenterId id, const std::string& name);
  void leave(PresenterId id);
  void leave_all() { presenters_.clear(); }
  void set_reconnecting(PresenterId id, bool reconnecting);
  // Uploads the picture into the presenter's texture and keeps it (one per presenter) so a new
  // window or renderer can show it again at once; false if unknown id or upload failed.
  bool upload(SDL_Renderer* renderer, PresenterId id, media::PicturePtr picture);
  void draw(SDL_Renderer* renderer, TextPainter& painter, int width, int height);
  // After a render-device reset or a new window every texture is gone: forget them; draw()
  // re-uploads each presenter's last picture (a still screen share may send no new frame).
  void drop_textures();

  bool empty() const { return presenters_.empty(); }
  std::size_t size() const { return presenters_.size(); }
  bool contains(PresenterId id) const;
  // The presenter who joined last (the audio focus), if any.
  std::optional<PresenterId> newest() const;

private:
  struct Presenter {
    PresenterId id = 0;
    std::string name;
    TexturePtr texture;
    media::PicturePtr picture;  // the last one uploaded
    int width = 0;
    int height = 0;
    media::PixelFormat format = media::PixelFormat::i420;
    bool reconnecting = false;
    TextTexture label;
    int label_size = 0;
  };
  Presenter* find(PresenterId id);
  bool upload_to(SDL_Renderer* renderer, Presenter& p, const media::Picture& picture);
  void draw_label(SDL_Renderer* renderer, TextPainter& painter, Presenter& p, const Rect& tile, int screen_height);

  std::vector<Presenter> presenters_;  // join order = tile order
  TextTexture reconnecting_text_;
  int reconnecting_size_ = 0;
};

}  // namespace presentd::render
