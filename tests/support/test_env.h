// What the tests need from their surroundings: the ZooKeeper server that
// .ci/run (or the CTest fixture) started, the baton binary, temp dirs, and a
// small synchronous ZooKeeper client of their own, independent of the code
// under test, to build trees and to take snapshots of them.
#pragma once

#include <sys/types.h>
#include <zookeeper/zookeeper.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace baton::testing {

// "127.0.0.1:port[,...]" of the server the suite runs against.
std::string ZkAddress();
// "127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3": the 3-server test ensemble.
std::string EnsembleAddress();
// A node's ACL as "perms:scheme:id;" entries, or "error".
std::string AclText(zhandle_t* zh, const std::string& path);
// "http://127.0.0.1:port" of the test S3 server (s3rver behind the
// SigV4-verifying proxy), bucket "baton-test".
std::string S3Endpoint();
// A fresh node path for one test, e.g. "/baton-test/RoundTrip-1234-1".
std::string UniqueRoot(const std::string& name);
// A fresh empty directory, removed at exit.
std::string TempDir();
// The repository's top directory.
std::string SourceDir();
// The shell block of README.md between "<!-- NAME:begin -->" and
// "<!-- NAME:end -->" (a walk-through a test runs as written); empty when
// the markers are missing.
std::string ReadmeBlock(const std::string& name);
// The whole content of a file ("" when it cannot be read).
std::string ReadFile(const std::string& path);
// Runs a shell command and returns its stdout; fails the test on a non-zero
// exit unless `exit_code` takes it.
std::string Shell(const std::string& command, int* exit_code = nullptr);

// What the server at `host_port` says of its connections (the `cons` four-
// letter word).
std::string Cons(const std::string& host_port);

// How many requests the server at `host_port` has received from session
// `sid` (its `cons` four-letter word), or -1 if the session is not
// connected to it.
long RequestsFrom(const std::string& host_port, int64_t sid);
// The names in a directory, sorted.
std::vector<std::string> ListDir(const std::string& dir);
// Path of the baton executable.
std::string BatonBinary();

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs baton with `args`, no stdin, and collects its output. `env` entries
// are added to (or, with an empty value, removed from) the environment.
// `wrapper`, if any, is a command (absolute path first) that runs baton,
// e.g. {"/usr/bin/prlimit", "--fsize=1000"}.
RunResult RunBaton(const std::vector<std::string>& args, int timeout_seconds = 120,
                   const std::map<std::string, std::string>& env = {},
                   const std::vector<std::string>& wrapper = {});

// Runs baton on a pseudo-terminal (stdin, stdout and stderr), as an operator
// would; `out` is everything it wrote there.
RunResult RunBatonOnTerminal(const std::vector<std::string>& args, int timeout_seconds = 120);

// Calls `done()` every `poll` until it is true (then true) or `limit` has
// passed (then false): every wait in the tests is bounded.
template <typename Done>
bool WaitFor(Done done, std::chrono::milliseconds limit,
             std::chrono::milliseconds poll = std::chrono::milliseconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(poll);
  }
  return true;
}

// Starts baton with `args` in the background, stdin from /dev/null, stdout
// and stderr to `log_path`; returns its pid.
pid_t StartBaton(const std::vector<std::string>& args, const std::string& log_path);
// Waits for a process StartBaton started; its exit code, or 128 + the signal
// that ended it. Kills it and throws after `timeout_seconds`.
int WaitForBaton(pid_t pid, int timeout_seconds = 120);

// A node to create: ZooKeeper does not tell clients whether a node is a
// container (Stat hides it), so snapshots hold data only and container-ness
// is tested by behaviour: the server reaps an emptied container.
struct NewNode {
  std::string path;
  std::string data;
  bool container = false;
};
// Relative path -> data.
using Snapshot = std::map<std::string, std::string>;

// Empty when equal; otherwise the first few differences, for test messages.
std::string Diff(const Snapshot& expected, const Snapshot& actual);

class TestZk {
 public:
  // Connects to the standalone test server, or to `hosts` when given.
  explicit TestZk(const std::string& hosts = "");
  ~TestZk();
  zhandle_t* handle() { return zh_; }

  // Creates `path` and its missing parents (persistent: a container parent
  // could be reaped before its child arrives); `path` itself is persistent
  // unless `container`. A node that exists already is taken as made.
  void Create(const std::string& path, const std::string& data, bool container = false);
  // Creates many nodes with multi-ops of at most 500 ops / 512 KB each. Nodes
  // must come after their parents.
  void CreateMany(const std::vector<NewNode>& nodes);
  bool Exists(const std::string& path);
  // The children's names; none for a missing node.
  std::vector<std::string> Children(const std::string& path);
  // Makes the connected server catch up with the ensemble's leader.
  void Sync(const std::string& path);
  std::string Get(const std::string& path);
  void DeleteTree(const std::string& path);
  // Every node below `root` (relative paths) with its data, leaving out
  // empty nodes whose children are all gone (containers about to be reaped).
  Snapshot Take(const std::string& root);

 private:
  zhandle_t* zh_ = nullptr;
};

}  // namespace baton::testing
