// Is a declared port free? Answered by trying to bind it, the only reliable
// test: a connect() test misses listeners on other addresses and sockets in
// TIME_WAIT.
#pragma once

#include <string>

namespace lineup::runtime {

// true when `port` can be bound on all addresses for `protocol` ("tcp" or "udp").
bool port_is_free(int port, const std::string& protocol);

}  // namespace lineup::runtime
