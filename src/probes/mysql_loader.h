// MariaDB Connector/C (libmariadb.so.3), loaded on first use: linking it
// would make every lineup command load it and its TLS libraries, whether or
// not a mysql probe ever runs (the reason libpq is loaded the same way).
#pragma once

#include <mysql.h>

#include <string>

// Every Connector/C function the mysql probe calls.
#define LINEUP_MYSQL_FUNCTIONS(X) \
  X(mysql_close)                  \
  X(mysql_errno)                  \
  X(mysql_error)                  \
  X(mysql_free_result)            \
  X(mysql_get_server_info)        \
  X(mysql_get_socket)             \
  X(mysql_init)                   \
  X(mysql_num_rows)               \
  X(mysql_options)                \
  X(mysql_real_connect_cont)      \
  X(mysql_real_connect_start)     \
  X(mysql_real_query_cont)        \
  X(mysql_real_query_start)       \
  X(mysql_store_result_cont)      \
  X(mysql_store_result_start)

namespace lineup::probes {

struct Mariadb {
#define LINEUP_MYSQL_FIELD(name) decltype(&::name) name = nullptr;
  LINEUP_MYSQL_FUNCTIONS(LINEUP_MYSQL_FIELD)
#undef LINEUP_MYSQL_FIELD
};

// The library, or nullptr and why not ("MariaDB Connector/C is not installed ...").
const Mariadb* mariadb(std::string* why);

}  // namespace lineup::probes
