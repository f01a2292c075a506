// The sd_notify protocol, as systemd's sd_notify(3) and the systemd-notify
// tool speak it: newline-separated KEY=VALUE assignments in one datagram;
// and the two channels a service proves readiness through: its
// NOTIFY_SOCKET, and the pipe of a `notify_fd` probe (s6's notification-fd).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

namespace lineup::runtime {

struct NotifyMessage {
  bool ready = false;
  bool stopping = false;
  std::optional<std::string> status;
};

NotifyMessage parse_notify(std::string_view datagram);

// A service's NOTIFY_SOCKET: an abstract Unix datagram socket (nothing on
// disk). Each datagram is parsed and handed on; descriptors passed with one
// (systemd-notify's BARRIER=1) are closed at once, which is what the sender
// waits for.
class NotifySocket {
 public:
  // Binds the abstract address `name`; the error says why it could not.
  static Result<std::unique_ptr<NotifySocket>> open(boost::asio::io_context& io, const std::string& name);
  // The value of NOTIFY_SOCKET.
  std::string address() const { return "@" + name_; }
  // `on_message` for every datagram, on the event loop, until this is destroyed.
  void listen(std::function<void(const NotifyMessage&)> on_message);

 private:
  NotifySocket(boost::asio::io_context& io, int fd, std::string name);
  void wait();
  boost::asio::posix::stream_descriptor socket_;
  std::string name_;
  std::function<void(const NotifyMessage&)> on_message_;
};

// The read end of a `notify_fd` pipe: `on_ready` once a newline arrives,
// nothing if the service closes it without one. Either way the pipe is then
// no longer watched.
class ReadyPipe {
 public:
  ReadyPipe(boost::asio::io_context& io, int fd, std::function<void()> on_ready);

 private:
  void wait();
  boost::asio::posix::stream_descriptor pipe_;
  std::function<void()> on_ready_;
};

}  // namespace lineup::runtime
