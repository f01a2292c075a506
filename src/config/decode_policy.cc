// When a service starts (depends_on and its conditions, in compose's,
// process-compose's and lineup's spellings), restarts (the policy and its
// backoff) and gives up (the circuit breaker). See decode_parts.h.
#include <fmt/format.h>

#include "config/decode_parts.h"
#include "config/keys.h"

namespace lineup::config {

void decode_depends_on(const Node& n, Service& s, const DecodeScope& sc) {
  auto condition = [&](const Node& c, Dependency& d) {
    if (auto v = sc.r.word(c, "condition", "a condition", kConditionNames)) {
      d.condition = *v;
      d.condition_given = true;
    }
  };
  if (n.is_sequence()) {
    for (const auto& item : n.items) {
      auto name = sc.r.string(item, "depends_on entry");
      if (name) s.depends_on.push_back({*name, Condition::ready, false, true, false, item.where});
    }
  } else if (n.is_map()) {
    for (const auto& e : n.entries) {
      Dependency d{e.key, Condition::ready, false, true, false, e.key_at};
      if (e.value.is_map()) {
        check_keys(e.value, kDependencyKeys, {}, fmt::format("in depends_on \"{}\"", e.key), sc.strict,
                   sc.diags);
        if (const Node* c = e.value.find("condition")) condition(*c, d);
        if (const Node* r = e.value.find("required"))
          if (auto b = sc.r.boolean(*r, "required")) d.required = *b;
        if (const Node* r = e.value.find("restart"))
          if (auto b = sc.r.boolean(*r, "restart")) d.restart = *b;
      } else if (e.value.is_scalar()) {  // shorthand: `db: ready`
        condition(e.value, d);
      } else if (!e.value.is_null()) {
        sc.r.mismatch(e.value, fmt::format("depends_on \"{}\"", e.key),
                      "a mapping {condition, required, restart}");
      }
      s.depends_on.push_back(std::move(d));
    }
  } else if (n.is_scalar()) {
    s.depends_on.push_back({n.text, Condition::ready, false, true, false, n.where});
  } else if (!n.is_null()) {
    sc.r.mismatch(n, "depends_on", "a list of service names or a mapping");
  }
}

void decode_restart(const Node& n, Restart& r, const DecodeScope& sc) {
  auto policy = [&](const Node& v) {
    if (v.is_scalar() && v.text.starts_with("on-failure:")) {  // compose: on-failure:N
      r.policy = RestartPolicy::on_failure;
      Node count = v;
      count.text = v.text.substr(11);
      // compose counts restarts; max_attempts counts spawns, the first one included.
      if (auto i = sc.r.integer(count, "restart on-failure count", 0, 1000000))
        r.max_attempts = static_cast<int>(*i) + 1;
      return;
    }
    if (auto p = sc.r.word(v, "restart", "a policy", kRestartPolicyNames)) r.policy = *p;
  };
  if (!n.is_map()) {
    policy(n);
    return;
  }
  check_keys(n, kRestartKeys, {}, "in restart", sc.strict, sc.diags);
  if (const Node* p = n.find("policy")) policy(*p);
  if (const Node* m = n.find("max_attempts"))
    if (auto i = sc.r.integer(*m, "max_attempts", 0, 1000000)) r.max_attempts = static_cast<int>(*i);
  if (const Node* b = n.find("backoff"); b && sc.r.expect_map(*b, "backoff")) {
    check_keys(*b, kBackoffKeys, {}, "in backoff", sc.strict, sc.diags);
    auto positive = [&](const char* key, Millis& field) {
      if (const Node* v = b->find(key))
        if (auto d = sc.r.duration(*v, key)) {
          if (d->count() <= 0 && std::string_view(key) != "initial")
            sc.diags.error(v->where, fmt::format("backoff {} must be greater than zero", key));
          field = *d;
        }
    };
    positive("initial", r.backoff.initial);
    positive("max", r.backoff.max);
    positive("reset_after", r.backoff.reset_after);
    if (const Node* v = b->find("multiplier"))
      if (auto d = sc.r.number(*v, "multiplier", 1.0, 100.0)) r.backoff.multiplier = *d;
    if (const Node* v = b->find("jitter"))
      if (auto d = sc.r.number(*v, "jitter", 0.0, 1.0)) r.backoff.jitter = *d;
    if (r.backoff.max < r.backoff.initial)
      sc.diags.error(b->where, "backoff max must not be smaller than initial");
  }
}

void decode_breaker(const Node& n, CircuitBreaker& b, const DecodeScope& sc) {
  if (!sc.r.expect_map(n, "circuit_breaker")) return;
  check_keys(n, kBreakerKeys, {}, "in circuit_breaker", sc.strict, sc.diags);
  if (const Node* v = n.find("threshold"))
    if (auto i = sc.r.integer(*v, "threshold", 1, 1000000)) b.threshold = static_cast<int>(*i);
  if (const Node* v = n.find("window"))
    if (auto d = sc.r.duration(*v, "window")) {
      if (d->count() <= 0) sc.diags.error(v->where, "circuit_breaker window must be greater than zero");
      b.window = *d;
    }
  if (const Node* v = n.find("cooldown"))
    if (auto d = sc.r.duration(*v, "cooldown")) b.cooldown = *d;
}

}  // namespace lineup::config
