// baton agent against the real ZooKeeper: three agents on one path, one
// leads and backs up, a SIGKILLed leader is followed within the bound the
// schedule and the session timeout set, a restore's hold skips runs, and
// /metrics parses with Prometheus' own text parser (python3-prometheus-client).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "serve_fixture.h"
#include "support/test_env.h"
#include "support/zk_test.h"

namespace baton::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

// The samples of a Prometheus text page, "name{labels}" -> value, as
// Prometheus' Python client parses them (a format error fails the test).
std::map<std::string, double> Scrape(int port) {
  std::string out =
      Shell("curl -sf http://127.0.0.1:" + std::to_string(port) +
            "/metrics | /usr/bin/python3 -c '\n"
            "import sys\n"
            "from prometheus_client.parser import text_string_to_metric_families\n"
            "for family in text_string_to_metric_families(sys.stdin.read()):\n"
            "    for s in family.samples:\n"
            "        labels = \",\".join(k + \"=\" + v for k, v in sorted(s.labels.items()))\n"
            "        print(s.name + \"{\" + labels + \"}\", s.value)\n'");
  std::map<std::string, double> samples;
  std::istringstream lines(out);
  for (std::string name, value; lines >> name >> value;) samples[name] = std::stod(value);
  return samples;
}

class AgentTest : public ZkTest {
 protected:
  static constexpr int kSessionMs = 4000;

