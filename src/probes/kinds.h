// One function per active probe kind. Each answers one check, once, with a
// Result and a reason; the runner (runner.cc) owns every timing decision.
// `done` is called exactly once, on the event loop.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <optional>
#include <string>

#include "config/spec.h"
#include "probes/runner.h"

namespace lineup::probes {

void check_exec(boost::asio::io_context& io, Host& host, engine::Id id, const config::ExecProbe& p,
                const std::string& working_dir, Millis timeout, Done done);
void check_tcp(boost::asio::io_context& io, const config::TcpProbe& p, Millis timeout, Done done);
Result check_file(const config::FileProbe& p);
void check_http(boost::asio::io_context& io, const config::HttpProbe& p, Millis timeout, Done done);
// The limits of the http probe's response parser: a larger response fails the check.
inline constexpr size_t kHttpMaxHeader = 64 * 1024;
inline constexpr size_t kHttpMaxBody = 1 << 20;
// What makes an http(s) URL impossible to check ("no host"); nullopt when it is well-formed.
std::optional<std::string> http_url_problem(const std::string& url);
// The verdict on a complete HTTP response (status, body checks); pure.
Result judge_http(const config::HttpProbe& p, int status, const std::string& body);
// false (and why) when libpq cannot be loaded; it is loaded on first use.
bool libpq_available(std::string* why);
// What makes a postgres:// URL impossible to use (a port that is no number); nullopt otherwise.
std::optional<std::string> postgres_url_problem(const std::string& url);
void check_postgres(boost::asio::io_context& io, const config::PostgresProbe& p, Millis timeout, Done done);
void check_redis(boost::asio::io_context& io, const config::RedisProbe& p, Millis timeout, Done done);
std::optional<std::string> mysql_url_problem(const std::string& url);
void check_mysql(boost::asio::io_context& io, const config::MysqlProbe& p, Millis timeout, Done done);
void check_grpc(boost::asio::io_context& io, const config::GrpcProbe& p, Millis timeout, Done done);
// What makes a ws(s):// URL impossible to check; nullopt when it is well-formed.
std::optional<std::string> websocket_url_problem(const std::string& url);
void check_websocket(boost::asio::io_context& io, const config::WebSocketProbe& p, Millis timeout, Done done);

// The pod's service account: its token and CA, and the API server from
// KUBERNETES_SERVICE_HOST / _PORT. LINEUP_KUBERNETES_SERVICEACCOUNT names
// another directory than /var/run/secrets/kubernetes.io/serviceaccount.
void check_kubernetes(boost::asio::io_context& io, const config::KubernetesProbe& p, Millis timeout,
                      Done done);

// One check of a probe of any active kind, by its kind: what the runner
// and `lineup wait` both call. An exec probe runs in `working_dir`; a file
// probe's path is absolute in a config (normalised) and relative to where
// `lineup wait` runs on its command line. Passive kinds (log, notify,
// notify_fd) are events, not checks: they answer "not supported".
void check_once(boost::asio::io_context& io, Host& host, engine::Id id, const config::ProbeKind& kind,
                const std::string& working_dir, Millis timeout, Done done);

}  // namespace lineup::probes
