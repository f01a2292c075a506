#include "probes/runner.h"

#include <fmt/format.h>
#include <boost/asio/steady_timer.hpp>

#include "probes/schedule.h"

namespace lineup::probes {

namespace asio = boost::asio;
using engine::Id;
using engine::ProbeSet;

struct Runner::Impl {
  struct Service {
    ProbeSet set = ProbeSet::none;
    size_t layer = 0;
    int successes = 0;
    int failures = 0;
    bool passed_once = false;
    uint64_t generation = 0;     // callbacks of an older run are ignored
    std::vector<bool> log_seen;  // per ready probe: a log probe's line was seen
    std::string last_reason;     // the last result reported to the engine
    std::string last_layer;      // and the layer it came from
    bool notify_seen = false;
    bool fd_seen = false;
    engine::TimePoint spawned_at;
    engine::TimePoint check_started;  // of the check in flight (one at a time per service)
  };

  Impl(const config::Config& cfg, Host& host, Timers& timers, CheckFn check_fn)
      : cfg(cfg), host(host), timers(timers), check_fn(std::move(check_fn)) {
    services.resize(cfg.services.size());
    for (size_t i = 0; i < services.size(); ++i) {
      services[i].log_seen.assign(cfg.services[i].ready.size(), false);
    }
  }

  void reconfigured() {
    services.resize(cfg.services.size());
    stats_index.resize(cfg.services.size());
    for (size_t i = 0; i < services.size(); ++i)
      services[i].log_seen.resize(cfg.services[i].ready.size(), false);
  }

  const std::vector<config::Probe>& probes(Id id, ProbeSet set) const {
    const auto& s = cfg.services[static_cast<size_t>(id)];
    return set == ProbeSet::live ? s.live : s.ready;
  }

  void run(Id id, ProbeSet set) {
    auto& s = services[static_cast<size_t>(id)];
    ++s.generation;
    timers.cancel(id);
    s.set = set;
    s.layer = 0;
    s.successes = s.failures = 0;
    s.passed_once = false;
    if (set == ProbeSet::none || probes(id, set).empty()) return;
    begin_layer(id, /*first=*/true);
  }

  void spawned(Id id) {
    auto& s = services[static_cast<size_t>(id)];
    std::fill(s.log_seen.begin(), s.log_seen.end(), false);
    s.notify_seen = s.fd_seen = false;
    s.last_reason.clear();
    s.last_layer.clear();
    s.spawned_at = timers.now();
  }

  bool passive_passed(const Service& s, const config::Probe& p, size_t index) const {
    if (std::holds_alternative<config::LogProbe>(p.kind)) return s.log_seen[index];
    if (std::holds_alternative<config::NotifyProbe>(p.kind)) return s.notify_seen;
    if (std::holds_alternative<config::NotifyFdProbe>(p.kind)) return s.fd_seen;
    return false;
  }
  static bool is_passive(const config::Probe& p) {
    return std::holds_alternative<config::LogProbe>(p.kind) ||
           std::holds_alternative<config::NotifyProbe>(p.kind) ||
           std::holds_alternative<config::NotifyFdProbe>(p.kind);
  }

  void begin_layer(Id id, bool first) {
    auto& s = services[static_cast<size_t>(id)];
    const auto& list = probes(id, s.set);
    if (s.layer >= list.size()) return;
    const auto& p = list[s.layer];
    // A layer that passed before this one must not speak for it.
    if (s.set == ProbeSet::ready && (!first || is_passive(p))) {
      uint64_t gen = s.generation;
      if (report(id, waiting_for(p)) && s.generation != gen) return;
    }
    if (is_passive(p)) {
      if (passive_passed(s, p, s.layer)) layer_passed(id);
      return;  // otherwise the event will call layer_passed
    }
    Millis delay = first || s.layer > 0 ? p.timing.initial_delay : Millis(0);
    if (s.set == ProbeSet::live && first) delay = std::max(delay, first_live_delay(id, p.timing.interval));
    schedule(id, delay);
  }

