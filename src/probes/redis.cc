// `redis` probe: RESP over one TCP connection. The commands (AUTH when the
// URL has a password, SELECT when it names a database, PING, and the
// `roundtrip` and `loaded` checks) are pipelined in one write; hiredis'
// reader parses the replies, which are judged in order: the first one that
// is not what it should be is the reason. One deadline for the whole check;
// replies are capped, so a misbehaving server cannot eat memory.
#include <hiredis/hiredis.h>
#include <netdb.h>
#include <unistd.h>

#include <fmt/format.h>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <cctype>
#include <cstring>
#include <memory>
#include <random>

#include "probes/kinds.h"
#include "probes/net.h"

namespace lineup::probes {

namespace asio = boost::asio;

namespace {

constexpr size_t kMaxReplies = 1 << 20;

struct RedisUrl {
  std::string user, password, host = "localhost";
  int port = 6379;
  std::optional<int> db;
};

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// redis://[[user]:password@]host[:port][/db]; the error never contains the password.
std::variant<RedisUrl, std::string> parse_url(std::string_view s) {
  if (s.starts_with("rediss://")) return std::string("rediss:// (TLS) is not supported by this build yet");
  if (!s.starts_with("redis://")) return std::string("not a redis:// URL");
  s.remove_prefix(8);
  RedisUrl u;
  size_t end = s.find_first_of("/?#");
  std::string_view authority = s.substr(0, end);
  std::string_view path = end == std::string_view::npos ? std::string_view() : s.substr(end);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    if (auto colon = userinfo.find(':'); colon != std::string_view::npos) {
      u.user = percent_decode(userinfo.substr(0, colon));
      u.password = percent_decode(userinfo.substr(colon + 1));
    }
    // A user without a password: nothing to authenticate with.
  }
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::string("bad IPv6 address in the redis URL");
    u.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
  } else if (!authority.empty()) {
    size_t colon = authority.rfind(':');
    if (colon != 0) u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos)
      return std::string("bad port in the redis URL");
    u.port = std::stoi(std::string(port));
    if (u.port <= 0 || u.port > 65535) return std::string("bad port in the redis URL");
  }
  if (path.starts_with('/')) {
    std::string_view db = path.substr(1, path.find_first_of("?#") - 1);
    if (!db.empty()) {
      if (db.size() > 9 || db.find_first_not_of("0123456789") != std::string_view::npos)
        return std::string("bad database number in the redis URL");
      u.db = std::stoi(std::string(db));
    }
  }
  return u;
}

std::string one_line(std::string_view s, size_t max = 200) {
  s = s.substr(0, s.find_first_of("\r\n"));
  std::string r(s.substr(0, max));
  if (s.size() > max) r += "…";
  return r;
}

std::string unique_token() {
  static std::atomic<unsigned> counter{0};
  static const uint64_t salt = std::random_device{}() * 0x9E3779B97F4A7C15ull ^ std::random_device{}();
  return fmt::format("{}:{}:{:x}", ::getpid(), counter++, salt);
}

using ReplyPtr = std::unique_ptr<redisReply, void (*)(void*)>;

// What a command's reply must be; the reason when it is not (nullopt: fine).
using Judge = std::function<std::optional<std::string>(const redisReply&)>;

std::string shown(const redisReply& r) {
  switch (r.type) {
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_STRING:
      return fmt::format("\"{}\"", one_line(std::string_view(r.str, r.len), 60));
    case REDIS_REPLY_INTEGER:
      return std::to_string(r.integer);
    case REDIS_REPLY_NIL:
      return "nil";
    case REDIS_REPLY_ARRAY:
      return "an array";
    default:
      return "an error";
  }
}

struct Check : SocketCheck, std::enable_shared_from_this<Check> {
  using SocketCheck::SocketCheck;
  ~Check() override {
    if (reader) redisReaderFree(reader);
  }
  redisReader* reader = nullptr;
  std::string request;
  std::vector<Judge> judges;
  size_t next = 0;
  size_t received = 0;
  std::array<char, 16 * 1024> buffer;
  std::string success = "PONG";

  void command(std::vector<std::string> argv, Judge judge) {
    std::vector<const char*> args;
    std::vector<size_t> lens;
    for (const auto& a : argv) {
      args.push_back(a.data());
      lens.push_back(a.size());
    }
    char* cmd = nullptr;
    int len = redisFormatCommandArgv(&cmd, static_cast<int>(args.size()), args.data(), lens.data());
    if (len < 0 || !cmd) throw std::bad_alloc();
    request.append(cmd, static_cast<size_t>(len));
    redisFreeCommand(cmd);
    judges.push_back(std::move(judge));
  }

