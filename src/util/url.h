// A URL taken apart without knowing its scheme's rules: what `lineup export`
// needs to point a probe's URL at another host or to take its password out.
// The probes parse their own schemes (probes/net.h, redis.h, ...).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lineup {

struct UrlParts {
  std::string scheme;    // "postgresql"
  std::string user;      // as written (percent-encoded)
  std::string password;  // as written; empty = none
  bool has_password = false;
  std::string host;  // without IPv6 brackets
  std::string port;  // "" = the scheme's default
  std::string rest;  // path, query and fragment, from the first '/', '?' or '#'

  std::string text() const;  // put back together
};

// nullopt when there is no "scheme://".
std::optional<UrlParts> split_url(std::string_view url);

// The scheme's usual port (http 80, postgresql 5432, ...), 0 if unknown.
int default_port(std::string_view scheme);

}  // namespace lineup
