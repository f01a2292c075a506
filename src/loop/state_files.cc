#include "loop/state_files.h"

#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>

#include <cerrno>
#include "util/fd.h"
#include "util/read_file.h"

namespace lineup::loop {

StateFiles::StateFiles(boost::asio::io_context& io, std::function<std::string()> state_json)
    : timer_(io), state_json_(std::move(state_json)), spare_fd_(::open("/dev/null", O_RDONLY | O_CLOEXEC)) {}

StateFiles::~StateFiles() {
  if (spare_fd_ >= 0) ::close(spare_fd_);
}

Result<Ok> StateFiles::open(const std::string& state_dir) {
  auto dir = runtime::SafeDir::open(state_dir, true);
  if (!dir) return unexpected(dir.error());
  auto logs = dir->subdir("logs", true);
  if (!logs) return unexpected(logs.error());
  dir_ = std::move(*dir);
  logs_ = std::move(*logs);
  return Ok{};
}

void StateFiles::changed() {
  stale_ = true;
  if (armed_) return;
  armed_ = true;
  timer_.expires_after(delay());
  timer_.async_wait([this](boost::system::error_code) {
    armed_ = false;
    write_state();
  });
}

std::chrono::nanoseconds StateFiles::delay() const {
  return std::max<std::chrono::nanoseconds>(std::chrono::milliseconds(50), 20 * last_write_);
}

void StateFiles::flush() {
  if (stale_) write_state();
}

void StateFiles::write_state() {
  stale_ = false;
  auto begin = std::chrono::steady_clock::now();
  write("state.json", state_json_());
  last_write_ = std::chrono::steady_clock::now() - begin;
  release_freed_memory();
}

// A render at thousands of services allocates megabytes for a moment; the
// allocator keeps freed pages between live ones, and the supervisor stays
// that large for its whole life unless they are handed back.
void StateFiles::release_freed_memory() {
  ::malloc_trim(0);
}

bool StateFiles::write(std::string_view name, const std::string& content) {
  if (dir_.fd() < 0) return false;
  if (dir_.write_atomically(name, content)) return true;
  if (errno != EMFILE || spare_fd_ < 0) return false;
  ::close(spare_fd_);
  bool written = dir_.write_atomically(name, content);
  spare_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  return written;
}

std::optional<std::string> StateFiles::read(std::string_view name) const {
  Fd fd(dir_.open_file(name, O_RDONLY));
  if (!fd) return std::nullopt;
  auto text = read_to_end(fd.get());
  if (!text) return std::nullopt;
  return std::move(*text);
}

}  // namespace lineup::loop
