// A service's output pipes, with real pipes: whole lines in order, the last
// unfinished line at end of file, drain() reading what is there now, and
// only the current attempt's pipe speaking for the service.
#include "runtime/output_pipes.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <string>
#include <vector>

namespace lineup::runtime {
namespace {

struct Line {
  std::string text;
  bool current;
  bool operator==(const Line&) const = default;
};

struct ServicePipe {
  int read = -1, write = -1;
  ServicePipe() {
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    read = fds[0];
    write = fds[1];
  }
  void put(std::string_view text) const {
    ASSERT_EQ(::write(write, text.data(), text.size()), ssize_t(text.size()));
  }
  void close() {
    ::close(write);
    write = -1;
  }
  ~ServicePipe() {
    if (write >= 0) ::close(write);
  }
};

TEST(OutputPipes, DrainReadsWhatIsThereNowInWholeLines) {
  boost::asio::io_context io;
  std::vector<Line> lines;
  int batches = 0;
  OutputPipes pipes(
      io,
      [&](std::string_view l, bool current) {
        lines.push_back({std::string(l), current});
      },
      [&] { ++batches; });
  ServicePipe p;
  pipes.add(p.read);
  p.put("one\ntwo\nthr");
  pipes.drain();  // no loop turn needed: read now
  EXPECT_EQ(lines, (std::vector<Line>{{"one", true}, {"two", true}}));
  EXPECT_GE(batches, 1);
  p.put("ee\n");
  pipes.drain();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2].text, "three");
}

TEST(OutputPipes, AnUnfinishedLastLineIsStillALineAtEndOfFile) {
  boost::asio::io_context io;
  std::vector<std::string> lines;
  OutputPipes pipes(
      io, [&](std::string_view l, bool) { lines.emplace_back(l); }, [] {});
  ServicePipe p;
  pipes.add(p.read);
  p.put("complete\nno newline");
  p.close();
  pipes.drain();  // reads both lines and sees the end of file
  pipes.drain();
  EXPECT_EQ(lines, (std::vector<std::string>{"complete", "no newline"}));
}

TEST(OutputPipes, OnlyTheCurrentAttemptSpeaksForTheService) {
  boost::asio::io_context io;
  std::vector<Line> lines;
  OutputPipes pipes(
      io,
      [&](std::string_view l, bool current) {
        lines.push_back({std::string(l), current});
      },
      [] {});
  ServicePipe first, second;
  pipes.add(first.read);
  first.put("attempt 1\n");
  pipes.drain();
  pipes.attempt_ended();
  first.put("child of attempt 1, after it ended\n");
  pipes.drain();
  pipes.add(second.read);
  first.put("still the old pipe\n");
  second.put("attempt 2\n");
  pipes.drain();
  EXPECT_EQ(lines, (std::vector<Line>{{"attempt 1", true},
                                      {"child of attempt 1, after it ended", false},
                                      {"still the old pipe", false},
                                      {"attempt 2", true}}));
}

TEST(OutputPipes, TheLoopReadsWithoutBeingAsked) {
  boost::asio::io_context io;
  std::vector<std::string> lines;
  OutputPipes pipes(
      io,
      [&](std::string_view l, bool) {
        lines.emplace_back(l);
        if (lines.size() == 2) io.stop();
      },
      [] {});
  ServicePipe p;
  pipes.add(p.read);
  p.put("a\nb\n");
  boost::asio::steady_timer guard(io, std::chrono::seconds(60));
  guard.async_wait([&](boost::system::error_code ec) {
    if (!ec) io.stop();
  });
  io.run();
  EXPECT_EQ(lines, (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace lineup::runtime
