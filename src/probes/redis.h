// The redis probe without its socket: the URL, the pipelined request for a
// probe, and the judging of the server's replies as they arrive. Bytes in,
// verdict out, so the tests and the fuzzer (fuzz/resp_fuzz.cc) read replies
// exactly as the probe does (redis.cc only adds the connection).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/spec.h"
#include "probes/runner.h"

struct redisReader;
struct redisReply;

namespace lineup::probes {

struct RedisUrl {
  bool tls = false;  // rediss://
  std::string user, password, host = "localhost";
  int port = 6379;
  std::optional<int> db;
};

// redis[s]://[[user]:password@]host[:port][/db]; the error never contains the password.
std::variant<RedisUrl, std::string> parse_redis_url(std::string_view url);

// Replies larger than this, all together, fail the check.
inline constexpr size_t kRedisMaxReplies = 1 << 20;

class RedisConversation {
 public:
  // `token`: the value the roundtrip check SETs and GETs back (unique per check).
  RedisConversation(const config::RedisProbe& p, const RedisUrl& url, const std::string& token);
  ~RedisConversation();
  RedisConversation(const RedisConversation&) = delete;
  RedisConversation& operator=(const RedisConversation&) = delete;

  bool ok() const { return reader_ != nullptr; }  // false: hiredis' reader could not be allocated
  // The commands, pipelined: written at once, before any reply is read.
  const std::string& request() const { return request_; }
  // Takes the next bytes the server sent. The verdict once the last reply
  // is judged or one is wrong; nullopt while replies are still expected.
  std::optional<Result> feed(const char* data, size_t n);

 private:
  // What a command's reply must be; the reason when it is not (nullopt: fine).
  using Judge = std::function<std::optional<std::string>(const redisReply&)>;
  void command(std::vector<std::string> argv, Judge judge);

  redisReader* reader_ = nullptr;
  std::string request_;
  std::vector<Judge> judges_;
  size_t next_ = 0;
  size_t received_ = 0;
  bool array_too_long_ = false;  // set by the reader's array hook (redis.cc)
  std::string success_ = "PONG";
};

}  // namespace lineup::probes
