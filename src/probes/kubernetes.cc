// `kubernetes-job://NS/NAME` (and -deployment://, -statefulset://): the
// wait of `lineup export kubernetes`'s init containers for a dependency that
// is a Job, or that has no port to connect to. One GET to the API server,
// as the pod's service account (its bearer token, its CA, the server's
// certificate checked for kubernetes.default.svc), over the same TLS and
// HTTP path as an https probe; the object's status decides.
#include <fmt/format.h>

#include <algorithm>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <memory>
#include <sstream>

#include "probes/http_response.h"
#include "probes/kinds.h"
#include "probes/net.h"
#include "util/read_file.h"

namespace lineup::probes {

namespace {

namespace http = boost::beast::http;
using json = nlohmann::json;

constexpr const char* kAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";
// The name every API server's certificate carries for in-cluster clients.
constexpr const char* kServerName = "kubernetes.default.svc";

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

long long number_at(const json& status, const char* key) {
  auto it = status.find(key);
  return it != status.end() && it->is_number_integer() ? it->get<long long>() : 0;
}

// The verdict on the object: a Job that succeeded, a workload with a ready pod.
Result judge(const config::KubernetesProbe& p, int code, const std::string& body) {
  std::string what = fmt::format("{} {}/{}",
                                 p.resource == "jobs"          ? "Job"
                                 : p.resource == "deployments" ? "Deployment"
                                                               : "StatefulSet",
                                 p.ns, p.name);
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (code == 404) return {false, fmt::format("no {} (not created yet?)", what)};
  if (code == 401 || code == 403) {
    std::string message = j.is_object() ? j.value("message", "") : "";
    return {false, fmt::format("HTTP {}: the pod's service account may not read {}{}{}", code, what,
                               message.empty() ? "" : ": ", message)};
  }
  if (code != 200) return {false, fmt::format("HTTP {} from the API server", code)};
  if (!j.is_object()) return {false, "the API server's answer is not JSON"};
  const json status = j.contains("status") && j["status"].is_object() ? j["status"] : json::object();
  const json spec = j.contains("spec") && j["spec"].is_object() ? j["spec"] : json::object();
  // Every replica, as lineup waits for every replica of a dependency: a
  // Job's `completions` (its replicas), a workload's `replicas`.
  if (p.resource == "jobs") {
    long long wanted = std::max(1LL, number_at(spec, "completions"));
    long long succeeded = number_at(status, "succeeded");
    if (succeeded >= wanted) return {true, fmt::format("{} succeeded", what)};
    if (status.contains("conditions") && status["conditions"].is_array())
      for (const auto& c : status["conditions"])
        if (c.is_object() && c.value("type", "") == "Failed" && c.value("status", "") == "True")
          return {false, fmt::format("{} failed: {}", what, c.value("reason", "no reason given"))};
    return {false, fmt::format("{} has not succeeded yet ({} of {} succeeded, {} active, {} failed)", what,
                               succeeded, wanted, number_at(status, "active"), number_at(status, "failed"))};
  }
  long long ready = number_at(status, "readyReplicas");
  long long wanted = std::max(1LL, number_at(spec, "replicas"));
  if (ready >= wanted) return {true, fmt::format("{}: {} ready", what, ready)};
  return {false, fmt::format("{}: {} of {} pods ready", what, ready, wanted)};
}

}  // namespace

void check_kubernetes(boost::asio::io_context& io, const config::KubernetesProbe& p, Millis timeout,
                      Done done) {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (!host || !*host) return done({false, "not in a pod: KUBERNETES_SERVICE_HOST is not set"});
  const char* dir_env = std::getenv("LINEUP_KUBERNETES_SERVICEACCOUNT");
  std::string dir = dir_env && *dir_env ? dir_env : kAccountDir;
  auto token = read_file(dir + "/token", 64 * 1024);
  if (!token)
    return done({false, fmt::format("no service account token: {}/token: {}", dir, token.error().message)});
  auto ep = resolve(host, port && *port ? std::atoi(port) : 443);
  if (!ep) return done({false, fmt::format("cannot resolve {}", host)});

  std::string group = p.resource == "jobs" ? "batch/v1" : "apps/v1";
  http::request<http::empty_body> request{
      http::verb::get, fmt::format("/apis/{}/namespaces/{}/{}/{}", group, p.ns, p.resource, p.name), 11};
  request.set(http::field::host, kServerName);
  request.set(http::field::user_agent, "lineup");
  request.set(http::field::accept, "application/json");
  request.set(http::field::authorization, "Bearer " + trimmed(*token));
  request.set(http::field::connection, "close");
  std::ostringstream wire;
  wire << request;

  TlsOptions tls{kServerName, /*verify=*/true, {}, dir + "/ca.crt"};
  auto reader = std::make_shared<HttpResponseReader>(
      [p](int code, const std::string& body) { return judge(p, code, body); });
  converse(
      io, *ep, std::move(tls), std::move(wire).str(),
      [reader](std::string_view bytes, bool closed) { return reader->feed(bytes, closed); }, timeout,
      std::move(done));
}

}  // namespace lineup::probes
