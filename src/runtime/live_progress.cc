#include "runtime/live_progress.h"

#include <sys/ioctl.h>

#include <fmt/format.h>

namespace lineup::runtime {

namespace {
constexpr auto kRedrawEvery = std::chrono::milliseconds(100);
constexpr size_t kMaxHeld = 256 * 1024;  // a flood is drawn at once rather than held

// Cursor up over the block and clear to the end of the screen.
std::string erase(size_t lines) {
  return lines == 0 ? std::string() : fmt::format("\033[{}F\033[J", lines);
}
}  // namespace

LiveProgress::LiveProgress(boost::asio::io_context& io, Terminal& term, int fd, Render render)
    : timer_(io), term_(term), fd_(fd), render_(std::move(render)) {}

void LiveProgress::start() {
  if (active_) return;
  active_ = true;
  redraw();
}

void LiveProgress::write(std::string text) {
  held_ += text;
  if (held_.size() > kMaxHeld) redraw();
}

void LiveProgress::stop() {
  if (!active_) return;
  active_ = false;
  timer_.cancel();
  term_.write(erase(drawn_) + std::move(held_));
  held_.clear();
  drawn_ = 0;
}

void LiveProgress::redraw() {
  if (!active_) return;
  winsize ws{};
  size_t columns = 80, rows = 24;
  if (::ioctl(fd_, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
    columns = ws.ws_col;
    rows = ws.ws_row;
  }
  std::vector<std::string> lines = render_(frame_++, columns, rows);
  std::string out = erase(drawn_) + std::move(held_);
  held_.clear();
  for (const auto& l : lines) out += l + "\033[K\n";
  drawn_ = lines.size();
  term_.write(std::move(out));
  schedule();
}

void LiveProgress::schedule() {
  timer_.expires_after(kRedrawEvery);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) redraw();
  });
}

}  // namespace lineup::runtime
