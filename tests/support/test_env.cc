#include "support/test_env.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <thread>

#include "test_config.h"

extern char** environ;

namespace baton::testing {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

void Check(int rc, const std::string& what) {
  if (rc != ZOK) throw std::runtime_error(what + ": " + zerror(rc));
}

std::string Parent(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

struct TempDirs {
  std::vector<std::string> dirs;
  ~TempDirs() {
    if (!Env("BATON_KEEP_TEMP").empty()) return;
    for (auto& d : dirs) std::filesystem::remove_all(d);
  }
};

}  // namespace

// A test server's address: from `variable` if set, else from the file its
// CTest fixture wrote.
std::string ServerAddress(const char* variable, const char* file, const std::string& what) {
  std::string address = Env(variable);
  if (address.empty()) {
    std::ifstream in(file);
    std::getline(in, address);
  }
  if (address.empty()) {
    throw std::runtime_error("no test " + what +
                             ": run the tests through ctest (which starts one) or set " + variable);
  }
  return address;
}

std::string ZkAddress() {
  return ServerAddress("BATON_TEST_ZK", BATON_TEST_ZK_ADDRESS_FILE, "ZooKeeper");
}

std::string EnsembleAddress() {
  return ServerAddress("BATON_TEST_ENSEMBLE", BATON_TEST_ENSEMBLE_ADDRESS_FILE,
                       "ZooKeeper ensemble");
}

std::string S3Endpoint() {
  return ServerAddress("BATON_TEST_S3", BATON_TEST_S3_ADDRESS_FILE, "S3 server");
}

std::string AclText(zhandle_t* zh, const std::string& path) {
  ACL_vector acl{};
  Stat stat{};
  if (zoo_get_acl(zh, path.c_str(), &acl, &stat) != ZOK) return "error";
  std::string text;
  for (int i = 0; i < acl.count; ++i) {
    text += std::to_string(acl.data[i].perms) + ":" + acl.data[i].id.scheme + ":" +
            acl.data[i].id.id + ";";
  }
  deallocate_ACL_vector(&acl);
  return text;
}

std::string UniqueRoot(const std::string& name) {
  static std::atomic<int> counter{0};
  return "/baton-test/" + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

std::string Shell(const std::string& command, int* exit_code) {
  std::unique_ptr<FILE, decltype(&pclose)> pipe(popen(command.c_str(), "r"), &pclose);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe.get())) > 0) out.append(buf, n);
  int status = pclose(pipe.release());
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (exit_code != nullptr) {
    *exit_code = code;
  } else {
    EXPECT_EQ(code, 0) << command;
  }
  return out;
}

std::string TempDir() {
  static TempDirs dirs;
  std::string base = Env("TMPDIR").empty() ? "/tmp" : Env("TMPDIR");
  std::string tmpl = base + "/baton-test-XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dirs.dirs.push_back(tmpl);
  return tmpl;
}

std::string SourceDir() { return BATON_TEST_SOURCE_DIR; }

