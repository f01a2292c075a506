#include "probes/openssl_loader.h"

#include "util/dynamic_library.h"

namespace lineup::probes {

namespace {

struct LoadedOpenSsl {
  OpenSsl table;
  std::string error;

  LoadedOpenSsl() {
    // libssl brings libcrypto, and dlsym on its handle searches both.
    void* handle = ::dlopen("libssl.so.3", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      error = "OpenSSL is not installed (Debian package libssl3)";
      return;
    }
    bool ok = true;
#define LINEUP_OPENSSL_LOAD(name) ok = bind_function(handle, table.name, #name) && ok;
    LINEUP_OPENSSL_FUNCTIONS(LINEUP_OPENSSL_LOAD)
#undef LINEUP_OPENSSL_LOAD
    if (!ok) error = "libssl.so.3 lacks a function lineup needs";
  }
};

}  // namespace

const OpenSsl* openssl(std::string* why) {
  static const LoadedOpenSsl lib;  // once; the handle stays open for the process' life
  if (lib.error.empty()) return &lib.table;
  if (why) *why = lib.error;
  return nullptr;
}

}  // namespace lineup::probes
