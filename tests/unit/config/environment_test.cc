// What a service's process finds in its environment, and in which order
// the sources override each other.
#include "config/environment.h"

#include <gtest/gtest.h>

namespace lineup::config {
namespace {

TEST(Environment, LaterSourcesWinAndLineupsOwnSupervisorIsNotInherited) {
  const char* inherited[] = {"PATH=/bin",    "HOME=/root",     "NOTIFY_SOCKET=/run/systemd/notify",
                             "LISTEN_FDS=2", "MODE=inherited", nullptr};
  auto stack = stack_environment(inherited, {{"MODE", "stack"}, {"DB", "db:5432"}});
  EXPECT_EQ(stack, (std::vector<std::string>{"DB=db:5432", "HOME=/root", "MODE=stack", "PATH=/bin"}));
  auto service =
      service_environment(stack, {{"MODE", "service"}, {"EMPTY", ""}}, {{"NOTIFY_SOCKET", "@lineup/1/api"}});
  EXPECT_EQ(service, (std::vector<std::string>{"DB=db:5432", "EMPTY=", "HOME=/root", "MODE=service",
                                               "NOTIFY_SOCKET=@lineup/1/api", "PATH=/bin"}));
}

TEST(Environment, NothingInherited) {
  EXPECT_TRUE(stack_environment(nullptr, {}).empty());
  EXPECT_EQ(service_environment({}, {{"A", "1=2"}}, {}), (std::vector<std::string>{"A=1=2"}));
}

}  // namespace
}  // namespace lineup::config
