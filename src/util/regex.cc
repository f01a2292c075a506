#include "util/regex.h"

#include <re2/re2.h>

namespace lineup {

Result<Regex> Regex::compile(std::string_view pattern) {
  RE2::Options options;
  options.set_log_errors(false);  // the caller reports the error, with file:line:col
  auto re = std::make_shared<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) return unexpected(re->error());
  return Regex(std::move(re));
}

Pattern::Pattern(std::string t) : text(std::move(t)) {
  if (text.empty()) return;
  if (auto re = Regex::compile(text))
    regex = std::move(*re);
  else
    error = re.error();
}

bool Regex::search(std::string_view text) const {
  return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

}  // namespace lineup
