// SIGINT and SIGTERM stop a backup cleanly (exit 128 + signal, one line on
// stderr, no partial file left), and the partial file of a backup killed
// outright (SIGKILL) is swept by the next backup into that directory, unless
// a running backup still holds it.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>

#include "support/test_env.h"
#include "support/zk_test.h"

namespace baton::testing {
namespace {

using namespace std::chrono_literals;

bool HasPartial(const std::string& dir) {
  for (const std::string& name : ListDir(dir)) {
    if (name.starts_with(".b.tar.partial-")) return true;
  }
  return false;
}

class InterruptTest : public ZkTest {
 protected:
  void SetUp() override {
    ZkTest::SetUp();
    // About 14,000 nodes: a backup reads for a second or more.
    Populate(TreeShape{.apps = 300, .versions_per_app = 5, .instances = 12000, .big_values = 0});
    backups_ = dir_ + "/backups";
    std::filesystem::create_directory(backups_);
  }

  // Starts a backup to backups_/b.tar and waits until it reads the tree
  // with its partial file in place.
  pid_t StartReadingBackup(const std::string& log) {
    pid_t pid = StartBaton({"backup", "--log_level", "warn", "--backup_location",
                            "file://" + backups_ + "/b.tar", "--zk", zk_url_},
                           log);
    for (int i = 0; i < 3000 && !(BackupRunning() && HasPartial(backups_)); ++i) {
      std::this_thread::sleep_for(5ms);
    }
    return pid;
  }

  void ExpectStoppedBy(int signal, const std::string& name) {
    const std::string log = dir_ + "/backup.log";
    pid_t pid = StartReadingBackup(log);
    ASSERT_TRUE(HasPartial(backups_));
    ::kill(pid, signal);
    EXPECT_EQ(WaitForBaton(pid), 128 + signal);
    std::string err = ReadFile(log);
    EXPECT_TRUE(err.starts_with("baton: interrupted by " + name)) << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    EXPECT_EQ(ListDir(backups_), std::vector<std::string>{}) << "no partial file is left";
  }

  std::string backups_;
};

TEST_F(InterruptTest, SigtermStopsABackupAndRemovesItsPartialFile) {
  ExpectStoppedBy(SIGTERM, "SIGTERM");
}

TEST_F(InterruptTest, SigintStopsABackupAndRemovesItsPartialFile) {
  ExpectStoppedBy(SIGINT, "SIGINT");
}

TEST_F(InterruptTest, AKilledBackupsPartialFileIsSweptByTheNextBackup) {
  pid_t pid = StartReadingBackup(dir_ + "/killed.log");
  ::kill(pid, SIGKILL);
  EXPECT_EQ(WaitForBaton(pid), 128 + SIGKILL);
  ASSERT_TRUE(HasPartial(backups_)) << "SIGKILL leaves the partial file";

  // A running backup's partial file (it holds a lock on it), another
  // tool's file and one merely named alike are left alone.
  const std::string held = backups_ + "/.c.tar.partial-12345";
  int fd = ::open(held.c_str(), O_WRONLY | O_CREAT, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  Shell("touch '" + backups_ + "/.c.tar.partial-x1' '" + backups_ + "/c.tar.partial-1'");

  RunResult r = Backup(backups_ + "/b.tar");
  ::close(fd);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ListDir(backups_),
            (std::vector<std::string>{".c.tar.partial-12345", ".c.tar.partial-x1", "b.tar",
                                      "b.tar.manifest.json", "c.tar.partial-1"}));
}

TEST_F(InterruptTest, BackupFilesAreReadableByTheOwnerOnly) {
  const std::string log = dir_ + "/mode.log";
  pid_t pid = StartReadingBackup(log);
  std::string partial;
  for (const std::string& name : ListDir(backups_)) partial = backups_ + "/" + name;
  struct stat st {};
  ASSERT_EQ(::stat(partial.c_str(), &st), 0) << partial;
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the partial file";
  ASSERT_EQ(WaitForBaton(pid), 0) << ReadFile(log);
  ASSERT_EQ(::stat((backups_ + "/b.tar").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the committed file";
}

}  // namespace
}  // namespace baton::testing
