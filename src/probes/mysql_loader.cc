#include "probes/mysql_loader.h"

#include "util/dynamic_library.h"

namespace lineup::probes {

namespace {

struct LoadedMariadb {
  Mariadb functions;
  std::string error;

  LoadedMariadb() {
    void* handle = ::dlopen("libmariadb.so.3", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      error = "MariaDB Connector/C is not installed (Debian package libmariadb3)";
      return;
    }
    bool ok = true;
#define LINEUP_MYSQL_LOAD(name) ok = bind_function(handle, functions.name, #name) && ok;
    LINEUP_MYSQL_FUNCTIONS(LINEUP_MYSQL_LOAD)
#undef LINEUP_MYSQL_LOAD
    if (!ok) error = "libmariadb.so.3 lacks a function lineup needs";
  }
};

}  // namespace

const Mariadb* mariadb(std::string* why) {
  static const LoadedMariadb lib;
  if (lib.error.empty()) return &lib.functions;
  if (why) *why = lib.error;
  return nullptr;
}

}  // namespace lineup::probes
