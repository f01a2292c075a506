#include "runtime/cgroup.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>
#include <tuple>

#include "util/fd.h"
#include "util/read_file.h"

namespace lineup::runtime {

namespace fs = std::filesystem;

namespace {

bool write_text(const std::string& path, std::string_view text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok;
}

// Where the cgroup2 hierarchy is mounted ("/sys/fs/cgroup" on a pure v2
// system, "/sys/fs/cgroup/unified" on a hybrid one).
std::optional<std::string> cgroup2_mount() {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    // ... mount-point ... - fstype source options
    auto dash = line.find(" - ");
    if (dash == std::string::npos || line.compare(dash + 3, 8, "cgroup2 ") != 0) continue;
    std::istringstream fields(line.substr(0, dash));
    std::string id, parent, devno, root, point;
    if (fields >> id >> parent >> devno >> root >> point) return point;
  }
  return std::nullopt;
}

// The cgroup v2 path of this process ("0::/some/path" in /proc/self/cgroup).
std::optional<std::string> own_cgroup() {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with("0::")) return line.substr(3);
  return std::nullopt;
}

std::string read_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

bool has_word(const std::string& words, std::string_view word) {
  std::istringstream in(words);
  std::string w;
  while (in >> w)
    if (w == word) return true;
  return false;
}

bool has_item(std::string_view list, std::string_view item) {  // "cpu,cpuacct" has "cpu"
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (list.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start) == item)
      return true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return false;
}

// lineup's own cgroup in the cgroup v1 hierarchy of `controller`, if one is
// mounted and lineup may write to it ("" otherwise).
std::string v1_own_dir(std::string_view controller) {
  std::string path;
  {
    std::ifstream in("/proc/self/cgroup");  // "4:memory:/a/b"
    std::string line;
    while (std::getline(in, line)) {
      auto first = line.find(':'), second = line.find(':', first + 1);
      if (first == std::string::npos || second == std::string::npos) continue;
      if (has_item(std::string_view(line).substr(first + 1, second - first - 1), controller))
        path = line.substr(second + 1);
    }
  }
  if (path.empty()) return "";
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    auto dash = line.find(" - ");
    if (dash == std::string::npos || line.compare(dash + 3, 7, "cgroup ") != 0) continue;
    std::istringstream tail(line.substr(dash + 3));
    std::string type, source, options;
    tail >> type >> source >> options;
    if (!has_item(options, controller)) continue;
    std::istringstream fields(line.substr(0, dash));
    std::string id, parent, devno, root, point;
    if (!(fields >> id >> parent >> devno >> root >> point)) continue;
    std::string dir = path == "/" ? point : point + path;
    return ::access(dir.c_str(), W_OK) == 0 ? dir : "";
  }
  return "";
}

// A cgroup interface file, read with plain read()s: these are read for
// every exit of a service (a stream costs more than the read itself).
std::optional<std::string> read_interface_file(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return std::nullopt;
  auto text = read_to_end(fd.get());
  if (!text) return std::nullopt;
  return std::move(*text);
}

// Whether anything runs in the cgroup or below it; nullopt when it cannot be read.
std::optional<bool> read_populated(const std::string& dir) {
  auto text = read_interface_file(dir + "/cgroup.events");
  if (!text) return std::nullopt;
  auto at = text->find("populated ");
  if (at == std::string::npos || at + 10 >= text->size()) return std::nullopt;
  return (*text)[at + 10] != '0';
}

bool events_populated(const std::string& dir) {
  return read_populated(dir).value_or(false);
}

}  // namespace

std::optional<std::string> Cgroups::stack_dir(const std::string& project_dir, bool create) {
  auto mount = cgroup2_mount();
  auto own = own_cgroup();
  if (!mount || !own) return std::nullopt;
  std::error_code ec;
  std::string canonical = fs::weakly_canonical(project_dir, ec).string();
  std::string name = fs::path(canonical).filename().string();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
  std::string dir = fmt::format("{}{}/lineup-{}-{:08x}", *mount, *own == "/" ? "" : *own, name.substr(0, 40),
                                static_cast<uint32_t>(std::hash<std::string>{}(canonical)));
  if (!create) return ::access(dir.c_str(), F_OK) == 0 ? std::optional(dir) : std::nullopt;
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return std::nullopt;
  // A cgroup we cannot move processes into is of no use (no delegation).
  if (::access((dir + "/cgroup.procs").c_str(), W_OK) != 0) return std::nullopt;
  return dir;
}

