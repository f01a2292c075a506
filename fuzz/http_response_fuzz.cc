// Fuzz target: an HTTP response as the http probe reads and judges it
// (src/probes/http.cc): Beast's response_parser with the probe's limits
// (kHttpMaxHeader, kHttpMaxBody), then judge_http() for a few probes: the
// default (2xx), exact codes with body_contains, body_regex, and json
// checks. The verdict is then served by the API as the service's status.
//
// Input: one byte that picks the read size, a dotted JSON path (a `json:`
// key of the probe config, up to the first newline), then the response.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "probes/kinds.h"
#include "snapshot.h"
#include "stream.h"

using namespace lineup;
namespace beast = boost::beast;
namespace http = beast::http;

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

  fuzz::Bytes stream(reinterpret_cast<const uint8_t*>(rest.data()), rest.size(),
                     fuzz::Bytes::piece_for(data[0]));
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(probes::kHttpMaxBody);
  parser.header_limit(probes::kHttpMaxHeader);
  beast::error_code ec;
  http::read(stream, buffer, parser, ec);
  if (ec) return 0;  // the probe fails with the error's description
  const auto& res = parser.get();
  int status = static_cast<int>(res.result_int());
  for (size_t i = 0; i <= fixed.size(); ++i) {
    probes::Result r = probes::judge_http(i < fixed.size() ? fixed[i] : with_json, status, res.body());
    fuzz::serve_status(r.reason);
  }
  return 0;
}
