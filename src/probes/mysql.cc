// `mysql` probe: a real MySQL / MariaDB login (the authentication plugin the
// server asks for: native password, ed25519, caching_sha2 with the server's
// key fetched over plain TCP) and one query (default `SELECT 1`); `expect:
// rows` requires at least one row. MariaDB Connector/C's non-blocking API
// runs on the event loop: each *_start / *_cont step says whether it waits
// to read or to write on mysql_get_socket, and the loop waits for that.
// One deadline covers the whole check. The library is loaded on first use,
// as libpq is (mysql_loader.cc), so no other command pays for it.
#include <mysql.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>

#include "config/redact.h"
#include "probes/kinds.h"
#include "probes/mysql.h"
#include "probes/mysql_loader.h"
#include "util/strings.h"

namespace lineup::probes {

namespace asio = boost::asio;

std::variant<MysqlUrl, std::string> parse_mysql_url(const std::string& url) {
  std::string_view s = url;
  if (s.starts_with("mysql://"))
    s.remove_prefix(8);
  else if (s.starts_with("mariadb://"))
    s.remove_prefix(10);
  else
    return std::string("not a mysql:// or mariadb:// URL");
  MysqlUrl u;
  std::string_view authority = s.substr(0, s.find_first_of("/?"));
  if (authority.size() < s.size() && s[authority.size()] == '/') {
    std::string_view path = s.substr(authority.size() + 1);
    u.database = percent_decode(path.substr(0, path.find('?')));
  }
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    auto colon = userinfo.find(':');
    u.user = percent_decode(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) {
      u.password = percent_decode(userinfo.substr(colon + 1));
      u.raw_password = std::string(userinfo.substr(colon + 1));
    }
  }
  std::string_view port;
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::string("unclosed [ in the host");
    u.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
  } else {
    auto colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (u.host.empty()) return std::string("no host");
  // "localhost" would make the library use its Unix socket: a TCP probe means TCP.
  if (u.host == "localhost") u.host = "127.0.0.1";
  if (!port.empty()) {
    int p = port.size() <= 5 && port.find_first_not_of("0123456789") == std::string_view::npos
                ? std::atoi(std::string(port).c_str())
                : 0;
    if (p < 1 || p > 65535) return std::string("the port is not a number from 1 to 65535");
    u.port = p;
  }
  return u;
}

namespace {

// What the library says, as one line a user reads: "Can't connect to server
// on '127.0.0.1' (111)" -> "connection refused".
std::string mysql_reason(const Mariadb& db, MYSQL* conn) {
  unsigned code = db.mysql_errno(conn);
  std::string message = db.mysql_error(conn);
  if (code == 2002 || code == 2003) {
    if (message.find("(111") != std::string::npos) return "connection refused";
    if (message.find("(113") != std::string::npos) return "host unreachable";
  }
  if (code == 2013 || code == 2006) return "connection closed by the server";
  return message.empty() ? fmt::format("error {}", code) : message;
}

struct MysqlCheck : std::enable_shared_from_this<MysqlCheck> {
  MysqlCheck(asio::io_context& io, const Mariadb& db) : io(io), db(db), timer(io), pause(io) {}
  ~MysqlCheck() { close(); }

  asio::io_context& io;
  const Mariadb& db;
  asio::steady_timer timer;
  asio::steady_timer pause;  // between looks at a greeting that arrives in pieces
  bool greeting_checked = false;
  // A dup() of the library's socket: asio must not close the library's own.
  std::unique_ptr<asio::posix::stream_descriptor> socket;
  MYSQL* conn = nullptr;
  bool finished = false;
  MysqlUrl url;
  std::string query;
  bool expect_rows = false;
  Done done;

  void close() {
    if (socket) {
      boost::system::error_code ignore;
      socket->cancel(ignore);
      socket->close(ignore);
      socket.reset();
    }
    if (conn) {
      // Mid-operation (a deadline), the library's socket is shut down first,
      // so mysql_close's COM_QUIT cannot wait on a server that is not reading.
      if (int fd = db.mysql_get_socket(conn); fd >= 0 && !finished_cleanly) ::shutdown(fd, SHUT_RDWR);
      db.mysql_close(conn);
      conn = nullptr;
    }
  }
  bool finished_cleanly = false;

