// SPDX-License-Identifier: Apache-2.0
// The render thread on SDL's offscreen video driver with the software renderer: exact pixels
// without an X server.
#include "presentd/render/renderer.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "test_pictures.hpp"

namespace presentd::render {
namespace {

using namespace std::chrono_literals;
using test::expected_rgb;
using test::solid_picture;

constexpr int kWidth = 320;
constexpr int kHeight = 180;

RendererOptions offscreen_options() {
  RendererOptions options;
  options.video_driver = "offscreen";
  options.render_driver = "software";
  options.fullscreen = false;
  options.vsync = false;
  options.window_width = kWidth;
  options.window_height = kHeight;
  options.audio = false;
  return options;
}

IdleInfo room_info(const std::string& name) {
  IdleInfo info;
  info.room_name = name;
  info.urls = {"https://192.0.2.10/"};
  info.pin = "4821";
  info.meeting_id = "1234567890";
  info.status_line = "192.0.2.10";
  return info;
}

class RendererTest : public ::testing::Test {
protected:
  void start(RendererOptions options = offscreen_options()) {
    renderer_ = std::make_unique<Renderer>(std::move(options));
    ASSERT_TRUE(renderer_->start());
  }

  Snapshot snapshot() {
    auto future = renderer_->request_snapshot();
    EXPECT_EQ(future.wait_for(10s), std::future_status::ready);
    auto shot = future.get();
    EXPECT_TRUE(shot.has_value());
    return shot.value_or(Snapshot{});
  }

  static void expect_colour(const Snapshot& shot, int x, int y, test::Rgb want, const char* where) {
    const auto got = shot.at(x, y);
    EXPECT_NEAR(got.r, want.r, 4) << where << " at " << x << "," << y;
    EXPECT_NEAR(got.g, want.g, 4) << where << " at " << x << "," << y;
    EXPECT_NEAR(got.b, want.b, 4) << where << " at " << x << "," << y;
  }
  static void expect_black(const Snapshot& shot, int x, int y, const char* where) {
    EXPECT_EQ(shot.at(x, y), (Snapshot::Pixel{0, 0, 0})) << where << " at " << x << "," << y;
  }

