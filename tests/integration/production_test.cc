// Running Baton in production as README says: the cron + textfile block run
// as written (its metrics parsed with Prometheus' own parser), and the agent's
// systemd unit, checked with systemd-analyze and its ExecStart line run with
// its environment file (systemd is not PID 1 here).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "serve_fixture.h"
#include "support/test_env.h"
#include "support/zk_test.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

// The samples of a Prometheus text file, as its Python client parses them.
std::map<std::string, double> Samples(const std::string& path) {
  std::string out = Shell(
      "/usr/bin/python3 -c '\n"
      "import sys\n"
      "from prometheus_client.parser import text_string_to_metric_families\n"
      "for family in text_string_to_metric_families(open(sys.argv[1]).read()):\n"
      "    for s in family.samples:\n"
      "        labels = \",\".join(k + \"=\" + v for k, v in sorted(s.labels.items()))\n"
      "        print(s.name + \"{\" + labels + \"}\", s.value)\n' " +
      path);
  std::map<std::string, double> samples;
  std::istringstream lines(out);
  for (std::string name, value; lines >> name >> value;) samples[name] = std::stod(value);
  return samples;
}

class ProductionTest : public ZkTest {};

TEST_F(ProductionTest, TheCronBlockRunsAsWrittenAndItsTextfileParses) {
  Populate(TreeShape{});
  const std::string script = ReadmeBlock("cron");
  ASSERT_NE(script, "");
  std::ofstream(dir_ + "/cron.sh") << script;
  Shell("mkdir -p " + dir_ + "/b");
  const std::string prom = dir_ + "/baton.prom";
  const std::string run = "cd " + dir_ + " && ZK=" + ZkAddress() + " SVC=" + root_ +
                          " DIR=" + dir_ + "/b BATON=" + BatonBinary() + " PROM=" + prom +
                          " timeout 120 bash -e cron.sh > out.txt 2>&1 < /dev/null";
  for (int i = 1; i <= 2; ++i) {
    ASSERT_EQ(std::system(run.c_str()), 0) << ReadFile(dir_ + "/out.txt");
  }
  EXPECT_THAT(ReadFile(dir_ + "/out.txt"), HasSubstr("cron-"));
  std::map<std::string, double> m = Samples(prom);
  EXPECT_EQ(m["baton_last_result{command=backup}"], 1);
  EXPECT_EQ(m["baton_last_result{command=prune}"], 1);
  EXPECT_EQ(m["baton_runs_total{command=backup,result=success}"], 2);
  EXPECT_GT(m["baton_last_success_timestamp_seconds{command=backup}"], 1.7e9);
  EXPECT_GT(m["baton_last_entries{command=backup}"], 0);

  // A failed run: counted, its success time kept, the hook told.
  RunResult failed =
      RunBaton({"backup", "--zk", zk_url_, "--backup_location", "file://" + dir_ + "/missing/x.tar",
                "--metrics_file", prom, "--on_failure",
                "echo \"$BATON_COMMAND: $BATON_ERROR\" > " + dir_ + "/hook.txt"});
  EXPECT_EQ(failed.exit_code, 1);
  std::map<std::string, double> after = Samples(prom);
  EXPECT_EQ(after["baton_last_result{command=backup}"], 0);
  EXPECT_EQ(after["baton_runs_total{command=backup,result=failure}"], 1);
  EXPECT_EQ(after["baton_last_success_timestamp_seconds{command=backup}"],
            m["baton_last_success_timestamp_seconds{command=backup}"]);
  EXPECT_THAT(ReadFile(dir_ + "/hook.txt"), HasSubstr("backup: "));
}

TEST_F(ProductionTest, TheAgentUnitVerifiesAndItsExecStartRunsWithItsEnvironmentFile) {
  Populate(TreeShape{});
  // The unit as the build configured it, run with this build's binary.
  const std::string build_dir = std::filesystem::path(BatonBinary()).parent_path().string();
  std::string unit = ReadFile(build_dir + "/systemd/baton-agent.service");
  const std::string installed = unit.substr(unit.find("ExecStart=") + 10);
  ASSERT_THAT(installed, ::testing::StartsWith("/"));
  ASSERT_THAT(installed, HasSubstr("/bin/baton agent\n"));
  unit.replace(unit.find("ExecStart=") + 10, installed.find(' '), BatonBinary());
  std::ofstream(dir_ + "/baton-agent.service") << unit;
  int rc = -1;
  // --man=no: its man page is installed by the package (.ci/run checks that).
  std::string verify =
      Shell("systemd-analyze verify --man=no " + dir_ + "/baton-agent.service 2>&1", &rc);
  EXPECT_EQ(rc, 0) << verify;

  // The shipped environment file, with this test's ensemble and directory.
  const int port = FreePort();
  std::ofstream(dir_ + "/baton.env")
      << ReadFile(SourceDir() + "/packaging/default/baton") << "BATON_ZK=" << zk_url_ << "\n"
      << "BATON_BACKUP_LOCATION=file://" << dir_ << "/a/agent-{timestamp}.tar.zst\n"
      << "BATON_INTERVAL=1s\nBATON_LISTEN=127.0.0.1:" << port << "\n"
      << "BATON_KEEP_LAST=2\nBATON_JITTER=0\n";
  Shell("mkdir -p " + dir_ + "/a");
  const size_t start = unit.find("ExecStart=") + 10;
  const std::string exec = unit.substr(start, unit.find('\n', start) - start);
  std::ofstream(dir_ + "/unit.sh") << "set -a\n. " << dir_ << "/baton.env\nset +a\necho $$ > "
                                   << dir_ << "/pid\nexec " << exec << "\n";
  int exit_code = -1;
  std::thread agent([&] {
    exit_code = std::system(
        ("timeout 120 bash " + dir_ + "/unit.sh > " + dir_ + "/unit.log 2>&1 < /dev/null").c_str());
  });
  // Three backups taken, and the third pruned away again by --keep_last 2
  // from BATON_KEEP_LAST (two records left).
  auto count = [](const std::string& text, const std::string& what) {
    int n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  auto pruned = [&] {
    int records = 0;
    for (const std::string& name : ListDir(dir_ + "/a")) {
      records += name.ends_with(".manifest.json") ? 1 : 0;
    }
    return count(ReadFile(dir_ + "/unit.log"), "backup complete") >= 3 && records == 2;
  };
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (!pruned() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  const bool kept_two = pruned();
  const std::string pid_text = ReadFile(dir_ + "/pid");
  const int pid = pid_text.empty() ? 0 : std::stoi(pid_text);
  ASSERT_GT(pid, 0);
  kill(pid, SIGTERM);
  agent.join();
  const int status = WEXITSTATUS(exit_code);
  EXPECT_TRUE(status == 0 || status == 143) << status << "\n" << ReadFile(dir_ + "/unit.log");
  EXPECT_TRUE(kept_two) << ReadFile(dir_ + "/unit.log");
  EXPECT_THAT(ReadFile(dir_ + "/unit.log"), HasSubstr("leading the backup agents: every 1s"));
}

}  // namespace
}  // namespace baton::testing
