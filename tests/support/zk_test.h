// A test fixture with its own subtree on the test ZooKeeper server, a temp
// directory, and the baton commands pointed at both.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "support/marathon_tree.h"
#include "support/test_env.h"

namespace baton::testing {

class ZkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = UniqueRoot(::testing::UnitTest::GetInstance()->current_test_info()->name());
    state_ = root_ + "/state";
    dir_ = TempDir();
    zk_url_ = "zk://" + ZkAddress() + root_;
  }
  void TearDown() override { zk_.DeleteTree(root_); }

  void Populate(const TreeShape& shape) {
    zk_.Create(state_, "", true);
    zk_.CreateMany(MarathonTree(state_, shape));
  }
  RunResult Backup(const std::string& tar) {
    return RunBaton({"backup", "--backup_location", "file://" + tar, "--zk", zk_url_});
  }
  // Whether a backup of this root is reading (its ephemeral marker exists).
  bool BackupRunning() {
    for (const std::string& child : zk_.Children(root_)) {
      if (child.rfind("backup-in-progress-", 0) == 0) return true;
    }
    return false;
  }
  // The session of a running backup of this root (its marker's owner), or 0.
  int64_t BackupSession() {
    for (const std::string& child : zk_.Children(root_)) {
      Stat stat{};
      if (child.rfind("backup-in-progress-", 0) == 0 &&
          zoo_exists(zk_.handle(), (root_ + "/" + child).c_str(), 0, &stat) == ZOK) {
        return stat.ephemeralOwner;
      }
    }
    return 0;
  }
  // Whether somebody holds Baton's lock on this root (store/ownership.h).
  bool Locked() {
    return zk_.Exists(root_ + "/baton-lock") && !zk_.Children(root_ + "/baton-lock").empty();
  }
  // Waits, at most `limit`, until a killed owner's lock has gone with its
  // session; true if it has.
  bool WaitUntilUnlocked(std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (Locked() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return !Locked();
  }
  RunResult Restore(const std::string& tar) {
    return RunBaton({"restore", "--backup_location", "file://" + tar, "--zk", zk_url_});
  }
  RunResult Recover() { return RunBaton({"recover", "--zk", zk_url_}); }
  // Whether a restore's marker exists.
  bool Marked() { return zk_.Exists(root_ + "/restore-in-progress"); }
  // The state as a restore must leave it, compared by content.
  Snapshot State() { return Comparable(zk_.Take(state_)); }
  // A backup of the current state, and the state itself.
  Snapshot Save(const std::string& tar) {
    RunResult b = Backup(tar);
    EXPECT_EQ(b.exit_code, 0) << b.err;
    return State();
  }

  TestZk zk_;
  std::string root_, state_, dir_, zk_url_;
};

}  // namespace baton::testing