Cgroups::LimitSupport Cgroups::limit_support() {
  LimitSupport s;
  auto mount = cgroup2_mount();
  auto own = own_cgroup();
  if (!mount || !own) {
    s.why = "there is no cgroup v2 here";
    return s;
  }
  std::string dir = *own == "/" ? *mount : *mount + *own;
  if (::access((dir + "/cgroup.procs").c_str(), W_OK) != 0) {
    s.why = fmt::format("lineup cannot write to its cgroup ({}): no delegation", *own);
    return s;
  }
  // The stack's cgroup (a child of lineup's) gets what lineup's own hands down.
  std::string handed = read_line(dir + "/cgroup.subtree_control");
  s.memory = has_word(handed, "memory");
  s.cpu = has_word(handed, "cpu");
  s.pids = has_word(handed, "pids");
  // A hybrid machine: the controller is a cgroup v1 hierarchy of its own.
  for (auto [on, v1, name] : {std::tuple{&s.memory, &s.memory_v1, "memory"},
                              std::tuple{&s.cpu, &s.cpu_v1, "cpu"}, std::tuple{&s.pids, &s.pids_v1, "pids"}})
    if (!*on) {
      *v1 = v1_own_dir(name);
      *on = !v1->empty();
    }
  std::vector<std::string> missing;
  if (!s.memory) missing.push_back("memory");
  if (!s.cpu) missing.push_back("cpu");
  if (!s.pids) missing.push_back("pids");
  if (!missing.empty())
    s.why = fmt::format("cgroup v2 gives lineup's cgroup ({}) no {} controller{}", *own,
                        fmt::join(missing, ", "), missing.size() == 1 ? "" : "s");
  return s;
}

std::vector<Cgroups::Unenforceable> Cgroups::unenforceable(const std::vector<config::Service>& services) {
  std::vector<Unenforceable> out;
  std::optional<LimitSupport> support;
  for (const auto& s : services) {
    if (!s.limits->needs_cgroup()) continue;
    if (!support) support = limit_support();
    if (support->covers(*s.limits)) continue;
    std::vector<std::string> keys;
    if (s.limits->memory && !support->memory) keys.push_back("limits.memory");
    if (s.limits->cpus && !support->cpu) keys.push_back("limits.cpus");
    if (s.limits->pids && !support->pids) keys.push_back("limits.pids");
    out.push_back(
        {&s, fmt::format("{} of {} cannot be enforced here: {}; the service runs without {}",
                         fmt::join(keys, ", "), s.name, support->why, keys.size() == 1 ? "it" : "them")});
  }
  return out;
}

Cgroups::~Cgroups() {
  for (auto& [name, a] : current_) {
    if (a.fd >= 0) ::close(a.fd);
    for (const auto& [fd, controller] : a.v1->procs) ::close(fd);
  }
}

// "svc-": never the name of an interface file (cgroup.*).
std::string Cgroups::dir_of(const std::string& service, const Attempt& a) const {
  return fmt::format("{}/svc-{}.{}", *stack_, service, a.number);
}

