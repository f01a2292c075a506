#include "export/kubernetes.h"

#include <fmt/format.h>

#include <cmath>

#include <algorithm>
#include <set>

#include "config/redact.h"
#include "export/kubernetes_check.h"
#include "export/targets.h"
#include "graph/plan.h"
#include "util/strings.h"
#include "util/url.h"
#include "util/yaml_text.h"

namespace lineup::exporter {

namespace {

using json = nlohmann::ordered_json;
using config::Probe;
using config::Service;

// Scheduling weight of each lineup priority; lineup's priority says what a
// failure means, Kubernetes' which pod is scheduled (and kept) first.
constexpr std::pair<config::Priority, int> kPriorityValues[] = {{config::Priority::critical, 1000},
                                                                {config::Priority::high, 100},
                                                                {config::Priority::medium, 10},
                                                                {config::Priority::low, 1}};

struct Object {
  std::string file;
  std::vector<std::string> comments;  // written above the object: what was reduced, and why
  json body;
};

std::string quote_sh(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Within double quotes in sh, so that ${VAR} still expands.
std::string dquote_sh(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\' || c == '`') out += '\\';
    out += c;
  }
  return out + "\"";
}

class KubernetesExporter {
 public:
  KubernetesExporter(const config::Config& cfg, const graph::Graph& g, const KubernetesOptions& o)
      : cfg_(cfg), g_(g), o_(o) {}

  Result<Exported> run() {
    project_ = dns_label(cfg_.name);
    if (project_.empty()) project_ = "lineup";
    std::vector<std::string> errors;
    std::map<std::string, std::string> seen;  // label -> service
    for (const auto& s : cfg_.services) {
      std::string label = dns_label(s.name);
      if (label.empty()) {
        errors.push_back(fmt::format("service \"{}\": no Kubernetes name can be made of it", s.name));
        continue;
      }
      if (auto [it, fresh] = seen.emplace(label, s.name); !fresh)
        errors.push_back(fmt::format("services \"{}\" and \"{}\" are both \"{}\" as Kubernetes names",
                                     it->second, s.name, label));
      if (image_of(s).empty())
        errors.push_back(
            fmt::format("service \"{}\" has no image: give `--image {}=IMAGE`, `x-kubernetes: {{image: "
                        "...}}` or `image:`",
                        s.name, s.name));
    }
    if (!errors.empty()) return unexpected(join(errors, "\n"));

    for (const auto& s : cfg_.services)
      for (const auto& p : *s.ports) port_owner_.emplace(p.port, &s);
    for (size_t i = 0; i < cfg_.services.size(); ++i) service(static_cast<graph::Id>(i));
    priority_classes();
    if (auto bad = check_objects(bodies(), dependencies()); !bad.empty())
      return unexpected("an exported object is invalid (a bug in lineup, please report it):\n" +
                        join(bad, "\n"));

    Exported out;
    std::vector<std::string> resources;
    for (const auto& obj : objects_) {
      std::string text = fmt::format("# {}: written by `lineup export kubernetes` from {}\n", obj.file,
                                     cfg_.files.empty() ? cfg_.name : cfg_.files.front());
      for (const auto& c : obj.comments) text += "# " + c + "\n";
      out.files.push_back({obj.file, text + to_yaml(obj.body)});
      resources.push_back(obj.file);
    }
    out.files.push_back({"kustomization.yaml", kustomization(resources)});
    if (!secret_keys_.empty()) {
      std::string example = fmt::format(
          "# The Secret \"{}\": copy this file to secret.env, fill in the values, then `kubectl apply -k "
          ".`.\n"
          "# lineup never writes the values themselves.\n",
          secret_name());
      for (const auto& k : secret_keys_) example += k + "=\n";
      out.files.push_back({"secret.env.example", example});
    }
    out.not_carried = std::move(not_carried_);
    return out;
  }

 private:
  const config::Config& cfg_;
  const graph::Graph& g_;
  const KubernetesOptions& o_;
  std::string project_;
  std::vector<Object> objects_;
  std::set<std::string> secret_keys_;
  std::set<config::Priority> priorities_;
  std::vector<std::string> not_carried_;

