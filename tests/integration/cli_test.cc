// The command line's contract: exit codes, --help, and one clear line for
// each kind of bad input, with nothing deleted or half-written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "baton/error.h"
#include "support/marathon_tree.h"
#include "support/test_env.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(Cli, HelpForEachSubcommand) {
  for (const char* sub : {"backup", "restore"}) {
    RunResult r = RunBaton({sub, "--help"});
    EXPECT_EQ(r.exit_code, 0) << sub;
    EXPECT_THAT(r.out, HasSubstr("--backup_location"));
    EXPECT_THAT(r.out, HasSubstr("--zk_session_timeout"));
    EXPECT_THAT(r.out, HasSubstr("Examples:"));
  }
  RunResult top = RunBaton({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_THAT(top.out, HasSubstr("backup"));
}

TEST(Cli, UsageErrorsExitWithTwo) {
  EXPECT_EQ(RunBaton({}).exit_code, 2);
  EXPECT_EQ(RunBaton({"backup"}).exit_code, 2);  // --backup_location is required
  EXPECT_EQ(
      RunBaton({"backup", "--backup_location", "file:///tmp/x.tar", "--format", "zip"}).exit_code,
      2);
  EXPECT_EQ(RunBaton({"frobnicate"}).exit_code, 2);
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1))
    ++n;
  return n;
}

struct BadCase {
  std::vector<std::string> args;
  std::string message;
  int exit_code = kExitUsage;  // a wrong flag or argument, found before anything is done
};

TEST(Cli, BadInputGetsOneClearLine) {
  std::string dir = TempDir();
  std::string zk = "zk://" + ZkAddress() + UniqueRoot("bad-input");
  std::vector<BadCase> cases = {
      {{"backup", "--backup_location", "file:///tmp/x.tar", "--zk", "zk://127.0.0.1:1/marathon",
        "--zk_timeout", "1000"},
       "could not connect to ZooKeeper at 127.0.0.1:1 within 1000 ms",
       kExitFailed},
      {{"restore", "--backup_location", "file://" + dir + "/absent.tar", "--zk", zk},
       "cannot open backup file " + dir + "/absent.tar: No such file or directory",
       kExitFailed},
      {{"backup", "--backup_location", "file://relative/b.tar", "--zk", zk}, "local path"},
      {{"backup", "--backup_location", "file:relative.tar", "--zk", zk}, "must be absolute"},
      {{"backup", "--backup_location", "file://", "--zk", zk}, "must be absolute"},
      {{"restore", "--backup_location", "gopher://x/y", "--zk", zk}, "unknown scheme 'gopher'"},
      {{"backup", "--backup_location", "file:///tmp/x.tar", "--zk", "http://h:1/m"},
       "invalid ZooKeeper URL"},
      {{"backup", "--backup_location", "file://" + dir + "/x.tar", "--zk", zk},
       "nothing to back up"},
      {{"backup", "--backup_location", "file://" + dir + "/missing-dir/x.tar", "--zk", zk},
       "directory " + dir + "/missing-dir does not exist",
       kExitFailed},
  };
  for (const BadCase& c : cases) {
    RunResult r = RunBaton(c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.message;
    EXPECT_THAT(r.err, HasSubstr("baton: error: "));
    EXPECT_THAT(r.err, HasSubstr(c.message));
    EXPECT_EQ(Count(r.err, "error"), 1u) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  // No failed backup left a file behind.
  EXPECT_TRUE(std::filesystem::is_empty(dir)) << dir;
}

TEST(Cli, FailedBackupKeepsThePreviousFile) {
  std::string dir = TempDir();
  std::ofstream(dir + "/b.tar") << "the previous backup";
  RunResult r = RunBaton({"backup", "--backup_location", "file://" + dir + "/b.tar", "--zk",
                          "zk://" + ZkAddress() + UniqueRoot("no-state")});
  EXPECT_EQ(r.exit_code, kExitUsage);  // nothing to back up there
  std::ifstream in(dir + "/b.tar");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "the previous backup");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1);
}

TEST(Cli, CredentialsInTheZkUrlAreAppliedAndNeverPrinted) {
  TestZk zk;
  std::string root = UniqueRoot("auth");
  std::string url = "zk://alice:s3cret-pw@" + ZkAddress() + root;
  zk.Create(root + "/state", "", true);
  zk.CreateMany(MarathonTree(root + "/state", TreeShape{}));
  std::string tar = TempDir() + "/b.tar";
  RunResult backup = RunBaton({"--log_level", "debug", "backup", "--format", "marathon",
                               "--backup_location", "file://" + tar, "--zk", url});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  RunResult restore = RunBaton(
      {"--log_level", "debug", "restore", "--backup_location", "file://" + tar, "--zk", url});
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  for (const auto* r : {&backup, &restore}) {
    EXPECT_THAT(r->out + r->err, Not(HasSubstr("s3cret-pw"))) << r->err;
  }
  // Marathon's format records no ACLs: restored nodes carry the creator-all
  // ACL of the digest user (acl_test covers Baton's format), so the
  // test's unauthenticated session may not read them...
  std::string node = root + "/state/framework-id/b/id";
  char buf[16];
  int len = sizeof buf;
  Stat stat{};
  EXPECT_EQ(zoo_get(zk.handle(), node.c_str(), 0, buf, &len, &stat), ZNOAUTH);
  // ...until it authenticates as alice (requests after add_auth are answered
  // after it).
  ASSERT_EQ(zoo_add_auth(zk.handle(), "digest", "alice:s3cret-pw", 15, nullptr, nullptr), ZOK);
  ACL_vector acl{};
  ASSERT_EQ(zoo_get_acl(zk.handle(), node.c_str(), &acl, &stat), ZOK);
  ASSERT_EQ(acl.count, 1);
  EXPECT_STREQ(acl.data[0].id.scheme, "digest");
  EXPECT_THAT(acl.data[0].id.id, HasSubstr("alice:"));
  EXPECT_EQ(acl.data[0].perms, ZOO_PERM_ALL);
  deallocate_ACL_vector(&acl);
  zk.DeleteTree(root);
}

}  // namespace
}  // namespace baton::testing