  void finish(Result r) {
    if (finished) return;
    finished = true;
    timer.cancel();
    pause.cancel();
    close();
    for (const auto& secret : {url.password, url.raw_password})
      if (secret.size() >= 4)
        for (size_t at; (at = r.reason.find(secret)) != std::string::npos;)
          r.reason.replace(at, secret.size(), "***");
    r.reason = config::redact_url_passwords(r.reason);
    done(std::move(r));
  }

  // Waits for what `status` (MYSQL_WAIT_*) asks, then calls `step(ready)`.
  template <class Step>
  void wait(int status, Step step) {
    if (!(status & (MYSQL_WAIT_READ | MYSQL_WAIT_WRITE)))
      return asio::post(io, [self = shared_from_this(), step] {
        if (!self->finished) step(MYSQL_WAIT_TIMEOUT);
      });
    if (!socket) {
      int copy = ::dup(db.mysql_get_socket(conn));
      if (copy < 0) return finish({false, fmt::format("dup: {}", std::strerror(errno))});
      socket = std::make_unique<asio::posix::stream_descriptor>(io, copy);
    }
    auto direction = status & MYSQL_WAIT_READ ? asio::posix::descriptor_base::wait_read
                                              : asio::posix::descriptor_base::wait_write;
    socket->async_wait(direction, [self = shared_from_this(), step, status](boost::system::error_code ec) {
      if (self->finished || ec == asio::error::operation_aborted) return;
      step(status & (MYSQL_WAIT_READ | MYSQL_WAIT_WRITE));
    });
  }

  void start() {
    conn = db.mysql_init(nullptr);
    if (!conn) return finish({false, "out of memory"});
    unsigned protocol = MYSQL_PROTOCOL_TCP;
    db.mysql_options(conn, MYSQL_OPT_PROTOCOL, &protocol);
    db.mysql_options(conn, MYSQL_OPT_NONBLOCK, nullptr);
    // A probe's answer is small: a server claiming a huge packet gets an
    // error, not that much of lineup's memory.
    unsigned long max_packet = 1 << 20;
    db.mysql_options(conn, MYSQL_OPT_MAX_ALLOWED_PACKET, &max_packet);
    MYSQL* ret = nullptr;
    int status = db.mysql_real_connect_start(
        &ret, conn, url.host.c_str(), url.user.c_str(), url.password.c_str(),
        url.database.empty() ? nullptr : url.database.c_str(), static_cast<unsigned>(url.port), nullptr, 0);
    connected(status, ret);
  }

  // Connector/C reads the server's first packet itself, and a malformed one
  // can crash it: an error packet with code 65535 (a "progress report")
  // before any greeting makes it read the server's version, still NULL
  // (found by fuzz/mysql_fuzz.cc; mariadb_lib.c, still so upstream). So
  // until that packet has been seen, the probe looks at the socket before
  // each step of the library (MSG_PEEK: the bytes stay for the library) and
  // lets it read only a whole, plausible first packet: protocol 10, or an
  // error. (A window is left where the library goes on to read by itself:
  // when its connect completes, in mysql_real_connect_start or after the
  // socket became writable, and the packet arrives in that instant.)
  enum class Greeting { none_yet, incomplete, fine, refused };
  Greeting look_at_greeting(std::string& why) {
    int fd = db.mysql_get_socket(conn);
    // A connect that failed is the library's to report: a recv would take
    // the socket's error (ECONNREFUSED) away from it.
    pollfd p{fd, POLLIN | POLLRDHUP, 0};
    if (::poll(&p, 1, 0) < 0 || (p.revents & (POLLERR | POLLNVAL))) return Greeting::fine;
    // The server has closed: a part of a packet stays a part, and the library
    // says the connection was lost.
    bool closed = p.revents & POLLRDHUP;
    unsigned char b[7];
    ssize_t n = ::recv(fd, b, sizeof b, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0)
      return errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOTCONN ? Greeting::none_yet
                                                                          : Greeting::fine;
    if (n == 0) return Greeting::fine;  // closed: the library says so
    if (n < 5) return closed ? Greeting::fine : Greeting::incomplete;
    if (b[4] == 10) return Greeting::fine;  // after the 4-byte header: the protocol version
    if (b[4] == 0xff) {
      if (n < 7) return closed ? Greeting::fine : Greeting::incomplete;
      if ((b[5] | b[6] << 8) != 0xffff) return Greeting::fine;
      why = "not a MySQL server: its first packet is a progress report, not a greeting";
      return Greeting::refused;
    }
    why = fmt::format("not a MySQL server: its greeting is not protocol 10 (it starts {:#04x})", b[4]);
    return Greeting::refused;
  }

