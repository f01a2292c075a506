// `exec: CMD`: passes when CMD exits 0 within the timeout. The command runs
// in its own process group, which is killed whole on timeout.
#include <signal.h>
#include <sys/wait.h>

#include <fmt/format.h>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "probes/kinds.h"

namespace lineup::probes {

void check_exec(boost::asio::io_context& io, Host& host, engine::Id id, const config::ExecProbe& p,
                const std::string& working_dir, Millis timeout, Done done) {
  struct Shared {
    boost::asio::steady_timer timer;
    pid_t child = 0;
    bool finished = false;
    Done done;
  };
  auto shared = std::make_shared<Shared>(Shared{boost::asio::steady_timer(io), 0, false, std::move(done)});
  auto pid = host.run_command(id, p.command.argv, working_dir, [shared](int status) {
    ::kill(-shared->child, SIGKILL);  // anything the check left behind in its group
    if (shared->finished) return;
    shared->finished = true;
    shared->timer.cancel();
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      shared->done({true, "exit code 0"});
    } else if (WIFEXITED(status)) {
      shared->done({false, fmt::format("exit code {}", WEXITSTATUS(status))});
    } else {
      shared->done({false, fmt::format("killed by signal {}", WTERMSIG(status))});
    }
  });
  if (!pid) {
    shared->done({false, pid.error()});
    return;
  }
  shared->child = *pid;
  shared->timer.expires_after(timeout);
  shared->timer.async_wait([shared, timeout](boost::system::error_code ec) {
    if (ec || shared->finished) return;
    shared->finished = true;
    ::kill(-shared->child, SIGKILL);  // reaped by the loop; its exit is then ignored
    shared->done({false, fmt::format("timeout after {}", format_duration(timeout))});
  });
}

}  // namespace lineup::probes
