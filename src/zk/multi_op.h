// One ZooKeeper multi-op, built op by op and run synchronously: all of its
// ops happen or none. The builder owns the paths and data the C client's
// zoo_op_t structures point to. A Fence() first makes the whole multi-op
// depend on a lock node still existing (see zk/exclusive_lock.h).
//
// Thread safety: none; build and run it on one thread.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "zk/zk_session.h"

namespace baton::zk {

class MultiOp {
 public:
  // A check op on `lock_node` (any version): the multi-op fails with
  // LockLost when the node is gone, i.e. its owner no longer holds the lock.
  MultiOp& Fence(const std::string& lock_node);
  MultiOp& Check(const std::string& path, int version = -1);
  MultiOp& Create(const std::string& path, const std::string& data, int flags = 0,
                  const ACL_vector* acl = nullptr);
  MultiOp& Set(const std::string& path, const std::string& data, int version = -1);
  MultiOp& Delete(const std::string& path, int version = -1);
  bool empty() const { return ops_.empty(); }

  // Runs it. On failure throws LockLost (the fence failed), ConnectionLost,
  // or baton::Error naming the op that failed.
  void Run(ZkSession& session);
  // Runs it and returns ZOK, or the code of the first op that failed (its
  // index in `failed`), for callers that tell the outcomes apart. A failed
  // fence still throws LockLost.
  int TryRun(ZkSession& session, size_t* failed = nullptr);

 private:
  const std::string& Keep(const std::string& s) { return kept_.emplace_back(s); }

  std::deque<std::string> kept_;  // stable addresses for the zoo_op_t pointers
  std::vector<zoo_op_t> ops_;
  std::vector<std::string> what_;  // "create /a/b", per op, for errors
  bool fenced_ = false;
};

// The lock a write was fenced on is no longer held: its session expired or
// another owner took over. Nothing of the fenced multi-op was written.
class LockLost : public Error {
 public:
  explicit LockLost(const std::string& message) : Error(message, ErrorKind::kFailed) {}
};

}  // namespace baton::zk
