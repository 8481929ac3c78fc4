// One owner per state, against the real ZooKeeper: a running restore is not
// taken for an interrupted one, a backup never reads a state a restore is
// writing, a stream never carries two attempts, and a restore without a
// safety backup can always be completed. Processes are paused with SIGSTOP
// at the moment that matters, so each interleaving happens every time.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "layout/marathon/bucket.h"
#include "support/marathon_tree.h"
#include "support/test_env.h"
#include "support/zk_test.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using namespace std::chrono_literals;

class OwnershipTest : public ZkTest {
 protected:
  // A big state (backed up to big.tar) and a small one (small.tar); the
  // small one is in ZooKeeper when this returns.
  void TwoStates() {
    TreeShape big;
    big.apps = 2000;
    big.instances = 1000;
    Populate(big);
    big_ = Save(dir_ + "/big.tar");
    zk_.DeleteTree(state_);
    Populate(TreeShape{});
    small_ = Save(dir_ + "/small.tar");
  }

  // Waits (bounded) until `done()`; false when it never happened.
  template <typename Done>
  static bool WaitFor(Done done, std::chrono::milliseconds limit = 20s) {
    return testing::WaitFor(done, limit, 1ms);
  }

  // Starts a backup to `tar` and pauses it inside its walk; its session (as
  // the restores' below) outlives the pauses, however slow the machine.
  pid_t StartPausedBackup(const std::string& tar) {
    pid_t backup = StartBaton({"backup", "--backup_location", "file://" + tar, "--zk", zk_url_,
                               "--zk_session_timeout", "60000"},
                              dir_ + "/backup.log");
    EXPECT_TRUE(WaitFor([&] { return BackupRunning(); })) << ReadFile(dir_ + "/backup.log");
    kill(backup, SIGSTOP);
    return backup;
  }
  pid_t StartBigRestore() {
    return StartBaton({"restore", "--backup_location", "file://" + dir_ + "/big.tar", "--zk",
                       zk_url_, "--no_safety_backup", "--zk_session_timeout", "60000"},
                      dir_ + "/restore.log");
  }
  // Lets the paused backup go on: refused, a restore is running, no file.
  void ExpectRefusedAsRunning(pid_t backup, const std::string& tar) {
    kill(backup, SIGCONT);
    int code = WaitForBaton(backup);
    std::string log = ReadFile(dir_ + "/backup.log");
    EXPECT_EQ(code, 3) << log;
    EXPECT_THAT(log, HasSubstr("is running"));
    EXPECT_THAT(log, Not(HasSubstr("backup complete")));
    EXPECT_THAT(log, Not(HasSubstr("nothing to back up")));
    EXPECT_FALSE(std::filesystem::exists(tar));
  }

  Snapshot big_, small_;
};

// Finding 1: recover and a second restore used to roll back a running
// restore, which still said "restore complete" over a state of 719 of 2000 ids.
TEST_F(OwnershipTest, ARunningRestoreIsNotTakenForAnInterruptedOne) {
  TwoStates();
  // A session that outlives the pause, however slow the refused commands.
  pid_t big =
      StartBaton({"restore", "--backup_location", "file://" + dir_ + "/big.tar", "--zk", zk_url_,
                  "--safety_backup_dir", dir_ + "/safety", "--zk_session_timeout", "60000"},
                 dir_ + "/big.log");
  ASSERT_TRUE(WaitFor([&] { return Marked(); })) << ReadFile(dir_ + "/big.log");
  kill(big, SIGSTOP);  // paused inside the write phase, its session alive
  Snapshot during = zk_.Take(state_);

  RunResult recover = Recover();
  EXPECT_EQ(recover.exit_code, 3) << recover.err;
  EXPECT_THAT(recover.err, HasSubstr("is held by baton restore of file://" + dir_ + "/big.tar"));
  EXPECT_THAT(recover.err, HasSubstr("since "));
  RunResult second = Restore(dir_ + "/small.tar");
  EXPECT_EQ(second.exit_code, 3) << second.err;
  EXPECT_EQ(Diff(during, zk_.Take(state_)), "") << "a refused command touched the state";
  EXPECT_TRUE(Marked());

  kill(big, SIGCONT);
  EXPECT_EQ(WaitForBaton(big), 0) << ReadFile(dir_ + "/big.log");
  EXPECT_FALSE(Marked());
  EXPECT_EQ(Diff(big_, State()), "");
  EXPECT_FALSE(Locked());
}

