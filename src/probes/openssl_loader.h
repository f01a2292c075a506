// OpenSSL, loaded on first use, for https:// and rediss:// probes.
//
// Linking libssl and libcrypto made every lineup command start about 1.4 ms
// slower (their relocations, bound at load time like all of lineup's: see
// CMakeLists.txt), whether or not a TLS probe was ever used. Like libpq
// (libpq_loader.cc), OpenSSL is opened with dlopen the first time a TLS probe
// runs, and called through this table, never through global symbols, so it
// cannot clash with the copy libpq brings.
#pragma once

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <string>

// Every OpenSSL function the TLS layer (tls.cc) calls.
#define LINEUP_OPENSSL_FUNCTIONS(X)   \
  X(BIO_ctrl_pending)                 \
  X(BIO_new)                          \
  X(BIO_read)                         \
  X(BIO_s_mem)                        \
  X(BIO_write)                        \
  X(ERR_clear_error)                  \
  X(ERR_get_error)                    \
  X(ERR_reason_error_string)          \
  X(SSL_CTX_load_verify_locations)    \
  X(SSL_CTX_new)                      \
  X(SSL_CTX_set_default_verify_paths) \
  X(SSL_CTX_set_verify)               \
  X(SSL_ctrl)                         \
  X(SSL_do_handshake)                 \
  X(SSL_free)                         \
  X(SSL_get_error)                    \
  X(SSL_get_verify_result)            \
  X(SSL_new)                          \
  X(SSL_read)                         \
  X(SSL_set1_host)                    \
  X(SSL_set_alpn_protos)              \
  X(SSL_set_bio)                      \
  X(SSL_set_connect_state)            \
  X(SSL_write)                        \
  X(TLS_client_method)                \
  X(X509_verify_cert_error_string)

namespace lineup::probes {

struct OpenSsl {
#define LINEUP_OPENSSL_FIELD(name) decltype(&::name) name = nullptr;
  LINEUP_OPENSSL_FUNCTIONS(LINEUP_OPENSSL_FIELD)
#undef LINEUP_OPENSSL_FIELD
};

// The table, or nullptr and why not ("OpenSSL is not installed (Debian
// package libssl3)").
const OpenSsl* openssl(std::string* why);

}  // namespace lineup::probes
