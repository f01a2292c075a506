// The API server's limits on one request, in one place so that the fuzzer
// (fuzz/api_request_fuzz.cc) parses requests with the very numbers the
// server (server.cc) uses.
#pragma once

#include <cstddef>

namespace lineup::api {

inline constexpr size_t kMaxHeader = 8 * 1024;  // request line + headers; also bounds the header count
inline constexpr size_t kMaxBody = 64 * 1024;

}  // namespace lineup::api
