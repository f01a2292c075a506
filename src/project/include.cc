#include "project/include.h"

#include <fmt/format.h>

#include <filesystem>
#include <vector>

#include "config/envfile.h"
#include "config/normalize.h"

namespace lineup::project {

using config::Location;
using config::Node;

namespace {

constexpr size_t kMaxIncludeDepth = 32;

struct Entry {
  std::vector<std::pair<std::string, Location>> paths;  // merged in order, like -f files
  std::string project_dir;
  std::vector<std::pair<std::string, Location>> env_files;  // empty: PROJECT_DIR/.env if it exists
  Location where;
};

class Includes {
 public:
  Includes(const ReadTree& read, const config::Variables& env, config::Diagnostics& diags)
      : read_(read), env_(env), diags_(diags) {}

  void run(Node& tree, const std::string& path, std::vector<std::string>& chain) {
    if (base_dir_.empty()) base_dir_ = std::filesystem::path(path).parent_path();
    if (!tree.is_map()) return;
    auto taken = config::take(tree, "include");
    if (!taken) return;
    const Node& list = taken->value;
    std::string dir = std::filesystem::path(path).parent_path().string();
    for (const Node* item : config::one_or_many(list))
      if (auto e = entry(*item, dir)) include(tree, *e, chain);
  }

 private:
  std::optional<Entry> entry(const Node& n, const std::string& dir) {
    Entry e;
    e.where = n.where;
    auto strings = [&](const Node& v, std::vector<std::pair<std::string, Location>>& out,
                       std::string_view what) {
      for (const Node* i : config::one_or_many(v)) {
        if (!i->is_scalar() || i->text.empty()) {
          diags_.error(i->where, fmt::format("include: {} is a path or a list of paths", what));
          return false;
        }
        out.emplace_back(config::absolute_in(dir, i->text), i->where);
      }
      return true;
    };
    if (n.is_scalar()) {
      if (!strings(n, e.paths, "an entry")) return std::nullopt;
    } else if (n.is_map()) {
      const Node* p = n.find("path");
      if (!p) {
        diags_.error(n.where, "include: an entry needs `path:` (the compose file to include)");
        return std::nullopt;
      }
      if (!strings(*p, e.paths, "path")) return std::nullopt;
      if (const Node* d = n.find("project_directory")) {
        if (!d->is_scalar()) {
          diags_.error(d->where, "include: project_directory is a path");
          return std::nullopt;
        }
        e.project_dir = config::absolute_in(dir, d->text);
      }
      if (const Node* f = n.find("env_file"); f && !strings(*f, e.env_files, "env_file")) return std::nullopt;
      for (const auto& k : n.entries)
        if (k.key != "path" && k.key != "project_directory" && k.key != "env_file")
          diags_.warning(
              k.key_at,
              fmt::format("unknown key \"{}\" in include (path, project_directory, env_file)", k.key));
    } else {
      diags_.error(n.where, "include: each entry is a path or {path, project_directory, env_file}");
      return std::nullopt;
    }
    if (e.project_dir.empty())
      e.project_dir = std::filesystem::path(e.paths.front().first).parent_path().string();
    return e;
  }

  // The included project's variables: its env files, then the process environment on top.
  config::Variables variables(const Entry& e) {
    config::Variables vars;
    auto files = e.env_files;
    bool required = !files.empty();
    if (files.empty()) files.emplace_back(e.project_dir + "/.env", e.where);
    for (const auto& [file, where] : files)
      for (auto& [k, v] : config::read_env_file(file, file, where, required, env_, diags_)) vars.set(k, v);
    for (const auto& [k, v] : env_.all()) vars.set(k, v);
    return vars;
  }

  void include(Node& tree, const Entry& e, std::vector<std::string>& chain) {
    config::Variables vars = variables(e);
    std::optional<Node> merged;
    for (const auto& [file, where] : e.paths) {
      if (std::find(chain.begin(), chain.end(), file) != chain.end() || chain.size() >= kMaxIncludeDepth) {
        std::string text;
        for (const auto& c : chain) text += shown(c) + " -> ";
        diags_.error(where, chain.size() >= kMaxIncludeDepth
                                ? fmt::format("include: more than {} files deep", kMaxIncludeDepth)
                                : fmt::format("include cycle: {}{}", text, shown(file)));
        return;
      }
      auto t = read_(file, vars, where);
      if (!t) return;
      chain.push_back(file);
      run(*t, file, chain);  // its own includes first
      chain.pop_back();
      if (!merged)
        merged = std::move(*t);
      else
        config::merge_into(*merged, std::move(*t));
    }
    if (!merged) return;
    Node* theirs = merged->find("services");
    if (!theirs || !theirs->is_map()) return;
    Node* ours = tree.find("services");
    if (!ours) {
      Node map;
      map.kind = Node::Kind::map;
      map.where = e.where;
      tree.entries.push_back({"services", e.where, std::move(map)});
      ours = &tree.entries.back().value;
    }
    if (!ours->is_map()) return;  // decode says what is wrong with it
    for (auto& s : theirs->entries) {
      auto mine = std::find_if(ours->entries.begin(), ours->entries.end(),
                               [&](const Node::Entry& o) { return o.key == s.key; });
      if (mine != ours->entries.end()) {
        std::error_code ec;
        auto file = std::filesystem::absolute(config::file_name(mine->key_at.file), ec).lexically_normal();
        diags_.error(s.key_at,
                     fmt::format("service \"{}\" is defined both here and in {} (line {}); rename one "
                                 "of them",
                                 s.key, shown(file.string()), mine->key_at.line));
        continue;
      }
      rebase_paths(s.value, e.project_dir, true);
      ours->entries.push_back(std::move(s));
    }
  }

  // A path as the user knows it: relative to the project's first file when under its directory.
  std::string shown(const std::string& path) const {
    auto rel = std::filesystem::path(path).lexically_relative(base_dir_);
    return rel.empty() || rel.begin()->string() == ".." ? path : rel.string();
  }

  const ReadTree& read_;
  const config::Variables& env_;
  config::Diagnostics& diags_;
  std::filesystem::path base_dir_;
};

}  // namespace

void resolve_includes(Node& tree, const std::string& path, const ReadTree& read,
                      const config::Variables& process_env, config::Diagnostics& diags) {
  std::vector<std::string> chain{path};
  Includes(read, process_env, diags).run(tree, path, chain);
}

}  // namespace lineup::project