  void schedule(Id id, Millis delay) {
    auto& s = services[static_cast<size_t>(id)];
    uint64_t gen = s.generation;
    if (delay.count() == 0) {
      check(id, gen);
      return;
    }
    auto at = timers.now() + delay;
    if (s.set == ProbeSet::live) at = on_slot(at, probes(id, s.set)[s.layer].timing.interval);
    timers.set(id, at, [this, id, gen] { check(id, gen); });
  }

  void check(Id id, uint64_t gen) {
    auto& s = services[static_cast<size_t>(id)];
    if (gen != s.generation) return;
    const auto& p = probes(id, s.set)[s.layer];
    s.check_started = timers.now();
    check_fn(id, p, [this, id, gen](Result r) { result(id, gen, std::move(r)); });
  }

  void result(Id id, uint64_t gen, Result r) {
    auto& s = services[static_cast<size_t>(id)];
    if (gen != s.generation) return;
    const auto& p = probes(id, s.set)[s.layer];
    ++checks;
    stats_of(id, p).record(std::chrono::duration<double>(timers.now() - s.check_started).count(), r.ok);
    if (report(id, r.reason) && s.generation != gen) return;  // the report may have changed everything
    if (r.ok) {
      s.failures = 0;
      s.passed_once = true;
      if (++s.successes >= p.timing.success_threshold && s.set == ProbeSet::ready) {
        layer_passed(id);
        return;
      }
      if (s.set == ProbeSet::live) s.successes = 0;
    } else {
      s.successes = 0;
      bool in_grace = timers.now() - s.spawned_at < p.timing.grace;
      if (s.set == ProbeSet::live && !in_grace && ++s.failures >= p.timing.failure_threshold) {
        s.set = ProbeSet::none;
        ++s.generation;
        host.feed(engine::LivenessFailed{id, r.reason});
        return;
      }
    }
    if (s.set == ProbeSet::live) {
      // Live probes take turns, each at its interval.
      const auto& list = probes(id, s.set);
      s.layer = (s.layer + 1) % list.size();
      schedule(id, list[s.layer].timing.interval);
      return;
    }
    schedule(id, s.passed_once ? p.timing.interval : p.timing.start_interval);
  }

  // "layer 2 of 3 (http)" while readiness has several layers, else "".
  std::string layer_label(Id id) const {
    const auto& s = services[static_cast<size_t>(id)];
    if (s.set != ProbeSet::ready) return {};
    const auto& list = probes(id, s.set);
    if (list.size() < 2 || s.layer >= list.size()) return {};
    return fmt::format("layer {} of {} ({})", s.layer + 1, list.size(),
                       config::kind_name(list[s.layer].kind));
  }

  // Tells the engine the latest result, with the layer it comes from. Only a
  // changed result is news: a thousand probes saying "connected" every
  // second must not wake the engine a thousand times. Returns whether it told.
  bool report(Id id, const std::string& reason) {
    auto& s = services[static_cast<size_t>(id)];
    std::string layer = layer_label(id);
    if (reason == s.last_reason && layer == s.last_layer) return false;
    s.last_reason = reason;
    s.last_layer = layer;
    host.feed(engine::ProbeStatus{id, reason, std::move(layer)});
    return true;
  }

  // What a layer that has no result yet is waiting for.
  static std::string waiting_for(const config::Probe& p) {
    if (auto* l = std::get_if<config::LogProbe>(&p.kind))
      return fmt::format("no output line matched \"{}\" yet", l->regex.text);
    if (std::holds_alternative<config::NotifyProbe>(p.kind)) return "no READY=1 on $NOTIFY_SOCKET yet";
    if (auto* f = std::get_if<config::NotifyFdProbe>(&p.kind))
      return fmt::format("nothing written to fd {} yet", f->fd);
    return "no result yet";
  }

