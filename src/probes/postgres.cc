// `postgres` probe: a real login (password / SCRAM, as the server asks; libpq
// does the exchange) and one query (default `SELECT 1`); `expect: rows`
// requires at least one row. libpq's asynchronous API runs on the event loop:
// PQconnectPoll and the query are driven by waiting for PQsocket to become
// readable or writable. The whole check shares one deadline, and the
// connection is always finished.
#include <libpq-fe.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>

#include "config/redact.h"
#include "probes/kinds.h"

namespace lineup::probes {

namespace asio = boost::asio;

namespace {

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// What libpq says about a failed connection, as one line a user reads:
// 'connection to server at "127.0.0.1", port 5432 failed: FATAL:  password
// authentication failed for user "app"' -> 'password authentication failed
// for user "app"'; 'Connection refused' -> 'connection refused'.
std::string connect_reason(const char* message) {
  std::string_view m = message ? message : "";
  // With several hosts, libpq reports each attempt; the last one says most.
  if (auto last = m.rfind("\nconnection to server"); last != std::string_view::npos)
    m.remove_prefix(last + 1);
  m = m.substr(0, m.find('\n'));
  if (m.starts_with("connection to server")) {
    if (auto f = m.find(" failed: "); f != std::string_view::npos) m.remove_prefix(f + 9);
  }
  for (std::string_view severity : {"FATAL:", "ERROR:", "PANIC:"})
    if (m.starts_with(severity)) m.remove_prefix(severity.size());
  std::string r = trim(m);
  if (r.empty()) return "connection failed";
  // Operating-system errors ("Connection refused") in the style of the other probes.
  if (r.size() > 1 && std::isupper(static_cast<unsigned char>(r[0])) &&
      std::islower(static_cast<unsigned char>(r[1])))
    r[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(r[0])));
  return r;
}

bool numeric_or_localhost(const std::string& host, std::string& address) {
  if (host == "localhost") {
    address = "127.0.0.1";
    return true;
  }
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  if (ec) return false;
  address = host;
  return true;
}

// The raw password of the URL's userinfo (before percent-decoding), if any.
std::string raw_url_password(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  url.remove_prefix(scheme + 3);
  url = url.substr(0, url.find_first_of("/?"));
  auto at = url.rfind('@');
  if (at == std::string_view::npos) return {};
  url = url.substr(0, at);
  auto colon = url.find(':');
  return colon == std::string_view::npos ? std::string() : std::string(url.substr(colon + 1));
}

struct PostgresCheck : std::enable_shared_from_this<PostgresCheck> {
  PostgresCheck(asio::io_context& io) : io(io), timer(io) {}
  ~PostgresCheck() {
    if (conn) PQfinish(conn);
  }

  asio::io_context& io;
  asio::steady_timer timer;
  // A dup() of PQsocket, fresh for every wait: libpq may close its socket and
  // open another (next address, SSL fallback), possibly under the same number.
  std::unique_ptr<asio::posix::stream_descriptor> socket;
  PGconn* conn = nullptr;
  bool finished = false;
  std::string query;
  bool expect_rows = false;
  std::vector<std::string> secrets;  // never in a reason (too short ones would mask ordinary words)
  Done done;

  void finish(Result r) {
    if (finished) return;
    finished = true;
    timer.cancel();
    close_socket();
    if (conn) {
      PQfinish(conn);
      conn = nullptr;
    }
    r.reason = config::redact_url_passwords(r.reason);
    for (const auto& s : secrets)
      if (s.size() >= 4)
        for (size_t at; (at = r.reason.find(s)) != std::string::npos;) r.reason.replace(at, s.size(), "***");
    done(std::move(r));
  }

  void close_socket() {
    if (!socket) return;
    boost::system::error_code ignore;
    socket->cancel(ignore);
    socket->close(ignore);
    socket.reset();
  }

  // Calls `then` once PQsocket is ready in the given direction.
  template <class F>
  void wait(asio::posix::descriptor_base::wait_type direction, F then) {
    close_socket();
    int fd = PQsocket(conn);
    if (fd < 0) return finish({false, connect_reason(PQerrorMessage(conn))});
    int copy = ::dup(fd);
    if (copy < 0) return finish({false, fmt::format("dup: {}", std::strerror(errno))});
    socket = std::make_unique<asio::posix::stream_descriptor>(io, copy);
    socket->async_wait(direction, [self = shared_from_this(), then](boost::system::error_code ec) {
      if (self->finished || ec == asio::error::operation_aborted) return;
      then();
    });
  }

  void poll_connect(PostgresPollingStatusType status) {
    switch (status) {
      case PGRES_POLLING_READING:
        return wait(asio::posix::descriptor_base::wait_read, [this] { poll_connect(PQconnectPoll(conn)); });
      case PGRES_POLLING_WRITING:
        return wait(asio::posix::descriptor_base::wait_write, [this] { poll_connect(PQconnectPoll(conn)); });
      case PGRES_POLLING_OK:
        return send_query();
      default:
        return finish({false, connect_reason(PQerrorMessage(conn))});
    }
  }

  void send_query() {
    close_socket();
    if (PQsetnonblocking(conn, 1) != 0 || !PQsendQuery(conn, query.c_str()))
      return finish({false, fmt::format("query failed: {}", connect_reason(PQerrorMessage(conn)))});
    flush();
  }