int Cgroups::attempt_fd(const std::string& service, const config::Limits& limits) {
  if (!stack_) return -1;
  if (limits.needs_cgroup() && !enabled_) {
    // Turned on for the stack's children (allowed: the stack's cgroup holds no process itself).
    enabled_ = limit_support();
    std::string on;
    if (enabled_->memory && enabled_->memory_v1.empty()) on += "+memory ";
    if (enabled_->cpu && enabled_->cpu_v1.empty()) on += "+cpu ";
    if (enabled_->pids && enabled_->pids_v1.empty()) on += "+pids ";
    if (!on.empty() && !write_text(*stack_ + "/cgroup.subtree_control", on)) {
      enabled_->memory = !enabled_->memory_v1.empty();
      enabled_->cpu = !enabled_->cpu_v1.empty();
      enabled_->pids = !enabled_->pids_v1.empty();
    }
  }
  Attempt& a = current_[service];
  release(service, a);  // the last attempt's cgroups, if empty by now; the stack's removal gets the rest
  ++a.number;
  std::string dir = dir_of(service, a);
  a.fd = -1;
  if (::mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST)
    a.fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  a.active = a.fd >= 0;
  if (a.fd >= 0 && enabled_) {  // before the process is born in it: no moment without its limits
    if (limits.memory && enabled_->memory && enabled_->memory_v1.empty())
      write_text(dir + "/memory.max", std::to_string(*limits.memory));
    if (limits.cpus && enabled_->cpu && enabled_->cpu_v1.empty())
      write_text(dir + "/cpu.max", fmt::format("{} 100000", static_cast<long long>(*limits.cpus * 100000)));
    if (limits.pids && enabled_->pids && enabled_->pids_v1.empty())
      write_text(dir + "/pids.max", std::to_string(*limits.pids));
    v1_attempt(a, service, limits);
  }
  return a.fd;
}

