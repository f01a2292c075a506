// The other side of the API, for the client commands (start, stop, restart).
#pragma once

#include <string>

#include "util/result.h"

namespace lineup::api {

struct ClientResponse {
  int status = 0;
  std::string body;
};

// One request over the project's Unix socket; errors say why it failed
// ("connect .lineup/lineup.sock: No such file or directory").
Result<ClientResponse> request(const std::string& socket_path, const std::string& method,
                               const std::string& target, const std::string& body = {});

}  // namespace lineup::api