  void flush() {
    int r = PQflush(conn);
    if (r < 0) return finish({false, fmt::format("query failed: {}", connect_reason(PQerrorMessage(conn)))});
    if (r > 0) return wait(asio::posix::descriptor_base::wait_write, [this] { flush(); });
    read();
  }

  int rows = -1;
  std::string error;

  void read() {
    while (!PQisBusy(conn)) {
      PGresult* res = PQgetResult(conn);
      if (!res) return finish(verdict());
      ExecStatusType st = PQresultStatus(res);
      if (st == PGRES_TUPLES_OK) {
        rows = PQntuples(res);
      } else if (st == PGRES_COMMAND_OK || st == PGRES_EMPTY_QUERY) {
        rows = 0;
      } else if (error.empty()) {
        const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
        error = primary ? trim(primary) : connect_reason(PQresultErrorMessage(res));
        if (error.empty()) error = PQresStatus(st);
      }
      PQclear(res);
    }
    wait(asio::posix::descriptor_base::wait_read, [this] {
      if (!PQconsumeInput(conn))
        return finish({false, fmt::format("query failed: {}", connect_reason(PQerrorMessage(conn)))});
      read();
    });
  }

  Result verdict() const {
    if (!error.empty()) return {false, fmt::format("query failed: {}", error)};
    if (expect_rows && rows < 1) return {false, "no rows"};
    if (rows < 0) return {true, "query ok"};
    return {true, fmt::format("query ok, {} row{}", rows, rows == 1 ? "" : "s")};
  }
};

}  // namespace

std::optional<std::string> postgres_url_problem(const std::string& url) {
  std::string_view s = url;
  s.remove_prefix(s.find("://") + 3);
  std::string_view authority = s.substr(0, s.find_first_of("/?"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  // host[:port], several of them separated by commas; an empty host is libpq's default.
  while (!authority.empty()) {
    std::string_view host = authority.substr(0, authority.find(','));
    authority.remove_prefix(std::min(authority.size(), host.size() + 1));
    if (host.starts_with('[')) {
      auto close = host.find(']');
      if (close == std::string_view::npos) return std::string("unclosed [ in the host");
      host.remove_prefix(close + 1);
    }
    auto colon = host.rfind(':');
    if (colon == std::string_view::npos) continue;
    std::string_view port = host.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos ||
        std::atoi(std::string(port).c_str()) < 1 || std::atoi(std::string(port).c_str()) > 65535)
      return std::string("the port is not a number from 1 to 65535");
  }
  return std::nullopt;
}

void check_postgres(asio::io_context& io, const config::PostgresProbe& p, Millis timeout, Done done) {
  if (std::string why; !libpq_available(&why)) {
    done({false, why});
    return;
  }
  auto c = std::make_shared<PostgresCheck>(io);
  c->done = std::move(done);
  c->query = p.query.empty() ? "SELECT 1" : p.query;
  c->expect_rows = p.expect_rows;
  c->secrets.push_back(raw_url_password(p.url));

  // Read the URL without connecting, to learn the password (kept out of
  // reasons) and whether the host needs a DNS lookup: numeric hosts and
  // localhost are passed as hostaddr, so libpq never resolves them.
  std::string hostaddr;
  char* parse_error = nullptr;
  if (PQconninfoOption* opts = PQconninfoParse(p.url.c_str(), &parse_error)) {
    std::string host;
    bool has_hostaddr = false;
    for (PQconninfoOption* o = opts; o->keyword; ++o) {
      if (!o->val) continue;
      std::string_view k = o->keyword;
      if (k == "password") c->secrets.emplace_back(o->val);
      if (k == "host") host = o->val;
      if (k == "hostaddr" && *o->val) has_hostaddr = true;
    }
    PQconninfoFree(opts);
    if (!has_hostaddr && !host.empty()) {
      size_t start = 0;
      while (true) {
        size_t comma = host.find(',', start);
        std::string address;
        if (!numeric_or_localhost(host.substr(start, comma - start), address)) {
          hostaddr.clear();
          break;
        }
        hostaddr += (start ? "," : "") + address;
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
  } else {
    std::string why = parse_error ? trim(parse_error) : "invalid URL";
    PQfreemem(parse_error);
    return c->finish({false, why});
  }

  std::vector<const char*> keys{"dbname", "fallback_application_name"};
  std::vector<const char*> values{p.url.c_str(), "lineup"};
  if (!hostaddr.empty()) {
    keys.push_back("hostaddr");
    values.push_back(hostaddr.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  c->conn = PQconnectStartParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (!c->conn) return c->finish({false, "out of memory"});
  if (PQstatus(c->conn) == CONNECTION_BAD) return c->finish({false, connect_reason(PQerrorMessage(c->conn))});

  c->timer.expires_after(timeout);
  c->timer.async_wait([c, timeout](boost::system::error_code ec) {
    if (!ec) c->finish({false, fmt::format("timeout after {}", format_duration(timeout))});
  });
  // A fresh connection first waits for its socket to become writable (connect in progress).
  c->poll_connect(PGRES_POLLING_WRITING);
}

}  // namespace lineup::probes
