// A recursive watch of a directory tree with inotify, on the event loop:
// `on_change(relative path)` for every file created, written (closed after
// writing), deleted or moved under the root, in any subdirectory, new ones
// included. Directories whose relative path `skip_dir` accepts (.git,
// node_modules...) are not watched at all, so a `git checkout` in them costs
// nothing. When the kernel's queue overflows, on_change("") says "something
// changed". Symbolic links are not followed.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "util/result.h"

namespace lineup::runtime {

class FileWatch {
 public:
  using OnChange = std::function<void(const std::string& relative)>;
  using SkipDir = std::function<bool(const std::string& relative)>;
  // An error when the root is not a directory or inotify cannot be had
  // (fs.inotify.max_user_instances / max_user_watches).
  static Result<std::unique_ptr<FileWatch>> start(boost::asio::io_context& io, const std::string& root,
                                                  SkipDir skip_dir, OnChange on_change);
  ~FileWatch();

 private:
  FileWatch(boost::asio::io_context& io, int fd, std::string root, SkipDir skip, OnChange on_change);
  // Watches the directory and those below it; how many files they hold.
  Result<size_t> add_tree(const std::string& relative);
  void wait();
  boost::asio::posix::stream_descriptor events_;
  std::string root_;
  SkipDir skip_;
  OnChange on_change_;
  std::unordered_map<int, std::string>
      dirs_;  // watch descriptor -> directory, relative to the root ("" = it)
};

}  // namespace lineup::runtime