  void read() {
    socket.async_read_some(
        asio::buffer(buffer), [self = shared_from_this()](boost::system::error_code ec, size_t n) {
          if (self->finished) return;
          if (ec) return self->finish({false, describe(ec)});
          self->received += n;
          if (self->received > kMaxReplies) return self->finish({false, "replies larger than 1 MiB"});
          if (redisReaderFeed(self->reader, self->buffer.data(), n) != REDIS_OK)
            return self->finish({false, fmt::format("bad reply: {}", self->reader->errstr)});
          while (self->next < self->judges.size()) {
            void* raw = nullptr;
            if (redisReaderGetReply(self->reader, &raw) != REDIS_OK)
              return self->finish({false, fmt::format("bad reply: {}", self->reader->errstr)});
            if (!raw) break;
            ReplyPtr reply(static_cast<redisReply*>(raw), freeReplyObject);
            if (reply->type == REDIS_REPLY_ERROR)
              return self->finish({false, one_line(std::string_view(reply->str, reply->len))});
            if (auto why = self->judges[self->next++](*reply)) return self->finish({false, *why});
          }
          if (self->next == self->judges.size()) return self->finish({true, self->success});
          self->read();
        });
  }
};

}  // namespace

void check_redis(asio::io_context& io, const config::RedisProbe& p, Millis timeout, Done done) {
  auto parsed = parse_url(p.url);
  if (auto* why = std::get_if<std::string>(&parsed)) return done({false, *why});
  const auto& url = std::get<RedisUrl>(parsed);
  auto ep = resolve(url.host, url.port);
  if (!ep) return done({false, fmt::format("cannot resolve {}", url.host)});

  auto c = std::make_shared<Check>(io, std::move(done));
  c->reader = redisReaderCreate();
  if (!c->reader) return c->finish({false, "out of memory"});

  auto status_is = [](std::string want, std::string command) -> Judge {
    return [want, command](const redisReply& r) -> std::optional<std::string> {
      if (r.type == REDIS_REPLY_STATUS && std::string_view(r.str, r.len) == want) return std::nullopt;
      return fmt::format("{} answered {}", command, shown(r));
    };
  };
  if (!url.password.empty()) {
    std::vector<std::string> auth{"AUTH"};
    if (!url.user.empty()) auth.push_back(url.user);
    auth.push_back(url.password);
    c->command(std::move(auth), status_is("OK", "AUTH"));
  }
  if (url.db) c->command({"SELECT", std::to_string(*url.db)}, status_is("OK", "SELECT"));
  c->command({"PING"}, status_is("PONG", "PING"));
  if (p.roundtrip) {
    std::string token = unique_token();
    std::string key = "lineup:probe:" + token;
    c->command({"SET", key, token, "PX", "10000"}, status_is("OK", "SET"));
    c->command({"GET", key}, [token](const redisReply& r) -> std::optional<std::string> {
      if (r.type == REDIS_REPLY_STRING && std::string_view(r.str, r.len) == token) return std::nullopt;
      return fmt::format("roundtrip: GET returned {}, not the value just SET", shown(r));
    });
    c->command({"DEL", key}, [](const redisReply& r) -> std::optional<std::string> {
      if (r.type == REDIS_REPLY_INTEGER) return std::nullopt;
      return fmt::format("DEL answered {}", shown(r));
    });
    c->success += ", roundtrip ok";
  }
  if (p.loaded) {
    c->command({"INFO", "persistence"}, [](const redisReply& r) -> std::optional<std::string> {
      if (r.type != REDIS_REPLY_STRING) return fmt::format("INFO answered {}", shown(r));
      std::string_view info(r.str, r.len);
      auto field = [&](std::string_view name) -> std::optional<std::string_view> {
        for (size_t at = 0; at < info.size();) {
          size_t eol = info.find('\n', at);
          std::string_view line =
              info.substr(at, eol == std::string_view::npos ? std::string_view::npos : eol - at);
          if (line.ends_with('\r')) line.remove_suffix(1);
          if (line.starts_with(name) && line.size() > name.size() && line[name.size()] == ':')
            return line.substr(name.size() + 1);
          if (eol == std::string_view::npos) break;
          at = eol + 1;
        }
        return std::nullopt;
      };
      auto loading = field("loading");
      if (loading == "0") return std::nullopt;
      if (!loading) return std::string("INFO persistence has no loading field");
      if (auto perc = field("loading_loaded_perc")) return fmt::format("loading the dataset ({}%)", *perc);
      return std::string("loading the dataset");
    });
    c->success += ", loaded";
  }

  SocketCheck::arm(c, timeout);
  c->socket.async_connect(*ep, [c](boost::system::error_code ec) {
    if (c->finished) return;
    if (ec) return c->finish({false, describe(ec)});
    asio::async_write(c->socket, asio::buffer(c->request), [c](boost::system::error_code ec, size_t) {
      if (c->finished) return;
      if (ec) return c->finish({false, describe(ec)});
    });
    c->read();
  });
}

}  // namespace lineup::probes
