// Fuzz target: RESP replies as the redis probe reads and judges them
// (src/probes/redis.cc): hiredis' reader fed in pieces, each reply judged
// in order for two probes, a plain PING and one with AUTH, SELECT, the
// roundtrip and the `loaded` check. The verdict is then served by the API
// as the service's status.
//
// Input: one byte that picks the size of the pieces, then the replies.
#include <algorithm>
#include <cstdint>
#include <string>

#include "probes/redis.h"
#include "snapshot.h"

using namespace lineup;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t piece = 1 + data[0] % 32 * 8;  // 1, 9, 17, ... 249 bytes per read
  const char* replies = reinterpret_cast<const char*>(data + 1);
  size_t n = size - 1;

  static const config::RedisProbe plain{"redis://127.0.0.1:6379", false, false};
  static const config::RedisProbe full{"redis://alice:pw@127.0.0.1:6379/2", true, true};
  for (const auto* p : {&plain, &full}) {
    auto url = probes::parse_redis_url(p->url);
    probes::RedisConversation talk(*p, std::get<probes::RedisUrl>(url), "tok-1");
    if (!talk.ok()) __builtin_trap();
    std::optional<probes::Result> verdict;
    for (size_t at = 0; at < n && !verdict; at += piece)
      verdict = talk.feed(replies + at, std::min(piece, n - at));
    if (verdict) fuzz::serve_status(verdict->reason);
  }
  return 0;
}
