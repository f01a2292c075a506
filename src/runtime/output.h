// A service's output: bytes from its pipe become whole lines, in order, in
// `.lineup/logs/NAME.log` (rotated by size) and, in the foreground, on the
// terminal as `name | line`.
//
// Lines are never split or reordered: the splitter keeps the unfinished
// tail of each read until its newline arrives. A line longer than
// kMaxLine is cut into kMaxLine pieces rather than growing without bound.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/safe_dir.h"

namespace lineup::runtime {

class LineSplitter {
 public:
  static constexpr size_t kMaxLine = 64 * 1024;
  // Calls `line` for each complete line in `data` (without the newline).
  template <typename F>
  void feed(std::string_view data, F&& line) {
    while (!data.empty()) {
      size_t nl = data.find('\n');
      if (nl == std::string_view::npos) {
        size_t room = kMaxLine - tail_.size();
        if (data.size() < room) {
          tail_.append(data);
          return;
        }
        tail_.append(data.substr(0, room));
        data.remove_prefix(room);
        line(std::string_view(tail_));
        tail_.clear();
        continue;
      }
      if (tail_.empty()) {
        line(data.substr(0, nl));
      } else {
        tail_.append(data.substr(0, nl));
        line(std::string_view(tail_));
        tail_.clear();
      }
      data.remove_prefix(nl + 1);
    }
  }
  // At end of stream: an unfinished last line is still a line.
  template <typename F>
  void finish(F&& line) {
    if (!tail_.empty()) line(std::string_view(tail_));
    tail_.clear();
  }

 private:
  std::string tail_;
};

// An append-only log file that rotates to NAME.log.1 when it grows past `max_bytes`.
//
// Beside it, NAME.log.times says when each piece was read from the
// service: one text line "END_OFFSET UNIX_MS" per write, so `logs
// --timestamps` can tell when a line arrived while the log itself stays
// exactly what the service wrote. It rotates with the log.
class LogFile {
 public:
  LogFile() = default;
  // `NAME.log` in `dir`, which must outlive the LogFile; opened (never
  // through a symlink) at the first write. Without `times`, no NAME.log.times
  // (a copy of the output the user asked for somewhere else: `log_location`).
  LogFile(const SafeDir& dir, std::string name, size_t max_bytes, bool times = true)
      : dir_(&dir), name_(std::move(name)), path_(dir.path() + "/" + name_), max_(max_bytes), times_(times) {}
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;
  LogFile(LogFile&& o) noexcept { *this = std::move(o); }
  LogFile& operator=(LogFile&& o) noexcept;
  ~LogFile();

  // Writes whole lines read at `unix_ms`; returns false (once per failure
  // streak) when the disk refuses.
  bool write(std::string_view bytes, long long unix_ms);
  const std::string& path() const { return path_; }

 private:
  bool open();
  void close();
  const SafeDir* dir_ = nullptr;
  std::string name_;
  std::string path_;
  size_t max_ = 0;
  bool times_ = true;
  size_t size_ = 0;
  int fd_ = -1;
  bool failing_ = false;
};

// NAME.log.times read back: for each piece of the log, where it ends and
// when it was read. Empty when there is none (then no line has a time).
struct LogTime {
  unsigned long long end;
  long long unix_ms;
};
std::vector<LogTime> read_log_times(const std::string& log_path);
// When the byte at `offset` of the log was read (0 if unknown); `times` sorted by end.
long long time_of(const std::vector<LogTime>& times, unsigned long long offset);

}  // namespace lineup::runtime
