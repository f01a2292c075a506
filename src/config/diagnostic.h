// Diagnostics: every problem the config layer finds, with where it is.
//
// The loader never stops at the first problem: each pass appends to one
// Diagnostics list so the user can fix everything in one go. A diagnostic
// names file:line:column (1-based, as editors count) and says what to do.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lineup::config {

// Source files are interned once per process: a Location is then three
// integers, cheap to copy into every node of a 10,000-service file.
uint32_t intern_file(std::string_view path);
const std::string& file_name(uint32_t id);
inline constexpr uint32_t kNoFile = UINT32_MAX;

struct Location {
  uint32_t file = kNoFile;
  int line = 0;    // 1-based; 0 = the whole file
  int column = 0;  // 1-based; 0 = unknown
};

enum class Severity { error, warning, note };

struct Diagnostic {
  Severity severity = Severity::error;
  Location where;
  std::string message;
};

std::string_view severity_name(Severity s);

// "lineup.yaml:14:5: error: dependency cycle: a -> b -> a"
std::string format(const Diagnostic& d);

class Diagnostics {
 public:
  void error(Location where, std::string message) { add(Severity::error, where, std::move(message)); }
  void warning(Location where, std::string message) { add(Severity::warning, where, std::move(message)); }
  void note(Location where, std::string message) { add(Severity::note, where, std::move(message)); }
  void add(Severity s, Location where, std::string message) {
    items_.push_back({s, where, std::move(message)});
  }

  bool has_errors() const;
  size_t count(Severity s) const;
  const std::vector<Diagnostic>& items() const { return items_; }
  // Sorted by file, line, column; the order of passes must not decide what the user reads first.
  std::vector<Diagnostic> sorted() const;

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace lineup::config
