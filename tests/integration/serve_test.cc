// baton serve: two or more server processes on loopback ports, driven over
// HTTP, against the real ZooKeeper.
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/marathon_tree.h"
#include "support/test_env.h"
#include "support/zk_test.h"

namespace baton::testing {
namespace {

using namespace std::chrono_literals;

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

// Marathon's storage version (1.10.100) is newer than what baton serve knows,
// so these trees carry none: the server stores its own on taking over.
TreeShape Shape() {
  TreeShape shape;
  shape.storage_version = false;
  return shape;
}

// The app state without what the server itself keeps: its storage version
// and the runtime configuration.
Snapshot AppState(Snapshot s) {
  s.erase("/internal:storage:version");
  for (auto it = s.begin(); it != s.end();) {
    it = it->first.starts_with("/runtime-configuration") ? s.erase(it) : std::next(it);
  }
  return s;
}

class ServeTest : public ZkTest {
 protected:
  void TearDown() override {
    for (auto& s : servers_) Kill(s, SIGKILL);
    ZkTest::TearDown();
  }

  struct Instance {
    pid_t pid = -1;
    int port = 0;
    std::string log;
  };

  Instance& Start(const std::vector<std::string>& extra = {}) {
    Instance s;
    s.port = FreePort();
    s.log = dir_ + "/serve-" + std::to_string(s.port) + ".log";
    std::vector<std::string> args{
        BatonBinary(),          "serve", "--zk", zk_url_, "--http_port", std::to_string(s.port),
        "--zk_session_timeout", "4000"};
    args.insert(args.end(), extra.begin(), extra.end());
    s.pid = fork();
    if (s.pid == 0) {
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      FILE* log = std::fopen(s.log.c_str(), "w");
      dup2(fileno(log), 1);
      dup2(fileno(log), 2);
      execv(argv[0], argv.data());
      _exit(127);
    }
    servers_.push_back(s);
    // Up once it answers /ping.
    for (int i = 0; i < 100; ++i) {
      if (auto r = httplib::Client("127.0.0.1", s.port).Get("/ping"); r && r->status == 200) break;
      std::this_thread::sleep_for(100ms);
    }
    return servers_.back();
  }

  static void Kill(Instance& s, int sig) {
    if (s.pid <= 0) return;
    kill(s.pid, sig);
    waitpid(s.pid, nullptr, 0);
    s.pid = -1;
  }

  std::string Leader(const Instance& s) {
    auto r = httplib::Client("127.0.0.1", s.port).Get("/v2/leader");
    if (!r || r->status != 200) return "";
    return nlohmann::json::parse(r->body)["leader"];
  }

  // Waits until `s` reports a leader other than `not_this` (empty: any).
  std::string AwaitLeader(const Instance& s, const std::string& not_this = "",
                          std::chrono::seconds limit = 15s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      std::string leader = Leader(s);
      if (!leader.empty() && leader != not_this) return leader;
      std::this_thread::sleep_for(100ms);
    }
    return "";
  }

  // Waits until the server on `port` says it is leader and serving: a
  // DELETE with a bad URI gets 400 only from a serving leader.
  bool AwaitServing(int port, std::chrono::seconds limit = 15s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      httplib::Client c("127.0.0.1", port);
      if (auto r = c.Delete("/v2/leader?backup=nope:relative"); r && r->status == 400) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  std::vector<Instance> servers_;
};

std::string Address(int port) { return "127.0.0.1:" + std::to_string(port); }

TEST_F(ServeTest, LeaderEndpointBackupIsTakenByTheNextLeader) {
  Populate(Shape());
  Instance a = Start();
  Instance b = Start();
  std::string first = AwaitLeader(a);
  ASSERT_EQ(first, Address(a.port));
  EXPECT_EQ(AwaitLeader(b), first);
  ASSERT_TRUE(AwaitServing(a.port));

  httplib::Client client("127.0.0.1", a.port);
  auto bad = client.Delete("/v2/leader?backup=ftp://host/x.tar");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("backup"), std::string::npos) << bad->body;

  std::string tar = dir_ + "/by-next-leader.tar";
  auto ok = client.Delete(("/v2/leader?backup=file://" + tar).c_str());
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, R"({"message":"Leadership abdicated"})");
  EXPECT_EQ(AwaitLeader(a, first), Address(b.port));
  ASSERT_TRUE(AwaitServing(b.port));
  ASSERT_TRUE(std::filesystem::exists(tar));

  // The backup is complete: it restores to the same tree.
  std::string copy = UniqueRoot("serve-copy");
  RunResult r = RunBaton(
      {"restore", "--backup_location", "file://" + tar, "--zk", "zk://" + ZkAddress() + copy});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Diff(AppState(zk_.Take(state_)), AppState(zk_.Take(copy + "/state"))), "");
  zk_.DeleteTree(copy);
}

