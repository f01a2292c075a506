// `http` probe: one HTTP/1.1 request; passes when the status matches
// (default 2xx), and the body checks (body_contains, body_regex, json
// dotted-path equality) hold. The whole exchange shares one deadline, and
// the body is capped, so a slow or endless server cannot stall the loop or
// eat memory.
#include <netdb.h>

#include <fmt/format.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <charconv>
#include <memory>
#include <regex>

#include "probes/kinds.h"
#include "probes/net.h"
#include "util/regex.h"

namespace lineup::probes {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

struct Url {
  std::string host;
  std::string port;
  std::string target;
};

std::optional<Url> parse_url(const std::string& url) {
  std::string_view s = url;
  if (!s.starts_with("http://")) return std::nullopt;
  s.remove_prefix(7);
  size_t slash = s.find('/');
  std::string_view authority = s.substr(0, slash);
  Url u;
  u.target = slash == std::string_view::npos ? "/" : std::string(s.substr(slash));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    u.host = std::string(authority.substr(1, close - 1));
    u.port = close + 2 <= authority.size() ? std::string(authority.substr(close + 2)) : "80";
  } else {
    size_t colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    u.port = colon == std::string_view::npos ? "80" : std::string(authority.substr(colon + 1));
  }
  if (u.host.empty() || u.port.empty()) return std::nullopt;
  return u;
}

std::string describe_http(const boost::system::error_code& ec) {
  if (ec == http::error::body_limit) return "response body larger than 1 MiB";
  if (ec == http::error::end_of_stream) return "connection closed before a response";
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

// The checks on a complete response; exposed to the tests through the probe.
Result judge_http(const config::HttpProbe& p, int status, const std::string& body) {
  if (!status_ok(p, status)) return {false, fmt::format("HTTP {}", status)};
  if (!p.body_contains.empty() && body.find(p.body_contains) == std::string::npos)
    return {false, fmt::format("HTTP {}: body does not contain \"{}\"", status, p.body_contains)};
  if (!p.body_regex.empty()) {
    std::regex re = make_regex(p.body_regex);  // not std::regex: see util/regex.h
    if (!std::regex_search(body, re))
      return {false, fmt::format("HTTP {}: body does not match /{}/", status, p.body_regex)};
  }
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

void check_http(asio::io_context& io, const config::HttpProbe& p, Millis timeout, Done done) {
  auto url = parse_url(p.url);
  if (!url) {
    done({false, p.url.starts_with("https://") ? "https probes are not supported by this build yet"
                                               : "not an http:// URL"});
    return;
  }
  auto ep = resolve(url->host, std::atoi(url->port.c_str()));
  if (!ep) {
    done({false, fmt::format("cannot resolve {}", url->host)});
    return;
  }
  struct Shared : SocketCheck {
    using SocketCheck::SocketCheck;
    beast::flat_buffer buffer;
    http::request<http::empty_body> request;
    http::response_parser<http::string_body> parser;
    config::HttpProbe probe;
  };
  auto s = std::make_shared<Shared>(io, std::move(done));
  s->probe = p;
  s->parser.body_limit(kHttpMaxBody);
  s->parser.header_limit(kHttpMaxHeader);
  s->request.method_string(p.method);
  s->request.target(url->target);
  s->request.version(11);
  s->request.set(http::field::host, url->host + ":" + url->port);
  s->request.set(http::field::user_agent, "lineup");
  s->request.set(http::field::connection, "close");
  for (const auto& [name, value] : p.headers) s->request.set(name, value);

  SocketCheck::arm(s, timeout);
  s->socket.async_connect(*ep, [s](boost::system::error_code ec) {
    if (s->finished) return;
    if (ec) return s->finish({false, describe_http(ec)});
    http::async_write(s->socket, s->request, [s](boost::system::error_code ec, size_t) {
      if (s->finished) return;
      if (ec) return s->finish({false, describe_http(ec)});
      http::async_read(s->socket, s->buffer, s->parser, [s](boost::system::error_code ec, size_t) {
        if (s->finished) return;
        if (ec) return s->finish({false, describe_http(ec)});
        const auto& res = s->parser.get();
        s->finish(judge_http(s->probe, static_cast<int>(res.result_int()), res.body()));
      });
    });
  });
}

}  // namespace lineup::probes
