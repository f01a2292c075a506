// A section of a value that most instances leave unset, kept out of line.
//
// A config::Service carries over half a kilobyte of sections that few
// services use (limits, a schedule, hooks, ports, an image, profiles...);
// inline, a stack of 10,000 services paid for them 10,000 times. Rare<T> is one
// pointer when unset and reads as a default T, so code that only reads it
// needs no test first; it copies deeply, so a Service stays a value (reload
// and replicas copy services).
#pragma once

#include <memory>
#include <utility>

namespace lineup {

template <class T>
class Rare {
 public:
  Rare() = default;
  Rare(T value) : p_(std::make_unique<T>(std::move(value))) {}  // implicit, as std::optional's
  Rare(const Rare& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  Rare(Rare&&) noexcept = default;
  Rare& operator=(const Rare& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  Rare& operator=(Rare&&) noexcept = default;

  // Whether it was set (a schedule: whether there is one).
  explicit operator bool() const { return p_ != nullptr; }
  // The value, or a default-constructed T when unset.
  const T& operator*() const { return p_ ? *p_ : unset(); }
  const T* operator->() const { return &**this; }
  // The value to change in place, or null when unset.
  T* get() { return p_.get(); }
  // The value to fill in, created (default) if unset.
  T& emplace() {
    if (!p_) p_ = std::make_unique<T>();
    return *p_;
  }
  void reset() { p_.reset(); }

 private:
  static const T& unset() {
    static const T value{};
    return value;
  }
  std::unique_ptr<T> p_;
};

}  // namespace lineup