// The attempt's cgroup in each v1 hierarchy a limit needs, named as its v2
// one (<own>/lineup-<stack key>/svc-NAME.N), with the limit written first.
void Cgroups::v1_attempt(Attempt& a, const std::string& service, const config::Limits& limits) {
  std::string stack_name = fs::path(*stack_).filename().string();
  std::string leaf = fmt::format("svc-{}.{}", service, a.number);
  auto make = [&](const std::string& base, const char* controller,
                  std::initializer_list<std::pair<const char*, std::string>> settings) {
    std::string stack = base + "/" + stack_name, dir = stack + "/" + leaf;
    if ((::mkdir(stack.c_str(), 0755) != 0 && errno != EEXIST) ||
        (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST))
      return std::string();
    V1& v1 = a.v1.emplace();
    v1.dirs.push_back(dir);
    for (const auto& [file, value] : settings) write_text(dir + "/" + file, value);
    int procs = ::open((dir + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
    if (procs >= 0) v1.procs.emplace_back(procs, controller);
    return dir;
  };
  if (limits.memory && !enabled_->memory_v1.empty()) {
    // Swap left alone, as memory.max leaves it on cgroup v2 (design.md, "Swap is not limited").
    std::string memory =
        make(enabled_->memory_v1, "memory", {{"memory.limit_in_bytes", std::to_string(*limits.memory)}});
    if (!memory.empty()) a.v1.emplace().memory = std::move(memory);
  }
  if (limits.pids && !enabled_->pids_v1.empty())
    make(enabled_->pids_v1, "pids", {{"pids.max", std::to_string(*limits.pids)}});
  if (limits.cpus && !enabled_->cpu_v1.empty())
    make(enabled_->cpu_v1, "cpu",
         {{"cpu.cfs_period_us", "100000"},
          {"cpu.cfs_quota_us", std::to_string(static_cast<long long>(*limits.cpus * 100000))}});
}

std::vector<std::pair<int, std::string>> Cgroups::attempt_joins(const std::string& service) const {
  auto it = current_.find(service);
  return it == current_.end() ? std::vector<std::pair<int, std::string>>{} : it->second.v1->procs;
}

void Cgroups::spawned(const std::string& service) {
  auto it = current_.find(service);
  if (it == current_.end()) return;
  Attempt& a = it->second;
  if (a.fd >= 0) ::close(a.fd);
  a.fd = -1;
  if (V1* v1 = a.v1.get()) {
    for (auto& [fd, controller] : v1->procs) ::close(fd);
    v1->procs.clear();
  }
}

void Cgroups::release(const std::string& service, Attempt& a) {
  if (a.fd >= 0) ::close(a.fd);
  if (a.active) ::rmdir(dir_of(service, a).c_str());
  a.fd = -1;
  a.active = false;
  if (V1* v1 = a.v1.get()) {
    for (auto& [fd, controller] : v1->procs) ::close(fd);
    for (const auto& dir : v1->dirs) ::rmdir(dir.c_str());
  }
  a.v1.reset();
}

bool Cgroups::oom_killed(const std::string& service) const {
  auto it = current_.find(service);
  if (it == current_.end() || !it->second.active) return false;
  // cgroup v1 says it in memory.oom_control, v2 in memory.events: "oom_kill N" both.
  const std::string& memory_v1 = it->second.v1->memory;
  std::ifstream in(memory_v1.empty() ? dir_of(service, it->second) + "/memory.events"
                                     : memory_v1 + "/memory.oom_control");
  std::string key;
  long long value = 0;
  while (in >> key >> value)
    if (key == "oom_kill") return value > 0;
  return false;
}

void Cgroups::kill(const std::string& service) {
  if (auto it = current_.find(service); it != current_.end() && it->second.active)
    write_text(dir_of(service, it->second) + "/cgroup.kill", "1");
}

void Cgroups::signal_outside_group(const std::string& service, pid_t group, int sig) {
  auto it = current_.find(service);
  if (it == current_.end() || !it->second.active) return;
  auto procs = read_interface_file(dir_of(service, it->second) + "/cgroup.procs");
  if (!procs) return;
  std::istringstream pids(*procs);
  pid_t pid;
  while (pids >> pid)
    if (::getpgid(pid) != group) ::kill(pid, sig);
}

bool Cgroups::release_if_empty(const std::string& service) {
  auto it = current_.find(service);
  if (it == current_.end() || !it->second.active) return true;
  Attempt& a = it->second;
  // rmdir refuses a populated cgroup: one call both asks and removes.
  std::string dir = dir_of(service, a);
  if (::rmdir(dir.c_str()) != 0 && errno != ENOENT) {
    if (errno == EBUSY || events_populated(dir)) return false;
  }
  a.active = false;
  release(service, a);  // its v1 namesakes
  return true;
}

namespace {
// Every process of a stack's cgroup, by the service cgroup ("svc-NAME.N") it is in.
std::vector<Cgroups::Process> processes_in(const std::string& stack_dir) {
  std::vector<Cgroups::Process> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(stack_dir, ec)) {
    if (!entry.is_directory()) continue;
    std::string name = entry.path().filename().string();
    if (name.starts_with("svc-")) name.erase(0, 4);
    if (auto dot = name.rfind('.'); dot != std::string::npos) name.erase(dot);
    std::ifstream procs(entry.path() / "cgroup.procs");
    pid_t pid;
    while (procs >> pid) out.push_back({name, pid});
  }
  return out;
}
}  // namespace

std::vector<Cgroups::Process> Cgroups::processes(const std::string& project_dir) {
  auto dir = stack_dir(project_dir, false);
  return dir ? processes_in(*dir) : std::vector<Process>{};
}

Result<int> Cgroups::kill_stack(const std::string& stack_dir) {
  // The stack's own cgroup.events covers every service's cgroup: one read
  // when nothing is left (the usual end), instead of one per cgroup.
  if (read_populated(stack_dir) == false) return 0;
  auto before = processes_in(stack_dir).size();
  if (before == 0) return 0;
  // Recursive: every service's cgroup.
  if (!write_text(stack_dir + "/cgroup.kill", "1"))
    return unexpected(fmt::format("cannot kill the {} process{} in {}: {}", before, before == 1 ? "" : "es",
                                  stack_dir, std::strerror(errno)));
  // cgroup.kill returns before the processes are gone; wait (bounded) for them.
  for (int i = 0; i < 400 && events_populated(stack_dir); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto after = processes_in(stack_dir).size();
  return static_cast<int>(before > after ? before - after : 0);
}

Result<int> Cgroups::sweep_stale(const std::string& project_dir) {
  auto dir = stack_dir(project_dir, false);
  if (!dir) return 0;
  auto killed = kill_stack(*dir);
  if (killed) remove_stack(*dir);
  return killed;
}

void Cgroups::remove_stack(const std::string& stack_dir) {
  auto remove = [](const std::string& dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (entry.is_directory()) ::rmdir(entry.path().c_str());
    ::rmdir(dir.c_str());
  };
  remove(stack_dir);
  // Its namesakes in the cgroup v1 hierarchies of a hybrid machine (empty once the v2 one is).
  std::string name = fs::path(stack_dir).filename().string();
  for (const char* controller : {"memory", "pids", "cpu"})
    if (std::string base = v1_own_dir(controller); !base.empty()) remove(base + "/" + name);
}

}  // namespace lineup::runtime
