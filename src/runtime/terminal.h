// Writes to the terminal (stdout) without ever blocking the event loop.
//
// A terminal, or a pipe into `less`, can stop reading at any time; a
// blocking write there would freeze the loop and, through full pipes, every
// service. So the loop only appends to a bounded queue, and one writer
// thread (not one per service) does the blocking writes. When the queue is
// full, lines are dropped from the terminal (never from the log files) and
// the count is reported once the terminal reads again.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace lineup::runtime {

class Terminal {
 public:
  explicit Terminal(int fd = 1, size_t max_queued_bytes = 4 << 20);
  ~Terminal();
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  // Never blocks (beyond a mutex held for a queue push).
  void write(std::string text);
  // Queues without waking the writer: a caller about to do something that
  // is timed (a spawn) batches its lines and calls wake() once afterwards,
  // rather than handing the CPU to the writer thread for every line.
  void write_later(std::string text);
  void wake();
  // Waits up to `ms` for the queue to drain (at exit); gives up after that.
  void drain(int ms);

 private:
  void run();

  int fd_;
  size_t max_;
  std::mutex mu_;
  std::condition_variable wake_, drained_;
  std::deque<std::string> queue_;
  size_t queued_bytes_ = 0;
  size_t dropped_lines_ = 0;
  bool stop_ = false;
  bool writing_ = false;
  std::thread thread_;
};

}  // namespace lineup::runtime
