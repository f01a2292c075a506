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
  // A password in a URL is a secret whatever its variable is called: once
  // known by value, it is masked also where it shows without its URL (a
  // server's error message that echoes it).
  auto learn = [&](std::string_view name, const std::string& value) {
    if (is_secret_name(name)) add_secret(value);
    for (auto& pw : url_passwords(value)) add_secret(std::move(pw));
  };
  for (const auto& [k, v] : vars.all()) learn(k, v);
  for (const auto& [k, v] : cfg.environment) learn(k, v);
  for (const auto& s : cfg.services) {
    for (const auto& [k, v] : s.environment) learn(k, v);
    for (const auto* list : {&s.ready, &s.live})
      for (const auto& p : *list) {
        if (auto* h = std::get_if<HttpProbe>(&p.kind)) learn("", h->url);
        if (auto* pg = std::get_if<PostgresProbe>(&p.kind)) learn("", pg->url);
        if (auto* r = std::get_if<RedisProbe>(&p.kind)) learn("", r->url);
        if (auto* ws = std::get_if<WebSocketProbe>(&p.kind)) learn("", ws->url);
        if (auto* my = std::get_if<MysqlProbe>(&p.kind)) learn("", my->url);
      }
  }
}

void Redactor::add_secret(std::string value) {
  // Very short values ("1", "ab") would mask unrelated text everywhere.
  if (value.size() < 3) return;
  if (std::find(secrets_.begin(), secrets_.end(), value) != secrets_.end()) return;
  secrets_.push_back(std::move(value));
  std::sort(secrets_.begin(), secrets_.end(),
            [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

bool Redactor::forget_within(std::string_view name) {
  return std::erase_if(secrets_,
                       [&](const std::string& v) { return name.find(v) != std::string_view::npos; }) > 0;
}

Redactor Redactor::verbatim() {
  Redactor r;
  r.verbatim_ = true;
  return r;
}

std::string Redactor::operator()(std::string_view text) const {
  if (verbatim_) return std::string(text);
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

bool Redactor::mask_values(std::string_view text, std::string& out) const {
  size_t first = std::string_view::npos;
  for (const auto& secret : secrets_) first = std::min(first, text.find(secret));
  if (first == std::string_view::npos) return false;
  out.assign(text);
  for (const auto& secret : secrets_) {  // longest first: a secret inside another goes with it
    size_t pos = 0;
    while ((pos = out.find(secret, pos)) != std::string::npos) {
      out.replace(pos, secret.size(), "***");
      pos += 3;
    }
  }
  return true;
}

// Calls found(from, to) for the password of every URL in `text`:
// scheme://user:PASSWORD@host, the authority ending at / ? # or a space.
template <class Found>
static void for_each_url_password(std::string_view text, Found found) {
  size_t pos = 0;
  while (true) {
    size_t scheme = text.find("://", pos);
    if (scheme == std::string_view::npos) return;
    size_t auth_start = scheme + 3;
    size_t auth_end = text.find_first_of("/?# \t\n\"'", auth_start);
    if (auth_end == std::string_view::npos) auth_end = text.size();
    size_t at = text.rfind('@', auth_end);
    if (at != std::string_view::npos && at >= auth_start && at < auth_end) {
      size_t colon = text.find(':', auth_start);
      if (colon != std::string_view::npos && colon < at) found(colon + 1, at);
    }
    pos = auth_end;
  }
}

std::string redact_url_passwords(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  for_each_url_password(text, [&](size_t from, size_t to) {
    out.append(text.substr(pos, from - pos));
    out += "***";
    pos = to;
  });
  out.append(text.substr(pos));
  return out;
}

std::vector<std::string> url_passwords(std::string_view text) {
  std::vector<std::string> out;
  for_each_url_password(text,
                        [&](size_t from, size_t to) { out.emplace_back(text.substr(from, to - from)); });
  return out;
}

}  // namespace lineup::config
