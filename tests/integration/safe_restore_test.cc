// Restores that cannot lose data, against the real ZooKeeper: the safety
// backup, rollback on failure, the restore-in-progress marker, recovery after
// the process is killed at random points, dry runs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "archive/backup_writer.h"
#include "baton/restore.h"
#include "layout/marathon/bucket.h"
#include "support/marathon_tree.h"
#include "support/memory_storage.h"
#include "support/test_env.h"
#include "support/zk_test.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;

using namespace std::chrono_literals;

using SafeRestoreTest = ZkTest;

TEST_F(SafeRestoreTest, TheReplacedStateIsSavedAndNamed) {
  Populate(TreeShape{});
  std::string tar = dir_ + "/backup.tar";
  Save(tar);
  zk_.Create(state_ + "/apps/3/_made-after", "kept in the safety backup");  // its bucket: 3
  Snapshot replaced = State();

  RunResult r = Restore(tar);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  size_t at = r.out.find("the previous state is saved in file://");
  ASSERT_NE(at, std::string::npos) << r.out;
  at = r.out.find("file://", at);
  std::string safety = r.out.substr(at, r.out.find(')', at) - at);
  EXPECT_THAT(safety, HasSubstr("/safety/safety-"));
  EXPECT_FALSE(Marked());
  EXPECT_FALSE(zk_.Exists(state_ + "/apps/3/_made-after"));

  EXPECT_EQ(RunBaton({"verify", safety}).exit_code, 0);
  ASSERT_EQ(RunBaton({"restore", "--backup_location", safety, "--zk", zk_url_}).exit_code, 0);
  EXPECT_EQ(Diff(replaced, State()), "");
}

