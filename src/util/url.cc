#include "util/url.h"

namespace lineup {

std::optional<UrlParts> split_url(std::string_view url) {
  size_t sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  UrlParts u;
  u.scheme = std::string(url.substr(0, sep));
  std::string_view s = url.substr(sep + 3);
  size_t end = s.find_first_of("/?#");
  std::string_view authority = s.substr(0, end);
  u.rest = end == std::string_view::npos ? "" : std::string(s.substr(end));
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    size_t colon = userinfo.find(':');
    u.user = std::string(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) {
      u.has_password = true;
      u.password = std::string(userinfo.substr(colon + 1));
    }
  }
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    u.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':')
      u.port = std::string(authority.substr(close + 2));
  } else {
    size_t colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) u.port = std::string(authority.substr(colon + 1));
  }
  return u;
}

std::string UrlParts::text() const {
  std::string out = scheme + "://";
  if (!user.empty() || has_password) {
    out += user;
    if (has_password) out += ":" + password;
    out += "@";
  }
  out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (!port.empty()) out += ":" + port;
  return out + rest;
}

int default_port(std::string_view scheme) {
  if (scheme == "http" || scheme == "ws") return 80;
  if (scheme == "https" || scheme == "wss") return 443;
  if (scheme == "postgres" || scheme == "postgresql") return 5432;
  if (scheme == "mysql" || scheme == "mariadb") return 3306;
  if (scheme == "redis" || scheme == "rediss") return 6379;
  return 0;
}

}  // namespace lineup
