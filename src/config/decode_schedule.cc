// A oneshot's `schedule:` (see spec.h, Schedule): run it again and again
// while the stack runs. process-compose's spelling is the same, with its
// `timezone` (UTC or Local), `run_on_start` and `max_concurrent` (1).
//
//   schedule: {cron: "*/5 * * * *"}      # or {interval: 10m}
#include <fmt/format.h>

#include <array>

#include "config/decode_parts.h"
#include "config/keys.h"

namespace lineup::config {

namespace {
constexpr std::array<std::string_view, 5> kScheduleKeys = {"cron", "interval", "timezone", "run_on_start",
                                                           "max_concurrent"};
constexpr Millis kShortestInterval{1'000};
}  // namespace

void decode_schedule(const Node& n, std::optional<Schedule>& out, const DecodeScope& sc) {
  if (!sc.r.expect_map(n, "schedule")) return;
  check_keys(n, kScheduleKeys, {}, "in schedule", sc.strict, sc.diags);
  Schedule s;
  s.where = n.where;
  const Node* cron = n.find("cron");
  const Node* interval = n.find("interval");
  if (cron && interval) {
    sc.diags.error(n.where, "schedule: give `cron` or `interval`, not both");
    return;
  }
  if (!cron && !interval) {
    sc.diags.error(n.where, "schedule: needs `cron` (\"*/5 * * * *\") or `interval` (10m)");
    return;
  }
  if (cron) {
    auto text = sc.r.string(*cron, "schedule.cron");
    if (!text) return;
    auto parsed = Cron::parse(*text);
    if (!parsed) {
      sc.diags.error(cron->where, fmt::format("schedule.cron: \"{}\": {}", *text, parsed.error()));
      return;
    }
    s.cron = std::move(*parsed);
  } else {
    auto every = sc.r.duration(*interval, "schedule.interval");
    if (!every) return;
    if (*every < kShortestInterval) {
      sc.diags.error(interval->where, "schedule.interval: under 1s; a oneshot that often is a service");
      return;
    }
    s.interval = *every;
  }
  if (const Node* tz = n.find("timezone"))
    if (auto v = sc.r.string(*tz, "schedule.timezone")) {
      if (*v == "UTC" || *v == "utc" || *v == "Etc/UTC")
        s.utc = true;
      else if (*v != "Local" && *v != "local")
        sc.diags.error(tz->where, fmt::format("schedule.timezone: \"{}\": lineup knows UTC and Local (the "
                                              "machine's time zone; set TZ for another)",
                                              *v));
    }
  if (const Node* r = n.find("run_on_start"))
    if (auto v = sc.r.boolean(*r, "schedule.run_on_start")) s.run_on_start = *v;
  if (const Node* m = n.find("max_concurrent"))
    if (auto v = sc.r.integer(*m, "schedule.max_concurrent", 1, 1000); v && *v != 1)
      sc.diags.warning(m->where,
                       "schedule.max_concurrent: lineup runs one at a time; a run still going when "
                       "the next is due makes that one skipped");
  out = std::move(s);
}

}  // namespace lineup::config
