// `lineup export kubernetes|systemd|compose`: the same file for another
// engine (SPEC §11). Without -o the files go to stdout, one after the other;
// with -o DIR each is written there. What the engine has no equivalent for
// is listed at the end, never dropped without a word.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "cli/cli.h"
#include "cli/output.h"
#include "config/redact.h"
#include "config/replicas.h"
#include "export/compose.h"
#include "export/kubernetes.h"
#include "export/systemd.h"
#include "export/targets.h"
#include "util/fd.h"
#include "util/strings.h"

namespace lineup::cli {

namespace {

struct ExportOptions {
  std::string engine;
  std::string out_dir;
  std::vector<std::string> images;
  std::string wait_image;
  std::string ns;
};

// Files are created or replaced in DIR, never through a symlink (lineup
// may run as root in a directory others can write to).
bool write_files(const std::string& dir, const std::vector<exporter::File>& files) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!d) {
    fmt::print(stderr, "lineup: cannot open {}: {}\n", dir, std::strerror(errno));
    return false;
  }
  for (const auto& f : files) {
    Fd out(::openat(d.get(), f.name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
    bool ok = static_cast<bool>(out);
    for (size_t done = 0; ok && done < f.text.size();) {
      ssize_t n = ::write(out.get(), f.text.data() + done, f.text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      ok = n > 0;
      if (ok) done += static_cast<size_t>(n);
    }
    if (!ok) {
      fmt::print(stderr, "lineup: cannot write {}/{}: {}\n", dir, f.name, std::strerror(errno));
      return false;
    }
  }
  return true;
}

// The running binary, for the units' `lineup wait` lines.
std::string self_path() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("/usr/bin/lineup") : p.string();
}

int run_export(const GlobalOptions& g, const ExportOptions& o) {
  auto p = load_valid(g);
  if (!p) return kUsage;
  // Kubernetes and compose have replicas of their own: they get one service
  // with `replicas: N`; systemd gets a unit per replica.
  config::Config folded = config::fold_replicas(p->config);
  graph::Graph folded_graph = graph::Graph::build(folded);
  std::vector<std::pair<std::string, std::string>> secrets;
  for (const auto& [k, v] : p->variables.all())
    if (exporter::is_secret_variable(k)) secrets.emplace_back(k, v);
  Result<exporter::Exported> out = exporter::Exported{};
  if (o.engine == "kubernetes") {
    exporter::KubernetesOptions k;
    for (const auto& image : o.images) {
      auto eq = image.find('=');
      if (eq == std::string::npos) {
        k.default_image = image;
        continue;
      }
      std::string name = image.substr(0, eq);
      if (!folded.find(name)) {
        fmt::print(stderr, "lineup: --image {}: there is no active service \"{}\"\n", image, name);
        return kUsage;
      }
      k.images[name] = image.substr(eq + 1);
    }
    k.wait_image = o.wait_image;
    k.ns = o.ns;
    k.variables = secrets;
    out = exporter::export_kubernetes(folded, folded_graph, k);
  } else if (o.engine == "systemd") {
    exporter::SystemdOptions so;
    so.lineup = self_path();
    so.variables = secrets;
    if (const char* path = std::getenv("PATH")) so.path = path;
    out = exporter::export_systemd(p->config, p->graph, so);
  } else {
    out = exporter::export_compose(folded, folded_graph, exporter::ComposeOptions{});
  }
  if (!out) {
    fmt::print(stderr, "lineup: {}\n", out.error());
    return kUsage;
  }
  // The exporters refer to secrets by name; a value that reached a file
  // some other way (interpolated into a command from a variable that is not
  // in any environment) is masked here, and said.
  config::Redactor redact(p->config, p->variables);
  bool weak = redact.forget_within(p->config.name);
  // A `*_FILE` variable holds a path, which the files need (see is_secret_variable).
  auto paths = [&](const auto& env) {
    for (const auto& [k, v] : env)
      if (k.ends_with("_FILE")) redact.forget_within(v);
  };
  paths(p->config.environment);
  for (const auto& s : p->config.services) paths(s.environment);
  for (const auto& s : p->config.services) weak = redact.forget_within(s.name) || weak;
  if (weak)
    out->not_carried.push_back(
        "secrets: a secret's value is also (part of) a name in the stack, so it shows where that name does");
  for (auto& f : out->files) {
    std::string masked;
    if (redact.mask_values(f.text, masked)) {
      f.text = std::move(masked);
      out->not_carried.push_back(fmt::format(
          "{}: a secret value written as ***: refer to it through a variable of the service's environment",
          f.name));
    }
  }
  if (o.out_dir.empty()) {
    bool first = true;
    for (const auto& f : out->files) {
      if (f.name == "kustomization.yaml" || f.name.ends_with(".example")) continue;
      if (o.engine == "kubernetes" && !first) fmt::print("---\n");
      if (o.engine == "systemd") fmt::print("{}### {}\n", first ? "" : "\n", f.name);
      fmt::print("{}", f.text);
      first = false;
    }
  } else {
    if (!write_files(o.out_dir, out->files)) return kFailed;
    if (!g.quiet) fmt::print("wrote {} files to {}\n", out->files.size(), o.out_dir);
  }
  if (!out->not_carried.empty() && !g.quiet) {
    // "svc: reason" lines, one line per reason with every service it applies to.
    std::vector<std::pair<std::string, std::vector<std::string>>> reasons;
    for (const auto& line : out->not_carried) {
      auto colon = line.find(": ");
      std::string who = line.substr(0, colon),
                  why = colon == std::string::npos ? line : line.substr(colon + 2);
      auto it = std::find_if(reasons.begin(), reasons.end(), [&](const auto& r) { return r.first == why; });
      if (it == reasons.end()) it = reasons.insert(reasons.end(), {why, {}});
      it->second.push_back(who);
    }
    fmt::print(stderr, "not carried over:\n");
    for (const auto& [why, who] : reasons) fmt::print(stderr, "  {}: {}\n", join(who, ", "), why);
  }
  return kOk;
}

}  // namespace

void register_export(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<ExportOptions>();
  auto* cmd =
      app.add_subcommand("export", "Write the stack for another engine: kubernetes, systemd or compose");
  cmd->add_option("engine", o->engine, "kubernetes, systemd or compose")
      ->required()
      ->check(CLI::IsMember({"kubernetes", "systemd", "compose"}));
  cmd->add_option("-o,--output", o->out_dir, "Directory to write the files to (default: print them)");
  cmd->add_option(
      "--image", o->images,
      "SVC=IMAGE: the image of a service (kubernetes); IMAGE alone: of every service without one");
  cmd->add_option("--wait-image", o->wait_image, "Image of the init containers that run `lineup wait`");
  cmd->add_option("--namespace", o->ns, "Namespace of the objects (kubernetes)");
  cmd->callback([&g, o, &action] { action = [&g, o] { return run_export(g, *o); }; });
}

}  // namespace lineup::cli
