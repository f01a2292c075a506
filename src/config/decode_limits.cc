// A service's `limits:` (see spec.h, Limits). compose's spellings reach here
// rewritten (config/dialects.cc): mem_limit, cpus, pids_limit, ulimits and
// deploy.resources.limits all become keys of `limits`.
#include <fmt/format.h>

#include <array>
#include <cctype>
#include <cmath>

#include "config/decode_parts.h"
#include "config/keys.h"

namespace lineup::config {

namespace {

constexpr std::array<std::string_view, 5> kLimitKeys = {"memory", "cpus", "pids", "nofile", "nproc"};
constexpr std::array<std::string_view, 2> kSoftHard = {"soft", "hard"};
constexpr long long kMinMemory = 1 << 20;  // below a MiB a process cannot even start

// "512M", "512m", "512MiB", "1.5G", "1g", 1048576: a size in bytes, as compose and docker read it.
std::optional<long long> parse_size(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
  if (i == 0) return std::nullopt;
  double number = 0;
  try {
    number = std::stod(std::string(text.substr(0, i)));
  } catch (...) {
    return std::nullopt;
  }
  std::string unit;
  for (char c : text.substr(i))
    if (c != ' ') unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (unit.ends_with("ib"))
    unit.resize(unit.size() - 2);
  else if (unit.size() > 1 && unit.back() == 'b')
    unit.pop_back();
  double scale = unit.empty() || unit == "b" ? 1
                 : unit == "k"               ? 1 << 10
                 : unit == "m"               ? 1 << 20
                 : unit == "g"               ? static_cast<double>(1LL << 30)
                 : unit == "t"               ? static_cast<double>(1LL << 40)
                                             : 0;
  if (scale == 0 || !std::isfinite(number * scale) || number * scale > 9e18) return std::nullopt;
  return static_cast<long long>(number * scale);
}

std::optional<RLimit> rlimit(const Node& n, std::string_view what, const DecodeScope& sc) {
  auto number = [&](const Node& v, std::string_view name) { return sc.r.integer(v, name, 1, 1LL << 40); };
  if (!n.is_map()) {
    auto v = number(n, what);
    if (!v) return std::nullopt;
    return RLimit{*v, *v};
  }
  check_keys(n, kSoftHard, {}, fmt::format("in limits.{}", what), sc.strict, sc.diags);
  const Node* soft = n.find("soft");
  const Node* hard = n.find("hard");
  if (!soft && !hard) {
    sc.diags.error(n.where, fmt::format("limits.{}: give soft, hard or both", what));
    return std::nullopt;
  }
  std::optional<long long> s = soft ? number(*soft, what) : std::nullopt;
  std::optional<long long> h = hard ? number(*hard, what) : std::nullopt;
  if ((soft && !s) || (hard && !h)) return std::nullopt;
  RLimit r{s.value_or(*h), h.value_or(*s)};
  if (r.soft > r.hard) {
    sc.diags.error(n.where, fmt::format("limits.{}: soft ({}) is above hard ({})", what, r.soft, r.hard));
    return std::nullopt;
  }
  return r;
}

}  // namespace

void decode_limits(const Node& n, Limits& l, const DecodeScope& sc) {
  l.where = n.where;
  if (!sc.r.expect_map(n, "limits")) return;
  check_keys(n, kLimitKeys, {}, "in limits", sc.strict, sc.diags);
  if (const Node* m = n.find("memory")) {
    if (auto text = sc.r.string(*m, "limits.memory")) {
      auto bytes = parse_size(*text);
      if (!bytes)
        sc.diags.error(m->where,
                       fmt::format("limits.memory: \"{}\" is not a size (write 512M, 1.5G or bytes)", *text));
      else if (*bytes < kMinMemory)
        sc.diags.error(m->where, fmt::format("limits.memory: {} is below 1M; nothing runs in that", *text));
      else
        l.memory = *bytes;
    }
  }
  if (const Node* c = n.find("cpus"))
    if (auto v = sc.r.number(*c, "limits.cpus", 0.01, 4096)) l.cpus = *v;
  if (const Node* p = n.find("pids"))
    if (auto v = sc.r.integer(*p, "limits.pids", 1, 1LL << 22)) l.pids = *v;
  if (const Node* f = n.find("nofile")) l.nofile = rlimit(*f, "nofile", sc);
  if (const Node* p = n.find("nproc")) l.nproc = rlimit(*p, "nproc", sc);
}

}  // namespace lineup::config
