// Fuzz target: an HTTP response as the http probe reads and judges it: the
// probe's own HttpResponseReader (src/probes/http_response.h: Beast's parser
// with kHttpMaxHeader and kHttpMaxBody, fed as the bytes arrive), for a few
// probes: the default (2xx), exact codes with body_contains, body_regex, and
// json checks. The verdict is then served by the API as the service's status.
//
// Input: one byte that picks the read size, a dotted JSON path (a `json:`
// key of the probe config, up to the first newline), then the response.
#include <cstdint>
#include <string>
#include <string_view>

#include "probes/http_response.h"
#include "probes/kinds.h"
#include "snapshot.h"
#include "stream.h"

using namespace lineup;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t nl = rest.find('\n');
  if (nl == std::string_view::npos) return 0;
  std::string path(rest.substr(0, nl));
  rest.remove_prefix(nl + 1);

  static const std::vector<config::HttpProbe> fixed = [] {
    std::vector<config::HttpProbe> v(3);
    v[1].status = {200, 204, 301};
    v[1].status_class = 0;
    v[1].body_contains = "ready";
    v[2].body_regex = R"re("status"\s*:\s*"(ok|up)")re";
    return v;
  }();
  config::HttpProbe with_json;
  with_json.json = {{"status", "ok"}, {"checks.0.healthy", "true"}, {path, "1"}};

  // The bytes arrive in pieces of one size, as from a socket, then the server closes.
  size_t piece = fuzz::Bytes::piece_for(data[0]);
  for (size_t i = 0; i <= fixed.size(); ++i) {
    probes::HttpResponseReader reader(i < fixed.size() ? fixed[i] : with_json);
    std::optional<probes::Result> verdict;
    for (size_t at = 0; at < rest.size() && !verdict; at += piece)
      verdict = reader.feed(rest.substr(at, piece), false);
    if (!verdict) verdict = reader.feed({}, true);
    if (!verdict) __builtin_trap();  // the end of the stream must bring a verdict
    fuzz::serve_status(verdict->reason);
  }
  return 0;
}
