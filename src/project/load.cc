#include "project/load.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/decode.h"
#include "config/dialects.h"
#include "config/envfile.h"
#include "config/interpolate.h"
#include "config/normalize.h"
#include "config/process_compose.h"
#include "config/replicas.h"
#include "config/tree.h"
#include "config/validate.h"
#include "project/extends.h"
#include "project/include.h"
#include "util/read_file.h"

namespace lineup::project {

namespace fs = std::filesystem;
using config::Diagnostics;
using config::Location;
using config::Node;
using config::Variables;

namespace {

// Pass 1: which files, and the project directory.
bool locate(const LoadOptions& o, std::vector<std::string>& files, std::string& dir, Diagnostics& diags) {
  files = o.files;
  if (files.empty()) {
    std::string base = o.project_dir.empty() ? "." : o.project_dir;
    auto found = [&](const std::string& name) {
      std::error_code ec;
      if (!fs::is_regular_file(fs::path(base) / name, ec)) return false;
      files.push_back(o.project_dir.empty() ? name : (fs::path(base) / name).string());
      return true;
    };
    for (const char* name : kDefaultFileNames) {
      if (!found(name)) continue;
      // As compose and process-compose do: NAME.override.yaml (or .yml) is
      // merged over the file found (only when no -f is given).
      std::string stem = fs::path(name).stem().string();
      found(stem + ".override.yaml") || found(stem + ".override.yml");
      break;
    }
    if (files.empty()) {
      diags.error({},
                  fmt::format("no config file found in {} (looked for lineup.yaml, lineup.yml, compose.yaml, "
                              "compose.yml, docker-compose.yaml, docker-compose.yml, process-compose.yaml, "
                              "process-compose.yml); use -f FILE",
                              base == "." ? "the current directory" : base));
      return false;
    }
  }
  if (!o.project_dir.empty()) {
    dir = o.project_dir;
  } else {
    fs::path parent = fs::path(files.front()).parent_path();
    dir = parent.empty() ? "." : parent.string();
  }
  std::error_code ec;
  fs::path abs = fs::absolute(dir, ec);
  if (!ec) dir = abs.lexically_normal().string();
  if (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return true;
}

// Pass 3: the variables interpolation sees. Env files first, then the process
// environment on top; the env files named by the config (or .env) are also
// returned, since their values are exported to every service.
config::EnvList load_variables(const LoadOptions& o, const Node& raw, const std::string& dir,
                               const Variables& env, Variables& vars, Diagnostics& diags) {
  std::vector<std::pair<std::string, Location>> interp_files;  // --env-file: interpolation only
  std::vector<std::pair<std::string, Location>> exported;      // env_file: / .env: both
  std::vector<bool> exported_required;
  if (const Node* ef = raw.find("env_file")) {
    for (const Node* i : config::one_or_many(*ef)) {
      const Node* path = i->is_map() ? i->find("path") : i;
      bool required = true;
      if (i->is_map())
        if (const Node* r = i->find("required"); r && r->is_scalar())
          required = !(r->text == "false" || r->text == "no");
      if (path && path->is_scalar()) {
        exported.emplace_back(path->text, path->where);
        exported_required.push_back(required);
      }
    }
  } else {
    exported.emplace_back(".env", Location{});
    exported_required.push_back(false);
  }
  for (const auto& f : o.env_files) interp_files.emplace_back(f, Location{});

  config::EnvList exported_values;
  auto load_one = [&](const std::string& name, Location where, bool required, bool export_it) {
    // --env-file is relative to where lineup runs, as compose's is.
    std::string full = export_it ? config::absolute_in(dir, name) : name;
    for (auto& [k, v] : config::read_env_file(name, full, where, required, env, diags)) {
      vars.set(k, v);
      // Exported like interpolated: the process environment wins over the file.
      if (export_it) exported_values.emplace_back(k, env.get(k) ? *env.get(k) : v);
    }
  };
  for (size_t i = 0; i < exported.size(); ++i)
    if (!exported[i].first.empty())
      load_one(exported[i].first, exported[i].second, exported_required[i], true);
  for (const auto& [f, where] : interp_files) load_one(f, where, true, false);
  for (const auto& [k, v] : env.all()) vars.set(k, v);
  return exported_values;
}

// Pass 4: interpolate every scalar value (never keys), as compose does.
class InterpolationPass {
 public:
  InterpolationPass(const Variables& vars, Diagnostics& diags) : vars_(vars), diags_(diags) {}

  // `shell_substitution`: the file is process-compose's (it has `processes:`).
  void run(Node& n, bool shell_substitution) {
    shell_substitution_ = shell_substitution;
    std::vector<Node*> stack{&n};
    while (!stack.empty()) {
      Node* cur = stack.back();
      stack.pop_back();
      switch (cur->kind) {
        case Node::Kind::scalar:
          scalar(*cur);
          break;
        case Node::Kind::sequence:
          for (auto& i : cur->items) stack.push_back(&i);
          break;
        case Node::Kind::map:
          for (auto& e : cur->entries) stack.push_back(&e.value);
          break;
        case Node::Kind::null:
          break;
      }
    }
  }

 private:
  void scalar(Node& n) {
    if (n.text.find('$') == std::string::npos) return;
    auto r = config::interpolate(n.text, vars_, shell_substitution_);
    if (!r) {
      diags_.error(n.where, r.error().message);
      return;
    }
    for (const auto& name : r->unset)
      if (warned_.insert(name).second)
        diags_.warning(n.where, fmt::format("variable \"{}\" is not set: using an empty string "
                                            "(write ${{{}:-default}} to give a default)",
                                            name, name));
    n.text = std::move(r->text);
  }

  const Variables& vars_;
  Diagnostics& diags_;
  bool shell_substitution_ = false;
  std::set<std::string> warned_;
};

}  // namespace

Project load(const LoadOptions& o) {
  Project p;
  Variables env_storage;
  const Variables* env = o.environment;
  if (!env) {
    env_storage = Variables::from_environment();
    env = &env_storage;
  }

  // 1. locate
  std::vector<std::string> files;
  std::string dir;
  if (!locate(o, files, dir, p.diags)) {
    p.unusable = true;
    return p;
  }

  // 2. read + parse
  std::vector<Node> trees;
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string& f = files[i];
    uint32_t id = config::intern_file(f);
    if (p.main_file == config::kNoFile) p.main_file = id;
    std::string text;
    if (i < o.file_texts.size()) {
      text = o.file_texts[i];
    } else if (auto read = read_file(f); read) {
      text = std::move(*read);
    } else {
      p.diags.error({id, 0, 0}, fmt::format("cannot read the config file: {}", read.error().message));
      p.unusable = true;
      continue;
    }
    auto tree = config::parse_yaml(text, id, p.diags);
    if (!tree) {
      p.unusable = true;
      continue;
    }
    if (!tree->is_map()) {
      p.diags.error(tree->where,
                    fmt::format("the config file must be a mapping with a `services:` key, not {}",
                                config::kind_name(tree->kind)));
      p.unusable = true;
      continue;
    }
    trees.push_back(std::move(*tree));
  }
  if (p.unusable) return p;

