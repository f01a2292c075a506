// A service's `watch:` (see spec.h, WatchRule): file changes that restart it.
// compose's develop.watch reaches here rewritten (config/dialects.cc).
//
//   watch:
//     - path: ./src             # relative to the project directory
//       include: ["*.py"]       # only these (default: every file)
//       exclude: ["tests/"]     # never these (compose's `ignore`), on top of the defaults
//       debounce: 500ms         # a burst of changes is one restart, this long after the last
//       action: restart         # (compose's sync+restart means the same for a process)
#include <fmt/format.h>

#include <array>

#include "config/decode_parts.h"
#include "config/keys.h"

namespace lineup::config {

namespace {
constexpr std::array<std::string_view, 6> kWatchKeys = {"path",   "include",  "exclude",
                                                        "ignore", "debounce", "action"};
}

void decode_watch(const Node& n, std::vector<WatchRule>& rules, const DecodeScope& sc) {
  for (const Node* item : list_of_maps(n, "watch", "{path, include, exclude, debounce}", kWatchKeys, sc)) {
    WatchRule w;
    w.where = item->where;
    const Node* path = item->find("path");
    if (!path) {
      sc.diags.error(item->where, "watch: needs a `path` (a directory to watch)");
      continue;
    }
    auto p = sc.r.string(*path, "watch.path");
    if (!p) continue;
    w.path = *p;
    for (auto [key, into] : {std::pair{"include", &w.include}, std::pair{"exclude", &w.exclude},
                             std::pair{"ignore", &w.exclude}})  // (compose's name for exclude)
      if (const Node* list = item->find(key))
        if (auto v = sc.r.string_list(*list, fmt::format("watch.{}", key)))
          into->insert(into->end(), v->begin(), v->end());
    if (const Node* d = item->find("debounce"))
      if (auto v = sc.r.duration(*d, "watch.debounce")) w.debounce = *v;
    if (const Node* a = item->find("action")) {
      auto v = sc.r.string(*a, "watch.action");
      if (!v) continue;
      if (*v != "restart" && *v != "sync+restart") {
        sc.diags.error(
            a->where, fmt::format("watch.action: \"{}\" is not restart (a change restarts the service)", *v));
        continue;
      }
    }
    rules.push_back(std::move(w));
  }
}

}  // namespace lineup::config