// A safety directory others could swap (here: below a directory anyone may
// write to) is refused before anything is touched.
TEST_F(SafeRestoreTest, ASafetyDirectoryOthersCouldSwapIsRefusedFirst) {
  Populate(TreeShape{});
  std::string tar = dir_ + "/backup.tar";
  Save(tar);
  zk_.Create(state_ + "/apps/3/_made-after", "");
  Snapshot before = State();
  std::filesystem::create_directory(dir_ + "/open");
  ASSERT_EQ(::chmod((dir_ + "/open").c_str(), 0777), 0);
  RunResult r = RunBaton({"restore", "--backup_location", "file://" + tar, "--zk", zk_url_,
                          "--safety_backup_dir", dir_ + "/open/safety"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("writable by others"));
  EXPECT_FALSE(Marked());
  EXPECT_FALSE(Locked());
  EXPECT_EQ(Diff(before, State()), "");
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/open/safety"));
}

TEST_F(SafeRestoreTest, AFailureWhileWritingRollsBack) {
  Populate(TreeShape{});
  Snapshot before = State();
  // Valid as a backup when the servers are said to take 4 MiB nodes, but
  // they refuse a 2 MiB one (jute.maxbuffer is 1 MiB): the write fails after
  // the old state was deleted.
  std::string tar = dir_ + "/huge.tar";
  std::string script =
      "import io, tarfile\n"
      "with tarfile.open('" +
      tar +
      "', 'w', format=tarfile.GNU_FORMAT) as t:\n"
      "    for name, size in [('apps/items/_a', 10), ('apps/items/_huge', 2 << 20)]:\n"
      "        info = tarfile.TarInfo(name); info.size = size; info.mode = 0o644\n"
      "        t.addfile(info, io.BytesIO(b'x' * size))\n";
  std::ofstream(dir_ + "/make.py") << script;
  ASSERT_EQ(std::system(("python3 " + dir_ + "/make.py").c_str()), 0);

  RunResult r = RunBaton({"restore", "--backup_location", "file://" + tar, "--zk", zk_url_,
                          "--max_node_bytes", "4194304", "--allow_no_storage_version"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("rolled back to the state before the restore"));
  EXPECT_FALSE(Marked());
  EXPECT_EQ(Diff(before, State()), "");
}

TEST_F(SafeRestoreTest, DryRunChecksEverythingAndWritesNothing) {
  Populate(TreeShape{});
  std::string tar = dir_ + "/backup.tar";
  Snapshot before = Save(tar);
  zk_.Create(state_ + "/apps/3/_made-after", "x");
  Snapshot changed = State();
  RunResult r =
      RunBaton({"restore", "--dry-run", "--backup_location", "file://" + tar, "--zk", zk_url_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("dry run, nothing written"));
  EXPECT_EQ(Diff(changed, State()), "");
  RunResult bad = RunBaton({"restore", "--dry-run", "--backup_location",
                            "file://" + dir_ + "/nope.tar", "--zk", zk_url_});
  EXPECT_EQ(bad.exit_code, 1);
}

TEST_F(SafeRestoreTest, AnInterruptedRestoreBlocksBackupsUntilRecovered) {
  Populate(TreeShape{});
  Snapshot before = State();
  std::string safety = dir_ + "/safety.tar";
  Save(safety);
  // What a restore killed half-way leaves: its marker and part of a state.
  zk_.Create(root_ + "/restore-in-progress",
             R"({"safety_backup": "file://)" + safety +
                 R"(", "restoring": "file:///elsewhere.tar", "started": "x", "host": "h"})");
  zk_.DeleteTree(state_ + "/apps");

  RunResult backup = Backup(dir_ + "/half.tar");
  EXPECT_EQ(backup.exit_code, 1);
  EXPECT_THAT(backup.err, HasSubstr("did not finish"));

  RunResult r = Recover();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("rolled back an interrupted restore"));
  EXPECT_FALSE(Marked());
  EXPECT_EQ(Diff(before, State()), "");
  EXPECT_THAT(Recover().out, HasSubstr("nothing to recover"));
}

// Staging, the safety backup and the rollback take their storage and clock
// from the job's Env: here every byte stays in memory, under a fixed time.
TEST_F(SafeRestoreTest, StagingSafetyBackupAndRollbackGoThroughTheEnv) {
  Populate(TreeShape{});
  Snapshot before = State();
  MemoryLocations memory;
  {  // ZooKeeper refuses the 2 MB value only when it is written.
    MemorySink sink;
    archive::BackupWriter writer(sink, 0, ArchiveFormat::kMarathon, archive::Compression::kNone);
    writer.Add("apps/items/_a", "a");
    writer.Add("apps/items/_huge", std::string(2 << 20, 'x'));
    writer.Finish({});
    memory.committed["memory://bad.tar"] = sink.bytes;
  }
  RestoreOptions options{
      .zk = ZkUrl::Parse(zk_url_),
      .backup_location = "memory://bad.tar",
      .safety_backup_dir = dir_ + "/safety",
      .validation = {.max_node_bytes = 4 << 20, .allow_no_storage_version = true},
      .env = memory.env()};
  options.env.now = [] { return std::chrono::system_clock::from_time_t(1893553445); };
  try {
    baton::Restore(options);
    ADD_FAILURE() << "the restore succeeded";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("rolled back to the state before the restore"));
  }
  EXPECT_FALSE(Marked());
  EXPECT_EQ(Diff(before, State()), "");
  // The safety backup and its record went to the Env's storage, named by
  // the Env's clock.
  ASSERT_EQ(memory.committed.size(), 3u);
  memory.committed.erase("memory://bad.tar");
  EXPECT_THAT(memory.committed.begin()->first, HasSubstr("-20300102T030405.000Z.tar.zst"));
  EXPECT_THAT(memory.committed.rbegin()->first,
              HasSubstr("-20300102T030405.000Z.tar.zst.manifest.json"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/safety") &&
               !std::filesystem::is_empty(dir_ + "/safety"));
}

// A restore killed while deleting leaves emptied containers, which the server
// reaps at any moment; the test's snapshots must not see them come and go
// (CI once saw "get .../state/apps/4: no node" here).
TEST_F(SafeRestoreTest, SnapshotsLeaveOutContainersTheServerIsAboutToReap) {
  zk_.Create(state_ + "/apps/4/_a", "a");
  zk_.Create(state_ + "/apps/5/_b", "b");
  zk_.DeleteTree(state_ + "/apps/4/_a");
  Snapshot expected{{"/apps", ""}, {"/apps/5", ""}, {"/apps/5/_b", "b"}};
  EXPECT_EQ(Diff(expected, State()), "");
  zk_.DeleteTree(state_ + "/apps/5/_b");
  EXPECT_EQ(Diff({}, State()), "");
}

// Kills restores at random points; afterwards (once recovered) the state is
// the old one or the new one, never a mix.
TEST_F(SafeRestoreTest, KilledAtRandomPointsTheStateIsOldOrNew) {
  TreeShape shape;
  shape.apps = 300;
  shape.instances = 300;
  Populate(shape);
  std::string old_tar = dir_ + "/old.tar";
  Snapshot old_state = Save(old_tar);
  for (int i = 0; i < 300; ++i) {
    std::string id = "_new-" + std::to_string(i);
    zk_.Create(state_ + "/apps/" + marathon::BucketOf(id) + "/" + id, "new " + std::to_string(i));
  }
  zk_.DeleteTree(state_ + "/framework-id");
  std::string new_tar = dir_ + "/new.tar";
  Snapshot new_state = Save(new_tar);
  ASSERT_EQ(Restore(old_tar).exit_code, 0);

  // How long an undisturbed restore takes, to spread the kills over it.
  auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(Restore(new_tar).exit_code, 0);
  auto full = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  ASSERT_EQ(Restore(old_tar).exit_code, 0);

  std::mt19937 random(12345);
  int old_seen = 0, new_seen = 0, recovered = 0, refused = 0;
  // Even rounds kill at a random point of the whole restore; odd rounds wait
  // for the marker first and kill inside the write phase, which is a small
  // part of a restore (a loaded CI machine rarely hit it by chance).
  // On a loaded machine fewer kills land inside a restore: more rounds, all
  // inside the write phase, until enough have (at most kMaxRounds).
  const int kRounds = 16, kMaxRounds = 30, kMinRecovered = 3;
  int round = 0;
  for (; round < kMaxRounds && (round < kRounds || recovered < kMinRecovered); ++round) {
    bool in_write_phase = round % 2 == 1 || round >= kRounds;
    auto delay = std::chrono::milliseconds(random() % (full.count() + 1));
    // A short session: the killed restore's lock lives until it expires.
    pid_t pid = StartBaton({"restore", "--backup_location", "file://" + new_tar, "--zk", zk_url_,
                            "--zk_session_timeout", "1500"},
                           dir_ + "/killed.log");
    if (in_write_phase) {
      auto deadline = std::chrono::steady_clock::now() + 10 * full + std::chrono::seconds(5);
      while (!Marked() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      delay = std::chrono::milliseconds(random() % (full.count() / 4 + 1));
    }
    std::this_thread::sleep_for(delay);
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    if (Locked()) {
      // The dead restore owns the path until its session expires: refused,
      // nothing touched (or, once it has expired, recovered).
      bool marked = Marked();
      Snapshot held = State();
      RunResult early = Recover();
      if (early.exit_code == 3) {
        EXPECT_EQ(Marked(), marked);
        EXPECT_EQ(Diff(held, State()), "");
        ++refused;
      } else {
        ASSERT_EQ(early.exit_code, 0) << early.err;
      }
      ASSERT_TRUE(WaitUntilUnlocked(std::chrono::seconds(20)));
    }
    if (Marked()) {
      ++recovered;
      // Alternately the next restore finds the marker, or recover does.
      if (recovered % 2 == 0) {
        RunResult r = Recover();
        ASSERT_EQ(r.exit_code, 0) << r.err;
      } else {
        RunResult r = Restore(new_tar);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_THAT(r.out, HasSubstr("an interrupted restore was rolled back first"));
      }
    }
    ASSERT_FALSE(Marked());
    Snapshot now = State();
    if (Diff(old_state, now).empty()) {
      ++old_seen;
    } else {
      ASSERT_EQ(Diff(new_state, now), "")
          << "round " << round << ", killed after " << delay.count()
          << " ms: neither the old nor the new state. Old vs now: " << Diff(old_state, now)
          << "\nlog: " << ReadFile(dir_ + "/killed.log");
      ++new_seen;
      ASSERT_EQ(Restore(old_tar).exit_code, 0);
    }
  }
  // The kills landed inside restores, not only before or after them.
  EXPECT_GE(recovered, kMinRecovered)
      << "after " << round << " rounds; a full restore took " << full.count() << " ms";
  std::printf(
      "killed %d restores (a full one takes %lld ms): %d old, %d new, %d recovered, %d refused "
      "while the dead owner's session lived\n",
      round, static_cast<long long>(full.count()), old_seen, new_seen, recovered, refused);
}

}  // namespace
}  // namespace baton::testing
