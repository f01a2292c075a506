#include "runtime/output_pipes.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace lineup::runtime {

namespace asio = boost::asio;

namespace {
// One buffer for every pipe (one thread reads them all). Not zero-filled:
// its pages are touched only when output arrives.
constexpr size_t kBufferSize = 64 * 1024;
char* buffer() {
  static std::unique_ptr<char[]> b{new char[kBufferSize]};
  return b.get();
}
}  // namespace

OutputPipes::OutputPipes(asio::io_context& io, LineFn line, BatchFn batch_done)
    : io_(io), line_(std::move(line)), batch_done_(std::move(batch_done)) {}

OutputPipes::~OutputPipes() = default;

void OutputPipes::add(int fd) {
  ::fcntl(fd, F_SETFL, O_NONBLOCK);
  auto& pipe = pipes_.emplace_back(std::make_shared<Pipe>());
  pipe->fd = std::make_unique<asio::posix::stream_descriptor>(io_, fd);
  current_running_ = true;
  read(pipe);
}

void OutputPipes::read(const std::shared_ptr<Pipe>& pipe) {
  std::weak_ptr<Pipe> weak = pipe;
  pipe->fd->async_wait(asio::posix::stream_descriptor::wait_read, [this, weak](boost::system::error_code ec) {
    auto pipe = weak.lock();
    if (ec || !pipe) return;  // closed: drained to its end elsewhere
    // Bounded: other services get their turn.
    if (pump(pipe.get(), 16 * kBufferSize)) read(pipe);
  });
}

// Reads what `pipe` holds, up to `budget` bytes (at least one read, to see
// an end of file). At end of file the pipe is closed and forgotten; returns
// whether it is still open.
bool OutputPipes::pump(Pipe* pipe, size_t budget) {
  bool current = current_running_ && pipes_.back().get() == pipe;
  bool eof = false;
  auto line = [&](std::string_view l) { line_(l, current); };
  for (bool first = true; first || budget > 0; first = false) {
    ssize_t n = ::read(pipe->fd->native_handle(), buffer(), std::clamp<size_t>(budget, 1, kBufferSize));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;  // EAGAIN: all there is for now
    if (n == 0) {
      eof = true;
      break;
    }
    budget -= std::min(budget, static_cast<size_t>(n));
    pipe->splitter.feed(std::string_view(buffer(), static_cast<size_t>(n)), line);
  }
  if (eof) pipe->splitter.finish(line);
  batch_done_();
  if (!eof) return true;
  std::erase_if(pipes_, [pipe](const auto& p) { return p.get() == pipe; });
  return false;
}

void OutputPipes::drain() {
  std::vector<Pipe*> pipes;
  for (const auto& p : pipes_) pipes.push_back(p.get());
  for (Pipe* pipe : pipes) {
    int queued = 0;
    if (::ioctl(pipe->fd->native_handle(), FIONREAD, &queued) != 0) queued = 0;
    pump(pipe, static_cast<size_t>(queued));
  }
}

}  // namespace lineup::runtime
