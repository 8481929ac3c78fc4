// What backup, restore and recover show while they work and when they are
// done: a bar on a terminal, log lines otherwise, nothing with --quiet, one
// JSON object with --json.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "baton/error.h"
#include "support/zk_test.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

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

  std::string tar_;
};

TEST_F(ProgressTest, LogLinesWhenStderrIsNotATerminal) {
  RunResult backup = RunBaton(Command("backup", {"--progress_interval", "0.001"}));
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_THAT(backup.err, HasSubstr("progress: reading"));
  EXPECT_THAT(backup.err, HasSubstr("entries/s"));
  EXPECT_THAT(backup.err, HasSubstr("% "));  // ids were counted first
  EXPECT_THAT(backup.err, HasSubstr("ETA "));
  EXPECT_THAT(backup.err, Not(HasSubstr("\r"))) << "no terminal control in logs";
  EXPECT_THAT(backup.out, HasSubstr("backup written to"));

  RunResult restore = RunBaton(Command("restore", {"--progress_interval", "0.001"}));
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  for (const char* phase : {"checking", "saving", "writing"}) {
    EXPECT_THAT(restore.err, HasSubstr(std::string("progress: ") + phase)) << phase;
  }
  EXPECT_THAT(restore.out, HasSubstr("restore complete"));

  // The default interval is seconds: a quick run logs no progress at all.
  RunResult quick = RunBaton(Command("backup"));
  ASSERT_EQ(quick.exit_code, 0) << quick.err;
  EXPECT_THAT(quick.err, Not(HasSubstr("progress:")));
}

TEST_F(ProgressTest, ABarOnATerminal) {
  RunResult backup = RunBatonOnTerminal(Command("backup"));
  ASSERT_EQ(backup.exit_code, 0) << backup.out;
  // Redrawn in place, ends complete, and the result follows on its own line.
  EXPECT_THAT(backup.out, HasSubstr("\r\033[Kreading  [########################] 100%"));
  EXPECT_THAT(backup.out, HasSubstr("done in"));
  EXPECT_THAT(backup.out, HasSubstr("\nbackup written to"));

  RunResult restore = RunBatonOnTerminal(Command("restore"));
  ASSERT_EQ(restore.exit_code, 0) << restore.out;
  EXPECT_THAT(restore.out, HasSubstr("\r\033[Kwriting  [########################] 100%"));
  EXPECT_THAT(restore.out, HasSubstr("\r\033[Kchecking "));
  // Log lines clear the bar's line before they are written.
  EXPECT_THAT(restore.out, HasSubstr("\r\033[K20"));  // a timestamp follows

  RunResult plain = RunBatonOnTerminal(Command("backup", {"--progress", "none"}));
  ASSERT_EQ(plain.exit_code, 0) << plain.out;
  EXPECT_THAT(plain.out, Not(HasSubstr("reading ")));
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
  EXPECT_EQ(failed.exit_code, kExitUsage);
  EXPECT_THAT(failed.err, HasSubstr("nothing to back up"));
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
  EXPECT_THAT(r["safety_backup"].get<std::string>(), HasSubstr("safety-")) << r.dump();
  EXPECT_FALSE(r["rolled_back_previous"].get<bool>());

  RunResult recover = RunBaton({"recover", "--json", "--zk", zk_url_});
  ASSERT_EQ(recover.exit_code, 0) << recover.err;
  EXPECT_EQ(nlohmann::json::parse(recover.out)["rolled_back"], false);
}

}  // namespace
}  // namespace baton::testing
