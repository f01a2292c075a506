#include "runtime/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

namespace lineup::runtime {

LogFile& LogFile::operator=(LogFile&& o) noexcept {
  if (this != &o) {
    close();
    dir_ = o.dir_;
    name_ = std::move(o.name_);
    path_ = std::move(o.path_);
    max_ = o.max_;
    times_ = o.times_;
    size_ = o.size_;
    fd_ = o.fd_;
    failing_ = o.failing_;
    o.fd_ = -1;
  }
  return *this;
}

LogFile::~LogFile() {
  close();
}

void LogFile::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool LogFile::open() {
  fd_ = dir_->open_file(name_, O_WRONLY | O_CREAT | O_APPEND);
  if (fd_ < 0) return false;
  struct stat st;
  size_ = ::fstat(fd_, &st) == 0 ? static_cast<size_t>(st.st_size) : 0;
  return true;
}

bool LogFile::write(std::string_view bytes, long long unix_ms) {
  if (!dir_) return true;
  if (fd_ < 0 && !open()) {
    bool first = !failing_;
    failing_ = true;
    return !first;
  }
  if (max_ && size_ + bytes.size() > max_ && size_ > 0) {
    // Rotate: the current file becomes NAME.log.1 (replacing an older one).
    close();
    dir_->rename(name_, name_ + ".1");
    if (times_) dir_->rename(name_ + ".times", name_ + ".1.times");
    if (!open()) return false;
  }
  size_t before = size_;
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      // A full disk: what made it of this chunk is taken back, so the file
      // never ends in a cut line (the chunk holds whole lines only).
      if (::ftruncate(fd_, static_cast<off_t>(before)) == 0) size_ = before;
      bool first = !failing_;
      failing_ = true;
      return !first;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
    size_ += static_cast<size_t>(n);
  }
  failing_ = false;
  if (!times_) return true;
  // Opened for each record, not kept: a second descriptor per service would
  // halve how many services fit under the descriptor limit. The times are a
  // help, not the log: a record that cannot be written only costs a time stamp.
  char record[48];
  int len = std::snprintf(record, sizeof record, "%zu %lld\n", size_, unix_ms);
  int times = dir_->open_file(name_ + ".times", O_WRONLY | O_CREAT | O_APPEND);
  if (times >= 0 && len > 0) {
    [[maybe_unused]] ssize_t w = ::write(times, record, static_cast<size_t>(len));
  }
  if (times >= 0) ::close(times);
  return true;
}

std::vector<LogTime> read_log_times(const std::string& log_path) {
  std::vector<LogTime> out;
  std::FILE* f = std::fopen((log_path + ".times").c_str(), "re");
  if (!f) return out;
  unsigned long long end;
  long long ms;
  while (std::fscanf(f, "%llu %lld", &end, &ms) == 2)
    if (out.empty() || end > out.back().end) out.push_back({end, ms});
  std::fclose(f);
  return out;
}

long long time_of(const std::vector<LogTime>& times, unsigned long long offset) {
  auto it = std::upper_bound(times.begin(), times.end(), offset,
                             [](unsigned long long o, const LogTime& t) { return o < t.end; });
  return it == times.end() ? 0 : it->unix_ms;
}

}  // namespace lineup::runtime
