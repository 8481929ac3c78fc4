// ZooKeeper ensemble faults: the server a backup or restore is connected to
// is killed in the middle of it; the client reconnects to another server of
// the ensemble and the work is done again from the start. Killing two of the
// three servers (no quorum) fails with a clear error and claims nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "layout/marathon/bucket.h"
#include "support/marathon_tree.h"
#include "support/test_env.h"

namespace baton::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using namespace std::chrono_literals;

// Three servers of this test's own, so that killing one disturbs no other
// test.
class PrivateEnsemble {
 public:
  PrivateEnsemble() : dir_(TempDir() + "/ensemble") {
    if (std::system((Script() + " start " + dir_ + " ensemble > /dev/null").c_str()) != 0) {
      throw std::runtime_error("cannot start a ZooKeeper ensemble");
    }
    address_ = ReadFile(dir_ + "/address");
    while (!address_.empty() && address_.back() == '\n') address_.pop_back();
  }
  ~PrivateEnsemble() {
    if (std::system((Script() + " stop " + dir_ + " > /dev/null").c_str()) != 0) {
      std::fprintf(stderr, "cannot stop %s\n", dir_.c_str());
    }
  }
  const std::string& address() const { return address_; }

  // What server i says of its connections (the `cons` command).
  std::string Cons(int i) const {
    std::stringstream hosts(address_);
    std::string host;
    for (int k = 0; k <= i; ++k) std::getline(hosts, host, ',');
    return testing::Cons(host);
  }

  // The server (0-2) with a client connection that has sent more than
  // `requests` requests, if any ("cons" lists each connection's counts).
  int ServerWithBusyClient(long requests) const {
    for (int i = 0; i < 3; ++i) {
      std::string out = Cons(i);
      for (size_t at = out.find("recved="); at != std::string::npos;
           at = out.find("recved=", at + 1)) {
        if (std::atol(out.c_str() + at + 7) > requests) return i;
      }
    }
    return -1;
  }
  void Kill(int server) const { Signal(server, SIGKILL); }
  // Stops the server answering (SIGSTOP): its clients' requests stay in
  // flight until it is killed.
  void Freeze(int server) const { Signal(server, SIGSTOP); }
  // Starts the killed servers again, with their data.
  void Revive() const {
    if (std::system((Script() + " revive " + dir_ + " > /dev/null").c_str()) != 0) {
      throw std::runtime_error("cannot revive the ZooKeeper ensemble");
    }
  }

 private:
  static std::string Script() { return SourceDir() + "/scripts/zk-server"; }
  void Signal(int server, int signal) const {
    std::string pid = ReadFile(dir_ + "/zk" + std::to_string(server + 1) + "/pid");
    ::kill(std::atoi(pid.c_str()), signal);
  }

  std::string dir_, address_;
};

nlohmann::json Inspect(const std::string& tar) {
  RunResult r = RunBaton({"inspect", "--json", "file://" + tar});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out, nullptr, false);
}

// The state of the private ensemble's tree, compared by content.
Snapshot StateOf(const std::string& address, const std::string& root) {
  TestZk zk(address);
  zk.Sync(root);
  return Comparable(zk.Take(root + "/state"));
}

void PopulateFault(const std::string& address, const TreeShape& shape) {
  TestZk zk(address);
  zk.Create("/fault", "");
  zk.Create("/fault/state", "", true);
  zk.CreateMany(MarathonTree("/fault/state", shape));
}

// Waits until the restore-in-progress marker appears under /fault, that is
// until a restore replaces the state; the polling client is gone after it,
// so that it is not mistaken for the restore's.
bool WaitForRestoreMarker(const std::string& address) {
  TestZk zk(address);
  for (int i = 0; i < 30000; ++i) {
    if (zk.Exists("/fault/restore-in-progress")) return true;
    std::this_thread::sleep_for(1ms);
  }
  return false;
}

// Waits until a backup of /fault begins its walk; returns the session that
// made its marker (0 if none came), which names its connection in `cons`.
int64_t WaitForBackupMarker(const std::string& address) {
  TestZk zk(address);
  for (int i = 0; i < 30000; ++i) {
    for (const std::string& child : zk.Children("/fault")) {
      if (child.rfind("backup-in-progress-", 0) != 0) continue;
      Stat stat{};
      if (zoo_exists(zk.handle(), ("/fault/" + child).c_str(), 0, &stat) == ZOK) {
        return stat.ephemeralOwner;
      }
    }
    std::this_thread::sleep_for(1ms);
  }
  return 0;
}