// SIGTERM inside the write phase: the restore rolls back, says so in one
// line, and exits 143; the state is the one before it.
TEST_F(OwnershipTest, ASigtermedRestoreRollsBackAndExits143) {
  TwoStates();
  pid_t big = StartBaton({"restore", "--backup_location", "file://" + dir_ + "/big.tar", "--zk",
                          zk_url_, "--safety_backup_dir", dir_ + "/safety"},
                         dir_ + "/big.log");
  ASSERT_TRUE(WaitFor([&] { return Marked(); })) << ReadFile(dir_ + "/big.log");
  kill(big, SIGTERM);
  EXPECT_EQ(WaitForBaton(big), 143) << ReadFile(dir_ + "/big.log");
  std::string log = ReadFile(dir_ + "/big.log");
  EXPECT_THAT(log, HasSubstr("baton: interrupted by SIGTERM"));
  EXPECT_THAT(log, HasSubstr("rolled back to the state before the restore"));
  EXPECT_FALSE(Marked());
  EXPECT_FALSE(Locked());
  EXPECT_EQ(Diff(small_, State()), "");
}

// Whether `dir` holds the partial file of a safety backup being written.
bool HasPartialSafetyBackup(const std::string& dir) {
  for (const std::string& name : ListDir(dir)) {
    if (name.starts_with(".safety-") && name.find(".partial-") != std::string::npos) return true;
  }
  return false;
}

// Finding 11, a restore's side: a signal while the restore saves the state it
// is about to replace stops it before anything is touched (exit 143, one
// line, no partial file, no marker, no lock); a restore killed outright there
// leaves its partial file, which the next restore into that directory sweeps.
TEST_F(OwnershipTest, ASignalDuringTheSafetyBackupTouchesNothing) {
  TwoStates();
  ASSERT_EQ(Restore(dir_ + "/big.tar").exit_code, 0);  // the big state is the one saved
  const std::string safety = dir_ + "/safety-under-test";
  std::filesystem::create_directory(safety);
  ASSERT_EQ(::chmod(safety.c_str(), 0700), 0);  // whatever the umask
  auto start = [&](const std::string& log, std::vector<std::string> extra) {
    std::vector<std::string> args = {"restore",
                                     "--backup_location",
                                     "file://" + dir_ + "/small.tar",
                                     "--zk",
                                     zk_url_,
                                     "--safety_backup_dir",
                                     safety};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_t pid = StartBaton(args, log);
    EXPECT_TRUE(WaitFor([&] { return HasPartialSafetyBackup(safety); })) << ReadFile(log);
    return pid;
  };

  pid_t termed = start(dir_ + "/termed.log", {"--log_level", "warn"});
  kill(termed, SIGTERM);
  EXPECT_EQ(WaitForBaton(termed), 143) << ReadFile(dir_ + "/termed.log");
  const std::string log = ReadFile(dir_ + "/termed.log");
  EXPECT_TRUE(log.starts_with("baton: interrupted by SIGTERM")) << log;
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1) << log;
  EXPECT_EQ(ListDir(safety), std::vector<std::string>{}) << "no partial file is left";
  EXPECT_FALSE(Marked());
  EXPECT_FALSE(Locked());
  EXPECT_EQ(Diff(big_, State()), "");

  pid_t killed = start(dir_ + "/killed.log", {"--zk_session_timeout", "4000"});
  kill(killed, SIGKILL);
  EXPECT_EQ(WaitForBaton(killed), 128 + SIGKILL);
  EXPECT_TRUE(HasPartialSafetyBackup(safety)) << "SIGKILL leaves the partial file";
  EXPECT_FALSE(Marked());
  EXPECT_EQ(Diff(big_, State()), "");
  ASSERT_TRUE(WaitUntilUnlocked(20s)) << "the killed restore's lock outlived its session";
  RunResult next = RunBaton({"restore", "--backup_location", "file://" + dir_ + "/small.tar",
                             "--zk", zk_url_, "--safety_backup_dir", safety});
  ASSERT_EQ(next.exit_code, 0) << next.err;
  EXPECT_FALSE(HasPartialSafetyBackup(safety)) << "the next restore sweeps it";
  EXPECT_EQ(ListDir(safety).size(), 2u) << "its own safety backup and its record";
  EXPECT_EQ(Diff(small_, State()), "");
}

