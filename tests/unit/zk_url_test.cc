#include "baton/zk_url.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "baton/error.h"

namespace baton {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ZkUrl, ParsesHostsPathAndCredentials) {
  ZkUrl url = ZkUrl::Parse("zk://user:p@ss:w0rd@zk1:2181,zk2:2182,[::1]:2183/mesos/marathon/");
  EXPECT_EQ(url.hosts, "zk1:2181,zk2:2182,[::1]:2183");
  EXPECT_EQ(url.path, "/mesos/marathon");
  EXPECT_EQ(url.user, "user");
  EXPECT_EQ(url.password, "p@ss:w0rd");
  EXPECT_EQ(url.state_path(), "/mesos/marathon/state");
  EXPECT_EQ(url.leader_path(), "/mesos/marathon/leader");
  EXPECT_EQ(url.Redacted(), "zk://user:***@zk1:2181,zk2:2182,[::1]:2183/mesos/marathon");
}

TEST(ZkUrl, WithoutCredentials) {
  ZkUrl url = ZkUrl::Parse("zk://localhost:2181/marathon");
  EXPECT_FALSE(url.has_credentials());
  EXPECT_EQ(url.Redacted(), "zk://localhost:2181/marathon");
}

TEST(ZkUrl, RefusesMalformedUrls) {
  const char* bad[] = {"", "http://localhost:2181/m", "zk://localhost:2181", "zk://localhost:2181/",
                       "zk:///marathon", "zk://localhost/marathon", "zk://localhost:0/m",
                       "zk://localhost:99999/m", "zk://a:1,,b:2/m", "zk://user@h:1/m",
                       "zk://h:1/a//b", "zk://h:1/a/../b", "zk://[::1:2181/m",
                       // Found by the zk_url fuzzer: junk host names and
                       // control characters in the path were accepted.
                       "zk://h:p%4ss^h:1/x", "zk://h:1/a\004b", "zk://:1/m"};
  for (const char* text : bad) EXPECT_THROW(ZkUrl::Parse(text), Error) << text;
}

TEST(ZkUrl, ErrorsNeverShowThePassword) {
  try {
    ZkUrl::Parse("zk://user:hunter2@host/marathon");
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), Not(HasSubstr("hunter2")));
  }
}

// A hostile --zk value is quoted escaped, so it cannot drive the terminal.
TEST(ZkUrl, ErrorsAndTheRedactedFormEscapeControlCharacters) {
  for (const char* text : {"zk://[::1\x1b[2J:2181/m", "zk://h\x1b[2J:1/m", "zk://h:1/m\x1b[2J"}) {
    try {
      ZkUrl::Parse(text);
      ADD_FAILURE() << "accepted " << text;
    } catch (const Error& e) {
      EXPECT_THAT(e.what(), Not(HasSubstr("\x1b")));
    }
  }
  ZkUrl url = ZkUrl::Parse("zk://\x1b[2Jeve:pw@h:1/m");
  EXPECT_THAT(url.Redacted(), Not(HasSubstr("\x1b")));
}

}  // namespace
}  // namespace baton
