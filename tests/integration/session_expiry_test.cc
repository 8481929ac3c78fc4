// A ZooKeeper session that expires in the middle of a backup or a restore,
// as after a long pause of the process (a stopped VM, swapping): the process
// is stopped for longer than its session timeout, so the server expires the
// session; once it runs again, the work is done again with a new session.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include "layout/marathon/bucket.h"
#include "support/marathon_tree.h"
#include "support/test_env.h"
#include "support/zk_test.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;

using namespace std::chrono_literals;

constexpr TreeShape kShape{
    .apps = 1000, .versions_per_app = 5, .instances = 15000, .big_values = 0};

class SessionExpiryTest : public ZkTest {
 protected:
  // Starts baton with a 2 s session; once `started()` holds, stops it until
  // ZooKeeper has expired its session (`expired()`: its ephemeral node is
  // gone, however late the server is) and lets it go on. Returns its exit
  // code and output.
  template <typename Started, typename Expired>
  RunResult PauseOnce(std::vector<std::string> args, Started started, Expired expired) {
    args.insert(args.end(), {"--zk", zk_url_, "--zk_session_timeout", "2000"});
    const std::string log = dir_ + "/paused.log";
    pid_t pid = StartBaton(args, log);
    bool seen = false;
    for (int i = 0; i < 20000 && !(seen = started()); ++i) std::this_thread::sleep_for(1ms);
    EXPECT_TRUE(seen) << ReadFile(log);
    ::kill(pid, SIGSTOP);
    EXPECT_TRUE(WaitFor(expired, 60s, 50ms)) << "the session outlived 60 s";
    ::kill(pid, SIGCONT);
    RunResult r;
    r.exit_code = WaitForBaton(pid);
    r.err = ReadFile(log);
    return r;
  }
};

TEST_F(SessionExpiryTest, ABackupReadsAgainWithANewSession) {
  Populate(kShape);
  const std::string tar = dir_ + "/paused.tar";
  // The quiet-window marker appears when the walk begins.
  RunResult r = PauseOnce(
      {"backup", "--backup_location", "file://" + tar}, [&] { return BackupRunning(); },
      [&] { return !BackupRunning(); });
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("the ZooKeeper session expired; opening a new one"));
  EXPECT_THAT(r.err, HasSubstr("reading the tree again"));

  Snapshot before = State();
  zk_.DeleteTree(state_);
  ASSERT_EQ(Restore(tar).exit_code, 0);
  EXPECT_EQ(Diff(before, State()), "");
}

TEST_F(SessionExpiryTest, ARestoreWritesAgainWithANewSession) {
  Populate(kShape);
  const std::string tar = dir_ + "/before.tar";
  ASSERT_EQ(Backup(tar).exit_code, 0);
  Snapshot before = State();
  zk_.DeleteTree(state_ + "/apps");
  zk_.Create(state_ + "/apps/" + marathon::BucketOf("_made-after") + "/_made-after", "x");

  RunResult r = PauseOnce(
      {"restore", "--backup_location", "file://" + tar, "--safety_backup_dir", dir_ + "/safety"},
      [&] { return zk_.Exists(root_ + "/restore-in-progress"); }, [&] { return !Locked(); });
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("the ZooKeeper session expired; opening a new one"));
  EXPECT_THAT(r.err, HasSubstr("writing the state again"));
  EXPECT_FALSE(zk_.Exists(root_ + "/restore-in-progress"));
  EXPECT_EQ(Diff(before, State()), "");
}

}  // namespace
}  // namespace baton::testing
