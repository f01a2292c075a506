// The grpc probe's conversation, apart from any socket: one
// grpc.health.v1.Health/Check call over HTTP/2 (nghttp2 does the framing;
// the two tiny protobuf messages are encoded by hand, see docs/design.md),
// and the verdict on the answer. The probe (grpc.cc) moves its bytes over
// the connection; the fuzz target feeds it directly.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "probes/runner.h"

namespace lineup::probes {

// The protobuf messages of grpc.health.v1, as bytes and back.
std::string encode_health_request(const std::string& service);
// The ServingStatus of a HealthCheckResponse (0 when the field is absent),
// or nullopt when the bytes are not one.
std::optional<int> decode_health_response(std::string_view message);

class GrpcHealthCall {
 public:
  // `authority`: host:port, as the :authority header; `service`: "" for the
  // server's overall health.
  GrpcHealthCall(const std::string& authority, const std::string& service, bool tls);
  ~GrpcHealthCall();
  GrpcHealthCall(const GrpcHealthCall&) = delete;
  GrpcHealthCall& operator=(const GrpcHealthCall&) = delete;

  // The bytes to send: at first the connection preface, SETTINGS and the
  // request; later acknowledgements.
  std::string take_output();
  // The server's bytes; a verdict once there is one. `closed`: the server
  // closed the connection.
  std::optional<Result> feed(std::string_view bytes, bool closed);

  struct Session;

 private:
  std::unique_ptr<Session> s_;
};

}  // namespace lineup::probes
