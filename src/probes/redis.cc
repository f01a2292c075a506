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

#include <cctype>
#include <cstring>
#include <memory>
#include <random>

#include "probes/kinds.h"
#include "probes/net.h"
#include "probes/redis.h"
#include "util/strings.h"

namespace lineup::probes {

namespace asio = boost::asio;

namespace {

std::string one_line(std::string_view s, size_t max = 200) {
  s = s.substr(0, s.find_first_of("\r\n"));
  std::string r(utf8_prefix(s, max));  // never half a character: the reason ends up in JSON
  if (s.size() > max) r += "…";
  return r;
}

std::string unique_token() {
  static std::atomic<unsigned> counter{0};
  static const uint64_t salt = std::random_device{}() * 0x9E3779B97F4A7C15ull ^ std::random_device{}();
  return fmt::format("{}:{}:{:x}", ::getpid(), counter++, salt);
}

using ReplyPtr = std::unique_ptr<redisReply, void (*)(void*)>;

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

// hiredis 0.14 allocates an array's element table from the count the
// server sends before any element arrives: "*1000000000\r\n" (14 bytes)
// asked for 8 GB (found by fuzz/resp_fuzz). Every element takes at least 3
// bytes ("+\r\n"), so no array that fits in the replies cap has more than
// kRedisMaxReplies / 3 of them: a longer one is refused before allocating.
constexpr int kMaxArrayElements = static_cast<int>(kRedisMaxReplies / 3);
void* (*hiredis_create_array)(const redisReadTask*, int) = nullptr;

void* create_bounded_array(const redisReadTask* task, int elements) {
  if (elements > kMaxArrayElements) {
    if (task->privdata) *static_cast<bool*>(task->privdata) = true;
    return nullptr;  // the reader fails ("Out of memory"); feed() says why
  }
  return hiredis_create_array(task, elements);
}

// hiredis' own reply functions, with createArray bounded.
redisReplyObjectFunctions* bounded_functions(const redisReplyObjectFunctions* defaults) {
  static redisReplyObjectFunctions functions = [defaults] {
    redisReplyObjectFunctions f = *defaults;
    hiredis_create_array = f.createArray;
    f.createArray = create_bounded_array;
    return f;
  }();
  return &functions;
}

}  // namespace

std::variant<RedisUrl, std::string> parse_redis_url(std::string_view s) {
  RedisUrl u;
  u.tls = s.starts_with("rediss://");
  if (!u.tls && !s.starts_with("redis://")) return std::string("not a redis:// or rediss:// URL");
  s.remove_prefix(u.tls ? 9 : 8);
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

RedisConversation::RedisConversation(const config::RedisProbe& p, const RedisUrl& url,
                                     const std::string& token)
    : reader_(redisReaderCreate()) {
  if (reader_) {
    reader_->fn = bounded_functions(reader_->fn);
    reader_->privdata = &array_too_long_;
  }
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
    command(std::move(auth), status_is("OK", "AUTH"));
  }
  if (url.db) command({"SELECT", std::to_string(*url.db)}, status_is("OK", "SELECT"));
  command({"PING"}, status_is("PONG", "PING"));
  if (p.roundtrip) {
    std::string key = "lineup:probe:" + token;
    command({"SET", key, token, "PX", "10000"}, status_is("OK", "SET"));
    command({"GET", key}, [token](const redisReply& r) -> std::optional<std::string> {
      if (r.type == REDIS_REPLY_STRING && std::string_view(r.str, r.len) == token) return std::nullopt;
      return fmt::format("roundtrip: GET returned {}, not the value just SET", shown(r));
    });
    command({"DEL", key}, [](const redisReply& r) -> std::optional<std::string> {
      if (r.type == REDIS_REPLY_INTEGER) return std::nullopt;
      return fmt::format("DEL answered {}", shown(r));
    });
    success_ += ", roundtrip ok";
  }
  if (p.loaded) {
    command({"INFO", "persistence"}, [](const redisReply& r) -> std::optional<std::string> {
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
    success_ += ", loaded";
  }
}

RedisConversation::~RedisConversation() {
  if (reader_) redisReaderFree(reader_);
}

void RedisConversation::command(std::vector<std::string> argv, Judge judge) {
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (const auto& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  char* cmd = nullptr;
  int len = redisFormatCommandArgv(&cmd, static_cast<int>(args.size()), args.data(), lens.data());
  if (len < 0 || !cmd) throw std::bad_alloc();
  request_.append(cmd, static_cast<size_t>(len));
  redisFreeCommand(cmd);
  judges_.push_back(std::move(judge));
}

std::optional<Result> RedisConversation::feed(const char* data, size_t n) {
  if (!reader_) return Result{false, "out of memory"};
  received_ += n;
  if (received_ > kRedisMaxReplies) return Result{false, "replies larger than 1 MiB"};
  if (redisReaderFeed(reader_, data, n) != REDIS_OK)
    return Result{false, fmt::format("bad reply: {}", reader_->errstr)};
  while (next_ < judges_.size()) {
    void* raw = nullptr;
    if (redisReaderGetReply(reader_, &raw) != REDIS_OK)
      return Result{false, array_too_long_
                               ? fmt::format("bad reply: an array longer than {} elements", kMaxArrayElements)
                               : fmt::format("bad reply: {}", reader_->errstr)};
    if (!raw) break;
    ReplyPtr reply(static_cast<redisReply*>(raw), freeReplyObject);
    if (reply->type == REDIS_REPLY_ERROR)
      return Result{false, one_line(std::string_view(reply->str, reply->len))};
    if (auto why = judges_[next_++](*reply)) return Result{false, *why};
  }
  if (next_ == judges_.size()) return Result{true, success_};
  return std::nullopt;
}

void check_redis(asio::io_context& io, const config::RedisProbe& p, Millis timeout, Done done) {
  auto parsed = parse_redis_url(p.url);
  if (auto* why = std::get_if<std::string>(&parsed)) return done({false, *why});
  const auto& url = std::get<RedisUrl>(parsed);
  auto ep = resolve(url.host, url.port);
  if (!ep) return done({false, fmt::format("cannot resolve {}", url.host)});

  auto talk = std::make_shared<RedisConversation>(p, url, unique_token());
  if (!talk->ok()) return done({false, "out of memory"});
  std::optional<TlsOptions> tls;
  if (url.tls) tls = TlsOptions{url.host, false, {}, {}};
  converse(
      io, *ep, std::move(tls), talk->request(),
      [talk](std::string_view bytes, bool) { return talk->feed(bytes.data(), bytes.size()); }, timeout,
      std::move(done));
}

}  // namespace lineup::probes
