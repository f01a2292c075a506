#include "loop/watches.h"

#include <fnmatch.h>

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

namespace lineup::loop {

namespace {

bool name_matches(std::string_view pattern, std::string_view name) {
  // No FNM_PERIOD: "*.swp" is meant for vim's ".app.py.swp" too, as in .gitignore.
  return ::fnmatch(std::string(pattern).c_str(), std::string(name).c_str(), 0) == 0;
}

// A pattern without '/' against every name along the path; with '/', against
// the path and each of its leading directories ("tests/" or "tests" below the root).
bool pattern_matches(std::string_view pattern, std::string_view relative) {
  if (pattern.find('/') == std::string_view::npos) {
    size_t start = 0;
    while (start <= relative.size()) {
      size_t end = relative.find('/', start);
      if (end == std::string_view::npos) end = relative.size();
      if (name_matches(pattern, relative.substr(start, end - start))) return true;
      start = end + 1;
    }
    return false;
  }
  std::string p(pattern);
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  if (p.starts_with("./")) p = p.substr(2);
  for (size_t end = 0; end != std::string_view::npos;) {
    end = relative.find('/', end + (end ? 1 : 0));
    std::string_view prefix = relative.substr(0, end);
    if (::fnmatch(p.c_str(), std::string(prefix).c_str(), 0) == 0) return true;
    if (end == std::string_view::npos) break;
  }
  return false;
}

bool ignored_by_default(std::string_view relative) {
  for (auto dir : kIgnoredDirs)
    if (pattern_matches(dir, relative)) return true;
  std::string_view name = relative.substr(relative.rfind('/') + 1);
  return std::any_of(std::begin(kIgnoredFiles), std::end(kIgnoredFiles),
                     [&](std::string_view p) { return name_matches(p, name); });
}

}  // namespace

bool counts(const config::WatchRule& rule, std::string_view relative) {
  if (relative.empty()) return true;  // the kernel lost track: something changed
  if (ignored_by_default(relative)) return false;
  for (const auto& p : rule.exclude)
    if (pattern_matches(p, relative)) return false;
  if (rule.include.empty()) return true;
  std::string_view name = relative.substr(relative.rfind('/') + 1);
  return std::any_of(rule.include.begin(), rule.include.end(), [&](const std::string& p) {
    return p.find('/') == std::string::npos ? name_matches(p, name) : pattern_matches(p, relative);
  });
}

bool skipped_dir(const config::WatchRule& rule, std::string_view relative) {
  for (auto dir : kIgnoredDirs)
    if (pattern_matches(dir, relative)) return true;
  return std::any_of(rule.exclude.begin(), rule.exclude.end(),
                     [&](const std::string& p) { return pattern_matches(p, relative); });
}

struct Watches::Burst {
  explicit Burst(boost::asio::io_context& io) : timer(io) {}
  boost::asio::steady_timer timer;
  engine::TimePoint first{};
  std::string first_path;
  std::unordered_set<std::string> paths;  // what changed (a file is created, then written: one change)
  static constexpr size_t kMaxCounted = 100'000;
};

Watches::Watches(boost::asio::io_context& io, const config::Config& cfg, Screen& screen, Restart restart)
    : io_(io), cfg_(cfg), screen_(screen), restart_(std::move(restart)) {}

Watches::~Watches() = default;

void Watches::start() {
  watches_.clear();
  rules_.clear();
  bursts_.clear();
  for (size_t i = 0; i < cfg_.services.size(); ++i) {
    auto id = static_cast<engine::Id>(i);
    for (const auto& r : *cfg_.services[i].watch) {
      const auto* rule = rules_.emplace_back(std::make_unique<config::WatchRule>(r)).get();
      auto watch = runtime::FileWatch::start(
          io_, rule->path, [rule](const std::string& rel) { return skipped_dir(*rule, rel); },
          [this, id, rule](const std::string& rel) { changed(id, *rule, rel); });
      if (!watch) {
        screen_.event_line(fmt::format("{}: watch {}: {}; changes there restart nothing",
                                       cfg_.services[i].name, rule->path, watch.error()));
        continue;
      }
      watches_.push_back(std::move(*watch));
    }
  }
}

void Watches::changed(engine::Id id, const config::WatchRule& rule, const std::string& relative) {
  if (!counts(rule, relative)) return;
  auto& burst = bursts_[id];
  if (!burst) burst = std::make_unique<Burst>(io_);
  Burst& b = *burst;
  auto now = engine::Clock::now();
  if (b.paths.empty()) {
    b.first = now;
    b.first_path = relative.empty() ? rule.path : rule.path + "/" + relative;
  }
  if (b.paths.size() < Burst::kMaxCounted) b.paths.insert(relative);
  // A restart `debounce` after the last change, but no later than kMaxDelay after the first.
  auto due = std::min(now + rule.debounce, b.first + kMaxDelay);
  b.timer.expires_at(due);
  b.timer.async_wait([this, id](boost::system::error_code ec) {
    if (ec) return;
    Burst& b = *bursts_[id];
    std::string why = b.paths.size() == 1
                          ? fmt::format("{} changed", b.first_path)
                          : fmt::format("{} files changed ({} first)", b.paths.size(), b.first_path);
    b.paths.clear();
    restart_(id, why);
  });
}

}  // namespace lineup::loop
