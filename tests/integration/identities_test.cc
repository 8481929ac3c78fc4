// Two operators with their own ZooKeeper credentials act on trees below one
// control root (/baton): the structure Baton shares there (containers, lock
// directories) is open to every identity, while the nodes that hold a claim
// (lock nodes, restore markers) stay their owner's.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
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

// Alice's restore was cut off (her marker stays, naming a lock node that is
// gone); Bob, with other credentials, rolls it back: her marker is his to
// replace, though he may not write her node.
TEST_F(IdentitiesTest, AnotherIdentityRecoversARestoreAliceLeftMarked) {
  zk_.Create(root_ + "/a/n", "before");
  const std::string tar = dir_ + "/a.tar";
  ASSERT_EQ(BackupAs("alice", "a", tar).exit_code, 0);
  ASSERT_EQ(RestoreAs("alice", "a", tar).exit_code, 0);  // makes her control structure
  ASSERT_EQ(zoo_add_auth(zk_.handle(), "digest", "alice:pw", 8, nullptr, nullptr), ZOK);
  const std::string marker = nlohmann::json{
      {"safety_backup", "file://" + tar},
      {"restoring", "file:///elsewhere.tar"},
      {"started", "2026-11-29T00:00:00Z"},
      {"host", "alices-host"},
      {"no_rollback", false},
      {"owner", Control("a") + "/baton-lock/lock-0000000099"},
      {"layout", "tree"}}.dump();
  ACL alice_and_readers[] = {
      {ZOO_PERM_ALL, {const_cast<char*>("auth"), const_cast<char*>("")}},
      {ZOO_PERM_READ, {const_cast<char*>("world"), const_cast<char*>("anyone")}}};
  ACL_vector acl{2, alice_and_readers};
  const std::string node = Control("a") + "/restore-in-progress";
  ASSERT_EQ(zoo_create(zk_.handle(), node.c_str(), marker.data(), static_cast<int>(marker.size()),
                       &acl, ZOO_PERSISTENT, nullptr, 0),
            ZOK);
  ASSERT_EQ(zoo_set(zk_.handle(), (root_ + "/a/n").c_str(), "half", 4, -1), ZOK);

  RunResult bob = RunBaton({"recover", "--zk", As("bob", "a")});
  ASSERT_EQ(bob.exit_code, 0) << bob.err;
  EXPECT_FALSE(zk_.Exists(node));
  EXPECT_EQ(zk_.Get(root_ + "/a/n"), "before");
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