std::string ReadmeBlock(const std::string& name) {
  const std::string text = ReadFile(SourceDir() + "/README.md");
  const std::string open = "<!-- " + name + ":begin -->\n```sh\n";
  size_t begin = text.find(open);
  size_t end = text.find("```\n<!-- " + name + ":end -->");
  if (begin == std::string::npos || end == std::string::npos || end < begin) return "";
  begin += open.size();
  return text.substr(begin, end - begin);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

namespace {

// Every baton the tests start (restores take safety backups) writes them into
// a temp dir of this run, not into /var/tmp/baton.
class SafetyBackupDir : public ::testing::Environment {
 public:
  void SetUp() override { setenv("BATON_SAFETY_BACKUP_DIR", (TempDir() + "/safety").c_str(), 0); }
};
const auto* const kSafetyBackupDir = ::testing::AddGlobalTestEnvironment(new SafetyBackupDir);

}  // namespace

std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string BatonBinary() {
  std::string bin = Env("BATON_BIN");
  return bin.empty() ? BATON_TEST_BINARY : bin;
}

namespace {

// baton's argv as exec wants it; valid while this lives.
class BatonArgv {
 public:
  explicit BatonArgv(const std::vector<std::string>& args,
                     const std::vector<std::string>& wrapper = {})
      : strings_(wrapper) {
    strings_.push_back(BatonBinary());
    strings_.insert(strings_.end(), args.begin(), args.end());
    for (auto& a : strings_) pointers_.push_back(a.data());
    pointers_.push_back(nullptr);
  }
  char* const* get() { return pointers_.data(); }
  const std::string& binary() const { return strings_[0]; }

 private:
  std::vector<std::string> strings_;
  std::vector<char*> pointers_;
};

// Each thread of `pid`: its name, state and what it waits in, to tell a hang
// (and where) from a slow machine.
std::string ThreadStates(pid_t pid) {
  std::string states;
  const std::string task = "/proc/" + std::to_string(pid) + "/task";
  std::error_code ec;
  for (const auto& thread : std::filesystem::directory_iterator(task, ec)) {
    auto read = [&](const char* name) {
      std::string text = ReadFile(thread.path() / name);
      while (!text.empty() && text.back() == '\n') text.pop_back();
      return text;
    };
    const std::string stat = read("stat");
    const size_t name_end = stat.rfind(')');
    const std::string state = name_end == std::string::npos ? "?" : stat.substr(name_end + 2, 1);
    states += "\n  thread " + thread.path().filename().string() + " (" + read("comm") +
              "): state " + state + ", waiting in " + read("wchan");
  }
  return states;
}

// Waits for `pid` until the deadline (then kills it and throws); returns its
// exit code, or 128 + the signal that ended it.
int WaitFor(pid_t pid, std::chrono::steady_clock::time_point deadline) {
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      const std::string states = ThreadStates(pid);
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      throw std::runtime_error("baton did not finish within the test's time limit; its threads:" +
                               states);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

pid_t StartBaton(const std::vector<std::string>& args, const std::string& log_path) {
  BatonArgv argv(args);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv.binary().c_str(), &actions, nullptr, argv.get(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv.binary());
  return pid;
}

int WaitForBaton(pid_t pid, int timeout_seconds) {
  return WaitFor(pid, std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds));
}

RunResult RunBaton(const std::vector<std::string>& args, int timeout_seconds,
                   const std::map<std::string, std::string>& env,
                   const std::vector<std::string>& wrapper) {
  std::string dir = TempDir();
  std::string out_path = dir + "/out", err_path = dir + "/err";
  BatonArgv argv(args, wrapper);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  std::vector<std::string> env_store;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    if (!env.count(entry.substr(0, entry.find('=')))) env_store.push_back(entry);
  }
  for (const auto& [name, value] : env) {
    if (!value.empty()) env_store.push_back(name + "=" + value);
  }
  std::vector<char*> envp;
  for (auto& e : env_store) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv.binary().c_str(), &actions, nullptr, argv.get(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + argv.binary());

  auto slurp = [](const std::string& p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  RunResult result;
  try {
    result.exit_code =
        WaitFor(pid, std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds));
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string(e.what()) + "\nits standard error:\n" + slurp(err_path));
  }
  result.out = slurp(out_path);
  result.err = slurp(err_path);
  return result;
}

RunResult RunBatonOnTerminal(const std::vector<std::string>& args, int timeout_seconds) {
  BatonArgv argv(args);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  int terminal = -1;
  pid_t pid = forkpty(&terminal, nullptr, nullptr, nullptr);
  if (pid < 0) throw std::runtime_error("cannot make a pseudo-terminal");
  if (pid == 0) {
    execv(argv.binary().c_str(), argv.get());
    _exit(127);
  }
  RunResult result;
  char buf[4096];
  // The terminal reads EIO once the child is gone; read until then.
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd fd{terminal, POLLIN, 0};
    if (::poll(&fd, 1, 100) <= 0) continue;
    ssize_t n = ::read(terminal, buf, sizeof buf);
    if (n <= 0) break;
    result.out.append(buf, static_cast<size_t>(n));
  }
  ::close(terminal);
  result.exit_code = WaitFor(pid, deadline);
  return result;
}

