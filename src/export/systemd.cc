#include "export/systemd.h"

#include <fmt/format.h>

#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <cmath>

#include <filesystem>
#include <set>

#include "config/redact.h"
#include "export/targets.h"
#include "graph/plan.h"
#include "util/strings.h"
#include "util/url.h"

namespace lineup::exporter {

namespace {

using config::Service;

// A unit name keeps letters, digits and ":_.-"; anything else becomes '-'.
std::string unit_word(std::string_view name) {
  std::string out;
  for (char c : name)
    out += std::isalnum(static_cast<unsigned char>(c)) ||
                   std::string_view(":_.-").find(c) != std::string_view::npos
               ? c
               : '-';
  return out.empty() ? "lineup" : out;
}

std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? fmt::format("SIG{}", abbrev) : std::to_string(sig);
}

// The same word, but `${NAME}` left for systemd to expand from the
// environment (a secret's reference).
std::string word_with_references(std::string_view arg) {
  std::string out;
  size_t at = 0;
  while (at < arg.size()) {
    size_t ref = arg.find("${", at);
    size_t end = ref == std::string_view::npos ? ref : arg.find('}', ref);
    std::string quoted = systemd_word(arg.substr(at, ref == std::string_view::npos ? ref : ref - at));
    out += quoted.substr(1, quoted.size() - 2);
    if (ref == std::string_view::npos || end == std::string_view::npos) break;
    out += std::string(arg.substr(ref, end - ref + 1));
    at = end + 1;
  }
  return "\"" + out + "\"";
}

class SystemdExporter {
 public:
  SystemdExporter(const config::Config& cfg, const graph::Graph& g, const SystemdOptions& o)
      : cfg_(cfg), g_(g), o_(o) {}

  Result<Exported> run() {
    project_ = unit_word(cfg_.name);
    Exported out;
    std::string wants;
    for (size_t i = 0; i < cfg_.services.size(); ++i) {
      const Service& s = cfg_.services[i];
      if (!s.command) {
        lost(s, "a container-only service (image, no command): systemd runs commands");
        continue;
      }
      out.files.push_back({unit(s), service(static_cast<graph::Id>(i))});
      // A scheduled oneshot is started by its timer; by the target too when it runs at
      // the startup (run_on_start, or a service waits for it).
      bool at_start =
          !s.schedule || s.schedule->run_on_start || !g_.dependents(static_cast<graph::Id>(i)).empty();
      if (at_start) wants += " " + unit(s);
      if (s.schedule) {
        out.files.push_back({timer(s), timer_unit(s)});
        wants += " " + timer(s);
      }
    }
    out.files.push_back(
        {project_ + ".target", fmt::format("# {}.target: written by `lineup export systemd` from {}\n"
                                           "# systemctl start {}.target starts the stack in order.\n"
                                           "[Unit]\n"
                                           "Description=lineup project {}\n"
                                           "Wants={}\n"
                                           "\n"
                                           "[Install]\n"
                                           "WantedBy=multi-user.target\n",
                                           project_, source(), project_, cfg_.name, wants.substr(1))});
    if (!secret_keys_.empty()) {
      std::string example = fmt::format(
          "# The secrets of {}: install as {} (mode 0600), with the values filled in.\n"
          "# lineup never writes the values themselves.\n",
          cfg_.name, env_file());
      for (const auto& k : secret_keys_) example += k + "=\n";
      out.files.push_back({project_ + ".env.example", example});
    }
    out.not_carried = std::move(not_carried_);
    return out;
  }

 private:
  const config::Config& cfg_;
  const graph::Graph& g_;
  const SystemdOptions& o_;
  std::string project_;
  std::set<std::string> secret_keys_;
  std::vector<std::string> not_carried_;

  std::string unit(const Service& s) const { return project_ + "-" + unit_word(s.name) + ".service"; }
  std::string timer(const Service& s) const { return project_ + "-" + unit_word(s.name) + ".timer"; }

  // `schedule:` as a timer: OnCalendar= for a cron (two lines when both day
  // fields are restricted: cron runs on either, systemd's one line on both),
  // OnActiveSec= + OnUnitActiveSec= for an interval. systemd never starts a
  // unit that is still running: a run still going skips the next, as in lineup.
  std::string timer_unit(const Service& s) {
    const config::Schedule& sch = *s.schedule;
    std::string t = fmt::format(
        "# {}: written by `lineup export systemd` from {}\n[Unit]\nDescription={} on its schedule (lineup "
        "project {})\nPartOf={}.target\n\n[Timer]\nUnit={}\nAccuracySec=1s\n",
        timer(s), source(), s.name, cfg_.name, project_, unit(s));
    if (sch.interval) {
      std::string every = duration_text(*sch.interval);
      t += fmt::format("OnActiveSec={}\nOnUnitActiveSec={}\n", every, every);
    } else {
      for (const auto& line : calendar(*sch.cron, sch.utc)) t += "OnCalendar=" + line + "\n";
    }
    t += fmt::format("\n[Install]\nWantedBy={}.target\n", project_);
    return t;
  }