  std::map<int, const Service*> port_owner_;  // who declares each port in `ports:`

  // The service a probe checks. lineup runs the stack on one machine, so a
  // probe of localhost may check another service's port (auth checks the
  // database's schema); in Kubernetes that one is another pod, reached by
  // its Service name. nullptr: a host outside the stack.
  const Service* checked_service(const Service& s, const Probe& p) const {
    using namespace config;
    std::string host;
    if (auto* t = std::get_if<TcpProbe>(&p.kind))
      host = t->host;
    else if (auto* g = std::get_if<GrpcProbe>(&p.kind))
      host = g->host;
    else if (auto target = wait_target(p); target && target->find("://") != std::string::npos)
      host = split_url(*target).value_or(UrlParts{}).host;
    if (!is_local_host(host)) return nullptr;
    int port = probe_port(p);
    if (port == 0 ||
        std::any_of(s.ports->begin(), s.ports->end(), [&](const auto& q) { return q.port == port; }))
      return &s;
    auto it = port_owner_.find(port);
    return it != port_owner_.end() ? it->second : &s;
  }

  std::string secret_name() const { return project_ + "-secrets"; }
  std::string wait_image() const {
    return o_.wait_image.empty() ? std::string("lineup:") + LINEUP_VERSION : o_.wait_image;
  }

  std::string image_of(const Service& s) const {
    if (auto it = o_.images.find(s.name); it != o_.images.end()) return it->second;
    if (!s.kubernetes->image.empty()) return s.kubernetes->image;
    if (!s.image->empty() && !s.built_here()) return *s.image;
    return o_.default_image;
  }

  void lost(const Service& s, std::string what) {
    not_carried_.push_back(fmt::format("{}: {}", s.name, what));
  }

  std::vector<json> bodies() const {
    std::vector<json> out;
    for (const auto& o : objects_) out.push_back(o.body);
    return out;
  }

  // Per workload, the names its init containers may wait for.
  std::map<std::string, std::set<std::string>> dependencies() const {
    std::map<std::string, std::set<std::string>> out;
    for (const auto& e : g_.edges())
      out[dns_label(g_.name(e.dependent))].insert(dns_label(g_.name(e.dependency)));
    return out;
  }

  bool depends_on(const Service& s, const std::string& dep) const {
    return std::any_of(s.depends_on.begin(), s.depends_on.end(),
                       [&](const auto& d) { return d.name == dep; });
  }

  json labels(const Service& s) const {
    return {{"app.kubernetes.io/name", dns_label(s.name)}, {"app.kubernetes.io/part-of", project_}};
  }

  json metadata(std::string name, const Service* s) const {
    json m = {{"name", std::move(name)}};
    if (s) {
      json l = labels(*s);
      l["app.kubernetes.io/managed-by"] = "lineup";
      m["labels"] = l;
    }
    return m;
  }

  std::vector<std::pair<std::string, std::string>> environment(const Service& s) const {
    return service_environment(cfg_, s);
  }

  json secret_ref(const std::string& key) {
    secret_keys_.insert(key);
    return {{"name", key}, {"valueFrom", {{"secretKeyRef", {{"name", secret_name()}, {"key", key}}}}}};
  }

  // A password in a probe's URL becomes a reference to the secret variable
  // that holds it (or to a key of its own): `$(VAR)` for Kubernetes to
  // expand in a container's command, `${VAR}` for a shell. The variable is
  // added to `env`.
  std::string hide_password(const std::string& target, const Service& owner, json& env, bool for_shell) {
    std::string key;
    std::string out = refer_to_password(
        target, dns_label(owner.name), environment(owner), o_.variables,
        for_shell ? +[](const std::string& k) { return "${" + k + "}"; }
                  : +[](const std::string& k) { return "$(" + k + ")"; },
        key);
    if (!key.empty() && std::none_of(env.begin(), env.end(), [&](const json& e) { return e["name"] == key; }))
      env.push_back(secret_ref(key));
    return out;
  }