std::string Diff(const Snapshot& expected, const Snapshot& actual) {
  std::string out;
  int shown = 0;
  auto note = [&](const std::string& line) {
    if (shown++ < 10) out += line + "\n";
  };
  for (const auto& [path, node] : expected) {
    auto it = actual.find(path);
    if (it == actual.end()) {
      note("missing: " + path);
    } else if (it->second != node) {
      note("data differs: " + path + " (" + std::to_string(node.size()) + " vs " +
           std::to_string(it->second.size()) + " bytes)");
    }
  }
  for (const auto& [path, node] : actual) {
    if (!expected.count(path)) note("unexpected: " + path);
  }
  if (shown > 10) out += "... and " + std::to_string(shown - 10) + " more\n";
  return out;
}

TestZk::TestZk(const std::string& hosts) {
  zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);
  zh_ = zookeeper_init((hosts.empty() ? ZkAddress() : hosts).c_str(), nullptr, 15000, nullptr,
                       nullptr, 0);
  if (zh_ == nullptr) throw std::runtime_error("zookeeper_init failed");
  for (int i = 0; i < 200 && zoo_state(zh_) != ZOO_CONNECTED_STATE; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (zoo_state(zh_) != ZOO_CONNECTED_STATE) throw std::runtime_error("test client cannot connect");
}

TestZk::~TestZk() { zookeeper_close(zh_); }

void TestZk::Create(const std::string& path, const std::string& data, bool container) {
  // Missing parents are persistent: the test server reaps an empty container
  // every 500 ms, so a container parent could vanish between its check and
  // the child's create. A parent that vanishes anyway (one made a container
  // elsewhere) is made again.
  for (int attempt = 1;; ++attempt) {
    std::string parent = Parent(path);
    if (parent != "/" && !Exists(parent)) Create(parent, "", false);
    int rc =
        zoo_create(zh_, path.c_str(), data.data(), static_cast<int>(data.size()),
                   &ZOO_OPEN_ACL_UNSAFE, container ? ZOO_CONTAINER : ZOO_PERSISTENT, nullptr, 0);
    if (rc == ZNONODE && attempt < 5) continue;
    if (rc != ZNODEEXISTS) Check(rc, "create " + path);
    return;
  }
}

void TestZk::CreateMany(const std::vector<NewNode>& nodes) {
  size_t i = 0;
  while (i < nodes.size()) {
    std::vector<zoo_op_t> ops;
    size_t bytes = 0;
    for (; i < nodes.size() && ops.size() < 500; ++i) {
      const NewNode& node = nodes[i];
      if (node.container) break;
      if (!ops.empty() && bytes + node.path.size() + node.data.size() > 512 * 1024) break;
      bytes += node.path.size() + node.data.size() + 64;
      ops.emplace_back();
      zoo_create_op_init(&ops.back(), node.path.c_str(), node.data.data(),
                         static_cast<int>(node.data.size()), &ZOO_OPEN_ACL_UNSAFE, ZOO_PERSISTENT,
                         nullptr, 0);
    }
    if (ops.empty()) {
      // The 3.8 C client cannot parse multi results of CONTAINER creates.
      Create(nodes[i].path, nodes[i].data, true);
      ++i;
      continue;
    }
    std::vector<zoo_op_result_t> results(ops.size());
    int rc = zoo_multi(zh_, static_cast<int>(ops.size()), ops.data(), results.data());
    // A parent outside the batch is missing: never made, or a container made
    // a moment ago and reaped before its first child arrived (the server had
    // listed an old node of that path as empty: a tree deleted and built
    // again). It is made, and the batch retried. Parents inside the batch are
    // the batch's to make: made here, they would come back empty.
    std::set<std::string> in_batch;
    for (const zoo_op_t& op : ops) in_batch.insert(op.create_op.path);
    for (int attempt = 1; rc == ZNONODE && attempt < 5; ++attempt) {
      for (const zoo_op_t& op : ops) {
        const std::string parent = Parent(op.create_op.path);
        if (!in_batch.contains(parent) && !Exists(parent)) Create(parent, "", true);
      }
      rc = zoo_multi(zh_, static_cast<int>(ops.size()), ops.data(), results.data());
    }
    if (rc == ZNODEEXISTS) {
      // As Create() does, a node that exists is taken as made: node by node.
      for (const zoo_op_t& op : ops) {
        Create(op.create_op.path, std::string(op.create_op.data, op.create_op.datalen));
      }
      continue;
    }
    for (size_t k = 0; rc != ZOK && k < ops.size(); ++k) {
      if (results[k].err != ZOK && results[k].err != ZRUNTIMEINCONSISTENCY) {
        Check(results[k].err, std::string("multi-create of ") + ops[k].create_op.path);
      }
    }
    Check(rc, "multi-create near " + nodes[i - 1].path);
  }
}

