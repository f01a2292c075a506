#include "runtime/terminal.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include <fmt/format.h>

namespace lineup::runtime {

namespace {
constexpr size_t kMaxWrite = 64 << 10;
}  // namespace

Terminal::Terminal(int fd, size_t max_queued_bytes) : fd_(fd), max_(max_queued_bytes) {
  // Started with the supervisor, not with the first line: under a process
  // limit (RLIMIT_NPROC) the services could take the last slot first.
  thread_ = std::thread([this] { run(); });
}

Terminal::~Terminal() {
  drain(2000);
  bool stuck;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    stuck = writing_ || !queue_.empty();
  }
  wake_.notify_all();
  // A writer stuck in write() on a terminal that never reads again must not
  // hold up lineup's exit.
  if (stuck)
    thread_.detach();
  else
    thread_.join();
}

void Terminal::write(std::string text) {
  write_later(std::move(text));
  wake();
}

void Terminal::write_later(std::string text) {
  if (text.empty()) return;
  std::lock_guard lock(mu_);
  if (queued_bytes_ + text.size() > max_) {
    dropped_lines_ += static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
    return;
  }
  queued_bytes_ += text.size();
  queue_.push_back(std::move(text));
}

void Terminal::wake() {
  wake_.notify_one();
}

void Terminal::drain(int ms) {
  wake();
  std::unique_lock lock(mu_);
  drained_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return queue_.empty() && !writing_; });
}

void Terminal::run() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty() && stop_) return;
    std::string text = std::move(queue_.front());
    queue_.pop_front();
    // What else is queued goes out in the same write(): a burst of lines
    // (a stack of 1,000 stopping) is a few syscalls, not one per line.
    while (!queue_.empty() && text.size() + queue_.front().size() <= kMaxWrite) {
      text += queue_.front();
      queue_.pop_front();
    }
    queued_bytes_ -= text.size();
    if (dropped_lines_) {
      text =
          fmt::format(
              "lineup | {} lines not shown here (the terminal was not reading); they are in .lineup/logs/\n",
              dropped_lines_) +
          text;
      dropped_lines_ = 0;
    }
    writing_ = true;
    lock.unlock();
    std::string_view rest = text;
    while (!rest.empty()) {
      ssize_t n = ::write(fd_, rest.data(), rest.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        break;  // the terminal is gone: drop it
      }
      rest.remove_prefix(static_cast<size_t>(n));
    }
    lock.lock();
    writing_ = false;
    if (queue_.empty()) drained_.notify_all();
  }
}

}  // namespace lineup::runtime
