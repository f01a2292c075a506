// libpq, loaded on first use.
//
// Linking libpq pulls in 23 more shared libraries (OpenSSL, GnuTLS,
// Kerberos, LDAP, SASL, ...) and made every lineup command start ~5 ms
// slower, `lineup wait` and the supervisor's launch included, whether or not
// a postgres probe was ever used. So lineup does not link it: the PQ*
// functions the postgres probe calls are defined here and forward to the
// real ones, found with dlopen the first time a postgres probe runs.
#include <libpq-fe.h>

#include <string>

#include "probes/kinds.h"
#include "util/dynamic_library.h"

// Every libpq function the postgres probe calls.
#define LINEUP_PQ_FUNCTIONS(X) \
  X(PQclear)                   \
  X(PQconnectPoll)             \
  X(PQconnectStartParams)      \
  X(PQconninfoFree)            \
  X(PQconninfoParse)           \
  X(PQconsumeInput)            \
  X(PQerrorMessage)            \
  X(PQfinish)                  \
  X(PQflush)                   \
  X(PQfreemem)                 \
  X(PQgetResult)               \
  X(PQisBusy)                  \
  X(PQntuples)                 \
  X(PQresStatus)               \
  X(PQresultErrorField)        \
  X(PQresultErrorMessage)      \
  X(PQresultStatus)            \
  X(PQsendQuery)               \
  X(PQsetnonblocking)          \
  X(PQsocket)                  \
  X(PQstatus)

namespace lineup::probes {

struct Libpq {
  void* handle = nullptr;
  std::string error;
#define LINEUP_PQ_FIELD(name) decltype(&::name) name = nullptr;
  LINEUP_PQ_FUNCTIONS(LINEUP_PQ_FIELD)
#undef LINEUP_PQ_FIELD

  Libpq() {
    handle = ::dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      error = "libpq is not installed (Debian package libpq5)";
      return;
    }
    bool ok = true;
#define LINEUP_PQ_LOAD(name) ok = bind_function(handle, name, #name) && ok;
    LINEUP_PQ_FUNCTIONS(LINEUP_PQ_LOAD)
#undef LINEUP_PQ_LOAD
    if (!ok) error = "libpq.so.5 lacks a function lineup needs";
  }
};

const Libpq& pq() {
  static const Libpq lib;
  return lib;
}

bool libpq_available(std::string* why) {
  const auto& lib = pq();
  if (lib.error.empty()) return true;
  if (why) *why = lib.error;
  return false;
}

}  // namespace lineup::probes

// The forwarding definitions. Only called after libpq_available() said yes.
using lineup::probes::pq;
extern "C" {
void PQclear(PGresult* res) {
  pq().PQclear(res);
}
PostgresPollingStatusType PQconnectPoll(PGconn* conn) {
  return pq().PQconnectPoll(conn);
}
PGconn* PQconnectStartParams(const char* const* keywords, const char* const* values, int expand_dbname) {
  return pq().PQconnectStartParams(keywords, values, expand_dbname);
}
void PQconninfoFree(PQconninfoOption* options) {
  pq().PQconninfoFree(options);
}
PQconninfoOption* PQconninfoParse(const char* conninfo, char** errmsg) {
  return pq().PQconninfoParse(conninfo, errmsg);
}
int PQconsumeInput(PGconn* conn) {
  return pq().PQconsumeInput(conn);
}
char* PQerrorMessage(const PGconn* conn) {
  return pq().PQerrorMessage(conn);
}
void PQfinish(PGconn* conn) {
  pq().PQfinish(conn);
}
int PQflush(PGconn* conn) {
  return pq().PQflush(conn);
}
void PQfreemem(void* ptr) {
  pq().PQfreemem(ptr);
}
PGresult* PQgetResult(PGconn* conn) {
  return pq().PQgetResult(conn);
}
int PQisBusy(PGconn* conn) {
  return pq().PQisBusy(conn);
}
int PQntuples(const PGresult* res) {
  return pq().PQntuples(res);
}
char* PQresStatus(ExecStatusType status) {
  return pq().PQresStatus(status);
}
char* PQresultErrorField(const PGresult* res, int fieldcode) {
  return pq().PQresultErrorField(res, fieldcode);
}
char* PQresultErrorMessage(const PGresult* res) {
  return pq().PQresultErrorMessage(res);
}
ExecStatusType PQresultStatus(const PGresult* res) {
  return pq().PQresultStatus(res);
}
int PQsendQuery(PGconn* conn, const char* query) {
  return pq().PQsendQuery(conn, query);
}
int PQsetnonblocking(PGconn* conn, int arg) {
  return pq().PQsetnonblocking(conn, arg);
}
int PQsocket(const PGconn* conn) {
  return pq().PQsocket(conn);
}
ConnStatusType PQstatus(const PGconn* conn) {
  return pq().PQstatus(conn);
}
}
