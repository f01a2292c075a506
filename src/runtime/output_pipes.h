// The output pipes of one service, read into whole lines.
//
// Each attempt gets a fresh pipe, and every pipe is read to its end, also
// after the next attempt has started: a child of the old attempt may still
// hold it and write. Only the current attempt's pipe speaks for the
// service (a line of it may prove readiness or fail the attempt); older
// ones are only logged. No line is lost: drain() reads what a pipe holds
// at once, and the loop calls it when a main process exits, before the exit
// is reported, and when it ends.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "runtime/output.h"

namespace lineup::runtime {

class OutputPipes {
 public:
  // `line` gets each whole line and whether it comes from the current
  // attempt; `batch_done` follows each batch of lines read in one go.
  using LineFn = std::function<void(std::string_view line, bool current)>;
  using BatchFn = std::function<void()>;
  OutputPipes(boost::asio::io_context& io, LineFn line, BatchFn batch_done);
  ~OutputPipes();
  OutputPipes(const OutputPipes&) = delete;
  OutputPipes& operator=(const OutputPipes&) = delete;

  // The read end of a new attempt's pipe: from now on the current one.
  void add(int fd);
  // The current attempt's main process is gone: its pipe is still read,
  // but speaks for the service no more.
  void attempt_ended() { current_running_ = false; }
  // Reads what every pipe holds right now (FIONREAD), no more: a child
  // that keeps writing cannot hold the loop here; the rest comes later.
  void drain();

 private:
  struct Pipe {
    std::unique_ptr<boost::asio::posix::stream_descriptor> fd;
    LineSplitter splitter;
  };
  void read(const std::shared_ptr<Pipe>& pipe);
  bool pump(Pipe* pipe, size_t budget);

  boost::asio::io_context& io_;
  LineFn line_;
  BatchFn batch_done_;
  // Shared, so a read whose completion is already queued when drain() meets
  // the end of file and drops the pipe finds it gone instead of freed.
  std::vector<std::shared_ptr<Pipe>> pipes_;  // the current attempt's is last
  bool current_running_ = false;
};

}  // namespace lineup::runtime
