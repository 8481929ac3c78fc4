// Two operators with their own ZooKeeper credentials act on trees below one
// control root (/baton): the structure Baton shares there (containers, lock
// directories) is open to every identity, while the nodes that hold a claim
// (lock nodes, restore markers) stay their owner's.
#include <gtest/gtest.h>

#include <string>

#include "support/test_env.h"
#include "tree_fixture.h"

namespace baton::testing {
namespace {

class IdentitiesTest : public TreeFixture {
 protected:
  // The URL of `tree` (below the test's root) with `user`'s credentials.
  std::string As(const std::string& user, const std::string& tree) {
    return "zk://" + user + ":pw@" + ZkAddress() + root_ + "/" + tree;
  }
  RunResult BackupAs(const std::string& user, const std::string& tree, const std::string& tar) {
    return RunBaton({"backup", "--layout", "tree", "--backup_location", "file://" + tar, "--zk",
                     As(user, tree)});
  }
  RunResult RestoreAs(const std::string& user, const std::string& tree, const std::string& tar) {
    return RunBaton({"restore", "--layout", "tree", "--force", "--backup_location", "file://" + tar,
                     "--safety_backup_dir", dir_ + "/safety", "--zk", As(user, tree)});
  }
  std::string Control(const std::string& tree) {
    return std::string(layout::kTreeControlRoot) + root_ + "/" + tree;
  }
};

// Alice's restore made the containers and the lock directory on the way to
// her tree's control path; Bob, with other credentials, then restores her
// tree and one of his own, and backs both up.
TEST_F(IdentitiesTest, AnotherIdentityUsesTheControlStructureAliceMade) {
  for (const std::string tree : {"a", "b"}) {
    zk_.Create(root_ + "/" + tree + "/n", "data of " + tree);
  }
  const std::string a_tar = dir_ + "/a.tar", b_tar = dir_ + "/b.tar";
  ASSERT_EQ(BackupAs("alice", "a", a_tar).exit_code, 0);
  RunResult alice = RestoreAs("alice", "a", a_tar);
  ASSERT_EQ(alice.exit_code, 0) << alice.err;
  ASSERT_TRUE(zk_.Exists(Control("a") + "/baton-lock"));

  RunResult bob_backup = BackupAs("bob", "b", b_tar);
  ASSERT_EQ(bob_backup.exit_code, 0) << bob_backup.err;
  for (const std::string tree : {"a", "b"}) {
    RunResult bob = RestoreAs("bob", tree, tree == "a" ? a_tar : b_tar);
    EXPECT_EQ(bob.exit_code, 0) << tree << ": " << bob.err;
  }
  EXPECT_EQ(zk_.Get(root_ + "/a/n"), "data of a");
  EXPECT_EQ(zk_.Get(root_ + "/b/n"), "data of b");
  // The shared structure: every identity may read, write, create and delete
  // there; none may change its ACL.
  for (const std::string& node : {Control("a"), Control("a") + "/baton-lock", Control("b")}) {
    EXPECT_EQ(AclText(zk_.handle(), node), "15:world:anyone;") << node;
  }
}

// Without credentials nothing changes: the control structure is open, as
// every node an anonymous session makes.
TEST_F(IdentitiesTest, AnonymousSessionsKeepOpenControlNodes) {
  zk_.Create(svc_ + "/n", "x");
  const std::string tar = dir_ + "/svc.tar";
  ASSERT_EQ(Backup(tar).exit_code, 0);
  RunResult restore =
      RunBaton({"restore", "--layout", "tree", "--force", "--backup_location", "file://" + tar,
                "--safety_backup_dir", dir_ + "/safety", "--zk", url_});
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  EXPECT_EQ(AclText(zk_.handle(), Control("svc") + "/baton-lock"), "31:world:anyone;");
}

}  // namespace
}  // namespace baton::testing
