// Writes nodes in multi-ops bounded by bytes and count, several multi-ops in
// flight at once. ZooKeeper answers one session's requests in order, so a
// later batch sees the effects of the earlier ones. When a batch fails (a
// parent that vanished, a node that already exists), that batch and every
// later one are replayed in order, one operation at a time with
// create-or-update semantics, so the end state is what the sequence of calls
// asked for.
//
// Thread safety: none; one thread queues, flushes and destroys it. The
// client's completion thread only hands finished batches back through the
// CompletionQueue (which locks), and the destructor waits for every one.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "zk/acl.h"
#include "zk/completion_queue.h"
#include "zk/zk_session.h"

namespace baton::zk {

class MultiOp;

class BatchWriter {
 public:
  BatchWriter(ZkSession& session, size_t max_batch_bytes, int max_batch_ops, int max_in_flight);
  ~BatchWriter();

  // Creates a container node, or leaves an existing node alone.
  void EnsureContainer(std::string path);
  // Creates a persistent node expected not to exist (it is updated if it
  // does), with `acl` or else the session's ACL.
  void Create(std::string path, std::string data, std::shared_ptr<const Acl> acl = nullptr);
  // Updates a node expected to exist (it is created if it does not).
  void Set(std::string path, std::string data);
  // Deletes a node; a missing node is not an error.
  void Delete(std::string path);
  // Every multi-op from now on starts with a check op on `lock_node`, so
  // nothing is written once its owner no longer holds the lock
  // (zk/exclusive_lock.h): the batch fails with LockLost. Replayed ops are
  // fenced one by one the same way. Containers travel as single creates (see
  // EnsureContainer) and are not fenced: a superseded owner can at most add
  // an empty container.
  void FenceOn(std::string lock_node) { fence_ = std::move(lock_node); }

  // Sends what is queued and waits for every batch. Throws baton::Error if an
  // operation cannot be done even one at a time.
  void Flush();

  uint64_t replayed_batches() const { return replayed_batches_; }
  // The session it writes through, for reads between flushes.
  ZkSession& session() { return session_; }

 private:
  struct Op;
  struct Batch;

  static void OnMulti(int rc, const void* context);
  static void OnCreate(int rc, const char* path, const void* context);
  void Add(Op op);
  void Send();
  void WaitOne();
  void Replay(Batch& batch);
  int RunOne(const std::function<void(MultiOp&)>& add);
  void ReplayPut(const Op& op);
  void ReplayDelete(const Op& op);

  ZkSession& session_;
  size_t max_batch_bytes_;
  int max_batch_ops_;
  int max_in_flight_;
  std::unique_ptr<Batch> open_;
  std::deque<std::unique_ptr<Batch>> in_flight_;
  CompletionQueue<Batch*> queue_;
  uint64_t replayed_batches_ = 0;
  std::string fence_;
};

}  // namespace baton::zk
