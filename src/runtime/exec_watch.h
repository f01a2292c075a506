// Waiting on the loop for a started process's program (runtime/spawn.h's
// start()): `done` gets nothing when the program runs, or why it could not.
//
// A loop that learns of an exit, or reads a line, before this watch has
// fired calls check(): the outcome is known by then (a child that cannot
// run its program reports before it exits), and it is said first, so that
// "it runs" comes before anything the program did.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <optional>

#include "runtime/spawn.h"

namespace lineup::runtime {

class ExecWatch {
 public:
  using Done = std::function<void(std::optional<SpawnError> failed)>;
  // `started.exec` is open (an outcome known at the start needs no watch).
  ExecWatch(boost::asio::io_context& io, Started started, Done done);
  ~ExecWatch();
  ExecWatch(const ExecWatch&) = delete;
  ExecWatch& operator=(const ExecWatch&) = delete;

  // Says the outcome now if it is in: always once the process is
  // `past_exec` (it has exited, or its program wrote a line). True once it
  // has been said; the owner may have destroyed the watch in `done` then.
  bool check(bool past_exec = false);

 private:
  void wait();
  Started started_;
  boost::asio::posix::stream_descriptor pipe_;
  Done done_;
};

}  // namespace lineup::runtime
