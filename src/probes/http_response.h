// The http probe's side of a response: parsed as the bytes arrive, within
// kHttpMaxHeader and kHttpMaxBody, and judged once complete. Bytes in,
// verdict out, so the fuzzer (fuzz/http_response_fuzz.cc) reads responses
// exactly as the probe does (http.cc only adds the connection).
#pragma once

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "config/spec.h"
#include "probes/runner.h"

namespace lineup::probes {

class HttpResponseReader {
 public:
  // The verdict on a complete response: its status and body.
  using Judge = std::function<Result(int status, const std::string& body)>;
  explicit HttpResponseReader(const config::HttpProbe& p);
  explicit HttpResponseReader(Judge judge);
  // The next bytes, or the end (`closed`). The verdict once the response is
  // complete or broken; nullopt while more is expected.
  std::optional<Result> feed(std::string_view bytes, bool closed);

 private:
  Judge judge_;
  boost::beast::http::response_parser<boost::beast::http::string_body> parser_;
  std::string pending_;  // received, not yet taken by the parser
};

}  // namespace lineup::probes