// The server whose client has sent more than `requests` requests, waited for.
int WaitForBusyServer(const PrivateEnsemble& ensemble, long requests) {
  int server = -1;
  for (int i = 0; i < 400 && server < 0; ++i) {
    server = ensemble.ServerWithBusyClient(requests);
    if (server < 0) std::this_thread::sleep_for(10ms);
  }
  return server;
}

// About 8,000 nodes: a backup or restore takes a second or two on an
// ensemble, long enough to be killed in the middle.
constexpr TreeShape kShape{.apps = 300, .versions_per_app = 5, .instances = 6000, .big_values = 0};

TEST(EnsembleFault, KillingTheConnectedServerMidBackupRereadsThroughAnother) {
  PrivateEnsemble ensemble;
  PopulateFault(ensemble.address(), kShape);
  const std::string url = "zk://" + ensemble.address() + "/fault";
  const std::string tar = TempDir() + "/during.tar", log = TempDir() + "/during.log";
  pid_t pid = StartBaton({"backup", "--backup_location", "file://" + tar, "--zk", url}, log);
  // Well into its walk (a connection it reads on past 1000 requests: one of
  // the multiRead sessions that carry getACL, or the C client's with
  // pipelined reads), its
  // server stops answering and then dies: whatever the machine's speed, the
  // kill finds the walk's requests in flight. (A kill between requests is
  // rightly survived without a word: the client sends the next ones
  // elsewhere.)
  ASSERT_NE(WaitForBackupMarker(ensemble.address()), 0) << ReadFile(log);
  int server = -1;
  for (int i = 0; i < 400 && server < 0; ++i) server = ensemble.ServerWithBusyClient(1000);
  ASSERT_GE(server, 0) << "the backup's connection is in no server's cons:\n" << ReadFile(log);
  ensemble.Freeze(server);
  std::this_thread::sleep_for(200ms);  // the client fills its window meanwhile
  ensemble.Kill(server);
  std::string out;
  ASSERT_EQ(WaitForBaton(pid), 0) << (out = ReadFile(log));
  out = ReadFile(log);
  EXPECT_THAT(out, HasSubstr("lost the connection to ZooKeeper"));
  EXPECT_THAT(out, HasSubstr("reading the tree again"));

  // Complete: what two servers still serve, backed up afresh, is the same.
  const std::string after = TempDir() + "/after.tar";
  RunResult again = RunBaton({"backup", "--backup_location", "file://" + after, "--zk", url});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  nlohmann::json during = Inspect(tar), later = Inspect(after);
  EXPECT_EQ(during["items"], later["items"]);
  EXPECT_EQ(during["versions"], later["versions"]);
  EXPECT_EQ(during["bytes"], later["bytes"]);
  EXPECT_GT(during["items"].get<int>(), 6000);
}

TEST(EnsembleFault, KillingTheConnectedServerMidRestoreWritesThroughAnother) {
  PrivateEnsemble ensemble;
  PopulateFault(ensemble.address(), kShape);
  const std::string url = "zk://" + ensemble.address() + "/fault";
  const std::string tmp = TempDir(), tar = tmp + "/before.tar", log = tmp + "/restore.log";
  RunResult b = RunBaton({"backup", "--backup_location", "file://" + tar, "--zk", url});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  Snapshot before = StateOf(ensemble.address(), "/fault");
  {
    TestZk zk(ensemble.address());
    zk.DeleteTree("/fault/state/apps");
    zk.Create("/fault/state/apps/" + marathon::BucketOf("_made-after") + "/_made-after", "x");
  }

  pid_t pid = StartBaton({"restore", "--backup_location", "file://" + tar, "--zk", url,
                          "--safety_backup_dir", tmp + "/safety"},
                         log);
  ASSERT_TRUE(WaitForRestoreMarker(ensemble.address())) << ReadFile(log);
  // Listing the tree to delete it is a request per node: well past 2000 the
  // restore is replacing the state.
  int server = WaitForBusyServer(ensemble, 2000);
  ASSERT_GE(server, 0) << ReadFile(log);
  ensemble.Kill(server);
  std::string out;
  ASSERT_EQ(WaitForBaton(pid), 0) << (out = ReadFile(log));
  out = ReadFile(log);
  EXPECT_THAT(out, HasSubstr("writing the state again"));
  EXPECT_EQ(Diff(before, StateOf(ensemble.address(), "/fault")), "");
  TestZk zk(ensemble.address());
  EXPECT_FALSE(zk.Exists("/fault/restore-in-progress"));
}

