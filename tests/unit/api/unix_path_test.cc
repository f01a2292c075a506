// A socket path longer than sun_path still binds and connects.
#include "api/unix_path.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>

namespace lineup::api {
namespace {

int bind_or_connect(const std::string& path, bool bind) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return -1;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int r = bind ? ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr)
               : ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  if (r == 0 && bind) r = ::listen(fd, 1);
  if (r != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

TEST(UnixPath, AShortPathIsUsedAsItIs) {
  EXPECT_EQ(UnixPath("/tmp/x/lineup.sock").usable(), "/tmp/x/lineup.sock");
}

TEST(UnixPath, ALongPathIsReachedThroughItsDirectory) {
  char tmpl[] = "/tmp/lineup-unix-path.XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string dir = std::string(tmpl) + "/" + std::string(60, 'a') + "/" + std::string(60, 'b');
  std::filesystem::create_directories(dir);
  std::string path = dir + "/lineup.sock";
  ASSERT_GT(path.size(), sizeof(sockaddr_un::sun_path));
  UnixPath server(path);
  EXPECT_LT(server.usable().size(), sizeof(sockaddr_un::sun_path));
  int listening = bind_or_connect(server.usable(), true);
  ASSERT_GE(listening, 0);
  struct stat st;
  EXPECT_EQ(::stat(path.c_str(), &st), 0);  // the socket is where the long path says
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  int client = bind_or_connect(UnixPath(path).usable(), false);
  EXPECT_GE(client, 0);
  ::close(client);
  ::close(listening);
  std::filesystem::remove_all(tmpl);
}

}  // namespace
}  // namespace lineup::api