  // 3. env files + environment -> variables (env_file is read before interpolation)
  Node raw_top;
  raw_top.kind = Node::Kind::map;
  for (const auto& t : trees)  // later files win, as in the merge below
    if (const Node* ef = t.find("env_file")) raw_top.entries = {{"env_file", ef->where, *ef}};
  config::EnvList exported = load_variables(o, raw_top, dir, *env, p.variables, p.diags);

  // 4. interpolate each file, its `include:`s joined to it; 5. merge them
  // (later wins); 6. `extends` resolved, `!reset` keys dropped
  InterpolationPass interpolation(p.variables, p.diags);
  ReadTree read = [&](const std::string& path, const Variables& vars, Location from) -> std::optional<Node> {
    // Included and extended files are regular files: a FIFO would block
    // the load. With file_texts (the fuzzer, tests) nothing else is read.
    std::error_code ec;
    if (!o.file_texts.empty() || !fs::is_regular_file(path, ec)) {
      p.diags.error(from, fmt::format("cannot read {}: {}", path,
                                      fs::exists(path, ec) ? "not a regular file" : "no such file"));
      return std::nullopt;
    }
    auto text = read_file(path);
    if (!text) {
      p.diags.error(from, fmt::format("cannot read {}: {}", path, text.error().message));
      return std::nullopt;
    }
    auto tree = config::parse_yaml(*text, config::intern_file(path), p.diags);
    if (!tree) return std::nullopt;
    if (!config::process_compose_no_interpolation(*tree))
      InterpolationPass(vars, p.diags).run(*tree, tree->find("processes") != nullptr);
    return tree;
  };
  for (size_t i = 0; i < trees.size(); ++i) {
    if (!config::process_compose_no_interpolation(trees[i]))
      interpolation.run(trees[i], trees[i].find("processes") != nullptr);
    std::error_code ec;
    auto path = fs::absolute(files[i], ec).lexically_normal().string();
    resolve_includes(trees[i], path, read, *env, p.diags);
  }
  Node root = std::move(trees.front());
  for (size_t i = 1; i < trees.size(); ++i) config::merge_into(root, std::move(trees[i]));
  resolve_extends(root, read, p.variables, p.diags);
  config::drop_resets(root);