// Two of three servers killed: a backup fails within its timeouts and writes
// no file; a restore fails, keeps its marker and says how to recover, which
// works once the servers are back.
TEST(EnsembleFault, LosingTheQuorumFailsClearlyAndClaimsNothing) {
  PrivateEnsemble ensemble;
  PopulateFault(ensemble.address(), kShape);
  const std::string url = "zk://" + ensemble.address() + "/fault";
  const std::vector<std::string> timeouts = {"--zk_timeout", "2000", "--zk_session_timeout",
                                             "2000"};
  const std::string tmp = TempDir(), dir = tmp + "/quorum";
  std::filesystem::create_directories(dir);
  const std::string good = tmp + "/good.tar";
  ASSERT_EQ(RunBaton({"backup", "--backup_location", "file://" + good, "--zk", url}).exit_code, 0);

  std::vector<std::string> args = {"backup", "--backup_location", "file://" + dir + "/lost.tar",
                                   "--zk", url};
  args.insert(args.end(), timeouts.begin(), timeouts.end());
  pid_t pid = StartBaton(args, tmp + "/backup.log");
  ASSERT_NE(WaitForBackupMarker(ensemble.address()), 0) << ReadFile(tmp + "/backup.log");
  // A connection the walk reads on, past 1000 requests (see above).
  int server = WaitForBusyServer(ensemble, 1000);
  ::kill(pid, SIGSTOP);  // well inside its walk, however slow the machine
  ASSERT_GE(server, 0) << ReadFile(tmp + "/backup.log");
  ensemble.Kill(server);
  ensemble.Kill((server + 1) % 3);
  ::kill(pid, SIGCONT);
  EXPECT_EQ(WaitForBaton(pid), 1);
  std::string out = ReadFile(tmp + "/backup.log");
  EXPECT_THAT(out, HasSubstr("is a majority of the ensemble up?"));
  EXPECT_THAT(out, Not(HasSubstr("backup complete")));
  EXPECT_TRUE(std::filesystem::is_empty(dir)) << "a failed backup left a file";

  ensemble.Revive();
  {
    TestZk zk(ensemble.address());
    zk.Create("/fault/state/apps/" + marathon::BucketOf("_made-after") + "/_made-after", "x");
  }
  Snapshot changed = StateOf(ensemble.address(), "/fault");
  args = {"restore", "--backup_location",   "file://" + good, "--zk",
          url,       "--safety_backup_dir", tmp + "/safety"};
  args.insert(args.end(), timeouts.begin(), timeouts.end());
  pid = StartBaton(args, tmp + "/restore.log");
  ASSERT_TRUE(WaitForRestoreMarker(ensemble.address())) << ReadFile(tmp + "/restore.log");
  server = WaitForBusyServer(ensemble, 2000);
  ASSERT_GE(server, 0) << ReadFile(tmp + "/restore.log");
  ensemble.Kill(server);
  ensemble.Kill((server + 1) % 3);
  EXPECT_EQ(WaitForBaton(pid), 1);
  out = ReadFile(tmp + "/restore.log");
  EXPECT_THAT(out, HasSubstr("is a majority of the ensemble up?"));
  EXPECT_THAT(out, HasSubstr("run baton recover"));
  EXPECT_THAT(out, Not(HasSubstr("restore complete")));

  ensemble.Revive();
  // The failed restore's lock lives until its session expires: until then
  // recover is refused (exit 3) and touches nothing.
  RunResult recover;
  for (int i = 0; i < 60; ++i) {
    recover = RunBaton({"recover", "--zk", url});
    if (recover.exit_code != 3) break;
    EXPECT_THAT(recover.err, HasSubstr("is held by baton restore"));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  ASSERT_EQ(recover.exit_code, 0) << recover.err;
  EXPECT_EQ(Diff(changed, StateOf(ensemble.address(), "/fault")), "");
}

}  // namespace
}  // namespace baton::testing
