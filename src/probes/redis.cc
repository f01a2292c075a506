// `redis` probe. Not implemented yet: reports so, and never passes.
#include <fmt/format.h>

#include "probes/kinds.h"

namespace lineup::probes {

void check_redis(boost::asio::io_context&, const config::RedisProbe&, Millis, Done done) {
  done({false, "redis probes are not supported by this build yet"});
}

}  // namespace lineup::probes
