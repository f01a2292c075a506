// A TLS client session that never touches a socket. Ciphertext goes in with
// received() and comes out with take_output(); the caller moves it over the
// probe's TCP connection on the event loop. So TLS adds no thread, no
// blocking call and no second kind of socket to the probes (see net.h's
// converse(), which drives it).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "util/result.h"

namespace lineup::probes {

struct TlsOptions {
  std::string server_name;  // SNI (a DNS name) and, with verify, the name the certificate must carry
  bool verify = false;      // check the chain against the system's CAs, and the name
  std::string alpn;         // the protocol to ask for ("h2" for gRPC); empty = none
  std::string ca_file;      // with verify: trust only the CAs in this file (a pod's service-account ca.crt)
};

class TlsClient {
 public:
  // Fails when OpenSSL cannot be loaded or set up.
  static lineup::Result<TlsClient> start(const TlsOptions& options);
  ~TlsClient();
  TlsClient(TlsClient&&) noexcept;
  TlsClient& operator=(TlsClient&&) noexcept;

  enum class Progress { done, need_input, failed };

  // Advances the handshake with what was received so far.
  Progress handshake();
  // Encrypts application data; the ciphertext waits in take_output().
  bool write(std::string_view plain);
  // Decrypts what was received so far and appends it to `plain`. `done`
  // when the server closed the session (close_notify).
  Progress read(std::string& plain);

  void received(const char* data, size_t n);
  std::string take_output();
  // Why the last step failed: "certificate verify failed: self-signed
  // certificate", "wrong version number", ...
  const std::string& error() const { return error_; }

 private:
  struct Session;
  explicit TlsClient(std::unique_ptr<Session> s);
  Progress outcome(int ret, const char* step);
  std::unique_ptr<Session> s_;
  std::string error_;
};

}  // namespace lineup::probes
