#include "runtime/notify.h"

#include "util/strings.h"

namespace lineup::runtime {

NotifyMessage parse_notify(std::string_view d) {
  NotifyMessage m;
  while (!d.empty()) {
    size_t nl = d.find('\n');
    std::string_view line = d.substr(0, nl);
    d.remove_prefix(nl == std::string_view::npos ? d.size() : nl + 1);
    if (line == "READY=1")
      m.ready = true;
    else if (line == "STOPPING=1")
      m.stopping = true;
    else if (line.starts_with("STATUS="))
      // At most 200 bytes, never cut inside a UTF-8 character: the status is
      // served as JSON by the API, which refuses half a character.
      m.status = std::string(utf8_prefix(line.substr(7), 200));
  }
  return m;
}

}  // namespace lineup::runtime
