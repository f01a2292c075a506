// The variables a config is interpolated with: env files first, then the
// process environment on top (last wins, as in docker compose).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace lineup::config {

class Variables {
 public:
  void set(std::string name, std::string value) { values_[std::move(name)] = std::move(value); }
  const std::string* get(std::string_view name) const {
    auto it = values_.find(name);
    return it == values_.end() ? nullptr : &it->second;
  }
  const std::map<std::string, std::string, std::less<>>& all() const { return values_; }

  // The current process environment.
  static Variables from_environment();

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace lineup::config
