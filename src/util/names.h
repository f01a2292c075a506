// One table per enum that users read or write, used both ways: printing a
// value (the first entry that has it is the name lineup shows) and reading a
// word from a file (every entry is a spelling it accepts, so compose's and
// process-compose's aliases sit beside lineup's own name). One table means
// the name printed and the name accepted cannot drift apart.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lineup {

template <class E>
struct Named {
  E value;
  std::string_view name;
};

template <class E, std::size_t N>
constexpr std::string_view name_in(const Named<E> (&table)[N], E value) {
  for (const auto& n : table)
    if (n.value == value) return n.name;
  return "?";
}

template <class E, std::size_t N>
constexpr std::optional<E> value_in(const Named<E> (&table)[N], std::string_view name) {
  for (const auto& n : table)
    if (n.name == name) return n.value;
  return std::nullopt;
}

// "a, b or c": the shown name of each value, for an error that lists the choices.
template <class E, std::size_t N>
std::string choices_in(const Named<E> (&table)[N]) {
  std::string out;
  std::size_t shown = 0, total = 0;
  for (std::size_t i = 0; i < N; ++i)
    if (name_in(table, table[i].value) == table[i].name) ++total;
  for (std::size_t i = 0; i < N; ++i) {
    if (name_in(table, table[i].value) != table[i].name) continue;  // an alias
    if (shown > 0)
      out += ++shown == total ? " or " : ", ";
    else
      ++shown;
    out += table[i].name;
  }
  return out;
}

}  // namespace lineup
