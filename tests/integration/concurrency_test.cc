// Two actors at once, at random: every round starts restores of two backups,
// recover, backups and a `baton serve` asked to restore through its leader
// endpoint on one path at random moments, and kills one of them (SIGKILL or
// SIGTERM) at a random moment. Whatever the interleaving, after
// the round the state is exactly one of the states that existed, no marker
// is left that `baton recover` cannot settle, every refusal (exit 3) touched
// nothing, the last restore that exited 0 is the state, and every backup that
// exited 0 is a state that existed. The seed is printed: BATON_TEST_SEED=N
// replays a round's choices (not the machine's timing).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include "serve_fixture.h"
#include "support/marathon_tree.h"
#include "support/test_env.h"
#include "support/zk_test.h"

namespace baton::testing {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::Not;

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Actor {
  std::string kind;   // restore, recover, backup, serve
  std::string input;  // for a restore (and serve's): "A" or "B"
  int port = 0;       // serve's
  std::vector<std::string> args;
  std::string log;
  std::string output;  // for a backup: its file
  Clock::duration start_at{};
  pid_t pid = -1;
  int exit_code = -1;
  bool killed = false;
  Clock::time_point ended{};
};

class ConcurrencyTest : public ZkTest {
 protected:
  // Every state a round may leave, by name.
  std::map<std::string, Snapshot> states_;
  std::map<std::string, int> outcomes_;

  // The state without what a server leaves for its next leader (a request
  // to the leader endpoint that the round ended before it was carried out).
  Snapshot Settled() {
    Snapshot s = State();
    std::erase_if(s, [](const auto& e) { return e.first.starts_with("/runtime-configuration"); });
    return s;
  }
  // Waits, at most `limit`, until no server stands in the leader election
  // (a restore refuses while a leader is alive); true if none does.
  bool WaitUntilNoCandidate(std::chrono::milliseconds limit) {
    auto deadline = Clock::now() + limit;
    while (!zk_.Children(root_ + "/leader").empty() && Clock::now() < deadline) {
      std::this_thread::sleep_for(50ms);
    }
    return zk_.Children(root_ + "/leader").empty();
  }
  void ForgetHandover() {
    zk_.DeleteTree(state_ + "/runtime-configuration");
    zk_.DeleteTree(root_ + "/baton");
  }

  std::string NameOf(const Snapshot& s) {
    for (const auto& [name, state] : states_) {
      if (Diff(state, s).empty()) return name;
    }
    return "";
  }

  Actor Make(const std::string& kind, const std::string& input, int n) {
    Actor a;
    a.kind = kind;
    a.input = input;
    a.log = dir_ + "/" + kind + std::to_string(n) + ".log";
    a.args = {kind, "--zk", zk_url_, "--zk_session_timeout", "1500"};
    if (kind != "serve") a.args.insert(a.args.end(), {"--progress", "none"});
    if (kind == "restore") {
      a.args.insert(a.args.end(), {"--backup_location", "file://" + dir_ + "/" + input + ".tar",
                                   "--safety_backup_dir", dir_ + "/safety"});
    } else if (kind == "serve") {
      a.port = FreePort();
      a.args.insert(a.args.end(), {"--http_port", std::to_string(a.port), "--hostname", "127.0.0.1",
                                   "--safety_backup_dir", dir_ + "/safety"});
    } else if (kind == "backup") {
      a.output = dir_ + "/backup" + std::to_string(n) + ".tar";
      a.args.insert(a.args.end(), {"--backup_location", "file://" + a.output});
    }
    return a;
  }

  // Asks a server to restore its input through the leader endpoint (it
  // answers 503 while it waits for the lock, and then the request is lost).
  static std::string AskToRestore(const Actor& serve, const std::string& tar) {
    httplib::Client client("127.0.0.1", serve.port);
    client.set_connection_timeout(2);
    auto r = client.Delete(("/v2/leader?restore=file://" + tar).c_str());
    return r ? std::to_string(r->status) : "no answer";
  }

