#include "cli/project_dir.h"

#include <filesystem>

namespace lineup::cli {

std::string project_dir_for(const GlobalOptions& g) {
  namespace fs = std::filesystem;
  fs::path dir = !g.project_dir.empty() ? fs::path(g.project_dir)
                 : !g.files.empty()     ? fs::path(g.files.front()).parent_path()
                                        : fs::path(".");
  if (dir.empty()) dir = ".";
  std::error_code ec;
  fs::path abs = fs::absolute(dir, ec);
  std::string out = (ec ? dir : abs).lexically_normal().string();
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

}  // namespace lineup::cli
