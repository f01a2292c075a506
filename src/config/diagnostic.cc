#include "config/diagnostic.h"

#include <fmt/format.h>
#include <algorithm>
#include <deque>

namespace lineup::config {

namespace {
std::deque<std::string>& files() {
  static std::deque<std::string> table;  // deque: references stay valid as it grows
  return table;
}
}  // namespace

uint32_t intern_file(std::string_view path) {
  auto& table = files();
  for (size_t i = 0; i < table.size(); ++i)
    if (table[i] == path) return static_cast<uint32_t>(i);
  table.emplace_back(path);
  return static_cast<uint32_t>(table.size() - 1);
}

const std::string& file_name(uint32_t id) {
  static const std::string none;
  auto& table = files();
  return id < table.size() ? table[id] : none;
}

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    case Severity::note:
      return "note";
  }
  return "error";
}

std::string format(const Diagnostic& d) {
  std::string where;
  if (d.where.file != kNoFile) {
    where = file_name(d.where.file);
    if (d.where.line > 0) {
      where += fmt::format(":{}", d.where.line);
      if (d.where.column > 0) where += fmt::format(":{}", d.where.column);
    }
  } else {
    where = "lineup";
  }
  return fmt::format("{}: {}: {}", where, severity_name(d.severity), d.message);
}

bool Diagnostics::has_errors() const {
  return count(Severity::error) > 0;
}

size_t Diagnostics::count(Severity s) const {
  return static_cast<size_t>(
      std::count_if(items_.begin(), items_.end(), [s](const Diagnostic& d) { return d.severity == s; }));
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> out = items_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    auto key = [](const Diagnostic& d) {
      return std::tuple(d.where.file == kNoFile ? 0u : d.where.file + 1, d.where.line, d.where.column);
    };
    return key(a) < key(b);
  });
  return out;
}

}  // namespace lineup::config
