// Result<T, E>: a value or the error a user caused.
//
// Why not exceptions: a bad config, a closed port or a missing file is an
// expected outcome, not a programming error, and the callers (config passes,
// the supervisor's event loop) must handle it on the spot. Why not
// std::expected: it is C++23, and GCC 12 in C++20 mode does not have it.
// This is the small subset of std::expected the project uses.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace lineup {

template <typename E>
struct Unexpected {
  E error;
};

template <typename E>
Unexpected<std::decay_t<E>> unexpected(E&& e) {
  return {std::forward<E>(e)};
}

template <typename T, typename E = std::string>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  template <typename G>
  Result(Unexpected<G> e) : v_(std::in_place_index<1>, std::move(e.error)) {}

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const E& error() const& { return std::get<1>(v_); }
  E&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, E> v_;
};

// Result<void>: success or an error.
struct Ok {};

}  // namespace lineup
