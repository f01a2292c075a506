// The API server: HTTP/1.1 on the project's Unix socket (mode 0600) and,
// if configured, on a TCP address. Sessions are coroutines on the
// supervisor's event loop; every request is bounded in size and time so a
// slow or hostile client cannot stall the supervisor.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>

#include "api/reload.h"
#include "api/routes.h"
#include "util/result.h"

namespace lineup::api {

struct ServerHooks {
  std::function<engine::Snapshot()> snapshot;
  std::function<std::string()> last_run_json;
  std::function<void(const Command&)> execute;
  std::function<const std::vector<engine::ProbeStats>&()> probe_stats;
  // Changes whenever anything a GET could show changes (the engine's state,
  // a probe's statistics, the startup report): GET answers are reused until then.
  std::function<uint64_t()> version;
  // POST /v1/reload (api/reload.h): answered at once, with what changes.
  std::function<Response(const ReloadRequest&)> reload;
};

class Server {
 public:
  Server(boost::asio::io_context& io, ServerHooks hooks);
  ~Server();

  // Listens on a Unix socket path (created with mode 0600; a stale file is replaced).
  Result<Ok> listen_unix(const std::string& path);
  // Listens on TCP. With a non-empty token every request on this listener
  // must carry `Authorization: Bearer TOKEN`; others get 401 and nothing else.
  // (Binding beyond loopback without a token is refused by validation.)
  Result<Ok> listen_tcp(const std::string& host, uint16_t port, std::string token);
  // One JSON object to every `GET /v1/events` subscriber.
  void publish(const std::string& event_json);
  // Whether anyone listens: an event nobody reads is not worth formatting.
  bool has_subscribers() const;
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lineup::api