  std::unique_ptr<Renderer> renderer_;
};

TEST_F(RendererTest, OnePresenterFillsTheScreenWithTheDecodedColour) {
  start();
  renderer_->presenter_joined(1, "Ada");
  renderer_->present(1, solid_picture(64, 36, test::kRed));
  const auto shot = snapshot();
  ASSERT_EQ(shot.width, kWidth);
  ASSERT_EQ(shot.height, kHeight);
  for (const auto& [x, y] : std::vector<std::pair<int, int>>{{160, 90}, {5, 5}, {314, 5}, {314, 174}}) {
    expect_colour(shot, x, y, expected_rgb(test::kRed), "picture");
  }
}

TEST_F(RendererTest, NV12PicturesAreShownToo) {
  start();
  renderer_->presenter_joined(1, "Ada");
  renderer_->present(1, solid_picture(64, 36, test::kBlue, media::PixelFormat::nv12));
  expect_colour(snapshot(), 160, 90, expected_rgb(test::kBlue), "nv12 picture");
}

TEST_F(RendererTest, TwoPresentersSideBySide) {
  start();
  renderer_->presenter_joined(1, "Ada");
  renderer_->presenter_joined(2, "Grace");
  renderer_->present(1, solid_picture(80, 90, test::kRed));  // same shape as a half tile
  renderer_->present(2, solid_picture(80, 90, test::kGreen));
  const auto shot = snapshot();
  expect_colour(shot, 80, 40, expected_rgb(test::kRed), "left tile");
  expect_colour(shot, 240, 40, expected_rgb(test::kGreen), "right tile");
}

TEST_F(RendererTest, FourPresentersInAGridEachLetterboxedInTheirTile) {
  start();
  const std::vector<test::Yuv> colours{test::kRed, test::kGreen, test::kBlue, test::kYellow};
  for (PresenterId id = 1; id <= 4; ++id) renderer_->presenter_joined(id, "P" + std::to_string(id));
  for (PresenterId id = 1; id <= 4; ++id) renderer_->present(id, solid_picture(64, 48, colours[id - 1]));  // 4:3
  const auto shot = snapshot();
  // Each 160x90 tile shows a 120x90 picture with 20-pixel bars left and right.
  const std::vector<std::pair<int, int>> tile_origins{{0, 0}, {160, 0}, {0, 90}, {160, 90}};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto [ox, oy] = tile_origins[i];
    expect_colour(shot, ox + 80, oy + 30, expected_rgb(colours[i]), "tile centre");
    expect_colour(shot, ox + 30, oy + 20, expected_rgb(colours[i]), "picture near its left edge");
    expect_black(shot, ox + 8, oy + 45, "left bar");
    expect_black(shot, ox + 152, oy + 45, "right bar");
  }
}

struct AspectCase {
  const char* what;
  int width;
  int height;
  std::vector<std::pair<int, int>> bars;
  std::vector<std::pair<int, int>> picture;
};

TEST_F(RendererTest, SourceAspectRatioIsKeptOnASixteenByNineScreen) {
  const std::vector<AspectCase> cases{
      // 4:3 -> 240x180 at x = 40.
      {"4:3 pillarboxed", 64, 48, {{20, 90}, {38, 10}, {300, 90}, {282, 170}}, {{44, 90}, {275, 90}, {160, 2}}},
      // 21:9 -> 320x137 at y = 21.
      {"21:9 letterboxed", 112, 48, {{160, 10}, {160, 19}, {160, 170}, {5, 160}}, {{160, 25}, {160, 150}, {2, 90}}},
  };
  start();
  PresenterId id = 1;
  for (const auto& c : cases) {
    renderer_->presenter_joined(id, "Ada");
    renderer_->present(id, solid_picture(c.width, c.height, test::kGreen));
    const auto shot = snapshot();
    for (const auto& [x, y] : c.bars) expect_black(shot, x, y, c.what);
    for (const auto& [x, y] : c.picture) expect_colour(shot, x, y, expected_rgb(test::kGreen), c.what);
    renderer_->presenter_left(id++);
  }
}

TEST_F(RendererTest, BackToTheIdleScreenWhenTheLastPresenterLeaves) {
  start();
  renderer_->set_idle_info(room_info("Board room"));
  const auto idle = snapshot();
  EXPECT_EQ(idle.at(2, 2), (Snapshot::Pixel{kIdleBackground.r, kIdleBackground.g, kIdleBackground.b}));
  renderer_->presenter_joined(1, "Ada");
  renderer_->presenter_joined(2, "Grace");
  renderer_->present(1, solid_picture(64, 36, test::kRed));
  renderer_->present(2, solid_picture(64, 36, test::kGreen));
  EXPECT_NE(snapshot().rgb, idle.rgb);
  renderer_->presenter_left(1);
  const auto one_left = snapshot();
  expect_colour(one_left, 160, 60, expected_rgb(test::kGreen), "the remaining presenter takes the whole screen");
  renderer_->presenter_left(2);
  EXPECT_EQ(snapshot().rgb, idle.rgb) << "never a frozen last frame";
}

TEST_F(RendererTest, LatestFrameWinsUnderABurst) {
  start();
  renderer_->presenter_joined(1, "Ada");
  constexpr int kBurst = 200;
  for (int i = 0; i < kBurst; ++i) {
    renderer_->present(1, solid_picture(64, 36, i + 1 == kBurst ? test::kYellow : (i % 2 ? test::kRed : test::kBlue)));
  }
  const auto shot = snapshot();
  expect_colour(shot, 160, 90, expected_rgb(test::kYellow), "the newest picture");
  const auto stats = renderer_->stats();
  EXPECT_EQ(stats.frames_presented + stats.frames_dropped, static_cast<std::uint64_t>(kBurst))
      << "every picture is either shown or dropped, none waits in a queue";
  EXPECT_GE(stats.frames_presented, 1U);
}

TEST_F(RendererTest, ReconnectingVeilDarkensTheTileAndLiftsAgain) {
  start();
  renderer_->presenter_joined(1, "Ada");
  renderer_->present(1, solid_picture(64, 36, test::kGrey));
  const auto live = snapshot();
  renderer_->set_reconnecting(1, true);
  const auto veiled = snapshot();
  EXPECT_LT(veiled.at(20, 20).r, live.at(20, 20).r / 2) << "the veil dims the picture";
  renderer_->set_reconnecting(1, false);
  EXPECT_EQ(snapshot().rgb, live.rgb);
}

TEST_F(RendererTest, SurvivesARenderDeviceResetAndRedrawsTheSameScreen) {
  start();
  renderer_->set_idle_info(room_info("Board room"));
  const auto before = snapshot();
  SDL_Event reset{};
  reset.type = SDL_RENDER_DEVICE_RESET;
  ASSERT_EQ(SDL_PushEvent(&reset), 1);
  EXPECT_EQ(snapshot().rgb, before.rgb);
  renderer_->presenter_joined(1, "Ada");
  renderer_->present(1, solid_picture(64, 36, test::kRed));
  ASSERT_EQ(SDL_PushEvent(&reset), 1);
  // Textures died with the device: the next decoded frame is uploaded into a new one.
  renderer_->present(1, solid_picture(64, 36, test::kGreen));
  expect_colour(snapshot(), 160, 90, expected_rgb(test::kGreen), "after reset");
}

TEST_F(RendererTest, EscapeOnTheBoxEndsAllPresentations) {
  std::promise<void> ended;
  auto options = offscreen_options();
  options.on_end_all = [&ended] { ended.set_value(); };
  start(options);
  renderer_->set_idle_info(room_info("Board room"));
  const auto idle = snapshot();
  renderer_->presenter_joined(1, "Ada");
  renderer_->present(1, solid_picture(64, 36, test::kRed));
  EXPECT_NE(snapshot().rgb, idle.rgb);
  SDL_Event key{};
  key.type = SDL_KEYDOWN;
  key.key.keysym.sym = SDLK_ESCAPE;
  ASSERT_EQ(SDL_PushEvent(&key), 1);
  ASSERT_EQ(ended.get_future().wait_for(10s), std::future_status::ready);
  EXPECT_EQ(snapshot().rgb, idle.rgb);
}

TEST_F(RendererTest, F1ShowsConnectionHelpOverAPresentation) {
  start();
  renderer_->set_idle_info(room_info("Board room"));
  renderer_->presenter_joined(1, "Ada");
  renderer_->present(1, solid_picture(64, 36, test::kRed));
  const auto presenting = snapshot();
  SDL_Event key{};
  key.type = SDL_KEYDOWN;
  key.key.keysym.sym = SDLK_F1;
  ASSERT_EQ(SDL_PushEvent(&key), 1);
  const auto help = snapshot();
  EXPECT_EQ(help.at(2, 2), (Snapshot::Pixel{kIdleBackground.r, kIdleBackground.g, kIdleBackground.b}));
  ASSERT_EQ(SDL_PushEvent(&key), 1);
  EXPECT_EQ(snapshot().rgb, presenting.rgb);
}

TEST_F(RendererTest, NothingIsRedrawnWhileNothingChanges) {
  start();
  renderer_->set_idle_info(room_info("Board room"));
  (void)snapshot();
  const auto redraws = renderer_->stats().redraws;
  renderer_->set_idle_info(room_info("Board room"));  // same info: no change
  renderer_->presenter_left(42);                      // unknown presenter: no change
  renderer_->present(42, solid_picture(16, 16, test::kRed));
  (void)snapshot();
  EXPECT_EQ(renderer_->stats().redraws, redraws + 1) << "only the snapshot itself drew";
}

// The ink of the title row: leftmost and rightmost columns brighter than the background.
std::pair<int, int> ink_span(const Snapshot& shot, const Rect& band) {
  int left = shot.width;
  int right = -1;
  for (int y = band.y; y < band.y + band.h; ++y) {
    for (int x = 0; x < shot.width / 2; ++x) {
      if (shot.at(x, y).r > 160) {
        left = std::min(left, x);
        right = std::max(right, x);
      }
    }
  }
  return {left, right};
}

TEST_F(RendererTest, IdleScreenDrawsTheRoomNameAtItsTypesetWidth) {
  auto options = offscreen_options();
  options.window_width = 1280;
  options.window_height = 720;
  start(options);
  // Typeset the same names with the same font and size the idle page uses (H/11, bold).
  ASSERT_EQ(TTF_Init(), 0);
  TextPainter painter{FontFiles{}};
  const Rect title_band{0, 720 / 10, 640, 720 / 11};
  for (const std::string name : {"Aula Magna", "Board room 3", "Ω"}) {
    renderer_->set_idle_info(room_info(name));
    const auto [left, right] = ink_span(snapshot(), title_band);
    const int typeset = painter.measure(name, 720 / 11, true).first;
    EXPECT_NEAR(left, 1280 / 16, 6) << name;
    // Ink is the advance width minus the side bearings of the first and last glyph.
    EXPECT_LE(right - left + 1, typeset) << name;
    EXPECT_GE(right - left + 1, typeset - 12) << name;
  }
  painter = TextPainter{FontFiles{}};
  TTF_Quit();
}

TEST_F(RendererTest, IdleScreenListsTheLocalNameBelowTheAddressAndKeepsTheQrCode) {
  auto options = offscreen_options();
  options.window_width = 1280;
  options.window_height = 720;
  start(options);
  auto info = room_info("Board room");
  const auto address_only = (renderer_->set_idle_info(info), snapshot());
  const std::string local = "https://aula.local/";
  info.urls.push_back(local);
  const auto with_local = (renderer_->set_idle_info(info), snapshot());
  // The first text row that changed is the new URL line: its ink is the typeset URL at the
  // URL size (H/20), from the left margin.
  int first_changed = -1;
  for (int y = 0; y < 720 && first_changed < 0; ++y) {
    for (int x = 0; x < 640; ++x) {
      if (address_only.at(x, y) != with_local.at(x, y)) {
        first_changed = y;
        break;
      }
    }
  }
  ASSERT_GT(first_changed, 720 / 10 + 720 / 11) << "below the title";
  const auto [left, right] = ink_span(with_local, Rect{0, first_changed, 640, 720 / 20});
  ASSERT_EQ(TTF_Init(), 0);
  TextPainter painter{FontFiles{}};
  const int typeset = painter.measure(local, 720 / 20, false).first;
  painter = TextPainter{FontFiles{}};
  TTF_Quit();
  EXPECT_NEAR(left, 1280 / 16, 6);
  EXPECT_LE(right - left + 1, typeset);
  EXPECT_GE(right - left + 1, typeset - 12);
  // The QR code (right half) still encodes the first URL: not one pixel of it moved.
  for (int y = 0; y < 720; y += 3) {
    for (int x = 640; x < 1280; x += 3) ASSERT_EQ(address_only.at(x, y), with_local.at(x, y)) << x << "," << y;
  }
}

TEST_F(RendererTest, PinIsShownOnlyWhenSet) {
  start();
  auto info = room_info("Board room");
  const auto with_pin = (renderer_->set_idle_info(info), snapshot());
  info.pin.reset();
  const auto without_pin = (renderer_->set_idle_info(info), snapshot());
  EXPECT_NE(with_pin.rgb, without_pin.rgb);
  info.pin = "4821";
  EXPECT_EQ((renderer_->set_idle_info(info), snapshot()).rgb, with_pin.rgb);
}

TEST_F(RendererTest, SurvivesTheDisplayBeingUnpluggedAndPluggedBack) {
  start();
  renderer_->set_idle_info(room_info("Board room"));
  const auto before = snapshot();
  for (const auto what : {SDL_DISPLAYEVENT_DISCONNECTED, SDL_DISPLAYEVENT_CONNECTED}) {
    SDL_Event event{};
    event.type = SDL_DISPLAYEVENT;
    event.display.event = static_cast<Uint8>(what);
    ASSERT_EQ(SDL_PushEvent(&event), 1);
    EXPECT_EQ(snapshot().rgb, before.rgb) << "window re-created, same page";
  }
}

TEST_F(RendererTest, ASnapshotRequestedWhileStoppingIsStillAnswered) {
  start();
  auto futures = std::vector<std::future<std::optional<Snapshot>>>();
  for (int i = 0; i < 20; ++i) futures.push_back(renderer_->request_snapshot());
  renderer_->stop();
  for (auto& future : futures) {
    ASSERT_EQ(future.wait_for(1s), std::future_status::ready);
    EXPECT_NO_THROW(future.get()) << "an answer (a picture or nullopt), never a broken promise";
  }
  EXPECT_FALSE(renderer_->request_snapshot().get().has_value());
}

TEST_F(RendererTest, MethodsAreHarmlessWhenNotRunning) {
  Renderer renderer(offscreen_options());
  renderer.presenter_joined(1, "Ada");
  renderer.present(1, solid_picture(16, 16, test::kRed));
  auto future = renderer.request_snapshot();
  ASSERT_EQ(future.wait_for(1s), std::future_status::ready);
  EXPECT_FALSE(future.get().has_value());
  renderer.stop();
}

}  // namespace
}  // namespace presentd::render
