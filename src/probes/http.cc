// `http` probe: one HTTP/1.1 request; passes when the status matches
// (default 2xx), and the body checks (body_contains, body_regex, json
// dotted-path equality) hold. The whole exchange shares one deadline, and
// the body is capped, so a slow or endless server cannot stall the loop or
// eat memory.
#include <fmt/format.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <charconv>
#include <memory>
#include <sstream>
#include <variant>

#include "probes/http_response.h"
#include "probes/kinds.h"
#include "probes/net.h"

namespace lineup::probes {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

std::string describe_http(const boost::system::error_code& ec) {
  if (ec == http::error::body_limit) return "response body larger than 1 MiB";
  return describe(ec);
}

bool status_ok(const config::HttpProbe& p, int status) {
  if (p.status_class) return status / 100 == p.status_class;
  return std::find(p.status.begin(), p.status.end(), status) != p.status.end();
}

// `a.b.0.c` in a JSON document; nullptr if the path does not exist.
const nlohmann::json* at_path(const nlohmann::json& doc, const std::string& path) {
  const nlohmann::json* cur = &doc;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (cur->is_object()) {
      auto it = cur->find(key);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else if (cur->is_array() && !key.empty() && key.find_first_not_of("0123456789") == std::string::npos) {
      // from_chars, not stoul: an index too large for size_t (a `json:` key
      // like items.99999999999999999999) threw std::out_of_range out of the
      // probe and through the event loop. It is past the end: missing.
      size_t i = 0;
      if (std::from_chars(key.data(), key.data() + key.size(), i).ec != std::errc() || i >= cur->size())
        return nullptr;
      cur = &(*cur)[i];
    } else {
      return nullptr;
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return cur;
}

}  // namespace

std::optional<std::string> http_url_problem(const std::string& url) {
  auto parsed = parse_url(url, "http");
  if (auto* why = std::get_if<std::string>(&parsed)) return *why;
  return std::nullopt;
}

// The checks on a complete response; exposed to the tests through the probe.
Result judge_http(const config::HttpProbe& p, int status, const std::string& body) {
  if (!status_ok(p, status)) return {false, fmt::format("HTTP {}", status)};
  if (!p.body_contains.empty() && body.find(p.body_contains) == std::string::npos)
    return {false, fmt::format("HTTP {}: body does not contain \"{}\"", status, p.body_contains)};
  if (!p.body_regex.empty() && !p.body_regex.search(body))
    return {false, fmt::format("HTTP {}: body does not match /{}/", status, p.body_regex.text)};
  if (!p.json.empty()) {
    auto doc = nlohmann::json::parse(body, nullptr, false);
    if (doc.is_discarded()) return {false, fmt::format("HTTP {}: body is not JSON", status)};
    for (const auto& [path, want] : p.json) {
      const nlohmann::json* got = at_path(doc, path);
      if (!got) return {false, fmt::format("json {} is missing, want {}", path, want)};
      std::string text = got->is_string() ? got->get<std::string>() : got->dump();
      if (text != want) return {false, fmt::format("json {} = {}, want {}", path, text, want)};
    }
  }
  return {true, fmt::format("HTTP {}", status)};
}

HttpResponseReader::HttpResponseReader(const config::HttpProbe& p)
    : HttpResponseReader([p](int status, const std::string& body) { return judge_http(p, status, body); }) {}

HttpResponseReader::HttpResponseReader(Judge judge) : judge_(std::move(judge)) {
  parser_.eager(true);
  parser_.header_limit(kHttpMaxHeader);
  parser_.body_limit(kHttpMaxBody);
}

std::optional<Result> HttpResponseReader::feed(std::string_view bytes, bool closed) {
  pending_.append(bytes);
  boost::system::error_code ec;
  while (!pending_.empty() && !parser_.is_done()) {
    size_t used = parser_.put(asio::buffer(pending_), ec);
    pending_.erase(0, used);
    if (ec == http::error::need_more) break;  // a header or chunk is still incomplete
    if (ec) return Result{false, describe_http(ec)};
  }
  // A body without Content-Length ends when the server closes.
  if (closed && !parser_.is_done()) {
    // (Beast would call an empty stream a complete, default response: 200.)
    if (!parser_.got_some()) return Result{false, "connection closed before a response"};
    parser_.put_eof(ec);
    if (ec == http::error::partial_message)
      return Result{false, parser_.got_some() ? "connection closed in the middle of the response"
                                              : "connection closed before a response"};
    if (ec) return Result{false, describe_http(ec)};
  }
  if (!parser_.is_done()) return std::nullopt;
  const auto& res = parser_.get();
  return judge_(static_cast<int>(res.result_int()), res.body());
}

void check_http(asio::io_context& io, const config::HttpProbe& p, Millis timeout, Done done) {
  auto parsed = parse_url(p.url, "http");
  if (auto* why = std::get_if<std::string>(&parsed)) return done({false, *why});
  const Url* url = &std::get<Url>(parsed);
  auto ep = resolve(url->host, std::atoi(url->port.c_str()));
  if (!ep) return done({false, fmt::format("cannot resolve {}", url->host)});

  http::request<http::string_body> request;
  request.method_string(p.method);
  request.target(url->target);
  request.version(11);
  request.set(http::field::host, url->host + ":" + url->port);
  request.set(http::field::user_agent, "lineup");
  request.set(http::field::connection, "close");
  for (const auto& [name, value] : p.headers) request.set(name, value);
  if (!p.body.empty()) {
    bool json = p.body.front() == '{' || p.body.front() == '[';
    if (json && request.find(http::field::content_type) == request.end())
      request.set(http::field::content_type, "application/json");
    request.body() = p.body;
    request.prepare_payload();  // Content-Length
  }
  std::ostringstream wire;
  wire << request;

  std::optional<TlsOptions> tls;
  if (url->tls) tls = TlsOptions{url->host, false, {}, {}};
  auto reader = std::make_shared<HttpResponseReader>(p);
  converse(
      io, *ep, std::move(tls), std::move(wire).str(),
      [reader](std::string_view bytes, bool closed) { return reader->feed(bytes, closed); }, timeout,
      std::move(done));
}

}  // namespace lineup::probes