TEST_F(ServeTest, RestoreThroughTheLeaderEndpointBringsBackTheOldState) {
  Populate(Shape());
  std::string tar = dir_ + "/before.tar";
  ASSERT_EQ(Backup(tar).exit_code, 0);
  Snapshot before = zk_.Take(state_);
  Instance a = Start();
  ASSERT_TRUE(AwaitServing(a.port));
  zk_.Create(state_ + "/apps/0/_created-after-backup", "{}");

  auto r =
      httplib::Client("127.0.0.1", a.port).Delete(("/v2/leader?restore=file://" + tar).c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  // A single instance is its own next leader.
  std::this_thread::sleep_for(1s);
  ASSERT_TRUE(AwaitServing(a.port));
  EXPECT_FALSE(zk_.Exists(state_ + "/apps/0/_created-after-backup"));
  EXPECT_EQ(Diff(AppState(before), AppState(zk_.Take(state_))), "");
}

TEST_F(ServeTest, FailoverWhenTheLeaderDiesAndCleanLeaveOnSigterm) {
  Instance a = Start();
  Instance b = Start();
  Instance c = Start();
  ASSERT_EQ(AwaitLeader(c), Address(a.port));
  Kill(servers_[0], SIGKILL);  // no goodbye: its session must time out
  EXPECT_EQ(AwaitLeader(c, Address(a.port)), Address(b.port));
  auto start = std::chrono::steady_clock::now();
  Kill(servers_[1], SIGTERM);  // leaves the election at once
  EXPECT_EQ(AwaitLeader(c, Address(b.port)), Address(c.port));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST_F(ServeTest, ABadRestoreLeavesTheStateAloneAndALeaderServes) {
  Populate(Shape());
  Snapshot before = zk_.Take(state_);
  std::string bad = dir_ + "/bad.tar";
  std::ofstream(bad) << "not a tar";
  Instance a = Start();
  ASSERT_TRUE(AwaitServing(a.port));
  auto r =
      httplib::Client("127.0.0.1", a.port).Delete(("/v2/leader?restore=file://" + bad).c_str());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  std::this_thread::sleep_for(1s);
  ASSERT_TRUE(AwaitServing(a.port, 20s));
  EXPECT_EQ(Diff(AppState(before), AppState(zk_.Take(state_))), "");
  std::ifstream log(servers_[0].log);
  std::string text(std::istreambuf_iterator<char>(log), {});
  EXPECT_NE(text.find("taking over leadership failed"), std::string::npos) << text;
}

TEST_F(ServeTest, BasicAuthGuardsEveryEndpointAndMetricsCountBackups) {
  Instance a = Start({"--http_credentials", "ops:s3cret"});
  httplib::Client anonymous("127.0.0.1", a.port);
  httplib::Client wrong("127.0.0.1", a.port);
  wrong.set_basic_auth("ops", "guess");
  httplib::Client ops("127.0.0.1", a.port);
  ops.set_basic_auth("ops", "s3cret");
  for (httplib::Client* c : {&anonymous, &wrong}) {
    EXPECT_EQ(c->Get("/v2/leader")->status, 401);
    EXPECT_EQ(c->Get("/metrics")->status, 401);
    EXPECT_EQ(c->Delete(("/v2/leader?backup=file://" + dir_ + "/x.tar").c_str())->status, 401);
  }
  // Wait for leadership with the right credentials.
  bool leading = false;
  for (int i = 0; i < 150 && !leading; ++i) {
    auto r = ops.Get("/metrics");
    leading = r && r->body.find("baton_leader 1") != std::string::npos;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(leading);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/x.tar"));  // the refused DELETE did nothing
  std::string tar = dir_ + "/metrics.tar";
  ASSERT_EQ(ops.Delete(("/v2/leader?backup=file://" + tar).c_str())->status, 200);
  std::string metrics;
  for (int i = 0; i < 150 && metrics.empty(); ++i) {
    auto r = ops.Get("/metrics");
    if (r && r->body.find("baton_backups_total{result=\"success\"} 1") != std::string::npos &&
        r->body.find("baton_leader 1") != std::string::npos) {
      metrics = r->body;
    }
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_NE(metrics.find("baton_backup_bytes_total"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("baton_restores_total{result=\"success\"} 0"), std::string::npos)
      << metrics;
  EXPECT_TRUE(std::filesystem::exists(tar));
  // The password is not in the process title.
  std::ifstream in("/proc/" + std::to_string(a.pid) + "/cmdline");
  std::string cmdline(std::istreambuf_iterator<char>(in), {});
  EXPECT_EQ(cmdline.find("s3cret"), std::string::npos);
}

}  // namespace
}  // namespace baton::testing
