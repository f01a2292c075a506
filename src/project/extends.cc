#include "project/extends.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "config/normalize.h"

namespace lineup::project {

using config::Location;
using config::Node;

namespace {

// Chains are short; a long one is a mistake or a hostile file.
constexpr size_t kMaxExtendsChain = 64;

class Extends {
 public:
  Extends(const ReadTree& read, const config::Variables& vars, config::Diagnostics& diags)
      : read_(read), vars_(vars), diags_(diags) {}

  void run(Node& root, const std::string& main_path) {
    Node* services = services_of(root);
    if (!services) return;
    // Only the services that say `extends` are looked at: a file of 10,000
    // services without it costs one pass (finding a base by name is a scan).
    for (size_t i = 0; i < services->entries.size(); ++i) {
      const auto& e = services->entries[i];
      if (!e.value.is_map() || !e.value.find("extends")) continue;
      std::vector<std::string> chain;
      resolve(*services, main_path, e.key, chain, e.key_at);
    }
  }

 private:
  static Node* services_of(Node& root) {
    for (const char* key : {"services", "processes"})
      if (Node* s = root.find(key); s && s->is_map()) return s;
    return nullptr;
  }

  // Another file's services, read once (extends of its own resolved in it).
  Node* other_file(const std::string& path, Location from) {
    auto it = files_.find(path);
    if (it == files_.end()) {
      auto tree = read_(path, vars_, from);
      it = files_.emplace(path, tree ? std::make_unique<Node>(std::move(*tree)) : nullptr).first;
    }
    if (!it->second) return nullptr;
    Node* services = services_of(*it->second);
    if (!services) diags_.error(from, fmt::format("extends: {} has no `services:`", path));
    return services;
  }

  // `from`: the extends that asked for this service (where a cycle is reported).
  void resolve(Node& services, const std::string& path, const std::string& name,
               std::vector<std::string>& chain, Location from) {
    std::string key = path + "\n" + name;
    if (done_.count(key)) return;
    if (in_progress_.count(key) || chain.size() >= kMaxExtendsChain) {
      std::string text;
      for (const auto& c : chain) text += c + " -> ";
      diags_.error(from, in_progress_.count(key)
                             ? fmt::format("extends cycle: {}{}", text, name)
                             : fmt::format("extends chain longer than {} services", kMaxExtendsChain));
      return;
    }
    Node* service = services.find(name);
    auto ext = service && service->is_map() ? config::take(*service, "extends") : std::nullopt;
    if (!ext) {
      done_.insert(key);
      return;
    }
    in_progress_.insert(key);
    chain.push_back(name);
    extend(services, path, name, *ext, chain);
    chain.pop_back();
    in_progress_.erase(key);
    done_.insert(key);
  }

  void extend(Node& services, const std::string& path, const std::string& name, const Node::Entry& ext,
              std::vector<std::string>& chain) {
    const Node& spec = ext.value;
    const Node* service_key = spec.is_map() ? spec.find("service") : &spec;
    if (!service_key || !service_key->is_scalar() || service_key->text.empty()) {
      diags_.error(spec.where,
                   spec.is_map()
                       ? fmt::format("extends of \"{}\" lacks `service:` (the service to extend)", name)
                       : fmt::format("extends of \"{}\": the name of a service, or {{service, file}}", name));
      return;
    }
    std::string base_name = service_key->text, base_path = path;
    if (const Node* file = spec.is_map() ? spec.find("file") : nullptr) {
      if (!file->is_scalar() || file->text.empty()) {
        diags_.error(file->where, "extends.file: the path of a compose file");
        return;
      }
      base_path = config::absolute_in(directory_of(file->where), file->text);
    }
    for (const auto& e : spec.entries)
      if (e.key != "service" && e.key != "file")
        diags_.warning(e.key_at, fmt::format("unknown key \"{}\" in extends (service, file)", e.key));

    Node* base_services = base_path == path ? &services : other_file(base_path, spec.where);
    if (!base_services) return;
    if (const Node* base = base_services->find(base_name); !base || !base->is_map()) {
      diags_.error(spec.where, base_path == path
                                   ? fmt::format("\"{}\" extends \"{}\", which is not a service of this file",
                                                 name, base_name)
                                   : fmt::format("\"{}\" extends \"{}\", which is not a service of {}", name,
                                                 base_name, base_path));
      return;
    }
    resolve(*base_services, base_path, base_name, chain, spec.where);

    // Found again: resolving may have replaced the base node. The service's
    // own node is untouched by that (another entry, or another file).
    Node merged = *base_services->find(base_name);
    Node& service = *services.find(name);
    std::string there = directory_of(merged.where);
    if (there != directory_of(service.where)) rebase_paths(merged, there, false);
    Location where = service.where;
    config::merge_service(merged, std::move(service));
    merged.where = where;
    service = std::move(merged);
  }

  const ReadTree& read_;
  const config::Variables& vars_;
  config::Diagnostics& diags_;
  std::map<std::string, std::unique_ptr<Node>> files_;
  std::set<std::string> done_;         // services resolved (or given up on)
  std::set<std::string> in_progress_;  // being resolved: meeting one again is a cycle
};

}  // namespace

void resolve_extends(Node& root, const ReadTree& read, const config::Variables& vars,
                     config::Diagnostics& diags) {
  if (!root.is_map()) return;
  std::error_code ec;
  auto main = std::filesystem::absolute(config::file_name(root.where.file), ec).lexically_normal();
  Extends(read, vars, diags).run(root, main.string());
}

}  // namespace lineup::project
