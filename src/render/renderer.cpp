// SPDX-License-Identifier: Apache-2.0
#include "presentd/render/renderer.hpp"

#include <utility>

#include "render/render_inbox.hpp"
#include "render/render_loop.hpp"

namespace presentd::render {

Renderer::Renderer(RendererOptions options) : options_(std::move(options)), inbox_(std::make_shared<Inbox>()) {
  mixer_.set_settings(options_.audio_settings);
}

Renderer::~Renderer() { stop(); }

bool Renderer::start() {
  if (thread_.joinable()) return true;
  std::promise<bool> started;
  auto result = started.get_future();
  thread_ = std::thread([this, started = std::move(started)]() mutable {
    RenderLoop loop(options_, *inbox_, mixer_);
    const auto opened = loop.open();
    started.set_value(opened != RenderLoop::Opened::headless);
    if (opened == RenderLoop::Opened::waiting) loop.await_display();
    if (opened != RenderLoop::Opened::headless) loop.run();
  });
  if (result.get()) return true;
  thread_.join();
  return false;
}

void Renderer::stop() {
  if (!thread_.joinable()) return;
  post([](RenderLoop& loop) { loop.request_stop(); });
  thread_.join();
}

void Renderer::wake() {
  // Called with inbox_->mutex held, so the render thread cannot tear SDL down underneath.
  if (!inbox_->accepting || inbox_->wake_pending.exchange(true)) return;
  SDL_Event event{};
  event.type = inbox_->wake_event;
  SDL_PushEvent(&event);
  // While the display is gone the render thread waits here instead of in SDL_WaitEvent.
  inbox_->woken.notify_one();
}

void Renderer::post(std::function<void(RenderLoop&)> command) {
  std::lock_guard lock(inbox_->mutex);
  if (!inbox_->accepting) return;
  inbox_->commands.push_back(std::move(command));
  wake();
}

void Renderer::presenter_joined(PresenterId id, std::string name) {
  {
    std::lock_guard lock(inbox_->mutex);
    inbox_->mailboxes[id] = std::make_shared<FrameMailbox>();
  }
  post([id, name = std::move(name)](RenderLoop& loop) { loop.join(id, name); });
}

void Renderer::presenter_left(PresenterId id) {
  {
    std::lock_guard lock(inbox_->mutex);
    inbox_->mailboxes.erase(id);
  }
  mixer_.remove(id);
  post([id](RenderLoop& loop) { loop.leave(id); });
}

void Renderer::present(PresenterId id, media::PicturePtr picture) {
  if (!picture) return;
  std::lock_guard lock(inbox_->mutex);
  const auto it = inbox_->mailboxes.find(id);
  if (it == inbox_->mailboxes.end()) return;
  const auto result = it->second->post(std::move(picture));
  if (result.replaced) inbox_->frames_dropped.fetch_add(1, std::memory_order_relaxed);
  if (result.was_empty) wake();
}

void Renderer::set_reconnecting(PresenterId id, bool reconnecting) {
  post([id, reconnecting](RenderLoop& loop) { loop.set_reconnecting(id, reconnecting); });
}

void Renderer::set_idle_info(IdleInfo info) {
  post([info = std::move(info)](RenderLoop& loop) { loop.set_idle_info(info); });
}

void Renderer::set_audio_settings(const AudioSettings& settings) { mixer_.set_settings(settings); }

void Renderer::apply_display(const DisplaySettings& settings) {
  post([settings](RenderLoop& loop) { loop.apply_display(settings); });
}

void Renderer::play_audio(PresenterId id, std::span<const float> interleaved_stereo) {
  {
    std::lock_guard lock(inbox_->mutex);
    if (!inbox_->mailboxes.contains(id)) return;  // not (or no longer) presenting
  }
  mixer_.push(id, interleaved_stereo);
}

std::future<std::optional<Snapshot>> Renderer::request_snapshot() {
  auto promise = std::make_shared<std::promise<std::optional<Snapshot>>>();
  auto future = promise->get_future();
  {
    std::lock_guard lock(inbox_->mutex);
    if (inbox_->accepting) {
      inbox_->commands.emplace_back([promise](RenderLoop& loop) { loop.add_snapshot(promise); });
      wake();
      return future;
    }
  }
  promise->set_value(std::nullopt);
  return future;
}

RendererStats Renderer::stats() const {
  return RendererStats{inbox_->frames_presented.load(), inbox_->frames_dropped.load(), inbox_->redraws.load()};
}

ScreenStatus Renderer::screen_status() const {
  std::lock_guard lock(inbox_->mutex);
  return inbox_->screen;
}

}  // namespace presentd::render
