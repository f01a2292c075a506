// Fuzz target: what a server sends back to the grpc probe
// (src/probes/grpc.cc): HTTP/2 frames through nghttp2, then gRPC's length
// prefix, trailers and the hand-decoded HealthCheckResponse. Input: one
// byte that picks the size of the pieces, then the server's bytes. The call
// is fed as the probe feeds it (output taken after every piece), and a
// closed connection must always end in a verdict.
#include <algorithm>
#include <cstdint>
#include <string>

#include "probes/grpc.h"
#include "snapshot.h"

using namespace lineup;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t piece = 1 + data[0] % 32 * 16;  // 1, 17, 33, ... 497 bytes per read
  const char* bytes = reinterpret_cast<const char*>(data + 1);
  size_t n = size - 1;

  probes::GrpcHealthCall call("127.0.0.1:50051", "db", false);
  call.take_output();
  std::optional<probes::Result> verdict;
  for (size_t at = 0; at < n && !verdict; at += piece) {
    verdict = call.feed(std::string_view(bytes + at, std::min(piece, n - at)), false);
    call.take_output();
  }
  if (!verdict) verdict = call.feed({}, true);
  if (!verdict) __builtin_trap();
  fuzz::serve_status(verdict->reason);
  return 0;
}
