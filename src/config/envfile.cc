#include "config/envfile.h"

#include <fmt/format.h>

#include "config/interpolate.h"
#include "util/read_file.h"

namespace lineup::config {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool valid_name(std::string_view n) {
  if (n.empty()) return false;
  for (char c : n)
    if (!(c == '_' || c == '.' || c == '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9')))
      return false;
  return !(n[0] >= '0' && n[0] <= '9');
}

}  // namespace

EnvList parse_env_text(std::string_view text, uint32_t file, const Variables& base, Diagnostics& diags) {
  EnvList out;
  Variables scope = base;
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view raw = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    if (line.starts_with("export ")) line = trim(line.substr(7));
    auto eq = line.find('=');
    Location where{file, line_no, 1};
    if (eq == std::string_view::npos) {
      // compose: a bare NAME takes its value from the environment, if any.
      std::string name(line);
      if (!valid_name(name)) {
        diags.error(where, fmt::format("invalid line in env file: \"{}\" (expected KEY=VALUE)", name));
        continue;
      }
      if (const std::string* v = base.get(name)) out.emplace_back(name, *v);
      continue;
    }
    std::string name(trim(line.substr(0, eq)));
    if (!valid_name(name)) {
      diags.error(where, fmt::format("invalid variable name \"{}\" in env file", name));
      continue;
    }
    std::string_view rest = trim(line.substr(eq + 1));
    std::string value;
    bool interpolate_it = true;
    if (!rest.empty() && (rest.front() == '\'' || rest.front() == '"')) {
      char q = rest.front();
      // A quoted value may span lines; find the closing quote in the whole text.
      size_t value_start = static_cast<size_t>(rest.data() - text.data()) + 1;
      size_t i = value_start;
      bool closed = false;
      for (; i < text.size(); ++i) {
        if (q == '"' && text[i] == '\\' && i + 1 < text.size()) {
          char e = text[++i];
          switch (e) {
            case 'n':
              value += '\n';
              break;
            case 't':
              value += '\t';
              break;
            case 'r':
              value += '\r';
              break;
            case '$':
              value += "$$";
              break;  // \$ is a literal dollar, as in compose
            default:
              value += e;
              break;
          }
          continue;
        }
        if (text[i] == q) {
          closed = true;
          break;
        }
        if (text[i] == '\n') ++line_no;
        value += text[i];
      }
      if (!closed) {
        diags.error(where, fmt::format("unterminated quote in the value of {}", name));
        break;
      }
      size_t after = text.find('\n', i);
      pos = after == std::string_view::npos ? text.size() + 1 : after + 1;
      interpolate_it = q == '"';
    } else {
      // Unquoted: an inline comment starts at " #".
      auto hash = rest.find(" #");
      value = std::string(trim(rest.substr(0, hash)));
    }
    if (interpolate_it) {
      auto r = interpolate(value, scope);
      if (!r) {
        diags.error(where, fmt::format("in the value of {}: {}", name, r.error().message));
        continue;
      }
      value = std::move(r->text);
    }
    scope.set(name, value);
    out.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

EnvList read_env_file(const std::string& path, const std::string& full, Location where, bool required,
                      const Variables& base, Diagnostics& diags) {
  auto text = read_file(full);
  if (!text) {
    if (!text.error().missing())  // there, but not usable: even when optional
      diags.error(where, fmt::format("env file \"{}\" ({}): {}", path, full, text.error().message));
    else if (required)
      diags.error(where, fmt::format("env file \"{}\" not found ({})", path, full));
    return {};
  }
  return parse_env_text(*text, intern_file(full), base, diags);
}

}  // namespace lineup::config