// A restore paused past its session's expiry has lost its lock; recover took
// over and rolled its half-written state back. Woken, the superseded restore
// neither writes nor rolls back again, and does not say it completed.
TEST_F(OwnershipTest, ASupersededRestoreWritesNothingMore) {
  TwoStates();
  const std::string log = dir_ + "/big.log";
  pid_t big =
      StartBaton({"restore", "--backup_location", "file://" + dir_ + "/big.tar", "--zk", zk_url_,
                  "--safety_backup_dir", dir_ + "/safety", "--zk_session_timeout", "4000"},
                 log);
  ASSERT_TRUE(WaitFor([&] { return Marked(); })) << ReadFile(log);
  kill(big, SIGSTOP);
  // No ASSERT until it runs again: a stopped process would outlive the test.
  EXPECT_TRUE(WaitUntilUnlocked(20s)) << "the paused restore's session outlived its timeout";
  RunResult recover = Recover();
  EXPECT_EQ(recover.exit_code, 0) << recover.err;
  EXPECT_FALSE(Marked());
  EXPECT_EQ(Diff(small_, State()), "");

  kill(big, SIGCONT);
  EXPECT_EQ(WaitForBaton(big), 1) << ReadFile(log);
  EXPECT_THAT(ReadFile(log), HasSubstr("another command took over"));
  EXPECT_THAT(ReadFile(log), Not(HasSubstr("restore complete")));
  EXPECT_THAT(ReadFile(log), Not(HasSubstr("rolling back")));
  EXPECT_FALSE(Marked());
  EXPECT_FALSE(Locked());
  EXPECT_EQ(Diff(small_, State()), "") << "the superseded restore wrote after recover";
}

// A second signal while a restore rolls back does not cut the rollback
// short: the state is the one before the restore.
TEST_F(OwnershipTest, ASecondSignalDoesNotCutARollbackShort) {
  TwoStates();
  ASSERT_EQ(Restore(dir_ + "/big.tar").exit_code, 0);  // the rollback writes the big state
  const std::string log = dir_ + "/small.log";
  pid_t small = StartBaton({"restore", "--backup_location", "file://" + dir_ + "/small.tar", "--zk",
                            zk_url_, "--safety_backup_dir", dir_ + "/safety"},
                           log);
  ASSERT_TRUE(WaitFor([&] { return Marked(); })) << ReadFile(log);
  kill(small, SIGTERM);
  ASSERT_TRUE(WaitFor([&] { return ReadFile(log).find("rolling back") != std::string::npos; }))
      << ReadFile(log);
  kill(small, SIGTERM);
  EXPECT_EQ(WaitForBaton(small), 143) << ReadFile(log);
  EXPECT_THAT(ReadFile(log), HasSubstr("rolled back to the state before the restore"));
  EXPECT_FALSE(Marked());
  EXPECT_FALSE(Locked());
  EXPECT_EQ(Diff(big_, State()), "");
}

