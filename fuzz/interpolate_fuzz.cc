// Fuzz target: config::interpolate() alone. The input is a template, a NUL
// byte, then the variables as NAME=VALUE lines (a line without `=` is a
// variable set to ""). The results end up in `check --format json` and
// `config --format json`: when the template and the values are valid UTF-8
// (a YAML file always is), they are put through nlohmann::json the same way.
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "config/interpolate.h"
#include "utf8.h"

using namespace lineup;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nul = in.find('\0');
  std::string_view text = in.substr(0, nul);
  config::Variables vars;
  if (nul != std::string_view::npos) {
    std::string_view rest = in.substr(nul + 1);
    while (!rest.empty()) {
      size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
      size_t eq = line.find('=');
      vars.set(std::string(line.substr(0, eq)),
               eq == std::string_view::npos ? "" : std::string(line.substr(eq + 1)));
    }
  }

  auto r = config::interpolate(text, vars);
  bool utf8 = fuzz::valid_utf8(text);
  for (const auto& [k, v] : vars.all()) utf8 = utf8 && fuzz::valid_utf8(k) && fuzz::valid_utf8(v);
  nlohmann::json j;
  if (r) {
    // Without a `$` the text is returned as it is.
    if (text.find('$') == std::string_view::npos && r->text != text) __builtin_trap();
    j["text"] = r->text;
    j["unset"] = r->unset;
  } else {
    if (r.error().offset > text.size()) __builtin_trap();
    j["error"] = r.error().message;
  }
  if (utf8) (void)j.dump();
  return 0;
}