  // One probe as a Kubernetes handler; `note` says what was reduced.
  std::optional<json> handler(const Service& s, const Probe& p, json& env, std::string& note) {
    using namespace config;
    auto host_of = [](json& h, const std::string& host) {
      if (!is_local_host(host)) h["host"] = host;
    };
    if (auto* e = std::get_if<ExecProbe>(&p.kind)) return json{{"exec", {{"command", e->command.argv}}}};
    if (auto* t = std::get_if<TcpProbe>(&p.kind)) {
      json h = {{"port", t->port}};
      host_of(h, t->host);
      return json{{"tcpSocket", h}};
    }
    if (auto* h = std::get_if<HttpProbe>(&p.kind)) {
      auto u = split_url(h->url);
      if (!u) return std::nullopt;
      if (h->method != "GET" || !h->body.empty()) {
        // httpGet can only GET: the same request without its body would get another answer (404, 405).
        note = fmt::format(
            "http probe {} {} reduced to tcpSocket on port {}: Kubernetes' httpGet sends only GET", h->method,
            h->url, probe_port(p));
        return json{{"tcpSocket", {{"port", probe_port(p)}}}};
      }
      json get = {{"path", u->rest.empty() ? "/" : u->rest}, {"port", probe_port(p)}};
      host_of(get, u->host);
      if (u->scheme == "https") get["scheme"] = "HTTPS";
      if (!h->headers.empty()) {
        json headers = json::array();
        for (const auto& [k, v] : h->headers) headers.push_back({{"name", k}, {"value", v}});
        get["httpHeaders"] = headers;
      }
      std::vector<std::string> dropped;
      if (!h->json.empty() || !h->body_contains.empty() || !h->body_regex.empty())
        dropped.push_back("body checks");
      if (h->status_class != 2 || !h->status.empty()) dropped.push_back("the expected status");
      if (!dropped.empty())
        note = fmt::format("http probe {}: httpGet passes on any 200-399 answer; {} not carried over", h->url,
                           join(dropped, ", "));
      return json{{"httpGet", get}};
    }
    if (auto* g = std::get_if<GrpcProbe>(&p.kind)) {
      if (!g->tls) {
        json h = {{"port", g->port}};
        if (!g->service.empty()) h["service"] = g->service;
        return json{{"grpc", h}};
      }
      note = fmt::format("grpc probe with TLS on port {}: Kubernetes' grpc probe has no TLS, so tcpSocket",
                         g->port);
      return json{{"tcpSocket", {{"port", g->port}}}};
    }
    if (std::holds_alternative<LogProbe>(p.kind) || std::holds_alternative<NotifyProbe>(p.kind) ||
        std::holds_alternative<NotifyFdProbe>(p.kind) || std::holds_alternative<FileProbe>(p.kind))
      return std::nullopt;
    // postgres, redis, mysql, websocket: `lineup wait` in the service's own image, or a TCP connect.
    auto target = wait_target(p);
    if (!target) return std::nullopt;
    if (s.kubernetes->exec_probes) {
      std::string url = hide_password(*target, s, env, /*for_shell=*/true);
      if (url == *target)
        return json{
            {"exec", {{"command", {"lineup", "wait", "--timeout", duration_text(p.timing.timeout), url}}}}};
      return json{{"exec",
                   {{"command",
                     {"/bin/sh", "-c",
                      fmt::format("exec lineup wait --timeout {} {}", duration_text(p.timing.timeout),
                                  dquote_sh(url))}}}}};
    }
    note = fmt::format(
        "{} probe reduced to tcpSocket on port {}: the image is not known to have lineup "
        "(x-kubernetes: {{probes: exec}} runs `lineup wait` in it instead)",
        config::kind_name(p.kind), probe_port(p));
    return json{{"tcpSocket", {{"port", probe_port(p)}}}};
  }

