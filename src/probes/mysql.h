// The parts of a mysql:// (or mariadb://) URL the mysql probe connects with.
#pragma once

#include <string>
#include <variant>

namespace lineup::probes {

struct MysqlUrl {
  std::string host;  // "localhost" becomes 127.0.0.1: the probe speaks TCP, never the Unix socket
  int port = 3306;
  std::string user;
  std::string password;      // percent-decoded
  std::string raw_password;  // as written in the URL; both are kept out of reasons
  std::string database;      // empty: none selected
};

// mysql://[user[:password]@]host[:port][/database]; or what is wrong with it.
std::variant<MysqlUrl, std::string> parse_mysql_url(const std::string& url);

}  // namespace lineup::probes
