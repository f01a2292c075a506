#include "config/interpolate.h"

#include <fmt/format.h>

#include "util/strings.h"

namespace lineup::config {

namespace {

bool name_start(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool name_char(char c) {
  return name_start(c) || (c >= '0' && c <= '9');
}

class Interpolator {
 public:
  Interpolator(const Variables& vars, bool shell_substitution)
      : vars_(vars), shell_substitution_(shell_substitution) {}

  // Expands text[pos..end) into out. `nested` means we are inside a ${...}
  // operand (opened at `open`) and must stop at its closing brace.
  bool expand(std::string_view text, size_t& pos, bool nested, std::string& out, size_t open = 0) {
    if (++depth_ > 64) return fail(pos, "variables nested too deeply");
    while (pos < text.size()) {
      char c = text[pos];
      if (nested && c == '}') {
        --depth_;
        return true;
      }
      if (c != '$') {
        out += c;
        ++pos;
        continue;
      }
      size_t start = pos++;
      if (pos >= text.size())
        return fail(start, "invalid interpolation: a lone `$` at the end (write `$$` for a literal $)");
      char n = text[pos];
      if (n == '$') {
        out += '$';
        ++pos;
      } else if (n == '(' && shell_substitution_) {
        out += '$';  // the `(` and what follows are copied as any text
      } else if (name_start(n)) {
        size_t b = pos;
        while (pos < text.size() && name_char(text[pos])) ++pos;
        substitute(text.substr(b, pos - b), out);
      } else if (n == '{') {
        ++pos;
        if (!braced(text, start, pos, out)) return false;
      } else {
        // The whole character after the `$`, not its first byte: the message
        // must stay valid UTF-8 (`check --format json` throws otherwise).
        return fail(start, fmt::format("invalid interpolation format \"${}\" (write `$$` for a literal $)",
                                       utf8_char_at(text, pos)));
      }
    }
    if (nested) return fail(open, "unterminated `${`: missing `}`");
    --depth_;
    return true;
  }

  InterpolationError error;
  std::vector<std::string> unset;

 private:
  bool fail(size_t offset, std::string message) {
    error = {std::move(message), offset};
    return false;
  }

  void substitute(std::string_view name, std::string& out) {
    if (const std::string* v = vars_.get(name)) {
      out += *v;
    } else {
      unset.emplace_back(name);
    }
  }

  // After "${": NAME, then "}" or an operator and its operand, then "}".
  bool braced(std::string_view text, size_t start, size_t& pos, std::string& out) {
    size_t b = pos;
    if (pos >= text.size()) return fail(start, "unterminated `${`: missing `}`");
    if (!name_start(text[pos])) {
      if (text[pos] == '}') return fail(start, "invalid interpolation format \"${}\": empty variable name");
      return fail(start,
                  fmt::format("invalid interpolation format: \"{}\" does not start with a variable name",
                              snippet(text, start)));
    }
    while (pos < text.size() && name_char(text[pos])) ++pos;
    std::string name(text.substr(b, pos - b));
    if (pos >= text.size()) return fail(start, "unterminated `${`: missing `}`");
    if (text[pos] == '}') {
      ++pos;
      substitute(name, out);
      return true;
    }
    bool colon = false;
    if (text[pos] == ':') {
      colon = true;
      ++pos;
    }
    if (pos >= text.size()) return fail(start, "unterminated `${`: missing `}`");
    char op = text[pos];
    if (op != '-' && op != '?' && op != '+') {
      return fail(start,
                  fmt::format("invalid interpolation format \"{}\": unexpected `{}` after the variable name",
                              snippet(text, start), utf8_char_at(text, pos)));
    }
    ++pos;
    // The operand is expanded lazily in effect: we always expand it (to find
    // its end and report its errors) but only use it when the operator says.
    std::string operand;
    size_t unset_before = unset.size();
    if (!expand(text, pos, true, operand, start)) return false;
    ++pos;  // the closing brace

    const std::string* value = vars_.get(name);
    bool is_set = value != nullptr;
    bool has_content = is_set && !value->empty();
    bool use_operand_unset = false;
    switch (op) {
      case '-':
        if (colon ? has_content : is_set) {
          out += *value;
          use_operand_unset = false;
        } else {
          out += operand;
          use_operand_unset = true;
        }
        break;
      case '?':
        if (colon ? !has_content : !is_set) {
          std::string msg = fmt::format("required variable {} is missing a value", name);
          if (!operand.empty()) msg += ": " + operand;
          return fail(start, msg);
        }
        out += *value;
        break;
      case '+':
        if (colon ? has_content : is_set) {
          out += operand;
          use_operand_unset = true;
        }
        break;
    }
    // Unset variables inside an operand that was not used are no concern.
    if (!use_operand_unset) unset.resize(unset_before);
    return true;
  }

  static std::string snippet(std::string_view text, size_t start) {
    size_t end = text.find('}', start);
    end = end == std::string_view::npos ? text.size() : end + 1;
    // At most 40 bytes, never half a UTF-8 character.
    return std::string(utf8_prefix(text.substr(start, end - start), 40));
  }

  const Variables& vars_;
  bool shell_substitution_ = false;
  int depth_ = 0;
};

}  // namespace

Result<Interpolated, InterpolationError> interpolate(std::string_view text, const Variables& vars,
                                                     bool shell_substitution) {
  Interpolated result;
  if (text.find('$') == std::string_view::npos) {
    result.text = std::string(text);
    return result;
  }
  Interpolator ip(vars, shell_substitution);
  size_t pos = 0;
  if (!ip.expand(text, pos, false, result.text)) return unexpected(std::move(ip.error));
  result.unset = std::move(ip.unset);
  return result;
}

}  // namespace lineup::config
