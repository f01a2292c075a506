// Secrets never reach output. Values of variables whose names contain
// PASSWORD, SECRET, TOKEN or KEY, and every password inside a URL, are
// replaced by *** wherever lineup prints: config, ps, the API, its own log
// lines and error messages. Redaction is by value, so a secret that was
// interpolated into a command line is caught as well.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/spec.h"
#include "config/variables.h"

namespace lineup::config {

bool is_secret_name(std::string_view name);

class Redactor {
 public:
  Redactor() = default;
  // Collects the secret values of the variables and of every environment in the config.
  Redactor(const Config& cfg, const Variables& vars);
  // Masks nothing, URL passwords included: for comparing two configs, never for output.
  static Redactor verbatim();
  bool is_verbatim() const { return verbatim_; }

  void add_secret(std::string value);
  // Forgets the secret values that are part of `name` (a weak password that
  // is also a service's name): masking them would rename things. True if any.
  bool forget_within(std::string_view name);
  std::string operator()(std::string_view text) const;
  // Service output, one line at a time: only the known secret values are
  // masked (no URL parsing), and nothing is copied unless one is found.
  // False: `text` holds none; true: `out` is `text` with each one as ***.
  bool mask_values(std::string_view text, std::string& out) const;

 private:
  std::vector<std::string> secrets_;  // longest first, so a secret containing another is masked whole
  bool verbatim_ = false;
};

// "postgresql://app:pw@host/db" -> "postgresql://app:***@host/db"
std::string redact_url_passwords(std::string_view text);
// The passwords of the URLs in `text` ("pw" above).
std::vector<std::string> url_passwords(std::string_view text);

}  // namespace lineup::config