// Finding 2: a backup that started before a restore and read again during
// it wrote "backup complete: 0 items" and exited 0.
TEST_F(OwnershipTest, ABackupNeverReadsAStateARestoreIsWriting) {
  TwoStates();
  std::string tar = dir_ + "/during.tar";
  pid_t backup = StartPausedBackup(tar);
  pid_t restore = StartBigRestore();
  // Paused once it has deleted the small state (one multi-op) and is
  // writing the big one.
  const std::string app = state_ + "/apps/" + marathon::BucketOf("_prod_service-0");
  ASSERT_FALSE(zk_.Children(app).empty()) << "no _prod_service-0 in the small state";
  ASSERT_TRUE(WaitFor([&] { return Marked(); })) << ReadFile(dir_ + "/restore.log");
  ASSERT_TRUE(WaitFor([&] { return zk_.Children(app).empty() || !Marked(); }));
  kill(restore, SIGSTOP);
  ASSERT_TRUE(Marked()) << "the restore finished before it could be paused: "
                        << ReadFile(dir_ + "/restore.log");

  ExpectRefusedAsRunning(backup, tar);

  kill(restore, SIGCONT);
  EXPECT_EQ(WaitForBaton(restore), 0) << ReadFile(dir_ + "/restore.log");
  EXPECT_EQ(Diff(big_, State()), "");
}

// A restore empties the state before it writes the new one, and the server
// may reap the emptied container then: a backup reading meanwhile found no
// state and said "nothing to back up" (exit 1, seen in CI). It must say that
// a restore is running. Made certain here by deleting the state while both
// are paused.
TEST_F(OwnershipTest, ABackupThatLosesTheStateToARunningRestoreSaysItIsRunning) {
  TwoStates();
  std::string tar = dir_ + "/during.tar";
  pid_t backup = StartPausedBackup(tar);
  pid_t restore = StartBigRestore();
  ASSERT_TRUE(WaitFor([&] { return Marked(); })) << ReadFile(dir_ + "/restore.log");
  kill(restore, SIGSTOP);
  zk_.DeleteTree(state_);

  ExpectRefusedAsRunning(backup, tar);
  // The restore's outcome is not this test's: the state it was writing went
  // from under it.
  kill(restore, SIGCONT);
  WaitForBaton(restore);
}

// Finding 3: a backup to a FIFO that needed a second read wrote both
// attempts into it (17.5 MB instead of 9.2 MB) and exited 0.
TEST_F(OwnershipTest, AStreamCarriesOneAttempt) {
  TreeShape shape;
  shape.apps = 2000;
  shape.big_values = 0;
  Populate(shape);
  std::string fifo = dir_ + "/fifo", out = dir_ + "/from-fifo.tar";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::thread reader([&] { Shell("cat " + fifo + " > " + out); });
  // Pipelined reads, so that the walk's progress shows in the requests of
  // the session that holds its marker (multiRead goes on a session of its
  // own, and is over before a pause could land).
  pid_t backup = StartBaton({"backup", "--format", "marathon", "--no_multi_read",
                             "--backup_location", "file://" + fifo, "--zk", zk_url_},
                            dir_ + "/backup.log");
  int64_t session = 0;
  ASSERT_TRUE(WaitFor([&] { return (session = BackupSession()) != 0; }));
  // Past the walk's listing of apps, its first category (some 10 requests
  // in), and far from its end (some 8,000), whatever the machine's speed.
  ASSERT_TRUE(WaitFor([&] { return RequestsFrom(ZkAddress(), session) > 50; }));
  kill(backup, SIGSTOP);
  // A change to the apps category that the walk has already listed.
  zk_.Create(state_ + "/apps/ff", "", false);
  zoo_delete(zk_.handle(), (state_ + "/apps/ff").c_str(), -1);
  kill(backup, SIGCONT);
  int code = WaitForBaton(backup);
  reader.join();
  std::string log = ReadFile(dir_ + "/backup.log");
  ASSERT_EQ(code, 0) << log;
  ASSERT_THAT(log, HasSubstr("reading it again")) << "no second read:\n" << log;

  std::string file = dir_ + "/file.tar";
  ASSERT_EQ(RunBaton({"backup", "--format", "marathon", "--backup_location", "file://" + file,
                      "--zk", zk_url_})
                .exit_code,
            0);
  EXPECT_EQ(std::filesystem::file_size(out), std::filesystem::file_size(file));
  Snapshot before = State();
  zk_.DeleteTree(state_);
  RunResult restore = Restore(out);
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  EXPECT_EQ(Diff(before, State()), "");
}

