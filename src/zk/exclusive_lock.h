// One owner at a time: an exclusive lock held by a ZooKeeper session, as
// Curator's InterProcessMutex keeps it. Each contender creates an
// ephemeral-sequential node `<dir>/lock-<seq>` holding a description of
// itself; the lowest sequence holds the lock. The holder's node lives exactly
// as long as its session, so a killed holder's lock is released when its
// session expires, and a lock taken again is a new node: a check op on one's
// own node (fence()) fails for an owner that has been superseded, which is
// what makes every fenced write safe against a second owner.
//
// Thread safety: an ExclusiveLock is used by one thread at a time; Held()
// and fence() may be called from any thread (fence() is immutable).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "zk/zk_session.h"

namespace baton::zk {

// Who holds a lock, as its node says.
struct LockOwner {
  std::string node;   // full path of the holder's lock node
  std::string what;   // e.g. "baton restore of file:///x.tar"
  std::string host;   // where it runs
  int64_t pid = 0;    // its process id there
  std::string since;  // UTC, ISO 8601

  // "baton restore of ... (pid 12 on host, since 2026-...)".
  std::string Describe() const;
  static LockOwner Parse(const std::string& node, const std::string& data);
};

class ExclusiveLock {
 public:
  // Takes the lock at once or throws baton::Error of kind kRefused naming the
  // holder. `what` describes the new owner for others' messages.
  static std::unique_ptr<ExclusiveLock> TryAcquire(ZkSession& session, const std::string& dir,
                                                   const std::string& what);
  // Waits for the lock while keep_waiting() is true (asked about every
  // 200 ms); returns nullptr when it stops waiting. `on_wait` is told the
  // holder once, when waiting starts.
  static std::unique_ptr<ExclusiveLock> Acquire(
      ZkSession& session, const std::string& dir, const std::string& what,
      const std::function<bool()>& keep_waiting,
      const std::function<void(const LockOwner&)>& on_wait = {});

  // Releases the lock (deletes the node) unless the session has lost it.
  ~ExclusiveLock();
  ExclusiveLock(const ExclusiveLock&) = delete;
  ExclusiveLock& operator=(const ExclusiveLock&) = delete;

  // The node to put a check op on: the write succeeds only while this lock
  // is still held.
  const std::string& fence() const { return node_; }
  // Whether the node still exists (false once the session expired).
  bool Held();
  // After the session was replaced (ZkSession::Resume after an expiry), takes
  // the lock again with a new node; throws kRefused when another owner took
  // it meanwhile. The caller must then check that nothing changed hands.
  void Reacquire();

  // The current holder of the lock under `dir`, if any.
  static std::optional<LockOwner> Holder(ZkSession& session, const std::string& dir);

 private:
  ExclusiveLock(ZkSession& session, std::string dir, std::string what, std::string node);
  // Creates this contender's node; returns its full path.
  static std::string Enter(ZkSession& session, const std::string& dir, const std::string& what);
  static void RemoveStale(ZkSession& session, const std::string& dir, const std::string& mine);

  ZkSession& session_;
  std::string dir_;
  std::string what_;
  std::string node_;
};

}  // namespace baton::zk
