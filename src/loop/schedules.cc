#include "loop/schedules.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace lineup::loop {

std::optional<std::time_t> next_due(const config::Schedule& s, std::time_t after) {
  if (s.cron) return s.cron->next(after, s.utc);
  if (s.interval)
    return after +
           std::max<std::time_t>(1, std::chrono::duration_cast<std::chrono::seconds>(*s.interval).count());
  return std::nullopt;
}

std::string next_run_text(const config::Schedule& s, std::time_t due) {
  std::tm tm{};
  s.utc ? gmtime_r(&due, &tm) : localtime_r(&due, &tm);
  return fmt::format("next run {:%Y-%m-%d %H:%M:%S}{}", tm, s.utc ? " UTC" : "");
}

struct Schedules::Entry {
  Entry(boost::asio::io_context& io, engine::Id i, config::Schedule s)
      : id(i), schedule(std::move(s)), timer(io) {}
  engine::Id id;
  config::Schedule schedule;
  boost::asio::system_timer timer;
  std::time_t due = 0;
};

Schedules::Schedules(boost::asio::io_context& io, const config::Config& cfg, Screen& screen, Hooks hooks)
    : io_(io), cfg_(cfg), screen_(screen), hooks_(std::move(hooks)) {}

Schedules::~Schedules() = default;

void Schedules::start() {
  entries_.clear();
  std::time_t now = std::time(nullptr);
  for (size_t i = 0; i < cfg_.services.size(); ++i)
    if (const auto& s = cfg_.services[i].schedule) {
      auto& e = *entries_.emplace_back(std::make_unique<Entry>(io_, static_cast<engine::Id>(i), *s));
      arm(e, now);
    }
}

void Schedules::stop() {
  entries_.clear();  // the timers go with them: their handlers are cancelled
}

bool Schedules::active() const {
  return std::any_of(entries_.begin(), entries_.end(), [](const auto& e) { return e->due != 0; });
}

std::string Schedules::status(engine::Id id) const {
  for (const auto& e : entries_)
    if (e->id == id && e->due) return next_run_text(e->schedule, e->due);
  return "";
}

void Schedules::arm(Entry& e, std::time_t after) {
  auto due = next_due(e.schedule, after);
  const auto& name = cfg_.services[static_cast<size_t>(e.id)].name;
  if (!due) {
    e.due = 0;
    screen_.event_line(fmt::format("{}: schedule \"{}\" never comes again; no more runs", name,
                                   e.schedule.cron ? e.schedule.cron->text() : "?"));
    return;
  }
  e.due = *due;
  hooks_.show(e.id, next_run_text(e.schedule, e.due));
  e.timer.expires_at(std::chrono::system_clock::from_time_t(e.due));
  e.timer.async_wait([this, &e, name](boost::system::error_code ec) {
    if (ec) return;
    if (hooks_.running(e.id))
      screen_.event_line(fmt::format("{}: the last run is still going: the run due now is skipped", name));
    else
      hooks_.start(e.id);
    // The next due time counts from this one (a late wake-up does not shift the schedule),
    // or from now if this one is long past (the machine slept).
    std::time_t now = std::time(nullptr);
    arm(e, e.due + 60 < now ? now : e.due);
  });
}

}  // namespace lineup::loop
