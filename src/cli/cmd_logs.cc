// `lineup logs`: service output from `.lineup/logs/NAME.log`, as `name | line`.
// With -f it keeps printing what is appended (inotify, no polling of the
// files) until the stack stops or the user presses Ctrl-C.
#include <fmt/format.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "cli/cli.h"
#include "cli/output.h"
#include "cli/project_dir.h"
#include "runtime/output.h"
#include "runtime/state_dir.h"
#include "util/terminal_text.h"

namespace lineup::cli {

namespace {

namespace fs = std::filesystem;

struct LogsOptions {
  std::vector<std::string> services;
  bool follow = false;
  int tail = -1;
  bool timestamps = false;
};

struct Followed {
  std::string name;
  std::string path;
  std::streamoff offset = 0;
  std::string partial;
  std::vector<runtime::LogTime> times;  // with --timestamps: read again before each batch of lines
};

// "2026-12-04T16:40:01.123Z": when the supervisor read the line (UTC).
std::string timestamp(long long unix_ms) {
  if (unix_ms <= 0) return "-                       ";
  std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03}Z", text, unix_ms % 1000);
}

// `offset`: where the line starts in the log, to find when it was read.
void print_line(const GlobalOptions& g, const LogsOptions& o, const Followed& f, size_t width,
                std::string_view line, std::streamoff offset) {
  std::string when;
  if (o.timestamps) {
    when = timestamp(runtime::time_of(f.times, static_cast<unsigned long long>(offset))) + " ";
  }
  if (use_color(g, stdout))
    fmt::print("\033[36m{:<{}} |\033[0m {}{}\n", f.name, width, when, terminal_line(line));
  else
    fmt::print("{:<{}} | {}{}\n", f.name, width, when, terminal_line(line));
}

// Prints what was appended since the last call; keeps an unfinished line for later.
void drain(const GlobalOptions& g, const LogsOptions& o, Followed& f, size_t width) {
  std::error_code ec;
  auto size = fs::file_size(f.path, ec);
  if (ec) return;
  if (static_cast<std::streamoff>(size) < f.offset) f.offset = 0;  // rotated
  std::ifstream in(f.path, std::ios::binary);
  in.seekg(f.offset);
  std::string chunk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  f.offset += static_cast<std::streamoff>(chunk.size());
  f.partial += chunk;
  if (o.timestamps) f.times = runtime::read_log_times(f.path);
  std::streamoff partial_at = f.offset - static_cast<std::streamoff>(f.partial.size());
  size_t start = 0, nl;
  while ((nl = f.partial.find('\n', start)) != std::string::npos) {
    print_line(g, o, f, width, std::string_view(f.partial).substr(start, nl - start),
               partial_at + static_cast<std::streamoff>(start));
    start = nl + 1;
  }
  f.partial.erase(0, start);
  std::fflush(stdout);
}

// A name with no log of its own but logs NAME-1.log, NAME-2.log...: a
// replicated service's base name, which stands for all its replicas.
std::vector<std::string> with_replicas(const std::string& dir, const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& n : names) {
    std::error_code ec;
    std::vector<std::pair<long, std::string>> replicas;
    if (!fs::exists(dir + "/" + n + ".log", ec))
      for (const auto& e : fs::directory_iterator(dir, ec)) {
        std::string stem = e.path().stem().string();
        if (e.path().extension() != ".log" || !stem.starts_with(n + "-")) continue;
        std::string_view number = std::string_view(stem).substr(n.size() + 1);
        if (number.empty() || number.size() > 4 || number.front() == '0' ||
            !std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; }))
          continue;
        replicas.emplace_back(std::stol(std::string(number)), stem);
      }
    std::sort(replicas.begin(), replicas.end());
    if (replicas.empty()) out.push_back(n);
    for (auto& r : replicas) out.push_back(std::move(r.second));
  }
  return out;
}

int run_logs(const GlobalOptions& g, const LogsOptions& o) {
  std::string state_dir = runtime::state_dir_of(project_dir_for(g));
  std::string dir = state_dir + "/logs";
  if (auto ok = runtime::readable(state_dir); !ok) {
    fmt::print(stderr, "lineup: {}\n", ok.error());
    return kFailed;
  }
  std::vector<std::string> names = o.services;
  if (names.empty()) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.path().extension() == ".log") names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());
  }
  names = with_replicas(dir, names);
  std::vector<Followed> files;
  size_t width = 8;
  for (const auto& n : names) {
    // A service name never contains '/', so this cannot leave the logs directory.
    if (n.find('/') != std::string::npos || n == ".." || n == ".") {
      fmt::print(stderr, "lineup: \"{}\" is not a service name\n", n);
      return kUsage;
    }
    std::string path = dir + "/" + n + ".log";
    if (!fs::exists(path) && !o.follow) {
      fmt::print(stderr, "lineup: no logs for \"{}\" in {}\n", n, dir);
      return kFailed;
    }
    files.push_back({n, path, 0, {}, {}});
    width = std::max(width, n.size());
  }
  for (auto& f : files) {
    std::ifstream in(f.path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (o.timestamps) f.times = runtime::read_log_times(f.path);
    // Whole lines only; an unfinished last one waits for -f (or is shown as it is without it).
    std::deque<std::pair<size_t, size_t>> lines;  // start, length
    size_t start = 0, nl;
    while ((nl = text.find('\n', start)) != std::string::npos) {
      lines.emplace_back(start, nl - start);
      if (o.tail >= 0 && lines.size() > static_cast<size_t>(o.tail)) lines.pop_front();
      start = nl + 1;
    }
    if (start < text.size() && !o.follow) {
      lines.emplace_back(start, text.size() - start);
      if (o.tail >= 0 && lines.size() > static_cast<size_t>(o.tail)) lines.pop_front();
      start = text.size();
    }
    for (const auto& [at, len] : lines)
      print_line(g, o, f, width, std::string_view(text).substr(at, len), static_cast<std::streamoff>(at));
    f.offset = static_cast<std::streamoff>(start);
  }
  std::fflush(stdout);
  if (!o.follow) return kOk;

  int in = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (in < 0) return kFailed;
  ::inotify_add_watch(in, dir.c_str(), IN_MODIFY | IN_CREATE | IN_MOVED_TO);
  while (true) {
    pollfd p{in, POLLIN, 0};
    // The timeout only notices that the stack has stopped.
    int r = ::poll(&p, 1, 1000);
    if (r > 0) {
      char buf[4096];
      while (::read(in, buf, sizeof buf) > 0) {
      }
      for (auto& f : files) drain(g, o, f, width);
    } else if (auto running = runtime::is_running(state_dir); !running || !*running) {
      for (auto& f : files) drain(g, o, f, width);
      break;
    }
  }
  ::close(in);
  return kOk;
}

}  // namespace

void register_logs(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<LogsOptions>();
  auto* cmd = app.add_subcommand("logs", "Output of services, from their log files");
  cmd->add_option("services", o->services, "Services to show (default: all)");
  cmd->add_flag("-f,--follow", o->follow, "Keep printing new output until the stack stops");
  cmd->add_option("--tail", o->tail, "Only the last N lines of each service");
  cmd->add_flag("-t,--timestamps", o->timestamps, "Prefix each line with the time lineup read it (UTC)");
  cmd->callback([&g, o, &action] { action = [&g, o] { return run_logs(g, *o); }; });
}

}  // namespace lineup::cli
