// Reading typed values out of tree nodes, with one diagnostic per mistake.
//
// Every getter reports "expected a duration like 10s or 250ms, got "ten""
// at the node's own line and column, and returns nullopt so the caller can
// carry on with the default: one bad field must not hide the next problem.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/diagnostic.h"
#include "config/spec.h"
#include "config/tree.h"
#include "util/duration.h"
#include "util/names.h"

namespace lineup::config {

class Reader {
 public:
  explicit Reader(Diagnostics& diags) : diags_(diags) {}

  std::optional<std::string> string(const Node& n, std::string_view what);
  std::optional<Millis> duration(const Node& n, std::string_view what);
  // Kubernetes-style `*_seconds`: a number of seconds.
  std::optional<Millis> seconds(const Node& n, std::string_view what);
  std::optional<long long> integer(const Node& n, std::string_view what, long long min, long long max);
  std::optional<double> number(const Node& n, std::string_view what, double min, double max);
  std::optional<bool> boolean(const Node& n, std::string_view what);
  // A scalar or a list of scalars, always as a list.
  std::optional<std::vector<std::string>> string_list(const Node& n, std::string_view what);

  // A string runs through /bin/sh -c; a list is argv.
  std::optional<Command> command(const Node& n, std::string_view what);

  // One of the words of `table` (util/names.h). Anything else is an error
  // that lists lineup's names: `what: "x" is not <noun> (use a, b or c)`.
  template <class E, std::size_t N>
  std::optional<E> word(const Node& n, std::string_view what, std::string_view noun,
                        const Named<E> (&table)[N]) {
    auto s = string(n, what);
    if (!s) return std::nullopt;
    if (auto v = value_in(table, *s)) return v;
    not_one_of(n, what, *s, noun, choices_in(table));
    return std::nullopt;
  }

  bool expect_map(const Node& n, std::string_view what);
  void mismatch(const Node& n, std::string_view what, std::string_view expected);

  Diagnostics& diags() { return diags_; }

 private:
  void not_one_of(const Node& n, std::string_view what, std::string_view got, std::string_view noun,
                  const std::string& choices);

  Diagnostics& diags_;
};

// YAML 1.1 and 1.2 truth values compose users write: true/false/yes/no/on/off.
std::optional<bool> parse_bool(std::string_view s);

}  // namespace lineup::config
