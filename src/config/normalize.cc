#include "config/normalize.h"

#include <filesystem>

namespace lineup::config {

std::string absolute_in(const std::string& dir, const std::string& path) {
  if (dir.empty() || (!path.empty() && path.front() == '/')) return path;
  std::string out = (std::filesystem::path(dir) / path).lexically_normal().string();
  if (out.size() > 1 && out.back() == '/') out.pop_back();  // "DIR/." is DIR
  return out;
}

void normalize(Config& cfg, Diagnostics& diags) {
  if (!cfg.log_location.empty()) cfg.log_location = absolute_in(cfg.project_dir, cfg.log_location);
  // Most services name no directory: the project's, made absolute once.
  const std::string project = absolute_in(cfg.project_dir, "");
  for (auto& s : cfg.services) {
    s.working_dir = s.working_dir.empty() ? project : absolute_in(cfg.project_dir, s.working_dir);
    if (!s.log_location->empty()) s.log_location = absolute_in(cfg.project_dir, *s.log_location);
    if (auto* watch = s.watch.get())
      for (auto& w : *watch) w.path = absolute_in(cfg.project_dir, w.path);
    for (auto* probes : {&s.ready, &s.live})
      for (auto& p : *probes)
        if (auto* f = std::get_if<FileProbe>(&p.kind)) f->path = absolute_in(cfg.project_dir, f->path);
  }
  auto address = parse_listen(cfg.api.listen);
  if (!address) {
    diags.error(cfg.api.where, "api.listen " + address.error());
    return;
  }
  if (address->kind == ListenAddress::Kind::unix_socket)
    address->path = absolute_in(cfg.project_dir, address->path);
  cfg.api.address = std::move(*address);
}

}  // namespace lineup::config