  // The probe of `list` Kubernetes gets. It takes one of each kind, so:
  // the last that maps without loss (lineup's layers put the strongest
  // last), else the last that maps at all; every other is reported.
  std::optional<json> pick(const Service& s, const std::vector<Probe>& list, std::string_view what, json& env,
                           std::vector<std::string>& comments, const Probe*& chosen) {
    struct Candidate {
      const Probe* probe;
      json handler, env;
      std::string note;
    };
    std::vector<Candidate> candidates;
    for (const auto& p : list) {
      if (const Service* other = checked_service(s, p); other && other != &s) {
        lost(s,
             fmt::format("{} probe ({}) of {}'s port {}: in Kubernetes {} is another pod ({})",
                         config::kind_name(p.kind), what, other->name, probe_port(p), other->name,
                         g_.id(other->name) && depends_on(s, other->name) ? "an init container waits for it"
                                                                          : "not a dependency: not checked"));
        continue;
      }
      Candidate c{&p, {}, env, {}};
      auto h = handler(s, p, c.env, c.note);
      if (!h) {
        lost(s, fmt::format("{} probe ({}): Kubernetes has no probe that {}", config::kind_name(p.kind), what,
                            std::holds_alternative<config::FileProbe>(p.kind)
                                ? "looks for a file"
                                : "reads a process's output or notifications"));
        continue;
      }
      c.handler = std::move(*h);
      candidates.push_back(std::move(c));
    }
    if (candidates.empty()) return std::nullopt;
    // Without loss first, then a native handler that lost a detail, then a protocol reduced to a TCP connect.
    auto rank = [](const Candidate& c) {
      return c.note.empty() ? 3 : c.handler.contains("tcpSocket") ? 1 : 2;
    };
    const Candidate* best = &candidates.back();
    for (auto it = candidates.rbegin(); it != candidates.rend(); ++it)
      if (rank(*it) > rank(*best)) best = &*it;
    const Candidate& c = *best;
    for (const auto& other : candidates)
      if (&other != &c)
        lost(s,
             fmt::format("{} probe ({}): Kubernetes takes one {} probe; the {} probe is used",
                         config::kind_name(other.probe->kind), what, what, config::kind_name(c.probe->kind)));
    if (!c.note.empty()) comments.push_back("reduced: " + c.note);
    env = c.env;
    chosen = c.probe;
    return c.handler;
  }

  static json timing(const config::ProbeTiming& t) {
    json j;
    if (t.initial_delay.count() > 0) j["initialDelaySeconds"] = ceil_seconds(t.initial_delay);
    j["periodSeconds"] = ceil_seconds(t.interval, 1);
    j["timeoutSeconds"] = ceil_seconds(t.timeout, 1);
    j["failureThreshold"] = std::max(1, t.failure_threshold);
    return j;
  }

  void probes(const Service& s, json& container, std::vector<std::string>& comments) {
    json env = container.contains("env") ? container["env"] : json::array();
    const Probe* chosen = nullptr;
    if (auto h = pick(s, s.ready, "ready", env, comments, chosen)) {
      json ready = *h;
      ready.update(timing(chosen->timing));
      if (chosen->timing.success_threshold > 1) ready["successThreshold"] = chosen->timing.success_threshold;
      container["readinessProbe"] = ready;
      // Until the first success: checked often, for the whole startup budget.
      json startup = *h;
      long long period = ceil_seconds(chosen->timing.start_interval, 1);
      if (chosen->timing.initial_delay.count() > 0)
        startup["initialDelaySeconds"] = ceil_seconds(chosen->timing.initial_delay);
      startup["periodSeconds"] = period;
      startup["timeoutSeconds"] = ceil_seconds(chosen->timing.timeout, 1);
      startup["failureThreshold"] = std::max<long long>(1, ceil_seconds(s.startup_timeout, 1) / period);
      container["startupProbe"] = startup;
    }
    chosen = nullptr;
    if (auto h = pick(s, s.live, "live", env, comments, chosen)) {
      json live = *h;
      live.update(timing(chosen->timing));
      container["livenessProbe"] = live;
    }
    if (!env.empty()) container["env"] = env;
  }

