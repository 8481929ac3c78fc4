// ZooKeeper ensemble faults: the server a backup is connected to is killed
// in the middle of the backup. The client reconnects to another server of
// the ensemble, and the backup reads the tree again and completes.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/marathon_tree.h"
#include "support/test_env.h"

namespace baton::testing {
namespace {

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

  // The server (0-2) with a client connection that has sent more than
  // `requests` requests, if any ("cons" lists each connection's counts).
  int ServerWithBusyClient(long requests) const {
    std::stringstream ports(address_);
    std::string host;
    for (int i = 0; std::getline(ports, host, ','); ++i) {
      std::string port = host.substr(host.rfind(':') + 1);
      std::string out =
          Run("exec 3<>/dev/tcp/127.0.0.1/" + port + " && printf cons >&3 && timeout 2 cat <&3");
      for (size_t at = out.find("recved="); at != std::string::npos;
           at = out.find("recved=", at + 1)) {
        if (std::atol(out.c_str() + at + 7) > requests) return i;
      }
    }
    return -1;
  }
  void Kill(int server) const {
    std::string pid = ReadFile(dir_ + "/zk" + std::to_string(server + 1) + "/pid");
    ::kill(std::atoi(pid.c_str()), SIGKILL);
  }

 private:
  static std::string Script() { return SourceDir() + "/scripts/zk-server"; }
  static std::string Run(const std::string& command) {
    std::string out;
    FILE* pipe = popen(("bash -c '" + command + "' 2>/dev/null").c_str(), "r");
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
    pclose(pipe);
    return out;
  }

  std::string dir_, address_;
};

nlohmann::json Inspect(const std::string& tar) {
  RunResult r = RunBaton({"inspect", "--json", "file://" + tar});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out, nullptr, false);
}

TEST(EnsembleFault, KillingTheConnectedServerMidBackupRereadsThroughAnother) {
  PrivateEnsemble ensemble;
  {
    TestZk zk(ensemble.address());
    zk.Create("/fault", "");
    zk.Create("/fault/state", "", true);
    zk.CreateMany(MarathonTree(
        "/fault/state",
        TreeShape{.apps = 1000, .versions_per_app = 5, .instances = 15000, .big_values = 0}));
  }
  const std::string url = "zk://" + ensemble.address() + "/fault";
  const std::string tar = TempDir() + "/during.tar", log = TempDir() + "/during.log";
  pid_t pid = StartBaton({"backup", "--backup_location", "file://" + tar, "--zk", url}, log);
  // Wait until the backup is well into the walk, then kill its server.
  int server = -1;
  for (int i = 0; i < 200 && server < 0; ++i) {
    std::this_thread::sleep_for(20ms);
    server = ensemble.ServerWithBusyClient(2000);
  }
  ASSERT_GE(server, 0) << "the backup never got going:\n" << ReadFile(log);
  ASSERT_EQ(::waitpid(pid, nullptr, WNOHANG), 0) << "the backup ended before the kill";
  ensemble.Kill(server);
  int status = 0;
  for (int i = 0; i < 1200 && ::waitpid(pid, &status, WNOHANG) == 0; ++i) {
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(WIFEXITED(status)) << ReadFile(log);
  std::string out = ReadFile(log);
  ASSERT_EQ(WEXITSTATUS(status), 0) << out;
  EXPECT_NE(out.find("lost the connection to ZooKeeper"), std::string::npos) << out;
  EXPECT_NE(out.find("reading the tree again"), std::string::npos) << out;

  // Complete: what two servers still serve, backed up afresh, is the same.
  const std::string after = TempDir() + "/after.tar";
  RunResult again = RunBaton({"backup", "--backup_location", "file://" + after, "--zk", url});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  nlohmann::json during = Inspect(tar), later = Inspect(after);
  EXPECT_EQ(during["items"], later["items"]);
  EXPECT_EQ(during["versions"], later["versions"]);
  EXPECT_EQ(during["bytes"], later["bytes"]);
  EXPECT_GT(during["items"].get<int>(), 15000);
}

}  // namespace
}  // namespace baton::testing
