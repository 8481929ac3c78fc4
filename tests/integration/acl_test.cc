// Node ACLs survive a backup and restore in Baton's format, against the real
// ZooKeeper with digest auth.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "layout/marathon/bucket.h"
#include "support/zk_test.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;

using AclTest = ZkTest;

TEST_F(AclTest, AclsAreRecordedAndRestoredInBatonsFormat) {
  ASSERT_EQ(zoo_add_auth(zk_.handle(), "digest", "alice:pw", 8, nullptr, nullptr), ZOK);
  zk_.Create(state_ + "/apps", "", true);
  auto node = [&](const std::string& id) {
    return state_ + "/apps/" + marathon::BucketOf(id) + "/" + id;
  };
  zk_.Create(node("_open"), "open");  // parents: containers, open ACL
  std::string secret = node("_secret"), readonly = node("_readonly");
  zk_.Create(secret.substr(0, secret.rfind('/')), "", true);
  zk_.Create(readonly.substr(0, readonly.rfind('/')), "", true);
  ASSERT_EQ(zoo_create(zk_.handle(), secret.c_str(), "s", 1, &ZOO_CREATOR_ALL_ACL, ZOO_PERSISTENT,
                       nullptr, 0),
            ZOK);
  ASSERT_EQ(zoo_create(zk_.handle(), readonly.c_str(), "r", 1, &ZOO_READ_ACL_UNSAFE, ZOO_PERSISTENT,
                       nullptr, 0),
            ZOK);
  std::string secret_acl = AclText(zk_.handle(), secret);
  std::string readonly_acl = AclText(zk_.handle(), readonly);
  ASSERT_THAT(secret_acl, HasSubstr("digest:alice:"));

  // As alice, who may read everything; then the state goes, and comes back.
  std::string url = "zk://alice:pw@" + ZkAddress() + root_;
  std::string tar = dir_ + "/acl.tar";
  RunResult b = RunBaton({"backup", "--backup_location", "file://" + tar, "--zk", url});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  zk_.DeleteTree(state_);
  // The state has no storage version of its own.
  RunResult r = RunBaton(
      {"restore", "--backup_location", "file://" + tar, "--zk", url, "--allow_no_storage_version"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(AclText(zk_.handle(), secret), secret_acl);
  EXPECT_EQ(AclText(zk_.handle(), readonly), readonly_acl);
  // An open node stays open, although alice restored it.
  EXPECT_EQ(AclText(zk_.handle(), node("_open")), "31:world:anyone;");

  // Marathon's format has no place for ACLs, and --no_acls leaves them out:
  // nodes get the restorer's.
  for (std::vector<std::string> flags :
       {std::vector<std::string>{"--format", "marathon"}, std::vector<std::string>{"--no_acls"}}) {
    std::string plain = dir_ + "/plain.tar";
    flags.insert(flags.begin(), "backup");
    flags.insert(flags.end(), {"--backup_location", "file://" + plain, "--zk", url});
    ASSERT_EQ(RunBaton(flags).exit_code, 0);
    zk_.DeleteTree(state_);
    ASSERT_EQ(RunBaton({"restore", "--backup_location", "file://" + plain, "--zk", url,
                        "--allow_no_storage_version"})
                  .exit_code,
              0);
    EXPECT_THAT(AclText(zk_.handle(), readonly), HasSubstr("digest:alice:"));
    EXPECT_THAT(AclText(zk_.handle(), node("_open")), HasSubstr("digest:alice:"));
    zk_.DeleteTree(state_);
    ASSERT_EQ(RunBaton({"restore", "--backup_location", "file://" + tar, "--zk", url,
                        "--allow_no_storage_version"})
                  .exit_code,
              0);  // as it was, for the next round
  }
}

}  // namespace
}  // namespace baton::testing