  // 7. the dialects' spellings rewritten into lineup's, 8. decode: defaults, profile; replicas expanded
  bool strict = o.strict || config::process_compose_strict(root);
  config::rewrite_dialects(root, strict, p.diags);
  config::DecodeContext ctx;
  ctx.project_dir = dir;
  ctx.requested_profile = o.profile;
  if (ctx.requested_profile.empty())
    if (const std::string* v = env->get("LINEUP_PROFILE")) ctx.requested_profile = *v;
  ctx.named_services = o.named_services;
  ctx.namespaces = o.namespaces;
  ctx.strict = strict;
  ctx.variables = &p.variables;
  config::decode(std::move(root), ctx, p.config, p.diags);
  // The global env files' values come first; `environment:` entries override them.
  if (!exported.empty()) {
    auto own = std::move(p.config.environment);
    p.config.environment.clear();
    for (auto& kv : exported) {
      auto it = std::find_if(own.begin(), own.end(), [&](const auto& o2) { return o2.first == kv.first; });
      if (it == own.end()) p.config.environment.push_back(kv);
    }
    for (auto& kv : own) p.config.environment.push_back(std::move(kv));
  }
  p.config.files = files;
  config::expand_replicas(p.config, p.diags);

  // 9. normalise (absolute paths, api.listen parsed), 10. validate across
  // services, 11. the graph and its cycles
  config::normalize(p.config, p.diags);
  config::validate(p.config, p.variables, p.main_file, p.diags);
  p.graph = graph::Graph::build(p.config);
  for (const auto& cycle : graph::find_cycles(p.graph)) {
    if (cycle.size() == 2) continue;  // a -> a: validation already reported "depends on itself"
    std::string path;
    for (size_t i = 0; i < cycle.size(); ++i) path += (i ? " -> " : "") + p.graph.name(cycle[i]);
    // Point at the first service's dependency on the second.
    const auto& first = p.config.services[static_cast<size_t>(cycle[0])];
    Location where = first.where;
    for (const auto& d : first.depends_on)
      if (d.name == p.graph.name(cycle[1])) where = d.where;
    p.diags.error(where, "dependency cycle: " + path);
  }
  return p;
}

}  // namespace lineup::project
