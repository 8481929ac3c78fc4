// Backup and restore through a 3-server ZooKeeper ensemble on loopback: the
// multi-host zk:// URL, and state written through one server read through
// another.
#include <gtest/gtest.h>

#include "support/marathon_tree.h"
#include "support/test_env.h"

namespace baton::testing {
namespace {

std::vector<std::string> Hosts() {
  std::vector<std::string> hosts;
  std::string all = EnsembleAddress();
  for (size_t start = 0; start < all.size();) {
    size_t comma = all.find(',', start);
    if (comma == std::string::npos) comma = all.size();
    hosts.push_back(all.substr(start, comma - start));
    start = comma + 1;
  }
  return hosts;
}

TEST(Ensemble, BackupThroughAllRestoreThroughOneReadThroughAnother) {
  std::vector<std::string> hosts = Hosts();
  ASSERT_EQ(hosts.size(), 3u);
  std::string root = UniqueRoot("ensemble");
  std::string tar = TempDir() + "/ensemble.tar";

  // The source tree, written through the first server.
  {
    TestZk first(hosts[0]);
    first.Create(root + "/state", "", true);
    first.CreateMany(MarathonTree(root + "/state", TreeShape{}));
  }
  RunResult backup = RunBaton(
      {"backup", "--backup_location", "file://" + tar, "--zk", "zk://" + EnsembleAddress() + root});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;

  std::string target = UniqueRoot("ensemble-target");
  RunResult restore = RunBaton({"restore", "--to_other_path", "--backup_location", "file://" + tar,
                                "--zk", "zk://" + hosts[2] + target});
  ASSERT_EQ(restore.exit_code, 0) << restore.err;

  TestZk second(hosts[1]);
  // A sync makes the second server catch up with the leader before reading.
  second.Sync(target + "/state");
  Snapshot want = second.Take(root + "/state"), got = second.Take(target + "/state");
  want.erase("/internal:storage:version");
  got.erase("/internal:storage:version");
  EXPECT_FALSE(want.empty());
  EXPECT_EQ(Diff(want, got), "");
  second.DeleteTree(root);
  second.DeleteTree(target);
}

}  // namespace
}  // namespace baton::testing