  // One step of the connection, once the socket is `ready`.
  void connect_step(int ready) {
    if (!greeting_checked && db.mysql_get_server_info(conn)) greeting_checked = true;  // read already
    if (!greeting_checked) {
      std::string why;
      switch (look_at_greeting(why)) {
        case Greeting::refused:
          return finish({false, why});
        case Greeting::incomplete:  // rare: a first packet in pieces; look again shortly
          pause.expires_after(std::chrono::milliseconds(5));
          return pause.async_wait([self = shared_from_this(), ready](boost::system::error_code ec) {
            if (!ec && !self->finished) self->connect_step(ready);
          });
        case Greeting::fine:
          greeting_checked = true;
          break;
        case Greeting::none_yet:
          // Woken to read, with nothing there: wait again rather than let the
          // library read a packet that may arrive meanwhile, unseen.
          if (ready & MYSQL_WAIT_READ)
            return wait(MYSQL_WAIT_READ, [this](int again) { connect_step(again); });
          break;
      }
    }
    MYSQL* r = nullptr;
    int s = db.mysql_real_connect_cont(&r, conn, ready);
    connected(s, r);
  }

  void connected(int status, MYSQL* ret) {
    if (status) {
      // The socket may change while connecting (the next address): ask again each time.
      socket.reset();
      return wait(status, [this](int ready) { connect_step(ready); });
    }
    if (!ret) return finish({false, mysql_reason(db, conn)});
    int err = 0;
    int status_now = db.mysql_real_query_start(&err, conn, query.c_str(), query.size());
    queried(status_now, err);
  }

  void queried(int status, int err) {
    if (status)
      return wait(status, [this](int ready) {
        int e = 0;
        int s = db.mysql_real_query_cont(&e, conn, ready);
        queried(s, e);
      });
    if (err) return finish({false, fmt::format("query failed: {}", mysql_reason(db, conn))});
    MYSQL_RES* res = nullptr;
    int status_now = db.mysql_store_result_start(&res, conn);
    stored(status_now, res);
  }

  void stored(int status, MYSQL_RES* res) {
    if (status)
      return wait(status, [this](int ready) {
        MYSQL_RES* r = nullptr;
        int s = db.mysql_store_result_cont(&r, conn, ready);
        stored(s, r);
      });
    if (!res && db.mysql_errno(conn))
      return finish({false, fmt::format("query failed: {}", mysql_reason(db, conn))});
    long long rows = res ? static_cast<long long>(db.mysql_num_rows(res)) : -1;
    if (res) db.mysql_free_result(res);
    finished_cleanly = true;
    if (expect_rows && rows < 1) return finish({false, "no rows"});
    if (rows < 0) return finish({true, "query ok"});
    finish({true, fmt::format("query ok, {} row{}", rows, rows == 1 ? "" : "s")});
  }
};

}  // namespace

std::optional<std::string> mysql_url_problem(const std::string& url) {
  auto parsed = parse_mysql_url(url);
  if (auto* why = std::get_if<std::string>(&parsed)) return *why;
  return std::nullopt;
}

void check_mysql(asio::io_context& io, const config::MysqlProbe& p, Millis timeout, Done done) {
  auto parsed = parse_mysql_url(p.url);
  if (auto* why = std::get_if<std::string>(&parsed)) return done({false, *why});
  std::string why;
  const Mariadb* db = mariadb(&why);
  if (!db) return done({false, why});
  auto c = std::make_shared<MysqlCheck>(io, *db);
  c->done = std::move(done);
  c->url = std::move(std::get<MysqlUrl>(parsed));
  c->query = p.query.empty() ? "SELECT 1" : p.query;
  c->expect_rows = p.expect_rows;
  c->timer.expires_after(timeout);
  c->timer.async_wait([c, timeout](boost::system::error_code ec) {
    if (!ec) c->finish({false, fmt::format("timeout after {}", format_duration(timeout))});
  });
  c->start();
}

}  // namespace lineup::probes
