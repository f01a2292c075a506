#include "config/redact.h"

#include <algorithm>

#include "util/strings.h"

namespace lineup::config {

bool is_secret_name(std::string_view name) {
  for (auto word : {"PASSWORD", "SECRET", "TOKEN", "KEY", "PASSWD"})
    if (contains_icase(name, word)) return true;
  return false;
}

Redactor::Redactor(const Config& cfg, const Variables& vars) {
  for (const auto& [k, v] : vars.all())
    if (is_secret_name(k)) add_secret(v);
  for (const auto& [k, v] : cfg.environment)
    if (is_secret_name(k)) add_secret(v);
  for (const auto& s : cfg.services)
    for (const auto& [k, v] : s.environment)
      if (is_secret_name(k)) add_secret(v);
}

void Redactor::add_secret(std::string value) {
  // Very short values ("1", "ab") would mask unrelated text everywhere.
  if (value.size() < 3) return;
  if (std::find(secrets_.begin(), secrets_.end(), value) != secrets_.end()) return;
  secrets_.push_back(std::move(value));
  std::sort(secrets_.begin(), secrets_.end(),
            [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

std::string Redactor::operator()(std::string_view text) const {
  std::string out = redact_url_passwords(text);
  for (const auto& secret : secrets_) {
    size_t pos = 0;
    while ((pos = out.find(secret, pos)) != std::string::npos) {
      out.replace(pos, secret.size(), "***");
      pos += 3;
    }
  }
  return out;
}

std::string redact_url_passwords(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (true) {
    size_t scheme = text.find("://", pos);
    if (scheme == std::string_view::npos) break;
    size_t auth_start = scheme + 3;
    // The authority ends at the first '/', '?', '#' or whitespace.
    size_t auth_end = text.find_first_of("/?# \t\n\"'", auth_start);
    if (auth_end == std::string_view::npos) auth_end = text.size();
    size_t at = text.rfind('@', auth_end);
    if (at != std::string_view::npos && at >= auth_start && at < auth_end) {
      size_t colon = text.find(':', auth_start);
      if (colon != std::string_view::npos && colon < at) {
        out.append(text.substr(pos, colon + 1 - pos));
        out += "***";
        pos = at;
        out.append(text.substr(pos, auth_end - pos));
        pos = auth_end;
        continue;
      }
    }
    out.append(text.substr(pos, auth_end - pos));
    pos = auth_end;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace lineup::config
