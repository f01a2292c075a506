#include "loop/hooks.h"

#include <signal.h>
#include <sys/wait.h>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>

#include "probes/kinds.h"
#include "util/url.h"

namespace lineup::loop {

using config::HookEvent;
using engine::Phase;
using engine::State;

std::vector<StateEvent> events_of(const engine::Notice& n, const engine::ServiceView& v, bool& troubled) {
  std::vector<StateEvent> out;
  if (n.from == n.to) return out;  // a note on the way (a grace SIGKILL), not a change
  auto add = [&](HookEvent kind, std::string reason) {
    out.push_back({kind, v.name, std::string(engine::name_of(n.to)), std::move(reason)});
  };
  std::string why = n.message.empty() ? v.error : n.message;
  switch (n.to) {
    case State::failed:
      troubled = true;
      add(HookEvent::failed, why);
      break;
    case State::blocked:
      troubled = true;
      add(HookEvent::blocked, why);
      break;
    case State::backoff:
      troubled = true;
      break;
    case State::starting:
      if (v.attempts > 1) add(HookEvent::restarted, v.error.empty() ? why : v.error);
      break;
    case State::ready:
      if (troubled) add(HookEvent::recovered, "");
      troubled = false;
      add(HookEvent::ready, "");
      break;
    default:
      break;
  }
  return out;
}

std::vector<StateEvent> events_of(Phase from, Phase to) {
  if (from == to) return {};
  std::string state(engine::name_of(to));
  switch (to) {
    case Phase::ready:
      return {{from == Phase::degraded ? HookEvent::recovered : HookEvent::ready, "", state, ""}};
    case Phase::degraded:
      return {{HookEvent::degraded, "", state, "a service that is not critical is down"}};
    case Phase::failed:
      return {{HookEvent::failed, "", state, "a critical service failed, or the startup deadline passed"}};
    default:
      return {};
  }
}

std::string hook_json(const StateEvent& e, const std::string& stack, int dropped, std::string_view time) {
  std::string event(config::name_of(e.kind));
  std::string text = e.service.empty() ? fmt::format("lineup: {} is {}", stack, e.state)
                                       : fmt::format("lineup: {}: {} {}", stack, e.service, event);
  if (!e.reason.empty()) text += ": " + e.reason;
  nlohmann::ordered_json j = {{"event", event},     {"service", e.service}, {"state", e.state},
                              {"reason", e.reason}, {"stack", stack},       {"time", time},
                              {"text", text},       {"dropped", dropped}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

// A webhook's address may carry its credentials in the path (Slack's do): only its origin is shown.
std::string origin(const std::string& url) {
  auto parts = split_url(url);
  if (!parts) return "(a malformed URL)";
  return fmt::format("{}://{}{}", parts->scheme, parts->host, parts->port.empty() ? "" : ":" + parts->port);
}

}  // namespace

struct Hooks::Delivery {
  Delivery(boost::asio::io_context& io, config::StateHook h, StateEvent e, std::string b, int d)
      : hook(std::move(h)), event(std::move(e)), body(std::move(b)), dropped(d), timer(io) {}
  config::StateHook hook;
  StateEvent event;
  std::string body;  // the JSON (a webhook's request body)
  int dropped;
  int attempt = 0;
  boost::asio::steady_timer timer;
};

Hooks::Hooks(boost::asio::io_context& io, const config::Config& cfg, const config::Redactor& redact,
             Screen& screen, RunFn run)
    : io_(io), cfg_(cfg), redact_(redact), screen_(screen), run_(std::move(run)) {}

Hooks::~Hooks() = default;

void Hooks::service_changed(const engine::Notice& n, const engine::ServiceView& v) {
  const auto& service = cfg_.services[static_cast<size_t>(n.id)];
  if (service.on_state->empty() && cfg_.on_state.empty()) return;
  for (auto e : events_of(n, v, troubled_[service.name])) {
    e.reason = redact_(e.reason);
    offer(*service.on_state, service.name, e);
    offer(cfg_.on_state, "", e);
  }
}

void Hooks::phase_changed(Phase phase) {
  Phase from = std::exchange(phase_, phase);
  if (cfg_.on_state.empty()) return;
  for (const auto& e : events_of(from, phase)) offer(cfg_.on_state, "", e);
}

void Hooks::offer(const std::vector<config::StateHook>& hooks, const std::string& owner,
                  const StateEvent& e) {
  for (size_t i = 0; i < hooks.size(); ++i) {
    const auto& h = hooks[i];
    if (!h.when.empty() && std::find(h.when.begin(), h.when.end(), e.kind) == h.when.end()) continue;
    Bucket& b = buckets_[fmt::format("{}#{}", owner, i)];
    auto now = engine::Clock::now();
    if (b.last != engine::TimePoint{})
      b.tokens = std::min<double>(kBurst, b.tokens + std::chrono::duration<double>(now - b.last) / kRefill);
    b.last = now;
    if (b.tokens < 1) {
      ++b.dropped;
      continue;
    }
    b.tokens -= 1;
    std::string time = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::time(nullptr)));
    auto d = std::make_shared<Delivery>(io_, h, e, hook_json(e, cfg_.name, b.dropped, time), b.dropped);
    b.dropped = 0;
    ++in_flight_;
    attempt(d);
  }
}