bool TestZk::Exists(const std::string& path) {
  Stat stat{};
  int rc = zoo_exists(zh_, path.c_str(), 0, &stat);
  if (rc == ZNONODE) return false;
  Check(rc, "exists " + path);
  return true;
}

std::vector<std::string> TestZk::Children(const std::string& path) {
  String_vector names{};
  int rc = zoo_get_children(zh_, path.c_str(), 0, &names);
  if (rc == ZNONODE) return {};
  Check(rc, "list " + path);
  std::vector<std::string> result(names.data, names.data + names.count);
  deallocate_String_vector(&names);
  return result;
}

std::string TestZk::Get(const std::string& path) {
  Stat stat{};
  Check(zoo_exists(zh_, path.c_str(), 0, &stat), "stat " + path);
  std::string buffer(static_cast<size_t>(stat.dataLength) + 1, '\0');
  int len = static_cast<int>(buffer.size());
  Check(zoo_get(zh_, path.c_str(), 0, buffer.data(), &len, &stat), "get " + path);
  buffer.resize(len < 0 ? 0 : static_cast<size_t>(len));
  return buffer;
}

namespace {

// The test client pipelines its reads too (a sync call costs a round trip),
// but stays independent of the code under test: one level of the tree at a
// time, at most kLevelWindow requests in flight. The bound is not a choice:
// the 3.8 C client wakes its I/O thread by writing one byte per request to a
// non-blocking pipe (64 KiB), and a write that finds it full closes the socket
// without failing the queued requests, so replies are then matched to the
// wrong requests ("unexpected server response", seen in CI on a level of
// 200,000 nodes). Baton's own readers stay far below it (ReadOptions).
constexpr size_t kLevelWindow = 2000;
struct LevelReply {
  std::promise<void> done;
  int rc = ZOK;
  std::string data;
  Stat stat{};
  std::vector<std::string> children;
};

void OnLevelData(int rc, const char* value, int len, const Stat* stat, const void* ctx) {
  auto* r = static_cast<LevelReply*>(const_cast<void*>(ctx));
  r->rc = rc;
  if (rc == ZOK && value != nullptr && len > 0) r->data.assign(value, static_cast<size_t>(len));
  if (rc == ZOK && stat != nullptr) r->stat = *stat;
  r->done.set_value();
}

void OnLevelChildren(int rc, const String_vector* v, const void* ctx) {
  auto* r = static_cast<LevelReply*>(const_cast<void*>(ctx));
  r->rc = rc;
  for (int i = 0; rc == ZOK && v != nullptr && i < v->count; ++i)
    r->children.emplace_back(v->data[i]);
  r->done.set_value();
}

void OnLevelVoid(int rc, const void* ctx) {
  auto* r = static_cast<LevelReply*>(const_cast<void*>(ctx));
  r->rc = rc;
  r->done.set_value();
}

enum class Call { kChildren, kData, kDelete };

std::vector<LevelReply> ForAll(zhandle_t* zh, const std::vector<std::string>& paths, Call call) {
  std::vector<LevelReply> replies(paths.size());
  std::vector<std::future<void>> done;
  for (auto& r : replies) done.push_back(r.done.get_future());
  for (size_t i = 0; i < paths.size(); ++i) {
    if (i >= kLevelWindow) done[i - kLevelWindow].wait();
    int rc = call == Call::kChildren
                 ? zoo_aget_children(zh, paths[i].c_str(), 0, &OnLevelChildren, &replies[i])
             : call == Call::kData
                 ? zoo_aget(zh, paths[i].c_str(), 0, &OnLevelData, &replies[i])
                 : zoo_adelete(zh, paths[i].c_str(), -1, &OnLevelVoid, &replies[i]);
    if (rc != ZOK) {
      replies[i].rc = rc;
      replies[i].done.set_value();
    }
  }
  for (auto& d : done) d.wait();
  return replies;
}

// Every path below `root`, one vector per depth.
std::vector<std::vector<std::string>> Levels(zhandle_t* zh, const std::string& root) {
  std::vector<std::vector<std::string>> levels;
  std::vector<std::string> level{root};
  while (!level.empty()) {
    std::vector<std::string> next;
    auto replies = ForAll(zh, level, Call::kChildren);
    for (size_t i = 0; i < level.size(); ++i) {
      if (replies[i].rc == ZNONODE) continue;
      Check(replies[i].rc, "list " + level[i]);
      for (auto& c : replies[i].children) next.push_back(level[i] + "/" + c);
    }
    if (!next.empty()) levels.push_back(next);
    level = std::move(next);
  }
  return levels;
}

}  // namespace

