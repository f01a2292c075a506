#include "runtime/file_watch.h"

#include <fcntl.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cstring>
#include <filesystem>

namespace lineup::runtime {

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {
constexpr uint32_t kFileEvents = IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO;
}

Result<std::unique_ptr<FileWatch>> FileWatch::start(asio::io_context& io, const std::string& root,
                                                    SkipDir skip, OnChange on_change) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return unexpected(fmt::format("{}: not a directory", root));
  int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return unexpected(fmt::format("inotify: {}", std::strerror(errno)));
  std::unique_ptr<FileWatch> w(new FileWatch(io, fd, root, std::move(skip), std::move(on_change)));
  if (auto added = w->add_tree(""); !added) return unexpected(added.error());
  w->wait();
  return w;
}

FileWatch::FileWatch(asio::io_context& io, int fd, std::string root, SkipDir skip, OnChange on_change)
    : events_(io, fd), root_(std::move(root)), skip_(std::move(skip)), on_change_(std::move(on_change)) {}

FileWatch::~FileWatch() = default;  // closing the descriptor drops every watch

// The directory and everything below it, iteratively (a deep tree must not
// overflow the stack). A directory that vanishes meanwhile is no error.
Result<size_t> FileWatch::add_tree(const std::string& relative) {
  size_t files = 0;
  std::vector<std::string> pending{relative};
  while (!pending.empty()) {
    std::string rel = std::move(pending.back());
    pending.pop_back();
    std::string path = rel.empty() ? root_ : root_ + "/" + rel;
    int wd =
        ::inotify_add_watch(events_.native_handle(), path.c_str(), kFileEvents | IN_ONLYDIR | IN_DONT_FOLLOW);
    if (wd < 0) {
      if (errno == ENOENT || errno == ENOTDIR) continue;
      if (errno == ENOSPC)
        return unexpected(
            fmt::format("watch {}: the inotify watch limit is reached (fs.inotify.max_user_watches)", path));
      return unexpected(fmt::format("watch {}: {}", path, std::strerror(errno)));
    }
    dirs_[wd] = rel;
    std::error_code ec;
    for (fs::directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
      std::error_code type_ec;
      if (!it->is_directory(type_ec) || it->is_symlink(type_ec)) {
        ++files;
        continue;
      }
      std::string child =
          rel.empty() ? it->path().filename().string() : rel + "/" + it->path().filename().string();
      if (!skip_(child)) pending.push_back(child);
    }
  }
  return files;
}

void FileWatch::wait() {
  events_.async_wait(asio::posix::stream_descriptor::wait_read, [this](boost::system::error_code ec) {
    if (ec) return;
    alignas(inotify_event) char buffer[16384];
    ssize_t n;
    while ((n = ::read(events_.native_handle(), buffer, sizeof buffer)) > 0) {
      for (ssize_t at = 0; at < n;) {
        const auto* e = reinterpret_cast<const inotify_event*>(buffer + at);
        at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
        if (e->mask & IN_Q_OVERFLOW) {
          on_change_("");
          continue;
        }
        if (e->mask & IN_IGNORED) {
          dirs_.erase(e->wd);
          continue;
        }
        auto dir = dirs_.find(e->wd);
        if (dir == dirs_.end() || e->len == 0) continue;
        std::string rel = dir->second.empty() ? std::string(e->name) : dir->second + "/" + e->name;
        if (e->mask & IN_ISDIR) {
          if (skip_(rel)) continue;
          // A new directory: watched from now on. An empty one is no change;
          // files already in it (moved in, or written before the watch
          // existed) count as this one.
          if (e->mask & (IN_CREATE | IN_MOVED_TO)) {
            auto files = add_tree(rel);
            if (files && *files == 0) continue;
          }
        }
        on_change_(rel);
      }
    }
    wait();
  });
}

}  // namespace lineup::runtime
