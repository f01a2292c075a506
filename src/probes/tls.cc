#include "probes/tls.h"

#include <map>

#include <fmt/format.h>

#include "probes/openssl_loader.h"

namespace lineup::probes {

struct TlsClient::Session {
  const OpenSsl& ssl;
  SSL* conn = nullptr;
  BIO* in = nullptr;   // ciphertext from the server; owned by conn
  BIO* out = nullptr;  // ciphertext to the server; owned by conn

  explicit Session(const OpenSsl& s) : ssl(s) {}
  ~Session() {
    if (conn) ssl.SSL_free(conn);
  }
};

TlsClient::TlsClient(std::unique_ptr<Session> s) : s_(std::move(s)) {}
TlsClient::~TlsClient() = default;
TlsClient::TlsClient(TlsClient&&) noexcept = default;
TlsClient& TlsClient::operator=(TlsClient&&) noexcept = default;

namespace {

bool is_ip_literal(const std::string& host) {
  return host.find_first_not_of("0123456789.") == std::string::npos || host.find(':') != std::string::npos;
}

// One context per verify mode for the whole process (one event loop, so no
// lock): a new SSL_CTX per check would redo OpenSSL's algorithm fetches and,
// with verify, reread the system's CA store every time.
// A CA file of its own gets its own context, kept as well (a pod has one).
SSL_CTX* shared_context(const OpenSsl& ssl, bool verify, const std::string& ca_file) {
  // Never destroyed (the contexts live as long as the process), so they stay reachable until exit.
  static auto* contexts = new std::map<std::pair<bool, std::string>, SSL_CTX*>;
  SSL_CTX*& ctx = (*contexts)[{verify, verify ? ca_file : std::string()}];
  if (ctx) return ctx;
  ctx = ssl.SSL_CTX_new(ssl.TLS_client_method());
  if (ctx && verify) {
    ssl.SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    if (ca_file.empty())
      ssl.SSL_CTX_set_default_verify_paths(ctx);
    else
      ssl.SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr);
  }
  return ctx;
}

}  // namespace

lineup::Result<TlsClient> TlsClient::start(const TlsOptions& options) {
  std::string why;
  const OpenSsl* ssl = openssl(&why);
  if (!ssl) return unexpected(why);
  SSL_CTX* ctx = shared_context(*ssl, options.verify, options.ca_file);
  if (!ctx) return unexpected(std::string("TLS setup failed"));
  auto s = std::make_unique<Session>(*ssl);
  s->conn = ssl->SSL_new(ctx);
  s->in = ssl->BIO_new(ssl->BIO_s_mem());
  s->out = ssl->BIO_new(ssl->BIO_s_mem());
  if (!s->conn || !s->in || !s->out) return unexpected(std::string("TLS setup failed"));
  ssl->SSL_set_bio(s->conn, s->in, s->out);
  ssl->SSL_set_connect_state(s->conn);
  const std::string& name = options.server_name;
  // SNI carries DNS names only (RFC 6066); SSL_set_tlsext_host_name is a macro over SSL_ctrl.
  if (!name.empty() && !is_ip_literal(name))
    ssl->SSL_ctrl(s->conn, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                  const_cast<char*>(name.c_str()));
  if (options.verify && !name.empty()) ssl->SSL_set1_host(s->conn, name.c_str());
  if (!options.alpn.empty()) {
    // ALPN's wire format: each protocol name after its length byte.
    std::string wire = static_cast<char>(options.alpn.size()) + options.alpn;
    ssl->SSL_set_alpn_protos(s->conn, reinterpret_cast<const unsigned char*>(wire.data()),
                             static_cast<unsigned>(wire.size()));
  }
  return TlsClient(std::move(s));
}

TlsClient::Progress TlsClient::outcome(int ret, const char* step) {
  const OpenSsl& ssl = s_->ssl;
  if (ret > 0) return Progress::done;
  int err = ssl.SSL_get_error(s_->conn, ret);
  if (err == SSL_ERROR_WANT_READ) return Progress::need_input;
  if (err == SSL_ERROR_ZERO_RETURN) return Progress::done;
  long verify = ssl.SSL_get_verify_result(s_->conn);
  unsigned long e = ssl.ERR_get_error();
  ssl.ERR_clear_error();
  if (verify != X509_V_OK)
    error_ = fmt::format("certificate verify failed: {}", ssl.X509_verify_cert_error_string(verify));
  else if (const char* reason = e ? ssl.ERR_reason_error_string(e) : nullptr)
    error_ = fmt::format("TLS {}: {}", step, reason);
  else
    error_ = fmt::format("TLS {} failed", step);
  return Progress::failed;
}

TlsClient::Progress TlsClient::handshake() {
  return outcome(s_->ssl.SSL_do_handshake(s_->conn), "handshake");
}

bool TlsClient::write(std::string_view plain) {
  if (plain.empty()) return true;
  return outcome(s_->ssl.SSL_write(s_->conn, plain.data(), static_cast<int>(plain.size())), "write") ==
         Progress::done;
}

TlsClient::Progress TlsClient::read(std::string& plain) {
  char chunk[16 * 1024];
  for (;;) {
    int n = s_->ssl.SSL_read(s_->conn, chunk, sizeof chunk);
    if (n > 0) {
      plain.append(chunk, static_cast<size_t>(n));
      continue;
    }
    // need_input: all that arrived is decrypted; done: close_notify. (A TCP
    // close without close_notify is seen by the caller, on the socket.)
    return outcome(n, "read");
  }
}

void TlsClient::received(const char* data, size_t n) {
  if (n) s_->ssl.BIO_write(s_->in, data, static_cast<int>(n));
}

std::string TlsClient::take_output() {
  std::string bytes(s_->ssl.BIO_ctrl_pending(s_->out), '\0');
  if (!bytes.empty()) s_->ssl.BIO_read(s_->out, bytes.data(), static_cast<int>(bytes.size()));
  return bytes;
}

}  // namespace lineup::probes