  template <size_t N>
  static std::string field(const std::bitset<N>& set, size_t from, size_t to, bool two_digits) {
    bool all = true;
    for (size_t i = from; i <= to; ++i) all = all && set[i];
    if (all) return "*";
    std::string out;
    for (size_t i = from; i <= to; ++i)
      if (set[i])
        out += (out.empty() ? "" : ",") + (two_digits ? fmt::format("{:02}", i) : std::to_string(i));
    return out;
  }

  static std::vector<std::string> calendar(const Cron& c, bool utc) {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    std::string time =
        fmt::format("{}:{}:00", field(c.hours(), 0, 23, true), field(c.minutes(), 0, 59, true));
    std::string months = field(c.months(), 1, 12, true);
    std::string weekdays;
    for (size_t d = 0; d < 7; ++d)
      if (c.weekdays()[d]) weekdays += (weekdays.empty() ? "" : ",") + std::string(kDays[d]);
    std::string zone = utc ? " UTC" : "";
    std::string by_date =
        fmt::format("*-{}-{} {}{}", months, c.any_day() ? "*" : field(c.days(), 1, 31, true), time, zone);
    std::string by_weekday = fmt::format("{} *-{}-* {}{}", weekdays, months, time, zone);
    if (c.any_weekday()) return {by_date};
    if (c.any_day()) return {by_weekday};
    return {by_date, by_weekday};
  }
  std::string env_file() const { return "/etc/lineup/" + project_ + ".env"; }
  std::string source() const { return cfg_.files.empty() ? cfg_.name : cfg_.files.front(); }
  void lost(const Service& s, std::string what) {
    not_carried_.push_back(fmt::format("{}: {}", s.name, what));
  }

  // systemd runs a program by its absolute path: a bare name is looked up
  // in PATH now, a relative path is taken from the working directory.
  std::string program(const std::string& name, const Service& s) const {
    namespace fs = std::filesystem;
    if (name.starts_with("/")) return name;
    if (name.find('/') != std::string::npos)
      return (fs::path(s.working_dir) / name).lexically_normal().string();
    for (const auto& dir : split(o_.path, ':'))
      if (!dir.empty() && ::access((fs::path(dir) / name).c_str(), X_OK) == 0)
        return (fs::path(dir) / name).string();
    return name;
  }

