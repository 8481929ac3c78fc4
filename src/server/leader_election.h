// Leader election with ZooKeeper's ephemeral-sequential recipe, named as
// Curator's LeaderLatch names its nodes (_c_<uuid>-latch-<seq>, data =
// host:port). Each candidate watches only its predecessor, so a change
// wakes one candidate, not all of them.
//
// Thread safety: every public call from any thread (baton serve: the thread
// that runs the terms joins and leaves, HTTP workers ask Leader()). The
// candidate's node and the wake-ups are guarded by mu_, leadership is an
// atomic; the predecessor watched is the worker thread's alone.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "zk/zk_session.h"

namespace baton::server {

class LeaderElection {
 public:
  // `election_path` is created (as containers) if missing.
  LeaderElection(zk::ZkSession& session, std::string election_path, std::string participant);
  // Leaves the election.
  ~LeaderElection();
  LeaderElection(const LeaderElection&) = delete;
  LeaderElection& operator=(const LeaderElection&) = delete;

  // Enters the election (again, after Leave()).
  void Join();
  // Gives up leadership or candidacy by deleting this candidate's node.
  void Leave();

  bool is_leader() const { return leader_.load(); }
  // Waits until this candidate leads; false on timeout.
  bool WaitForLeadership(std::chrono::milliseconds timeout);
  // The participant data of the current leader, if there is one.
  std::optional<std::string> Leader();
  // The full path of this candidate's node, empty when not a candidate. While
  // it exists, this candidate has not left; writes of a term check it.
  std::string NodePath();

 private:
  static void OnWatch(zhandle_t* zh, int type, int state, const char* path, void* context);
  void Run();
  void Check();

  zk::ZkSession& session_;
  std::string path_;
  std::string participant_;
  std::string node_;     // our node's name, empty when not a candidate
  std::string watched_;  // the predecessor we watch, empty when none
  std::atomic<bool> leader_{false};

  std::mutex mu_;
  std::condition_variable cv_;
  bool recheck_ = false;
  bool stopping_ = false;
  std::thread worker_;  // re-evaluates after watches fire; sync calls are not allowed on the
                        // completion thread
};

}  // namespace baton::server
