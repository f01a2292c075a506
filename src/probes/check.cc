#include <fmt/format.h>

#include "probes/kinds.h"

namespace lineup::probes {

void check_once(boost::asio::io_context& io, Host& host, engine::Id id, const config::ProbeKind& kind,
                const std::string& working_dir, Millis timeout, Done done) {
  std::visit(
      [&](const auto& k) {
        using K = std::decay_t<decltype(k)>;
        if constexpr (std::is_same_v<K, config::ExecProbe>)
          check_exec(io, host, id, k, working_dir, timeout, std::move(done));
        else if constexpr (std::is_same_v<K, config::TcpProbe>)
          check_tcp(io, k, timeout, std::move(done));
        else if constexpr (std::is_same_v<K, config::FileProbe>)
          done(check_file(k));
        else if constexpr (std::is_same_v<K, config::HttpProbe>)
          check_http(io, k, timeout, std::move(done));
        else if constexpr (std::is_same_v<K, config::PostgresProbe>)
          check_postgres(io, k, timeout, std::move(done));
        else if constexpr (std::is_same_v<K, config::RedisProbe>)
          check_redis(io, k, timeout, std::move(done));
        else if constexpr (std::is_same_v<K, config::GrpcProbe>)
          check_grpc(io, k, timeout, std::move(done));
        else if constexpr (std::is_same_v<K, config::MysqlProbe>)
          check_mysql(io, k, timeout, std::move(done));
        else if constexpr (std::is_same_v<K, config::KubernetesProbe>)
          check_kubernetes(io, k, timeout, std::move(done));
        else if constexpr (std::is_same_v<K, config::WebSocketProbe>)
          check_websocket(io, k, timeout, std::move(done));
        else
          done(
              {false, fmt::format("{} probes are not supported by this build yet", config::kind_name(kind))});
      },
      kind);
}

}  // namespace lineup::probes