  pid_t StartAgent(int port, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"agent",
                                     "--zk",
                                     zk_url_,
                                     "--zk_session_timeout",
                                     std::to_string(kSessionMs),
                                     "--interval",
                                     "2s",
                                     "--listen",
                                     "127.0.0.1:" + std::to_string(port),
                                     "--backup_location",
                                     "file://" + dir_ + "/b/m-{timestamp}.tar"};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_t pid = StartBaton(args, dir_ + "/agent-" + std::to_string(port) + ".log");
    agents_.push_back(pid);
    return pid;
  }

  void TearDown() override {
    for (pid_t pid : agents_) {
      kill(pid, SIGTERM);
      WaitForBaton(pid, 30);
    }
    ZkTest::TearDown();
  }

  // The backups' start times (from their names), oldest first.
  std::vector<std::chrono::system_clock::time_point> Taken() {
    RunResult r = RunBaton({"list", "--json", "file://" + dir_ + "/b"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::chrono::system_clock::time_point> times;
    const json listed = json::parse(r.out);  // kept: the loop below reads into it
    for (const json& b : listed["backups"]) {
      std::tm tm{};
      int ms = 0;
      std::string name = b["name"];
      std::sscanf(name.c_str(), "m-%4d%2d%2dT%2d%2d%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms);
      tm.tm_year -= 1900;
      tm.tm_mon -= 1;
      times.insert(times.begin(), std::chrono::system_clock::from_time_t(timegm(&tm)) +
                                      std::chrono::milliseconds(ms));
    }
    return times;
  }

  // Waits (bounded) until `done()`.
  template <typename Done>
  static bool WaitFor(Done done, std::chrono::seconds limit = 60s) {
    return testing::WaitFor(done, limit, 50ms);
  }

  std::vector<pid_t> agents_;
};

TEST_F(AgentTest, OneOfThreeLeadsAndASigkilledLeaderIsFollowedInTime) {
  Populate(TreeShape{});
  Shell("mkdir -p " + dir_ + "/b");
  const int ports[] = {FreePort(), FreePort(), FreePort()};
  for (int port : ports) StartAgent(port);
  ASSERT_TRUE(WaitFor([&] { return Taken().size() >= 3; }))
      << ReadFile(dir_ + "/agent-" + std::to_string(ports[0]) + ".log");

  // Exactly one leads, and only it has backed up.
  int leader = -1;
  for (int i = 0; i < 3; ++i) {
    std::map<std::string, double> m = Scrape(ports[i]);
    ASSERT_TRUE(m.count("baton_agent_leader{}")) << "no leader gauge on " << ports[i];
    if (m["baton_agent_leader{}"] == 1) {
      EXPECT_EQ(leader, -1) << "two leaders";
      leader = i;
      EXPECT_GE(m["baton_agent_backups_total{result=success}"], 3);
      EXPECT_GT(m["baton_agent_next_run_timestamp_seconds{}"], 0);
    } else {
      EXPECT_EQ(m["baton_agent_backups_total{result=success}"], 0);
    }
  }
  ASSERT_NE(leader, -1);

  const size_t before = Taken().size();
  kill(agents_[static_cast<size_t>(leader)], SIGKILL);
  ASSERT_TRUE(WaitFor([&] { return Taken().size() >= before + 2; }));
  // The gap the schedule allows: the interval, its jitter, the dead
  // leader's session timeout, and a margin for a slow (sanitized) machine
  // to notice and to run the backup.
  std::vector<std::chrono::system_clock::time_point> times = Taken();
  std::chrono::milliseconds widest{0};
  for (size_t i = 1; i < times.size(); ++i) {
    widest = std::max(
        widest, std::chrono::duration_cast<std::chrono::milliseconds>(times[i] - times[i - 1]));
  }
  EXPECT_LE(widest.count(), 2000 + 200 + kSessionMs + 5000);
  std::printf("widest gap between backups across the failover: %lld ms\n",
              static_cast<long long>(widest.count()));
  int leaders = 0;
  for (int i = 0; i < 3; ++i) {
    if (i != leader && Scrape(ports[i])["baton_agent_leader{}"] == 1) ++leaders;
  }
  EXPECT_EQ(leaders, 1);
}

TEST_F(AgentTest, RunsWhileARestoreHoldsThePathAreSkippedAndSaidSo) {
  TreeShape big;
  big.apps = 2000;
  big.instances = 1000;
  Populate(big);
  ASSERT_EQ(Backup(dir_ + "/big.tar").exit_code, 0);
  Shell("mkdir -p " + dir_ + "/b");
  pid_t restore = StartBaton({"restore", "--backup_location", "file://" + dir_ + "/big.tar", "--zk",
                              zk_url_, "--zk_session_timeout", "60000", "--no_safety_backup"},
                             dir_ + "/restore.log");
  ASSERT_TRUE(WaitFor([&] { return Marked(); }, 60s)) << ReadFile(dir_ + "/restore.log");
  kill(restore, SIGSTOP);  // inside its write phase, its session alive
  const int port = FreePort();
  StartAgent(port);
  ASSERT_TRUE(WaitFor([&] {
    return Scrape(port)["baton_agent_backups_total{result=skipped}"] >= 2;
  })) << ReadFile(dir_ + "/agent-" + std::to_string(port) + ".log");
  EXPECT_EQ(Taken().size(), 0u);
  EXPECT_EQ(Scrape(port)["baton_agent_backups_total{result=failure}"], 0);
  EXPECT_THAT(ReadFile(dir_ + "/agent-" + std::to_string(port) + ".log"),
              HasSubstr("skipped the scheduled backup"));

  kill(restore, SIGCONT);
  EXPECT_EQ(WaitForBaton(restore), 0) << ReadFile(dir_ + "/restore.log");
  ASSERT_TRUE(WaitFor([&] { return Taken().size() >= 1; }));
}

TEST_F(AgentTest, RetentionAfterEachBackupAndAFailureHook) {
  Populate(TreeShape{});
  Shell("mkdir -p " + dir_ + "/b");
  const int port = FreePort();
  StartAgent(port, {"--keep_last", "2"});
  ASSERT_TRUE(
      WaitFor([&] { return Scrape(port)["baton_agent_backups_total{result=success}"] >= 4; }));
  EXPECT_LE(Taken().size(), 3u);  // 2 kept, and one maybe just written
  EXPECT_EQ(Scrape(port)["baton_agent_backups_kept{}"], 2);

  // A location that cannot be written: counted, the hook told, and retried.
  const int bad = FreePort();
  pid_t failing =
      StartBaton({"agent", "--zk", "zk://" + ZkAddress() + UniqueRoot("hook"), "--interval", "1h",
                  "--retry_delay_s", "1", "--listen", "127.0.0.1:" + std::to_string(bad),
                  "--on_failure", "echo \"$BATON_COMMAND: $BATON_ERROR\" >> " + dir_ + "/hook.txt",
                  "--backup_location", "file://" + dir_ + "/missing/x.tar"},
                 dir_ + "/failing.log");
  agents_.push_back(failing);
  ASSERT_TRUE(WaitFor([&] {
    return Scrape(bad)["baton_agent_backups_total{result=failure}"] >= 2;
  })) << ReadFile(dir_ + "/failing.log");
  EXPECT_THAT(ReadFile(dir_ + "/hook.txt"), HasSubstr("agent: "));
}

// A full disk (a file size limit stands in for it): each run fails cleanly,
// is reported, leaves no file, and the next slot is tried again.
TEST_F(AgentTest, AFullDiskFailsEachRunCleanlyAndTheScheduleGoesOn) {
  Populate(TreeShape{});  // holds a value of about 1 MB: no backup fits in 256 KB
  Shell("mkdir -p " + dir_ + "/full");
  RunResult r = RunBaton(
      {"agent", "--zk", zk_url_, "--interval", "1s", "--jitter", "0", "--retries", "0", "--listen",
       "", "--on_failure", "echo \"$BATON_ERROR\" >> " + dir_ + "/hook.txt", "--backup_location",
       "file://" + dir_ + "/full/x-{timestamp}.tar"},
      60, {}, {"/usr/bin/timeout", "-s", "TERM", "10", "/usr/bin/prlimit", "--fsize=262144"});
  EXPECT_EQ(r.exit_code, 124) << "stopped by timeout, not before\n" << r.err;
  const std::string failed = "the scheduled backup failed: cannot write backup file";
  EXPECT_GE(std::count(r.err.begin(), r.err.end(), '\n'), 2);
  size_t failures = 0;
  for (size_t at = r.err.find(failed); at != std::string::npos; at = r.err.find(failed, at + 1)) {
    ++failures;
  }
  EXPECT_GE(failures, 2u) << r.err;
  EXPECT_THAT(ReadFile(dir_ + "/hook.txt"), HasSubstr("File too large"));
  EXPECT_EQ(ListDir(dir_ + "/full"), std::vector<std::string>{}) << "no file, no record";
}

TEST_F(AgentTest, AnAgentWithAnotherScheduleSaysWhichIsInForce) {
  Populate(TreeShape{});
  Shell("mkdir -p " + dir_ + "/b");
  const int first = FreePort(), second = FreePort();
  StartAgent(first);
  ASSERT_TRUE(WaitFor([&] { return Scrape(first)["baton_agent_leader{}"] == 1; }));
  pid_t other = StartBaton({"agent", "--zk", zk_url_, "--interval", "1h", "--listen",
                            "127.0.0.1:" + std::to_string(second), "--backup_location",
                            "file://" + dir_ + "/b/m-{timestamp}.tar"},
                           dir_ + "/other.log");
  agents_.push_back(other);
  ASSERT_TRUE(WaitFor([&] {
    return ReadFile(dir_ + "/other.log").find("another agent leads") != std::string::npos;
  })) << ReadFile(dir_ + "/other.log");
  EXPECT_THAT(ReadFile(dir_ + "/other.log"),
              HasSubstr("another agent leads with every 2s; this one (every 3600s)"));
  EXPECT_EQ(Scrape(second)["baton_agent_leader{}"], 0);
}

TEST_F(AgentTest, AServerWithABackupIntervalJoinsTheSameElection) {
  Populate(TreeShape{});
  Shell("mkdir -p " + dir_ + "/b");
  const int agent_port = FreePort(), serve_port = FreePort();
  StartAgent(agent_port);
  pid_t serve = StartBaton(
      {"serve", "--zk", zk_url_, "--http_port", std::to_string(serve_port), "--backup_interval",
       "2s", "--backup_location", "file://" + dir_ + "/b/m-{timestamp}.tar"},
      dir_ + "/serve.log");
  agents_.push_back(serve);
  ASSERT_TRUE(WaitFor([&] { return Taken().size() >= 3; })) << ReadFile(dir_ + "/serve.log");
  ASSERT_TRUE(WaitFor([&] { return Scrape(serve_port).count("baton_agent_leader{}") > 0; }))
      << ReadFile(dir_ + "/serve.log");
  const double agent_leads = Scrape(agent_port)["baton_agent_leader{}"];
  const double serve_leads = Scrape(serve_port)["baton_agent_leader{}"];
  EXPECT_EQ(agent_leads + serve_leads, 1) << "one scheduler among the agent and the server";
  // The one that does not lead took no backup.
  const int follower = agent_leads == 1 ? serve_port : agent_port;
  EXPECT_EQ(Scrape(follower)["baton_agent_backups_total{result=success}"], 0);
}

}  // namespace
}  // namespace baton::testing
