// What backup, restore and recover show while they work and when they are
// done: a bar on a terminal, log lines otherwise, nothing with --quiet, one
// JSON object with --json.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/zk_test.h"

namespace baton::testing {
namespace {

class ProgressTest : public ZkTest {
 protected:
  void SetUp() override {
    ZkTest::SetUp();
    // A few thousand entries: enough for several progress updates.
    Populate(TreeShape{
        .apps = 100, .versions_per_app = 5, .instances = 2000, .big_values = 0, .awkward = false});
    tar_ = dir_ + "/b.tar";
  }
  std::vector<std::string> Command(const std::string& command,
                                   std::vector<std::string> extra = {}) {
    std::vector<std::string> args{command, "--backup_location", "file://" + tar_, "--zk", zk_url_};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  static bool Contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
  }

  std::string tar_;
};

TEST_F(ProgressTest, LogLinesWhenStderrIsNotATerminal) {
  RunResult backup = RunBaton(Command("backup", {"--progress_interval", "0.001"}));
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_TRUE(Contains(backup.err, "progress: reading")) << backup.err;
  EXPECT_TRUE(Contains(backup.err, "entries/s")) << backup.err;
  EXPECT_TRUE(Contains(backup.err, "% ")) << backup.err;  // ids were counted first
  EXPECT_TRUE(Contains(backup.err, "ETA ")) << backup.err;
  EXPECT_FALSE(Contains(backup.err, "\r")) << "no terminal control in logs";
  EXPECT_TRUE(Contains(backup.out, "backup written to")) << backup.out;

  RunResult restore = RunBaton(Command("restore", {"--progress_interval", "0.001"}));
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  for (const char* phase : {"checking", "saving", "writing"}) {
    EXPECT_TRUE(Contains(restore.err, std::string("progress: ") + phase)) << phase;
  }
  EXPECT_TRUE(Contains(restore.out, "restore complete")) << restore.out;

  // The default interval is seconds: a quick run logs no progress at all.
  RunResult quick = RunBaton(Command("backup"));
  ASSERT_EQ(quick.exit_code, 0) << quick.err;
  EXPECT_FALSE(Contains(quick.err, "progress:")) << quick.err;
}

TEST_F(ProgressTest, ABarOnATerminal) {
  RunResult backup = RunBatonOnTerminal(Command("backup"));
  ASSERT_EQ(backup.exit_code, 0) << backup.out;
  // Redrawn in place, ends complete, and the result follows on its own line.
  EXPECT_TRUE(Contains(backup.out, "\r\033[Kreading  [########################] 100%"))
      << backup.out;
  EXPECT_TRUE(Contains(backup.out, "done in")) << backup.out;
  EXPECT_TRUE(Contains(backup.out, "\nbackup written to")) << backup.out;

  RunResult restore = RunBatonOnTerminal(Command("restore"));
  ASSERT_EQ(restore.exit_code, 0) << restore.out;
  EXPECT_TRUE(Contains(restore.out, "\r\033[Kwriting  [########################] 100%"))
      << restore.out;
  EXPECT_TRUE(Contains(restore.out, "\r\033[Kchecking ")) << restore.out;
  // Log lines clear the bar's line before they are written.
  EXPECT_TRUE(Contains(restore.out, "\r\033[K20")) << restore.out;  // a timestamp follows

  RunResult plain = RunBatonOnTerminal(Command("backup", {"--progress", "none"}));
  ASSERT_EQ(plain.exit_code, 0) << plain.out;
  EXPECT_FALSE(Contains(plain.out, "reading ")) << plain.out;
}

TEST_F(ProgressTest, QuietPrintsNothingButErrors) {
  for (const char* command : {"backup", "restore"}) {
    RunResult r = RunBaton(Command(command, {"--quiet"}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "") << command;
    EXPECT_EQ(r.err, "") << command;
  }
  RunResult on_terminal = RunBatonOnTerminal(Command("backup", {"-q"}));
  ASSERT_EQ(on_terminal.exit_code, 0);
  EXPECT_EQ(on_terminal.out, "");
  RunResult failed = RunBaton(
      {"backup", "-q", "--backup_location", "file://" + tar_, "--zk", zk_url_ + "/no/such/path"});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_TRUE(Contains(failed.err, "nothing to back up")) << failed.err;
}

TEST_F(ProgressTest, JsonPrintsOneResultObject) {
  RunResult backup = RunBaton(Command("backup", {"--json"}));
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  nlohmann::json b = nlohmann::json::parse(backup.out);  // nothing else on stdout
  EXPECT_EQ(b["command"], "backup");
  EXPECT_EQ(b["location"], "file://" + tar_);
  EXPECT_EQ(b["format"], "baton");
  EXPECT_EQ(b["items"].get<int>(), 100 + 2000);  // apps, instances
  EXPECT_EQ(b["versions"].get<int>(), 100 * 5);
  EXPECT_TRUE(b["storage_version"].get<bool>());
  EXPECT_EQ(b["zxid"].get<std::string>().substr(0, 2), "0x");
  EXPECT_GE(b["seconds"].get<double>(), 0);

  RunResult restore = RunBaton(Command("restore", {"--json"}));
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  nlohmann::json r = nlohmann::json::parse(restore.out);
  EXPECT_EQ(r["command"], "restore");
  EXPECT_EQ(r["items"], b["items"]);
  EXPECT_EQ(r["versions"], b["versions"]);
  EXPECT_GT(r["replaced_nodes"].get<int>(), 2600);
  EXPECT_TRUE(Contains(r["safety_backup"].get<std::string>(), "safety-")) << r.dump();
  EXPECT_FALSE(r["rolled_back_previous"].get<bool>());

  RunResult recover = RunBaton({"recover", "--json", "--zk", zk_url_});
  ASSERT_EQ(recover.exit_code, 0) << recover.err;
  EXPECT_EQ(nlohmann::json::parse(recover.out)["rolled_back"], false);
}

}  // namespace
}  // namespace baton::testing