  void layer_passed(Id id) {
    auto& s = services[static_cast<size_t>(id)];
    if (s.set != ProbeSet::ready) return;
    ++s.layer;
    s.successes = 0;
    s.passed_once = false;
    if (s.layer >= probes(id, s.set).size()) {
      s.set = ProbeSet::none;
      ++s.generation;
      host.feed(engine::Ready{id});
      return;
    }
    begin_layer(id, false);
  }

  void passive_event(Id id) {
    auto& s = services[static_cast<size_t>(id)];
    if (s.set != ProbeSet::ready) return;
    const auto& list = probes(id, s.set);
    if (s.layer < list.size() && is_passive(list[s.layer]) && passive_passed(s, list[s.layer], s.layer))
      layer_passed(id);
  }

  void log_line(Id id, std::string_view line) {
    auto& s = services[static_cast<size_t>(id)];
    bool any = false;
    const auto& ready = cfg.services[static_cast<size_t>(id)].ready;
    for (size_t i = 0; i < ready.size(); ++i)
      if (auto* l = std::get_if<config::LogProbe>(&ready[i].kind);
          l && !s.log_seen[i] && l->regex.search(line)) {
        s.log_seen[i] = true;
        any = true;
      }
    if (any) passive_event(id);
  }

  engine::ProbeStats& stats_of(Id id, const config::Probe& p) {
    std::string_view kind = config::kind_name(p.kind);
    for (size_t i : stats_index[static_cast<size_t>(id)])
      if (stats[i].kind == kind) return stats[i];
    stats_index[static_cast<size_t>(id)].push_back(stats.size());
    auto& added = stats.emplace_back();
    added.service = cfg.services[static_cast<size_t>(id)].name;
    added.kind = std::string(kind);
    return added;
  }

  const config::Config& cfg;
  Host& host;
  Timers& timers;
  CheckFn check_fn;
  std::vector<Service> services;
  std::vector<engine::ProbeStats> stats;
  uint64_t checks = 0;
  std::vector<std::vector<size_t>> stats_index = std::vector<std::vector<size_t>>(cfg.services.size());
};

Runner::Runner(const config::Config& cfg, Host& host, Timers& timers, CheckFn check)
    : impl_(std::make_unique<Impl>(cfg, host, timers, std::move(check))) {}
Runner::~Runner() = default;
void Runner::run(Id id, ProbeSet set) {
  impl_->run(id, set);
}
void Runner::spawned(Id id) {
  impl_->spawned(id);
}
void Runner::log_line(Id id, std::string_view line) {
  impl_->log_line(id, line);
}
void Runner::notified(Id id) {
  impl_->services[static_cast<size_t>(id)].notify_seen = true;
  impl_->passive_event(id);
}
uint64_t Runner::checks() const {
  return impl_->checks;
}
const std::vector<engine::ProbeStats>& Runner::stats() const {
  return impl_->stats;
}
void Runner::reconfigured() {
  impl_->reconfigured();
}
void Runner::fd_ready(Id id) {
  impl_->services[static_cast<size_t>(id)].fd_seen = true;
  impl_->passive_event(id);
}

struct AsioTimers::Impl {
  asio::io_context& io;
  std::vector<std::unique_ptr<asio::steady_timer>> timers;
};

AsioTimers::AsioTimers(asio::io_context& io, size_t services) : impl_(std::make_unique<Impl>(Impl{io, {}})) {
  grow(services);
}
AsioTimers::~AsioTimers() = default;

void AsioTimers::grow(size_t services) {
  while (impl_->timers.size() < services)
    impl_->timers.push_back(std::make_unique<asio::steady_timer>(impl_->io));
}

engine::TimePoint AsioTimers::now() const {
  return engine::Clock::now();
}

void AsioTimers::set(Id id, engine::TimePoint at, std::function<void()> fire) {
  auto& timer = *impl_->timers[static_cast<size_t>(id)];
  timer.expires_at(at);  // cancels what was set
  timer.async_wait([fire = std::move(fire)](boost::system::error_code ec) {
    if (!ec) fire();
  });
}

void AsioTimers::cancel(Id id) {
  impl_->timers[static_cast<size_t>(id)]->cancel();
}

}  // namespace lineup::probes
