// Writing a backup file when the file system says no: full (a file size
// limit stands in for a full disk), not writable, or not there. Each fails
// with a clear error and leaves no file under the final name, and no
// partial file either.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "support/zk_test.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class FileFaultTest : public ZkTest {
 protected:
  void SetUp() override {
    ZkTest::SetUp();
    Populate(TreeShape{.apps = 20, .versions_per_app = 3, .instances = 50, .big_values = 1});
  }
  static std::vector<std::string> Listing(const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      names.push_back(e.path().filename().string());
    }
    return names;
  }
  RunResult BackupTo(const std::string& path, const std::vector<std::string>& wrapper = {}) {
    return RunBaton({"backup", "--backup_location", "file://" + path, "--zk", zk_url_}, 120, {},
                    wrapper);
  }
};

TEST_F(FileFaultTest, AFullDiskFailsCleanly) {
  std::string dir = dir_ + "/full";
  std::filesystem::create_directory(dir);
  // The tree holds a value of about 1 MB: the file cannot reach 256 KB.
  RunResult r = BackupTo(dir + "/b.tar", {"/usr/bin/prlimit", "--fsize=262144"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("cannot write backup file " + dir + "/b.tar: File too large"));
  EXPECT_EQ(Listing(dir), std::vector<std::string>{}) << "no partial file is left";

  // The previous backup under that name survives a failed one.
  ASSERT_EQ(BackupTo(dir + "/b.tar").exit_code, 0);
  auto size = std::filesystem::file_size(dir + "/b.tar");
  EXPECT_EQ(BackupTo(dir + "/b.tar", {"/usr/bin/prlimit", "--fsize=262144"}).exit_code, 1);
  EXPECT_EQ(std::filesystem::file_size(dir + "/b.tar"), size);
  std::vector<std::string> left = Listing(dir);
  std::sort(left.begin(), left.end());
  // The first backup's record still describes it.
  EXPECT_EQ(left, (std::vector<std::string>{"b.tar", "b.tar.manifest.json"}));
}

TEST_F(FileFaultTest, AnUnwritableDirectoryIsRefusedBeforeAnyWork) {
  std::string dir = dir_ + "/readonly";
  std::filesystem::create_directory(dir);
  ASSERT_EQ(::chmod(dir_.c_str(), 0755), 0);
  ASSERT_EQ(::chmod(dir.c_str(), 0555), 0);
  // Root writes anywhere: then baton runs as nobody.
  std::vector<std::string> as_user;
  if (::geteuid() == 0) {
    as_user = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  }
  RunResult r = BackupTo(dir + "/b.tar", as_user);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("cannot create backup file in " + dir + ": Permission denied"));
  EXPECT_THAT(r.err, Not(HasSubstr("backing up"))) << "refused before reading ZooKeeper";
  EXPECT_EQ(Listing(dir), std::vector<std::string>{});
}

TEST_F(FileFaultTest, AMissingDirectoryIsNamed) {
  RunResult r = BackupTo(dir_ + "/no/such/dir/b.tar");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("directory " + dir_ + "/no/such/dir does not exist"));
  // A restore from a missing file touches nothing.
  Snapshot before = zk_.Take(state_);
  RunResult restore =
      RunBaton({"restore", "--backup_location", "file://" + dir_ + "/none.tar", "--zk", zk_url_});
  EXPECT_EQ(restore.exit_code, 1);
  EXPECT_THAT(restore.err,
              HasSubstr("cannot open backup file " + dir_ + "/none.tar: No such file"));
  EXPECT_EQ(Diff(before, zk_.Take(state_)), "");
}

}  // namespace
}  // namespace baton::testing
