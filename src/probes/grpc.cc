// `grpc` probe: grpc.health.v1.Health/Check, passing on SERVING, as
// Kubernetes' grpc probe does. One unary call needs HTTP/2 framing, which
// nghttp2 does (in memory: the bytes go over net.h's converse(), plain or
// TLS with ALPN h2), and two protobuf messages of one field each, encoded
// here by hand rather than pulling in a gRPC stack (docs/design.md).
#include "probes/grpc.h"

#include <nghttp2/nghttp2.h>

#include <fmt/format.h>

#include <array>

#include "probes/kinds.h"
#include "probes/net.h"
#include "util/strings.h"

namespace lineup::probes {

namespace {

constexpr size_t kMaxReply = 64 * 1024;  // a HealthCheckResponse is 2 bytes; anything larger is not one

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

std::optional<uint64_t> get_varint(std::string_view& in) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return v;
  }
  return std::nullopt;
}

// The names of gRPC's status codes, as servers and grpcurl print them.
std::string_view status_name(int code) {
  static constexpr std::array<std::string_view, 17> names = {
      "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
      "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
      "DATA_LOSS", "UNAUTHENTICATED"};
  return code >= 0 && code < static_cast<int>(names.size()) ? names[code] : "?";
}

// What a grpc-message says (it is percent-encoded), as one short line.
std::string unescape(std::string_view m) {
  std::string out = percent_decode(m.substr(0, 600));
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out.substr(0, 200);
}

}  // namespace

std::string encode_health_request(const std::string& service) {
  std::string message;
  if (!service.empty()) {
    message += '\x0a';  // field 1 (service), length-delimited
    put_varint(message, service.size());
    message += service;
  }
  return message;
}

std::optional<int> decode_health_response(std::string_view in) {
  int status = 0;
  while (!in.empty()) {
    auto tag = get_varint(in);
    if (!tag) return std::nullopt;
    uint64_t field = *tag >> 3, type = *tag & 7;
    if (type == 0) {
      auto v = get_varint(in);
      if (!v) return std::nullopt;
      if (field == 1) status = static_cast<int>(*v & 0x7fffffff);
    } else if (type == 1 || type == 5) {
      size_t n = type == 1 ? 8 : 4;
      if (in.size() < n) return std::nullopt;
      in.remove_prefix(n);
    } else if (type == 2) {
      auto n = get_varint(in);
      if (!n || *n > in.size()) return std::nullopt;
      in.remove_prefix(*n);
    } else {
      return std::nullopt;
    }
  }
  return status;
}

struct GrpcHealthCall::Session {
  nghttp2_session* h2 = nullptr;
  int32_t stream = -1;
  std::string request;  // the length-prefixed message
  size_t sent = 0;
  bool first_bytes = true;
  // What came back on the stream.
  int http_status = 0;
  std::optional<int> grpc_status;
  std::string grpc_message;
  std::string content_type;
  std::string body;
  bool body_too_large = false;
  bool stream_closed = false;
  uint32_t reset_code = 0;
  std::optional<uint32_t> goaway;

  ~Session() {
    if (h2) nghttp2_session_del(h2);
  }

  Result verdict() const {
    if (http_status == 0 && reset_code)
      return {false, fmt::format("the server reset the call ({})", nghttp2_http2_strerror(reset_code))};
    if (http_status != 200) return {false, fmt::format("HTTP {} (not a gRPC answer)", http_status)};
    if (!grpc_status) {
      if (reset_code)
        return {false, fmt::format("the server reset the call ({})", nghttp2_http2_strerror(reset_code))};
      return {false, "the answer has no grpc-status"};
    }
    if (*grpc_status == 12) return {false, "UNIMPLEMENTED: the server has no grpc.health.v1.Health service"};
    if (*grpc_status == 5) return {false, "SERVICE_UNKNOWN: the health service does not know this service"};
    if (*grpc_status != 0) {
      std::string message = unescape(grpc_message);
      return {false, message.empty() ? fmt::format("gRPC status {}", status_name(*grpc_status))
                                     : fmt::format("gRPC status {}: {}", status_name(*grpc_status), message)};
    }
    if (body_too_large) return {false, "reply larger than 64 KiB"};
    if (body.size() < 5) return {false, "OK without a HealthCheckResponse"};
    if (body[0] != 0) return {false, "compressed reply (lineup asks for none)"};
    uint32_t length = (static_cast<uint8_t>(body[1]) << 24) | (static_cast<uint8_t>(body[2]) << 16) |
                      (static_cast<uint8_t>(body[3]) << 8) | static_cast<uint8_t>(body[4]);
    if (length != body.size() - 5) return {false, "the reply's length prefix does not match its size"};
    auto status = decode_health_response(std::string_view(body).substr(5));
    if (!status) return {false, "the reply is not a HealthCheckResponse"};
    switch (*status) {
      case 1:
        return {true, "SERVING"};
      case 2:
        return {false, "NOT_SERVING"};
      case 3:
        return {false, "SERVICE_UNKNOWN"};
      case 0:
        return {false, "UNKNOWN"};
      default:
        return {false, fmt::format("serving status {}", *status)};
    }
  }

  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name, size_t namelen,
                       const uint8_t* value, size_t valuelen, uint8_t, void* user) {
    auto* s = static_cast<Session*>(user);
    if (frame->hd.stream_id != s->stream) return 0;
    std::string_view n(reinterpret_cast<const char*>(name), namelen);
    std::string_view v(reinterpret_cast<const char*>(value), valuelen);
    if (n == ":status") {
      int code = 0;
      for (char c : v) code = c >= '0' && c <= '9' && code < 1000 ? code * 10 + (c - '0') : code;
      s->http_status = code;
    } else if (n == "grpc-status") {
      int code = 0;
      for (char c : v.substr(0, 4)) code = c >= '0' && c <= '9' ? code * 10 + (c - '0') : code;
      s->grpc_status = code;
    } else if (n == "grpc-message") {
      s->grpc_message = std::string(v.substr(0, 1000));
    }
    return 0;
  }

  static int on_data(nghttp2_session*, uint8_t, int32_t stream, const uint8_t* data, size_t len, void* user) {
    auto* s = static_cast<Session*>(user);
    if (stream != s->stream) return 0;
    if (s->body.size() + len > kMaxReply) {
      s->body_too_large = true;
      return 0;
    }
    s->body.append(reinterpret_cast<const char*>(data), len);
    return 0;
  }

  static int on_close(nghttp2_session*, int32_t stream, uint32_t error, void* user) {
    auto* s = static_cast<Session*>(user);
    if (stream != s->stream) return 0;
    s->stream_closed = true;
    s->reset_code = error;
    return 0;
  }

  static int on_frame(nghttp2_session*, const nghttp2_frame* frame, void* user) {
    auto* s = static_cast<Session*>(user);
    if (frame->hd.type == NGHTTP2_GOAWAY) s->goaway = frame->goaway.error_code;
    return 0;
  }

  static ssize_t read_request(nghttp2_session*, int32_t, uint8_t* buf, size_t length, uint32_t* flags,
                              nghttp2_data_source*, void* user) {
    auto* s = static_cast<Session*>(user);
    size_t n = std::min(length, s->request.size() - s->sent);
    std::copy_n(s->request.data() + s->sent, n, buf);
    s->sent += n;
    if (s->sent == s->request.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
    return static_cast<ssize_t>(n);
  }
};