// A restore cut off after emptying the state: the server reaps the empty
// state container, and a backup said "nothing to back up" where the answer
// is the interrupted restore (ConcurrencyTest, CI).
TEST_F(OwnershipTest, ABackupOfAStateAnInterruptedRestoreEmptiedSaysRecover) {
  zk_.Create(root_, "");
  zk_.Create(root_ + "/restore-in-progress",
             R"({"safety_backup":"file:///tmp/s.tar","restoring":"file:///tmp/r.tar",)"
             R"("started":"2026-11-28T00:00:00Z","host":"h","owner":""})");
  RunResult backup = Backup(dir_ + "/b.tar");
  EXPECT_EQ(backup.exit_code, 1);
  EXPECT_THAT(backup.err, HasSubstr("baton recover"));
  EXPECT_THAT(backup.err, Not(HasSubstr("nothing to back up")));
}

// Finding 10: a --no_safety_backup restore that failed on an unreadable node
// left a marker that nothing could clear.
TEST_F(OwnershipTest, ARestoreWithoutSafetyBackupCanAlwaysBeCompleted) {
  Populate(TreeShape{});
  Snapshot wanted = Save(dir_ + "/wanted.tar");
  // A node nobody without alice's password may read, with a child: it can
  // be neither listed nor deleted.
  ASSERT_EQ(zoo_add_auth(zk_.handle(), "digest", "alice:pw", 8, nullptr, nullptr), ZOK);
  const std::string locked = state_ + "/apps/" + marathon::BucketOf("_locked") + "/_locked";
  zk_.Create(locked, "x");
  zk_.Create(locked + "/child", "y");
  ACL alice_only{ZOO_PERM_ALL, {const_cast<char*>("auth"), const_cast<char*>("")}};
  ACL_vector acl{1, &alice_only};
  ASSERT_EQ(zoo_set_acl(zk_.handle(), locked.c_str(), -1, &acl), ZOK);

  RunResult failed = RunBaton({"restore", "--no_safety_backup", "--backup_location",
                               "file://" + dir_ + "/wanted.tar", "--zk", zk_url_});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_THAT(failed.err, HasSubstr(locked)) << "not named:\n" << failed.err;
  EXPECT_TRUE(Marked());
  RunResult recover = Recover();
  EXPECT_EQ(recover.exit_code, 1);
  EXPECT_THAT(recover.err, HasSubstr("run baton restore again"));

  // The operator fixes the node; a plain restore completes the interrupted one.
  ASSERT_EQ(zoo_set_acl(zk_.handle(), locked.c_str(), -1, &ZOO_OPEN_ACL_UNSAFE), ZOK);
  RunResult again = Restore(dir_ + "/wanted.tar");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_FALSE(Marked());
  EXPECT_EQ(Diff(wanted, State()), "");

  // An unreadable leaf is no obstacle: deleting it takes its parent's right.
  zk_.Create(locked, "x");
  ASSERT_EQ(zoo_set_acl(zk_.handle(), locked.c_str(), -1, &acl), ZOK);
  RunResult leaf = RunBaton({"restore", "--no_safety_backup", "--backup_location",
                             "file://" + dir_ + "/wanted.tar", "--zk", zk_url_});
  ASSERT_EQ(leaf.exit_code, 0) << leaf.err;
  EXPECT_EQ(Diff(wanted, State()), "");
}

// Finding 15: the "a leader is alive" refusal named the first candidate
// ZooKeeper listed, not the leader (the lowest sequence number).
TEST_F(OwnershipTest, TheLeaderNamedIsTheLowestSequence) {
  Populate(TreeShape{});
  Save(dir_ + "/b.tar");
  const std::string election = root_ + "/leader";
  for (int i = 9; i >= 1; --i) {
    char seq[16];
    std::snprintf(seq, sizeof seq, "%010d", i);
    zk_.Create(election + "/_c_" + std::to_string(i * 7919 % 97) + "-latch-" + seq,
               "127.0.0.1:1808" + std::to_string(i));
  }
  RunResult refused = Restore(dir_ + "/b.tar");
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_THAT(refused.err, HasSubstr("(127.0.0.1:18081)"));
}

}  // namespace
}  // namespace baton::testing
