// Live progress on a terminal while the stack starts: a block of lines
// (report::progress_lines) redrawn in place every 100 ms, with service
// output and lineup's messages scrolling above it. Only the loop calls it;
// all drawing goes through the Terminal's queue, so a stalled terminal
// still never blocks the loop.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <string>
#include <vector>

#include "runtime/terminal.h"

namespace lineup::runtime {

class LiveProgress {
 public:
  using Render = std::function<std::vector<std::string>(unsigned frame, size_t columns, size_t rows)>;
  LiveProgress(boost::asio::io_context& io, Terminal& term, int fd, Render render);

  void start();
  bool active() const { return active_; }
  // Text (whole lines) to print above the block; held until the next redraw.
  void write(std::string text);
  // Erases the block and prints what was held; later output goes straight on.
  void stop();

 private:
  void redraw();
  void schedule();

  boost::asio::steady_timer timer_;
  Terminal& term_;
  int fd_;
  Render render_;
  bool active_ = false;
  size_t drawn_ = 0;  // lines of the block now on screen
  unsigned frame_ = 0;
  std::string held_;
};

}  // namespace lineup::runtime