void TestZk::Sync(const std::string& path) {
  std::promise<int> done;
  auto completion = [](int rc, const char*, const void* ctx) {
    static_cast<std::promise<int>*>(const_cast<void*>(ctx))->set_value(rc);
  };
  Check(zoo_async(zh_, path.c_str(), completion, &done), "sync " + path);
  Check(done.get_future().get(), "sync " + path);
}

void TestZk::DeleteTree(const std::string& path) {
  // A follower that lags behind the leader would list fewer children than
  // there are, and a parent's delete would fail: caught up first.
  Sync("/");
  auto levels = Levels(zh_, path);
  for (auto it = levels.rbegin(); it != levels.rend(); ++it) {
    auto replies = ForAll(zh_, *it, Call::kDelete);
    for (size_t i = 0; i < it->size(); ++i) {
      if (replies[i].rc != ZNONODE) Check(replies[i].rc, "delete " + (*it)[i]);
    }
  }
  int rc = zoo_delete(zh_, path.c_str(), -1);
  if (rc != ZNONODE) Check(rc, "delete " + path);
}

std::string Cons(const std::string& host_port) {
  const std::string port = host_port.substr(host_port.rfind(':') + 1);
  return Shell("bash -c 'exec 3<>/dev/tcp/127.0.0.1/" + port +
               " && printf cons >&3 && timeout 2 cat <&3' 2>/dev/null");
}

long RequestsFrom(const std::string& host_port, int64_t sid) {
  const std::string cons = Cons(host_port);
  char needle[32];
  std::snprintf(needle, sizeof needle, "sid=0x%llx", static_cast<unsigned long long>(sid));
  size_t at = cons.find(needle);
  if (at == std::string::npos) return -1;
  size_t line = cons.rfind('\n', at);
  size_t recved = cons.find("recved=", line == std::string::npos ? 0 : line);
  return recved == std::string::npos ? -1 : std::atol(cons.c_str() + recved + 7);
}

// An empty node that has had children and has none left (or only such nodes)
// is left out: in Marathon's layout that is a container, which the server
// reaps at any moment, every 500 ms here (scripts/zk-server), so it may vanish
// between listing and reading or between two snapshots. The server's stat
// does not tell containers apart (ephemeralOwner reads 0), hence the rule.
Snapshot TestZk::Take(const std::string& root) {
  auto levels = Levels(zh_, root);
  std::vector<std::vector<LevelReply>> replies;
  for (const auto& level : levels) replies.push_back(ForAll(zh_, level, Call::kData));
  Snapshot snapshot;
  std::map<std::string, int> kept_children;
  for (size_t d = levels.size(); d-- > 0;) {
    for (size_t i = 0; i < levels[d].size(); ++i) {
      const std::string& path = levels[d][i];
      LevelReply& r = replies[d][i];
      if (r.rc == ZNONODE) continue;
      Check(r.rc, "get " + path);
      if (r.data.empty() && r.stat.cversion > 0 && kept_children[path] == 0) continue;
      ++kept_children[path.substr(0, path.rfind('/'))];
      snapshot[path.substr(root.size())] = std::move(r.data);
    }
  }
  return snapshot;
}

}  // namespace baton::testing
