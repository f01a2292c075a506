// Fuzz target: the bytes a client sends to the API. They are read the way
// the server's sessions read them (src/api/server.cc): Beast's
// request_parser with the server's limits (api/limits.h), one flat_buffer
// kept across the requests of a keep-alive connection, then api::route()
// with a fixed snapshot of a few services. The stream hands the bytes over
// in pieces whose size the first input byte picks, as a socket may.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdint>
#include <string>

#include "api/limits.h"
#include "api/routes.h"
#include "snapshot.h"
#include "stream.h"

using namespace lineup;
namespace beast = boost::beast;
namespace http = beast::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fuzz::Stack fixture;
  if (size == 0) return 0;
  fuzz::Bytes stream(data + 1, size - 1, fuzz::Bytes::piece_for(data[0]));
  beast::flat_buffer buffer(api::kMaxHeader + api::kMaxBody);
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(api::kMaxHeader);
    parser.body_limit(api::kMaxBody);
    beast::error_code ec;
    http::read(stream, buffer, parser, ec);
    if (ec) return 0;  // the server answers 431, 413 or 400 (or nothing at EOF) and hangs up
    auto& req = parser.get();
    api::Request r{std::string(req.method_string()), std::string(req.target()), req.body()};
    api::Routed routed = api::route(r, api::View{fixture.snap, fixture.last_run, &fixture.stats});
    if (routed.response.status < 100 || routed.response.status > 599) __builtin_trap();
    if (!req.keep_alive()) return 0;
  }
}
