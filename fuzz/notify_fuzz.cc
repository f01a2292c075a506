// Fuzz target: an sd_notify datagram (src/runtime/notify.h), as a service
// sends it to NOTIFY_SOCKET. A STATUS= line becomes the service's status,
// which the API serves (and the supervisor writes to .lineup/state.json).
#include <cstdint>
#include <string_view>

#include "runtime/notify.h"
#include "snapshot.h"

using namespace lineup;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view datagram(reinterpret_cast<const char*>(data), size);
  runtime::NotifyMessage m = runtime::parse_notify(datagram);
  if (m.status) {
    if (m.status->size() > 200) __builtin_trap();  // parse_notify keeps at most 200 bytes
    fuzz::serve_status(*m.status);
  }
  return 0;
}