  // The targets `lineup wait` checks for `dep` from another pod: its
  // network probes pointed at its Service, else a TCP connect to its first
  // port (a ClusterIP Service answers only once a pod is Ready).
  std::vector<std::string> dependency_targets(const Service& dep) {
    std::vector<std::string> out;
    std::string host = dns_label(dep.name);
    for (const auto& p : dep.ready) {
      const Service* owner = checked_service(dep, p);
      if (auto t = owner ? wait_target(p, dns_label(owner->name)) : wait_target(p))
        out.push_back(*t);
      else if (auto* h = std::get_if<config::HttpProbe>(&p.kind))
        lost(dep, fmt::format(
                      "http probe {} {} (ready): dependents do not wait for it, `lineup wait` sends only GET",
                      h->method, h->url));
    }
    if (out.empty()) {
      auto ports = service_ports(dep);
      if (!ports.empty()) out.push_back(fmt::format("tcp://{}:{}", host, ports.front().port));
    }
    return out;
  }

  struct ServicePort {
    int port;       // what other services connect to (compose's published side)
    int container;  // what the process listens on
    std::string name() const { return fmt::format("tcp-{}", container); }
  };

  // The TCP ports a service listens on: `ports:`, `expose:`, then its own
  // probes' ports (so that a dependent can reach what the probe checks).
  std::vector<ServicePort> service_ports(const Service& s) const {
    std::vector<ServicePort> out;
    auto add = [&](int port, int container) {
      if (port > 0 && std::none_of(out.begin(), out.end(), [&](const auto& p) { return p.port == port; }))
        out.push_back({port, container ? container : port});
    };
    for (const auto& p : *s.ports)
      if (p.protocol == "tcp") add(p.port, p.target);
    for (int p : *s.expose) add(p, 0);
    for (const auto* list : {&s.ready, &s.live})
      for (const auto& p : *list)
        if (checked_service(s, p) == &s) add(probe_port(p), 0);
    return out;
  }

