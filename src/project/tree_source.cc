#include "project/tree_source.h"

#include <filesystem>

#include "config/normalize.h"

namespace lineup::project {

using config::Node;

std::string directory_of(config::Location where) {
  std::filesystem::path p(config::file_name(where.file));
  std::error_code ec;
  auto abs = std::filesystem::absolute(p, ec);
  return (ec ? p : abs).parent_path().lexically_normal().string();
}

namespace {

void absolute(Node* n, const std::string& dir) {
  if (n && n->is_scalar() && !n->text.empty()) n->text = config::absolute_in(dir, n->text);
}

// `env_file: a.env`, `[a.env, b.env]` or `[{path: a.env, required: false}]`.
void absolute_env_files(Node* n, const std::string& dir) {
  if (!n) return;
  if (n->is_scalar()) return absolute(n, dir);
  for (auto& i : n->items) absolute(i.is_map() ? i.find("path") : &i, dir);
}

// `watch: [{path}]`, `develop: {watch: [{path}]}`, probes `[{file: path}]`.
void absolute_in_list(Node* list, std::string_view key, const std::string& dir) {
  if (!list) return;
  if (list->is_map()) return absolute(list->find(key), dir);
  for (auto& i : list->items)
    if (i.is_map()) absolute(i.find(key), dir);
}

}  // namespace

void rebase_paths(Node& service, const std::string& dir, bool own_directory) {
  if (!service.is_map()) return;
  if (Node* w = service.find("working_dir")) {
    absolute(w, dir);
  } else if (own_directory) {
    Node n;
    n.kind = Node::Kind::scalar;
    n.text = dir;
    n.where = service.where;
    service.entries.push_back({"working_dir", service.where, std::move(n)});
  }
  absolute_env_files(service.find("env_file"), dir);
  absolute_in_list(service.find("watch"), "path", dir);
  if (Node* develop = service.find("develop"); develop && develop->is_map())
    absolute_in_list(develop->find("watch"), "path", dir);
  for (const char* probes : {"ready", "live"}) absolute_in_list(service.find(probes), "file", dir);
}

}  // namespace lineup::project