GrpcHealthCall::GrpcHealthCall(const std::string& authority, const std::string& service, bool tls)
    : s_(std::make_unique<Session>()) {
  nghttp2_session_callbacks* callbacks = nullptr;
  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, &Session::on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &Session::on_data);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &Session::on_close);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &Session::on_frame);
  nghttp2_session_client_new(&s_->h2, callbacks, s_.get());
  nghttp2_session_callbacks_del(callbacks);

  std::string message = encode_health_request(service);
  s_->request = std::string(1, '\0');  // not compressed
  for (int shift = 24; shift >= 0; shift -= 8)
    s_->request += static_cast<char>((message.size() >> shift) & 0xff);
  s_->request += message;

  nghttp2_submit_settings(s_->h2, NGHTTP2_FLAG_NONE, nullptr, 0);
  auto nv = [](std::string_view name, std::string_view value) {
    return nghttp2_nv{reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
                      reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
                      NGHTTP2_NV_FLAG_NONE};
  };
  const nghttp2_nv headers[] = {
      nv(":method", "POST"),
      nv(":scheme", tls ? "https" : "http"),
      nv(":path", "/grpc.health.v1.Health/Check"),
      nv(":authority", authority),
      nv("content-type", "application/grpc"),
      nv("te", "trailers"),
      nv("user-agent", "lineup"),
  };
  nghttp2_data_provider body{};
  body.read_callback = &Session::read_request;
  s_->stream = nghttp2_submit_request(s_->h2, nullptr, headers, std::size(headers), &body, nullptr);
}

GrpcHealthCall::~GrpcHealthCall() = default;

std::string GrpcHealthCall::take_output() {
  std::string out;
  for (;;) {
    const uint8_t* data = nullptr;
    ssize_t n = nghttp2_session_mem_send(s_->h2, &data);
    if (n <= 0) break;
    out.append(reinterpret_cast<const char*>(data), static_cast<size_t>(n));
  }
  return out;
}

std::optional<Result> GrpcHealthCall::feed(std::string_view bytes, bool closed) {
  Session& s = *s_;
  if (s.first_bytes && !bytes.empty()) {
    s.first_bytes = false;
    if (bytes.starts_with("HTTP/1.") || bytes.starts_with("HTTP/0."))
      return Result{false, "not an HTTP/2 server: it answered in HTTP/1"};
  }
  if (!bytes.empty()) {
    ssize_t used =
        nghttp2_session_mem_recv(s.h2, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    if (used < 0) return Result{false, fmt::format("HTTP/2: {}", nghttp2_strerror(static_cast<int>(used)))};
  }
  if (s.stream_closed) return s.verdict();
  if (s.goaway && !s.stream_closed && s.http_status == 0)
    return Result{false,
                  fmt::format("the server refused the call (GOAWAY {})", nghttp2_http2_strerror(*s.goaway))};
  if (closed) {
    if (s.first_bytes) return Result{false, "connection closed by the server"};
    return Result{false, s.http_status ? "connection closed before the end of the answer"
                                       : "connection closed by the server"};
  }
  return std::nullopt;
}

void check_grpc(boost::asio::io_context& io, const config::GrpcProbe& p, Millis timeout, Done done) {
  auto endpoint = resolve(p.host, p.port);
  if (!endpoint) return done({false, fmt::format("cannot resolve {}", p.host)});
  std::string host = p.host.find(':') != std::string::npos ? "[" + p.host + "]" : p.host;
  auto call = std::make_shared<GrpcHealthCall>(fmt::format("{}:{}", host, p.port), p.service, p.tls);
  std::optional<TlsOptions> tls;
  if (p.tls) tls = TlsOptions{p.host, false, "h2", {}};
  std::string request = call->take_output();
  converse(
      io, *endpoint, std::move(tls), std::move(request),
      [call](std::string_view bytes, bool closed) { return call->feed(bytes, closed); }, timeout,
      std::move(done), [call] { return call->take_output(); });
}

}  // namespace lineup::probes
