// Libraries opened at run time, on first use (libpq, OpenSSL): linking them
// would make every lineup command load them, and pay for it, whether or not
// a probe ever needs them. A table of function pointers per library, filled
// here, keeps their symbols out of the global namespace.
#pragma once

#include <dlfcn.h>

namespace lineup {

// Points `fn` at the library's function `name`; false if it has none.
template <class Fn>
bool bind_function(void* library, Fn*& fn, const char* name) {
  fn = reinterpret_cast<Fn*>(::dlsym(library, name));
  return fn != nullptr;
}

}  // namespace lineup
