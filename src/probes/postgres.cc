// `postgres` probe. Not implemented yet: reports so, and never passes.
#include <fmt/format.h>

#include "probes/kinds.h"

namespace lineup::probes {

void check_postgres(boost::asio::io_context&, const config::PostgresProbe&, Millis, Done done) {
  done({false, "postgres probes are not supported by this build yet"});
}

}  // namespace lineup::probes