  static std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t at = s.find(sep); at != std::string_view::npos; start = at + 1, at = s.find(sep, start))
      out.emplace_back(s.substr(start, at - start));
    out.emplace_back(s.substr(start));
    return out;
  }

  // A command line: secrets referred to as ${NAME} (from the environment file).
  std::string exec_line(const config::Command& cmd, const Service& s) {
    std::string line;
    for (size_t i = 0; i < cmd.argv.size(); ++i) {
      std::string arg = i == 0 ? program(cmd.argv[0], s) : cmd.argv[i];
      std::vector<std::string> used;
      arg = refer_to_secrets(
          arg, service_environment(cfg_, s), [](const std::string& k) { return "${" + k + "}"; }, &used);
      line += (i ? " " : "") + (used.empty() ? systemd_word(arg) : word_with_references(arg));
    }
    return line;
  }

  // `lineup wait` on the service's own probes: the unit counts as started
  // (and its dependents start) only once they pass.
  std::string readiness(const Service& s, std::string& type) {
    std::vector<std::string> targets;
    for (const auto& p : s.ready) {
      if (std::holds_alternative<config::NotifyProbe>(p.kind)) {
        type = "notify";
        continue;
      }
      auto t = wait_target(p);
      if (!t) {
        lost(s, fmt::format("{} probe (ready): systemd cannot watch it", config::kind_name(p.kind)));
        continue;
      }
      std::string target = *t;
      std::string key;
      target = refer_to_password(
          target, s.name, service_environment(cfg_, s), o_.variables,
          [](const std::string& k) { return "${" + k + "}"; }, key);
      if (!key.empty()) secret_keys_.insert(key);
      targets.push_back(target);
    }
    if (targets.empty()) return "";
    std::string line =
        systemd_word(o_.lineup) + " wait --timeout " + fmt::format("{}s", ceil_seconds(s.startup_timeout, 1));
    for (const auto& t : targets)
      line += " " + (t.find("${") != std::string::npos ? word_with_references(t) : systemd_word(t));
    return line;
  }

  std::string service(graph::Id id) {
    const Service& s = cfg_.services[static_cast<size_t>(id)];
    std::string u =
        fmt::format("# {}: written by `lineup export systemd` from {}\n[Unit]\n", unit(s), source());
    u += fmt::format("Description={} (lineup project {})\nPartOf={}.target\n", s.name, cfg_.name, project_);
    for (size_t ei : g_.dependencies(id)) {
      const graph::Edge& e = g_.edges()[ei];
      const Service& dep = cfg_.services[static_cast<size_t>(e.dependency)];
      if (!dep.command) continue;
      // Requires= stops this one when the dependency fails; Wants= (required: false) does not.
      u += fmt::format("After={}\n{}={}\n", unit(dep), e.required ? "Requires" : "Wants", unit(dep));
      if (e.restart)
        lost(s, fmt::format("restart when {} restarts: systemd's Requires= stops it instead", dep.name));
    }
    u += fmt::format("StartLimitIntervalSec={}\nStartLimitBurst={}\n",
                     ceil_seconds(s.circuit_breaker.window, 1), s.circuit_breaker.threshold);

    std::string type = s.type == config::ServiceType::oneshot   ? "oneshot"
                       : s.type == config::ServiceType::forking ? "forking"
                                                                : "exec";
    std::string wait = readiness(s, type);
    u += "\n[Service]\nType=" + type + "\n";
    // Done stays active, as a dependency that completed; a scheduled one must go
    // inactive, or its timer could not start it again.
    if (type == "oneshot" && !s.schedule) u += "RemainAfterExit=yes\n";
    if (type == "notify") u += "NotifyAccess=all\n";
    u += "WorkingDirectory=" + s.working_dir + "\n";
    bool secrets = false;
    for (const auto& [k, v] : service_environment(cfg_, s)) {
      if (is_secret_variable(k)) {
        secret_keys_.insert(k);
        secrets = true;
        continue;
      }
      u += "Environment=" + systemd_word(k + "=" + v) + "\n";
    }
    std::string start = exec_line(*s.command, s);
    if (secrets || start.find("${") != std::string::npos || wait.find("${") != std::string::npos)
      u += "EnvironmentFile=" + env_file() + "\n";
    u += "ExecStart=" + start + "\n";
    if (!wait.empty()) u += "ExecStartPost=" + wait + "\n";
    // '-': a failing post_start is logged, not fatal, as in lineup.
    for (const auto& hook : *s.post_start) u += "ExecStartPost=-" + exec_line(hook, s) + "\n";
    if (s.stop_command) u += "ExecStop=" + exec_line(*s.stop_command, s) + "\n";
    bool oneshot = s.type == config::ServiceType::oneshot;
    switch (s.restart.policy) {
      case config::RestartPolicy::no:
        u += "Restart=no\n";
        break;
      case config::RestartPolicy::on_failure:
        u += "Restart=on-failure\n";
        break;
      default:
        // systemd refuses Restart=always for Type=oneshot: a oneshot that succeeded is done.
        u += oneshot ? "Restart=on-failure\n" : "Restart=always\n";
        if (oneshot) lost(s, "restart: always on a oneshot: systemd restarts a oneshot only on failure");
        break;
    }
    if (s.restart.policy != config::RestartPolicy::no)
      u += fmt::format("RestartSec={}\n", duration_text(s.restart.backoff.initial));
    u += fmt::format("TimeoutStartSec={}\nTimeoutStopSec={}\n", duration_text(s.startup_timeout),
                     duration_text(s.stop_grace_period));
    // kill_mode main is systemd's mixed: the main process first, SIGKILL to the whole group at the end.
    u += "KillSignal=" + signal_name(s.stop_signal) +
         (s.kill_mode == config::KillMode::main ? "\nKillMode=mixed\n" : "\nKillMode=control-group\n");
    const auto& l = *s.limits;
    if (l.memory) u += fmt::format("MemoryMax={}\n", *l.memory);
    if (l.cpus) u += fmt::format("CPUQuota={}%\n", static_cast<long long>(std::llround(*l.cpus * 100)));
    if (l.pids) u += fmt::format("TasksMax={}\n", *l.pids);
    if (l.nofile) u += fmt::format("LimitNOFILE={}:{}\n", l.nofile->soft, l.nofile->hard);
    if (l.nproc) u += fmt::format("LimitNPROC={}:{}\n", l.nproc->soft, l.nproc->hard);
    std::string codes;
    for (int c : s.success_exit_codes)
      if (c != 0) codes += " " + std::to_string(c);
    if (!codes.empty()) u += "SuccessExitStatus=" + codes.substr(1) + "\n";
    if (!s.schedule || s.schedule->run_on_start || !g_.dependents(id).empty())
      u += fmt::format("\n[Install]\nWantedBy={}.target\n", project_);

    if (!s.live.empty())
      lost(s, "live probes: systemd has no liveness check (a watchdog needs the service's help)");
    if (!s.fail_on_log->empty()) lost(s, "fail_on_log: systemd does not read a service's output");
    if (s.restart.backoff.multiplier != 1.0 && s.restart.policy != config::RestartPolicy::no)
      lost(s, "backoff growth: RestartSec= is a fixed delay (the first of lineup's)");
    return u;
  }
};

}  // namespace

std::string systemd_word(std::string_view arg) {
  std::string out = "\"";
  for (char c : arg) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '$':
        out += "$$";
        break;
      case '%':
        out += "%%";
        break;
      default:
        out += c;
    }
  }
  return out + "\"";
}

Result<Exported> export_systemd(const config::Config& cfg, const graph::Graph& g, const SystemdOptions& o) {
  return SystemdExporter(cfg, g, o).run();
}

}  // namespace lineup::exporter
