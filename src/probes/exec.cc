// `exec: CMD`: passes when CMD exits 0 within the timeout. The command runs
// in its own process group, which is killed whole on timeout.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "probes/kinds.h"
#include "runtime/spawn.h"

namespace lineup::probes {

void check_exec(boost::asio::io_context& io, Host& host, engine::Id id, const config::ExecProbe& p,
                const std::string& working_dir, Millis timeout, Done done) {
  runtime::SpawnRequest req;
  req.argv = p.command.argv;
  req.env = host.environment_of(id);
  req.working_dir = working_dir;
  int devnull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  req.output_fd = devnull;
  auto pid = runtime::spawn(req);
  if (devnull >= 0) ::close(devnull);
  if (!pid) {
    done({false, pid.error()});
    return;
  }
  struct Shared {
    boost::asio::steady_timer timer;
    bool finished = false;
    Done done;
  };
  auto shared = std::make_shared<Shared>(Shared{boost::asio::steady_timer(io), false, std::move(done)});
  shared->timer.expires_after(timeout);
  pid_t child = *pid;
  shared->timer.async_wait([shared, child, timeout](boost::system::error_code ec) {
    if (ec || shared->finished) return;
    shared->finished = true;
    ::kill(-child, SIGKILL);  // reaped by the supervisor; its exit is then ignored
    shared->done({false, fmt::format("timeout after {}", format_duration(timeout))});
  });
  host.watch_child(child, [shared, child](int status) {
    ::kill(-child, SIGKILL);  // anything the check left behind in its group
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
}

}  // namespace lineup::probes
