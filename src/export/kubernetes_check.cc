#include "export/kubernetes_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace lineup::exporter {

namespace {

using json = nlohmann::ordered_json;

bool alnum(char c) {
  return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
}

// IANA service name: what a port's `name` must be.
bool is_port_name(std::string_view s) {
  return !s.empty() && s.size() <= 15 && alnum(s.front()) && alnum(s.back()) &&
         std::all_of(s.begin(), s.end(), [](char c) { return alnum(c) || c == '-'; }) &&
         std::any_of(s.begin(), s.end(),
                     [](char c) { return std::islower(static_cast<unsigned char>(c)); }) &&
         s.find("--") == std::string_view::npos;
}

class Checker {
 public:
  explicit Checker(const std::map<std::string, std::set<std::string>>& deps) : deps_(deps) {}
  std::vector<std::string> problems;

  void object(const json& o) {
    std::string kind = o.value("kind", "");
    std::string name = o.contains("metadata") ? o["metadata"].value("name", "") : "";
    where_ = kind + "/" + name;
    if (kind.empty() || !o.contains("apiVersion")) bad("no apiVersion or kind");
    bool label = kind == "Service" || kind == "Deployment" || kind == "StatefulSet" || kind == "Job";
    if (label ? !is_dns_label(name) : !is_dns_subdomain(name))
      bad(fmt::format("name \"{}\" is not a DNS-1123 {}", name, label ? "label" : "subdomain"));
    if (kind == "Deployment" || kind == "StatefulSet" || kind == "Job") workload(o, kind, name);
    if (kind == "Service" && o["spec"].contains("ports"))
      for (const auto& p : o["spec"]["ports"]) port(p);
  }

 private:
  const std::map<std::string, std::set<std::string>>& deps_;
  std::string where_;

  void bad(const std::string& what) { problems.push_back(where_ + ": " + what); }

  void port(const json& p) {
    if (p.contains("name") && !is_port_name(p["name"].get<std::string>()))
      bad(fmt::format("port name \"{}\" is not an IANA service name", p["name"].get<std::string>()));
  }

  void workload(const json& o, const std::string& kind, const std::string& name) {
    const json& tmpl = o["spec"]["template"];
    if (kind != "Job") {
      const json& want = o["spec"]["selector"]["matchLabels"];
      for (auto it = want.begin(); it != want.end(); ++it)
        if (!tmpl["metadata"]["labels"].contains(it.key()) ||
            tmpl["metadata"]["labels"][it.key()] != it.value())
          bad("the selector does not match the pod template's labels");
    }
    const json& pod = tmpl["spec"];
    std::set<std::string> names;
    auto containers = [&](const char* key, bool init) {
      if (!pod.contains(key)) return;
      for (const auto& c : pod[key]) {
        std::string cname = c.value("name", "");
        if (!is_dns_label(cname)) bad(fmt::format("container name \"{}\" is not a DNS-1123 label", cname));
        if (!names.insert(cname).second) bad(fmt::format("two containers are named \"{}\"", cname));
        if (c.value("image", "").empty()) bad(fmt::format("container {} has no image", cname));
        for (const char* probe : {"readinessProbe", "startupProbe", "livenessProbe"})
          if (c.contains(probe)) handlers(c[probe], cname + " " + probe);
        if (c.contains("ports"))
          for (const auto& p : c["ports"]) port(p);
        if (init && cname.starts_with("wait-")) {
          auto it = deps_.find(name);
          std::string dep = cname.substr(5);
          if (it == deps_.end() || !it->second.count(dep))
            bad(fmt::format("init container {} waits for {}, which is not a dependency of {}", cname, dep,
                            name));
        }
      }
    };
    containers("initContainers", true);
    containers("containers", false);
    if (!pod.contains("containers") || pod["containers"].empty()) bad("the pod has no container");
  }

  void handlers(const json& probe, const std::string& what) {
    int n = 0;
    for (const char* h : {"exec", "httpGet", "tcpSocket", "grpc"}) n += probe.contains(h) ? 1 : 0;
    if (n != 1) bad(fmt::format("{} has {} handlers (exactly one is allowed)", what, n));
  }
};

}  // namespace

bool is_dns_label(std::string_view s) {
  return !s.empty() && s.size() <= 63 && alnum(s.front()) && alnum(s.back()) &&
         std::all_of(s.begin(), s.end(), [](char c) { return alnum(c) || c == '-'; });
}

bool is_dns_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    if (!is_dns_label(s.substr(start, dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

std::vector<std::string> check_objects(const std::vector<json>& objects,
                                       const std::map<std::string, std::set<std::string>>& dependencies) {
  Checker c(dependencies);
  for (const auto& o : objects) c.object(o);
  return c.problems;
}

}  // namespace lineup::exporter