  // One init container per dependency: the pod starts once each is ready.
  json init_containers(graph::Id id, std::map<std::string, std::vector<std::string>>& reads) {
    const Service& s = cfg_.services[static_cast<size_t>(id)];
    json out = json::array();
    for (size_t ei : g_.dependencies(id)) {
      const graph::Edge& e = g_.edges()[ei];
      const Service& dep = cfg_.services[static_cast<size_t>(e.dependency)];
      json env = json::array();
      std::vector<std::string> targets;
      bool oneshot = dep.type == config::ServiceType::oneshot;
      // A Service answers once one replica is ready; lineup waits for all of them, so
      // a dependency with replicas is waited for as its workload (every pod ready).
      if (!oneshot && dep.replicas < 2)
        for (const auto& t : dependency_targets(dep)) targets.push_back(hide_password(t, dep, env, false));
      if (targets.empty()) {
        // A Job's success; or, for a workload with no port or network probe
        // to reach, its ready pods (its readinessProbe runs its own checks),
        // both read from the API server with the waiter's service account.
        auto [scheme, resource] = oneshot ? std::pair{"job", "jobs"}
                                  : dep.kubernetes->kind == "StatefulSet"
                                      ? std::pair{"statefulset", "statefulsets"}
                                      : std::pair{"deployment", "deployments"};
        env.push_back({{"name", "POD_NAMESPACE"},
                       {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.namespace"}}}}}});
        targets.push_back(fmt::format("kubernetes-{}://$(POD_NAMESPACE)/{}", scheme, dns_label(dep.name)));
        reads[resource].push_back(dns_label(dep.name));
        if (oneshot && e.condition != config::Condition::completed)
          lost(s, fmt::format("waiting for {} ({}): a Job is waited for until it has succeeded", dep.name,
                              config::name_of(e.condition)));
      }
      std::vector<std::string> argv = {"lineup", "wait", "--timeout",
                                       fmt::format("{}s", ceil_seconds(graph::startup_budget(dep), 1))};
      argv.insert(argv.end(), targets.begin(), targets.end());
      json c = {{"name", dns_label("wait-" + dep.name)}, {"image", wait_image()}};
      if (e.required) {
        c["command"] = argv;
      } else {
        // required: false: the service starts anyway once the wait is over.
        std::string line;
        for (const auto& a : argv) line += (line.empty() ? "" : " ") + quote_sh(a);
        c["command"] = {"/bin/sh", "-c", line + " || true"};
      }
      if (!env.empty()) c["env"] = env;
      out.push_back(c);
      if (e.restart)
        lost(s, fmt::format("restart when {} restarts (depends_on.restart): pods restart on their own",
                            dep.name));
    }
    return out;
  }

  json container(const Service& s, std::vector<std::string>& comments) {
    json c = {{"name", dns_label(s.name)}, {"image", image_of(s)}};
    json env = json::array();
    json plain = json::object();
    for (const auto& [k, v] : environment(s)) {
      if (is_secret_variable(k))
        env.push_back(secret_ref(k));
      else
        plain[k] = v;
    }
    if (s.command) {
      const auto& cmd = *s.command;
      // compose: without an entrypoint, an image's command is its entrypoint's arguments.
      bool args = !s.image->empty() && !s.built_here() && !cmd.from_entrypoint;
      std::vector<std::string> argv = cmd.argv;
      if (args && cmd.shell)
        if (auto words = shell_words(cmd.argv.back())) argv = *words;
      // A secret in the command line: Kubernetes puts it there from the Secret ($(VAR)).
      for (auto& a : argv)
        a = refer_to_secrets(a, environment(s), [](const std::string& k) { return "$(" + k + ")"; });
      c[args ? "args" : "command"] = argv;
    }
    if (!plain.empty()) {
      c["envFrom"] = {{{"configMapRef", {{"name", dns_label(s.name) + "-env"}}}}};
      objects_.push_back({dns_label(s.name) + "-configmap.yaml",
                          {},
                          {{"apiVersion", "v1"},
                           {"kind", "ConfigMap"},
                           {"metadata", metadata(dns_label(s.name) + "-env", &s)},
                           {"data", plain}}});
    }
    if (!env.empty()) c["env"] = env;
    auto ports = service_ports(s);
    if (!ports.empty()) {
      json list = json::array();
      std::set<int> seen;
      for (const auto& p : ports)
        if (seen.insert(p.container).second)
          list.push_back({{"name", p.name()}, {"containerPort", p.container}});
      c["ports"] = list;
    }
    probes(s, c, comments);
    resources(s, c);
    if (s.stop_command) c["lifecycle"] = {{"preStop", {{"exec", {{"command", s.stop_command->argv}}}}}};
    return c;
  }

  // limits.memory and cpus are the container's resources.limits (requests
  // default to them); pids, nofile and nproc are the node's business.
  void resources(const Service& s, json& c) {
    const auto& l = *s.limits;
    json limits = json::object();
    if (l.memory) limits["memory"] = std::to_string(*l.memory);
    if (l.cpus) limits["cpu"] = fmt::format("{}m", static_cast<long long>(std::llround(*l.cpus * 1000)));
    if (!limits.empty()) c["resources"] = {{"limits", limits}};
    if (l.pids) lost(s, "limits.pids: a pod's process limit is set on the node (kubelet podPidsLimit)");
    if (l.nofile || l.nproc) lost(s, "limits.nofile / nproc: rlimits come from the container runtime");
  }

  void service(graph::Id id) {
    const Service& s = cfg_.services[static_cast<size_t>(id)];
    std::string name = dns_label(s.name);
    std::vector<std::string> comments;
    std::map<std::string, std::vector<std::string>> reads;  // resource -> names the waiter may get
    json pod;
    json inits = init_containers(id, reads);
    if (!inits.empty()) pod["initContainers"] = inits;
    pod["containers"] = json::array({container(s, comments)});
    pod["terminationGracePeriodSeconds"] = ceil_seconds(s.stop_grace_period);
    priorities_.insert(s.priority);
    pod["priorityClassName"] = project_ + "-" + std::string(config::name_of(s.priority));
    if (!reads.empty()) {
      pod["serviceAccountName"] = name + "-waiter";
      waiter_rbac(s, reads);
    }
    if (s.stop_signal != 15)
      lost(s, "stop_signal: Kubernetes stops a container with SIGTERM (the image's STOPSIGNAL decides)");
    if (!s.post_start->empty())
      lost(s, "post_start: a failing Kubernetes postStart hook kills the container, lineup's is only logged");
    if (!s.fail_on_log->empty()) lost(s, "fail_on_log: Kubernetes does not read a container's output");
    if (s.type == config::ServiceType::forking)
      lost(s,
           "type: forking: a container ends when its main process exits; the image must run the daemon "
           "in the foreground");
    if (s.kill_mode == config::KillMode::main)
      lost(s, "kill_mode: main: Kubernetes signals the container's main process, and kills the rest with it");

    json meta = metadata(name, &s);
    json template_ = {{"metadata", {{"labels", labels(s)}}}, {"spec", pod}};
    if (s.type == config::ServiceType::oneshot) {
      bool retry = s.restart.policy != config::RestartPolicy::no;
      template_["spec"]["restartPolicy"] = retry ? "OnFailure" : "Never";
      json spec = {{"backoffLimit", retry ? std::max(0, graph::attempts_before_failure(s) - 1) : 0},
                   {"template", template_}};
      if (s.replicas > 1) {  // every replica runs once, all at the same time, as lineup runs them
        spec["completions"] = s.replicas;
        spec["parallelism"] = s.replicas;
      }
      if (s.schedule) cron_job(s, name, meta, spec, comments);
      // A scheduled oneshot runs at the startup too when it says so or a service waits for it.
      if (!s.schedule || s.schedule->run_on_start || !g_.dependents(id).empty())
        objects_.push_back(
            {name + "-job.yaml",
             comments,
             {{"apiVersion", "batch/v1"}, {"kind", "Job"}, {"metadata", meta}, {"spec", spec}}});
    } else {
      if (s.restart.policy == config::RestartPolicy::no)
        lost(s, "restart: no: a Deployment's pod is always restarted");
      bool stateful = s.kubernetes->kind == "StatefulSet";
      json spec = {{"replicas", s.replicas}, {"selector", {{"matchLabels", labels(s)}}}};
      if (stateful) spec["serviceName"] = name;
      spec["template"] = template_;
      objects_.push_back({name + (stateful ? "-statefulset.yaml" : "-deployment.yaml"),
                          comments,
                          {{"apiVersion", "apps/v1"},
                           {"kind", stateful ? "StatefulSet" : "Deployment"},
                           {"metadata", meta},
                           {"spec", spec}}});
    }
    auto ports = service_ports(s);
    if (!ports.empty() || s.kubernetes->kind == "StatefulSet") {
      json spec = {{"selector", labels(s)}};
      if (s.kubernetes->kind == "StatefulSet") spec["clusterIP"] = "None";
      json list = json::array();
      for (const auto& p : ports)
        list.push_back({{"name", fmt::format("tcp-{}", p.port)}, {"port", p.port}, {"targetPort", p.name()}});
      if (!list.empty()) spec["ports"] = list;
      objects_.push_back({name + "-service.yaml",
                          {},
                          {{"apiVersion", "v1"}, {"kind", "Service"}, {"metadata", meta}, {"spec", spec}}});
    }
  }

  // `schedule:` -> a CronJob of the same Job, never two runs at once (a run
  // still going when the next is due is skipped, as lineup does).
  void cron_job(const Service& s, const std::string& name, const json& meta, const json& job,
                const std::vector<std::string>& comments) {
    const config::Schedule& sch = *s.schedule;
    std::string cron;
    if (sch.cron) {
      cron = sch.cron->text();
    } else {
      bool exact = false;
      cron = interval_as_cron(*sch.interval, exact);
      lost(s, fmt::format("schedule.interval {}: a CronJob runs on the clock, {}: \"{}\"",
                          format_duration(*sch.interval), exact ? "from the full hour" : "as near as it can",
                          cron));
    }
    json spec = {{"schedule", cron}, {"concurrencyPolicy", "Forbid"}, {"jobTemplate", {{"spec", job}}}};
    if (sch.utc)
      spec["timeZone"] = "Etc/UTC";
    else if (sch.cron)
      lost(s, "schedule: local time: the CronJob runs in the time zone of the cluster's controller manager");
    objects_.push_back(
        {name + "-cronjob.yaml",
         comments,
         {{"apiVersion", "batch/v1"}, {"kind", "CronJob"}, {"metadata", meta}, {"spec", spec}}});
  }

  // An interval as the nearest cron a clock can run: every N minutes (or
  // hours) when N divides the hour (or the day), else every hour or day.
  static std::string interval_as_cron(Millis every, bool& exact) {
    long long minutes = std::max(1LL, static_cast<long long>(every.count() / 60'000));
    if (minutes < 60) {
      for (long long m = minutes; m >= 1; --m)
        if (60 % m == 0) {
          exact = m * 60'000 == every.count();
          return m == 1 ? "* * * * *" : fmt::format("*/{} * * * *", m);
        }
    }
    long long hours = minutes / 60;
    if (hours < 24) {
      for (long long h = hours; h >= 1; --h)
        if (24 % h == 0) {
          exact = h * 3'600'000 == every.count();
          return h == 1 ? "0 * * * *" : fmt::format("0 */{} * * *", h);
        }
    }
    exact = every.count() == 86'400'000;
    return "0 0 * * *";
  }

  // What `lineup wait kubernetes-job://` (-deployment://, -statefulset://) needs: `get` on those objects
  // only.
  void waiter_rbac(const Service& s, const std::map<std::string, std::vector<std::string>>& reads) {
    std::string name = dns_label(s.name) + "-waiter";
    json rules = json::array();
    for (const auto& [resource, names] : reads)
      rules.push_back({{"apiGroups", {resource == "jobs" ? "batch" : "apps"}},
                       {"resources", {resource}},
                       {"resourceNames", names},
                       {"verbs", {"get"}}});
    objects_.push_back(
        {name + "-serviceaccount.yaml",
         {},
         {{"apiVersion", "v1"}, {"kind", "ServiceAccount"}, {"metadata", metadata(name, &s)}}});
    objects_.push_back({name + "-role.yaml",
                        {},
                        {{"apiVersion", "rbac.authorization.k8s.io/v1"},
                         {"kind", "Role"},
                         {"metadata", metadata(name, &s)},
                         {"rules", rules}}});
    json subject = {{"kind", "ServiceAccount"}, {"name", name}};
    if (!o_.ns.empty()) subject["namespace"] = o_.ns;
    objects_.push_back(
        {name + "-rolebinding.yaml",
         {},
         {{"apiVersion", "rbac.authorization.k8s.io/v1"},
          {"kind", "RoleBinding"},
          {"metadata", metadata(name, &s)},
          {"subjects", {subject}},
          {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", name}}}}});
  }

  void priority_classes() {
    for (auto [priority, value] : kPriorityValues) {
      if (!priorities_.count(priority)) continue;
      std::string name = project_ + "-" + std::string(config::name_of(priority));
      objects_.push_back(
          {name + "-priorityclass.yaml",
           {"cluster-wide: the namespace does not apply"},
           {{"apiVersion", "scheduling.k8s.io/v1"},
            {"kind", "PriorityClass"},
            {"metadata", {{"name", name}}},
            {"value", value},
            {"globalDefault", false},
            {"description", fmt::format("lineup priority {} of {}", config::name_of(priority), cfg_.name)}}});
    }
  }

  std::string kustomization(const std::vector<std::string>& resources) const {
    json k = {{"apiVersion", "kustomize.config.k8s.io/v1beta1"}, {"kind", "Kustomization"}};
    if (!o_.ns.empty()) k["namespace"] = o_.ns;
    k["resources"] = resources;
    if (!secret_keys_.empty()) {
      k["secretGenerator"] = {{{"name", secret_name()}, {"envs", {"secret.env"}}}};
      k["generatorOptions"] = {{"disableNameSuffixHash", true}};
    }
    std::string head = "# kubectl apply -k .";
    if (!secret_keys_.empty()) head += "   (first: cp secret.env.example secret.env, and fill it in)";
    return head + "\n" + to_yaml(k);
  }
};

}  // namespace

std::string dns_label(std::string_view name) {
  std::string out;
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u))
      out += static_cast<char>(std::tolower(u));
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  if (out.size() > 63) out.resize(63);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

Result<Exported> export_kubernetes(const config::Config& cfg, const graph::Graph& g,
                                   const KubernetesOptions& o) {
  return KubernetesExporter(cfg, g, o).run();
}

}  // namespace lineup::exporter
