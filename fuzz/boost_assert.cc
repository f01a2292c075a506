// The fuzz build keeps Boost's assertions (BOOST_ENABLE_ASSERT_HANDLER, see
// CMakeLists.txt): a failed one aborts, so the fuzzer reports it, except
// for one known false positive.
//
// Beast 1.81's parse_chunk_header asserts `n >= 5` when it is called again
// after the last chunk "0\r\n" arrived without its final CRLF: a peer that
// sends "0\r\n" and "\r\n" in separate reads trips it. The code after the
// assertion handles that case (a release build returns need_more, then
// completes); the assertion was relaxed upstream (boostorg/beast#2861,
// Boost 1.86). Debug builds of lineup against Boost 1.81 abort there too.
#include <boost/assert.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace boost {

void assertion_failed_msg(char const* expr, char const* msg, char const* function, char const* file,
                          long line) {
  if (std::strcmp(expr, "n >= 5") == 0 && std::strstr(function, "parse_chunk_header") &&
      std::strstr(file, "beast/http/impl/basic_parser.ipp"))
    return;
  std::fprintf(stderr, "%s:%ld: %s: Assertion `%s' failed%s%s\n", file, line, function, expr, msg ? ": " : "",
               msg ? msg : "");
  std::abort();
}

void assertion_failed(char const* expr, char const* function, char const* file, long line) {
  assertion_failed_msg(expr, nullptr, function, file, line);
}

}  // namespace boost