  // Starts, kills and reaps the actors on their schedule; a server gets its
  // request at `ask_at` and SIGTERM once every other actor has ended.
  // Bounded in time.
  void Play(std::vector<Actor>& actors, int victim, int signal, Clock::duration kill_at,
            Clock::duration ask_at) {
    auto t0 = Clock::now();
    size_t running = actors.size();
    bool kill_done = victim < 0, asked = false, stopped = false;
    while (running > 0 && Clock::now() - t0 < 30s) {
      for (Actor& a : actors) {
        if (a.pid < 0 && a.exit_code < 0 && Clock::now() - t0 >= a.start_at) {
          a.pid = StartBaton(a.args, a.log);
        }
        if (a.kind == "serve" && a.pid > 0 && !asked && Clock::now() - t0 >= ask_at) {
          asked = true;
          ++outcomes_["serve asked: " + AskToRestore(a, dir_ + "/" + a.input + ".tar")];
        }
        // Stopped once the others are done, and once it has had time to act.
        if (a.kind == "serve" && a.pid > 0 && !stopped && running == 1 &&
            Clock::now() - t0 >= ask_at + 3s) {
          kill(a.pid, SIGTERM);
          stopped = true;
        }
      }
      if (!kill_done && Clock::now() - t0 >= kill_at && actors[victim].pid > 0) {
        kill(actors[victim].pid, signal);
        actors[victim].killed = true;
        kill_done = true;
      }
      for (Actor& a : actors) {
        int status = 0;
        if (a.pid > 0 && waitpid(a.pid, &status, WNOHANG) == a.pid) {
          a.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
          a.ended = Clock::now();
          a.pid = -1;
          --running;
        }
      }
      std::this_thread::sleep_for(2ms);
    }
    for (Actor& a : actors) {
      if (a.pid < 0) continue;
      kill(a.pid, SIGKILL);  // no process outlives the test
      waitpid(a.pid, nullptr, 0);
      ADD_FAILURE() << a.kind << " still ran after 30 s: " << ReadFile(a.log);
      a.pid = -1;
    }
  }
};

TEST_F(ConcurrencyTest, RandomInterleavingsLeaveOneWholeState) {
  // Three states: the start, and two backups A and B of different trees.
  TreeShape shape;
  shape.apps = 300;
  shape.instances = 300;
  shape.big_values = 0;
  // Storage version 1.2.0, what baton serve keeps: its takeover changes nothing.
  const std::string version = state_ + "/internal:storage:version";
  const std::string v120 = WrappedStorageVersion(1, 2, 0);
  Populate(shape);
  ASSERT_EQ(zoo_set(zk_.handle(), version.c_str(), v120.data(), static_cast<int>(v120.size()), -1),
            ZOK);
  states_["A"] = Save(dir_ + "/A.tar");
  zk_.DeleteTree(state_);
  shape.apps = 150;
  shape.instances = 600;
  Populate(shape);
  ASSERT_EQ(zoo_set(zk_.handle(), version.c_str(), v120.data(), static_cast<int>(v120.size()), -1),
            ZOK);
  states_["B"] = Save(dir_ + "/B.tar");

  const char* seed_env = std::getenv("BATON_TEST_SEED");
  const unsigned seed =
      seed_env != nullptr ? std::strtoul(seed_env, nullptr, 10) : std::random_device{}();
  std::printf("concurrency test seed: %u (BATON_TEST_SEED=%u replays it)\n", seed, seed);
  std::mt19937 random(seed);
  std::map<std::string, int>& outcomes = outcomes_;
  int rounds = 0;
  // No round starts after 100 s; one lasts at most about 60 s (30 s of play,
  // lock and election waits, checks), so a run stays under CTest's limit.
  const auto deadline = Clock::now() + 100s;
  for (; rounds < 40 && Clock::now() < deadline; ++rounds) {
    SCOPED_TRACE("round " + std::to_string(rounds) + ", seed " + std::to_string(seed));
    states_["before"] = Save(dir_ + "/before.tar");
    std::vector<Actor> actors;
    int n = 0;
    for (const char* input : {"A", "B"}) {
      if (random() % 4 != 0) actors.push_back(Make("restore", input, n++));
      // --force passes a live leader, never the lock a leader holds.
      if (!actors.empty() && actors.back().input == input && random() % 3 == 0) {
        actors.back().args.push_back("--force");
      }
    }
    if (random() % 2 == 0) actors.push_back(Make("recover", "", n++));
    if (random() % 3 == 0) actors.push_back(Make("serve", random() % 2 ? "A" : "B", n++));
    for (int b = static_cast<int>(random() % 3); b > 0; --b)
      actors.push_back(Make("backup", "", n++));
    if (actors.empty()) actors.push_back(Make("restore", "A", n++));
    for (Actor& a : actors) a.start_at = std::chrono::milliseconds(random() % 400);
    const int victim = random() % 3 == 0 ? -1 : static_cast<int>(random() % actors.size());
    const int signal = random() % 2 == 0 ? SIGKILL : SIGTERM;
    const auto kill_at = std::chrono::milliseconds(random() % 900);
    const auto ask_at = std::chrono::milliseconds(200 + random() % 800);
    Play(actors, victim, signal, kill_at, ask_at);

    // A killed owner's lock, and a killed server's election node (which it
    // has before it takes the lock), live until its session expires.
    ASSERT_TRUE(WaitUntilUnlocked(10s));
    ASSERT_TRUE(WaitUntilNoCandidate(10s));
    for (const Actor& a : actors) {
      std::string err = ReadFile(a.log);
      if (a.kind == "serve") {
        const bool restored = err.find("restore complete") != std::string::npos;
        ++outcomes[std::string("serve ") + (a.killed ? "killed, " : "") +
                   (restored ? "restored" : "did not restore")];
        continue;
      }
      if (a.killed && a.exit_code >= 128) {
        ++outcomes[a.kind + " killed"];
        continue;
      }
      ++outcomes[a.kind + " exit " + std::to_string(a.exit_code)];
      if (a.exit_code == 3) {
        EXPECT_THAT(err, AnyOf(HasSubstr("is held by"), HasSubstr("is running"),
                               HasSubstr("a leader is alive")))
            << a.kind << ": " << err;
        // Refused before anything: no safety backup, no write, no rollback.
        for (const char* step : {"safety backup of", "restore failed", "rolling back",
                                 "restore complete", "backup complete"}) {
          EXPECT_THAT(err, Not(HasSubstr(step))) << a.kind << " was refused after acting: " << err;
        }
      } else if (a.exit_code != 0) {
        // The only failures allowed: a state left for recover to settle, or
        // one that kept changing under a backup.
        // Or a session that expired on a loaded machine (the actors' are
        // short, so that a killed owner's lock goes soon), which the owner
        // says, writing nothing more: the checks of the state below hold.
        EXPECT_THAT(err, AnyOf(HasSubstr("baton recover"), HasSubstr("kept changing"),
                               HasSubstr("is running"), HasSubstr("the ZooKeeper session expired")))
            << a.kind << " exit " << a.exit_code << ": " << err;
      }
    }
    if (Marked()) {
      // Only an owner that could not finish leaves one: killed outright, or
      // one that said so.
      bool explained = false;
      for (const Actor& a : actors) {
        if (a.kind == "backup") continue;  // never marks
        const std::string err = ReadFile(a.log);
        explained = explained || (a.killed && a.exit_code == 128 + SIGKILL) ||
                    err.find(" stays: run baton recover") != std::string::npos ||
                    err.find(" stays; fix that") != std::string::npos;
      }
      EXPECT_TRUE(explained) << "a marker was left, and no actor was killed or said baton recover";
      ++outcomes["marker left, recovered after"];
      RunResult r = Recover();
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    ASSERT_FALSE(Marked());

    // The state: the last restore that exited 0 (or the state before),
    // unless a restore killed after it had already finished its writes.
    const Actor* last = nullptr;
    for (const Actor& a : actors) {
      if (a.kind == "restore" && a.exit_code == 0 && (!last || a.ended > last->ended)) last = &a;
    }
    std::vector<std::string> allowed{last ? last->input : "before"};
    for (const Actor& a : actors) {
      if (a.kind == "restore" && a.killed && (!last || a.ended > last->ended)) {
        allowed.push_back(a.input);
      }
      // Its restore's moment is in its log, not in an exit: either order.
      if (a.kind == "serve" && ReadFile(a.log).find("restore complete") != std::string::npos) {
        allowed.push_back(a.input);
      }
    }
    ForgetHandover();
    const Snapshot settled = Settled();
    const std::string now = NameOf(settled);
    ASSERT_FALSE(now.empty()) << "the state is none of the states that existed";
    auto is = [&](const std::string& name) { return Diff(states_[name], settled).empty(); };
    EXPECT_TRUE(std::any_of(allowed.begin(), allowed.end(), is))
        << "the state is " << now << ", expected " << allowed.front();
    ++outcomes[last ? "state: the last restore's" : "state: as before the round"];

    // Every backup that exited 0 is a state that existed.
    for (const Actor& a : actors) {
      if (a.kind != "backup" || a.exit_code != 0) continue;
      RunResult r = Restore(a.output);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      EXPECT_FALSE(NameOf(Settled()).empty()) << "a backup that exited 0 is no state that existed";
      ForgetHandover();
    }
    if (!Diff(settled, Settled()).empty()) {
      RunResult r = Restore(dir_ + "/" + now + ".tar");
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }
  std::string report =
      std::to_string(rounds) + " rounds, seed " + std::to_string(seed) + "; outcomes:\n";
  for (const auto& [what, count] : outcomes) {
    report += "  " + what + std::string(what.size() < 34 ? 34 - what.size() : 1, ' ') +
              std::to_string(count) + "\n";
  }
  std::fputs(report.c_str(), stdout);
  // .ci/run prints it after a green run too.
  if (const char* file = std::getenv("BATON_TEST_REPORT"); file != nullptr && *file != '\0') {
    std::ofstream(file, std::ios::app) << "ConcurrencyTest: " << report;
  }
  EXPECT_GE(rounds, 5);
}

}  // namespace
}  // namespace baton::testing
