// A test fixture with its own subtree on the test ZooKeeper server, a temp
// directory, and the baton commands pointed at both.
#pragma once

#include <gtest/gtest.h>

#include <string>

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
  RunResult Restore(const std::string& tar) {
    return RunBaton({"restore", "--backup_location", "file://" + tar, "--zk", zk_url_});
  }

  TestZk zk_;
  std::string root_, state_, dir_, zk_url_;
};

}  // namespace baton::testing
