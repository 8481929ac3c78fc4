// End-to-end: the baton binary against a real ZooKeeper server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "archive/backup_reader.h"
#include "storage/file_storage.h"
#include "support/marathon_tree.h"
#include "support/test_env.h"
#include "support/zk_test.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

std::vector<std::string> EntryNames(const std::string& tar_path) {
  storage::FileStorage file(tar_path);
  auto source = file.Open();
  archive::BackupReader reader(*source, 64 << 20);
  archive::TarEntry entry;
  std::vector<std::string> names;
  while (reader.Next(entry)) names.push_back(entry.name);
  return names;
}

using BackupRestoreTest = ZkTest;

TEST_F(BackupRestoreTest, TenThousandNodesRoundTripByteForByte) {
  TreeShape shape;
  shape.apps = 2000;
  shape.versions_per_app = 3;
  shape.instances = 2500;
  Populate(shape);
  // Election nodes beside the state must be neither backed up nor touched.
  zk_.Create(root_ + "/leader/_c_1-latch-0000000001", "127.0.0.1:8080");
  zk_.Create(root_ + "/leader-curator/_c_2-latch-0000000002", "127.0.0.1:8081");
  Snapshot before = zk_.Take(state_);
  ASSERT_GE(before.size(), 10000u);

  std::string tar = dir_ + "/backup.tar";
  RunResult backup = Backup(tar);
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_THAT(backup.out, HasSubstr("4506 items, 6004 versions"));

  std::vector<std::string> names = EntryNames(tar);
  ASSERT_FALSE(names.empty());
  EXPECT_EQ(names.back(), "internal:storage:version/items/internal:storage:version");
  for (const auto& name : names) {
    EXPECT_THAT(name, Not(HasSubstr("leader")));
  }
  // 2000 apps + 6000 versions + 2500 instances + 1 big + the awkward ones.
  EXPECT_EQ(std::count_if(names.begin(), names.end(),
                          [](const std::string& n) { return n.starts_with("apps/versions/"); }),
            6000 + 3);

  zk_.DeleteTree(state_);
  // The election nodes say a leader is alive: refused without --force.
  RunResult refused = Restore(tar);
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_THAT(refused.err,
              HasSubstr("a leader is alive under " + root_ + "/leader (127.0.0.1:8080)"));
  EXPECT_FALSE(zk_.Exists(state_));
  RunResult restore =
      RunBaton({"restore", "--force", "--backup_location", "file://" + tar, "--zk", zk_url_});
  ASSERT_EQ(restore.exit_code, 0) << restore.err;

  Snapshot after = zk_.Take(state_);
  EXPECT_EQ(Diff(Comparable(before), Comparable(after)), "");
  EXPECT_EQ(UnwrappedStorageVersion(after.at("/internal:storage:version")),
            UnwrappedStorageVersion(before.at("/internal:storage:version")));
  EXPECT_EQ(zk_.Get(root_ + "/leader/_c_1-latch-0000000001"), "127.0.0.1:8080");
  EXPECT_TRUE(zk_.Exists(root_ + "/leader-curator/_c_2-latch-0000000002"));
}

TEST_F(BackupRestoreTest, RestoreReplacesWhateverStateIsThere) {
  Populate(TreeShape{});
  Snapshot before = zk_.Take(state_);
  std::string tar = dir_ + "/backup.tar";
  ASSERT_EQ(Backup(tar).exit_code, 0);

  // Change the state: new nodes, changed values, removed ones, deeper trees.
  zk_.Create(state_ + "/apps/3/_new-app", "created after the backup");
  zk_.Create(state_ + "/apps/3/_new-app/2020-01-01T00:00:00Z", "v");
  zk_.Create(state_ + "/unknown-category/0/x/y/z", "deep");
  zk_.DeleteTree(state_ + "/framework-id");
  ASSERT_EQ(zoo_set(zk_.handle(), (state_ + "/internal:storage:version").c_str(), "x", 1, -1), ZOK);

  // A state that is not Marathon's layout cannot be saved first: refused...
  Snapshot changed = zk_.Take(state_);
  RunResult refused = Restore(tar);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("cannot save the current state"));
  EXPECT_EQ(Diff(changed, zk_.Take(state_)), "");
  // ...unless the operator says so.
  RunResult restore = RunBaton(
      {"restore", "--no_safety_backup", "--backup_location", "file://" + tar, "--zk", zk_url_});
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  EXPECT_EQ(Diff(Comparable(before), Comparable(zk_.Take(state_))), "");
}

