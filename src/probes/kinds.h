// One function per active probe kind. Each answers one check, once, with a
// Result and a reason; the runner (runner.cc) owns every timing decision.
// `done` is called exactly once, on the event loop.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>

#include "config/spec.h"
#include "probes/runner.h"

namespace lineup::probes {

using Done = std::function<void(Result)>;

void check_exec(boost::asio::io_context& io, Host& host, engine::Id id, const config::ExecProbe& p,
                const std::string& working_dir, Millis timeout, Done done);
void check_tcp(boost::asio::io_context& io, const config::TcpProbe& p, Millis timeout, Done done);
Result check_file(const config::FileProbe& p, const std::string& project_dir);

}  // namespace lineup::probes