void Hooks::attempt(std::shared_ptr<Delivery> d) {
  ++d->attempt;
  if (d->hook.exec) {
    const auto& e = d->event;
    config::EnvPairs extra = {{"LINEUP_EVENT", std::string(config::name_of(e.kind))},
                              {"LINEUP_SERVICE", e.service},
                              {"LINEUP_STATE", e.state},
                              {"LINEUP_REASON", e.reason},
                              {"LINEUP_STACK", cfg_.name},
                              {"LINEUP_DROPPED", std::to_string(d->dropped)}};
    auto settled = std::make_shared<bool>(false);
    auto pid = run_(d->hook.exec->argv, extra, [this, d, settled](int status) {
      if (*settled) return;
      *settled = true;
      d->timer.cancel();
      bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
      finished(d, ok,
               WIFEXITED(status) ? fmt::format("exited with code {}", WEXITSTATUS(status))
                                 : fmt::format("killed by signal {}", WTERMSIG(status)));
    });
    if (!pid) return finished(d, false, pid.error());
    d->timer.expires_after(kAttemptTimeout);
    d->timer.async_wait([this, d, settled, p = *pid](boost::system::error_code ec) {
      if (ec || *settled) return;
      *settled = true;
      ::kill(-p, SIGKILL);  // its group: what it started goes too; the loop reaps it
      finished(d, false, fmt::format("still running after {} (killed)", format_duration(kAttemptTimeout)));
    });
    return;
  }
  config::HttpProbe post;
  post.url = d->hook.url;
  post.method = "POST";
  post.headers = d->hook.headers;
  post.body = d->body;
  probes::check_http(io_, post, kAttemptTimeout,
                     [this, d](probes::Result r) { finished(d, r.ok, r.reason); });
}

void Hooks::finished(std::shared_ptr<Delivery> d, bool ok, const std::string& why) {
  if (!ok && d->attempt < kAttempts) {
    d->timer.expires_after(Millis(1000LL << (d->attempt - 1)));
    d->timer.async_wait([this, d](boost::system::error_code ec) {
      if (ec) {
        --in_flight_;
        return;
      }
      attempt(d);
    });
    return;
  }
  --in_flight_;
  if (ok) return;
  std::string target = d->hook.exec ? "exec " + d->hook.exec->display() : "http " + origin(d->hook.url);
  std::string who = d->event.service.empty() ? "the stack" : d->event.service;
  screen_.event_line(redact_(fmt::format("on_state: {} for {} {}: failed {} times, the last: {}", target, who,
                                         config::name_of(d->event.kind), d->attempt, why)));
}

}  // namespace lineup::loop