TEST_F(BackupRestoreTest, BackupOfBackupIsIdentical) {
  Populate(TreeShape{});
  std::string first = dir_ + "/first.tar", second = dir_ + "/second.tar";
  ASSERT_EQ(Backup(first).exit_code, 0);
  ASSERT_EQ(Restore(first).exit_code, 0);
  ASSERT_EQ(Backup(second).exit_code, 0);
  EXPECT_EQ(EntryNames(first), EntryNames(second));
}

TEST_F(BackupRestoreTest, EmptyStateMakesAValidEmptyBackup) {
  zk_.Create(state_, "", false);
  std::string tar = dir_ + "/empty.tar";
  RunResult backup = Backup(tar);
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_TRUE(EntryNames(tar).empty());
  EXPECT_EQ(RunBaton({"verify", "file://" + tar, "--allow_empty"}).exit_code, 0);
  Populate(TreeShape{});
  // Restoring it empties the state: only when that is said to be meant.
  RunResult refused = Restore(tar);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("--allow_empty"));
  ASSERT_EQ(
      RunBaton({"restore", "--backup_location", "file://" + tar, "--zk", zk_url_, "--allow_empty"})
          .exit_code,
      0);
  EXPECT_TRUE(zk_.Take(state_).empty());
}

TEST_F(BackupRestoreTest, NodesOutsideTheLayoutFailTheBackupClearly) {
  Populate(TreeShape{});
  zk_.Create(state_ + "/apps/3/_x/not-a-timestamp", "?");
  std::string tar = dir_ + "/backup.tar";
  RunResult b = Backup(tar);
  EXPECT_EQ(b.exit_code, 1);
  EXPECT_THAT(b.err, HasSubstr("unexpected node " + state_ + "/apps/3/_x/not-a-timestamp"));
  EXPECT_FALSE(std::filesystem::exists(tar));
  EXPECT_TRUE(std::filesystem::is_empty(dir_));
}

// Every refused backup leaves the state exactly as it was.
class RefusedBackupTest : public BackupRestoreTest {
 protected:
  void ExpectRefused(const std::string& tar_bytes, const std::string& message) {
    Populate(TreeShape{});
    Snapshot before = zk_.Take(state_);
    std::string tar = dir_ + "/bad.tar";
    WriteFile(tar, tar_bytes);
    RunResult restore = Restore(tar);
    EXPECT_NE(restore.exit_code, 0);
    EXPECT_THAT(restore.err, HasSubstr(message));
    EXPECT_EQ(Diff(before, zk_.Take(state_)), "") << "state changed by a refused restore";
  }

  std::string GoodTar() {
    std::string source_root = UniqueRoot("source");
    zk_.Create(source_root + "/state", "", true);
    zk_.CreateMany(MarathonTree(source_root + "/state", TreeShape{}));
    std::string tar = dir_ + "/good.tar";
    RunResult backup = RunBaton({"backup", "--backup_location", "file://" + tar, "--zk",
                                 "zk://" + ZkAddress() + source_root});
    zk_.DeleteTree(source_root);
    EXPECT_EQ(backup.exit_code, 0) << backup.err;
    return ReadFile(tar);
  }
};

TEST_F(RefusedBackupTest, TruncatedInsideAnEntry) {
  std::string tar = GoodTar();
  ExpectRefused(tar.substr(0, tar.size() / 2 + 100), "truncated");
}

TEST_F(RefusedBackupTest, TruncatedBetweenEntries) {
  std::string tar = GoodTar();
  // Cut at the second entry's header: a stream that ends between entries.
  size_t boundary = 512;
  while (boundary < tar.size() &&
         !(tar[boundary] != '\0' && tar.compare(boundary + 257, 5, "ustar") == 0)) {
    boundary += 512;
  }
  ASSERT_LT(boundary, tar.size());
  ExpectRefused(tar.substr(0, boundary), "truncated");
}

TEST_F(RefusedBackupTest, CorruptHeader) {
  std::string tar = GoodTar();
  tar[100] ^= 0x55;  // inside the first header's mode field: the checksum no longer matches
  ExpectRefused(tar, "not a valid tar archive");
}

TEST_F(RefusedBackupTest, NotATarAtAll) { ExpectRefused(std::string(5000, 'x'), "tar"); }

TEST_F(RefusedBackupTest, EmptyFile) { ExpectRefused("", "empty"); }

}  // namespace
}  // namespace baton::testing
