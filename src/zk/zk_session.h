// One ZooKeeper session: connects (with digest auth when the URL carries
// credentials), waits for the connection within the configured timeout, and
// offers the few synchronous calls the orchestration needs. The pipelined
// readers and writers use handle() with the asynchronous API.
//
// Thread safety: every call but Resume() from any number of threads at once
// (baton serve: 64 HTTP workers and the election's thread). The C client's
// multi-threaded library queues each request under its own locks and
// completes it on its completion thread; each synchronous call here waits for
// its own completion (the client's, or a promise of its own); the connection
// state the watcher records is guarded by mu_. The handle is set while the session opens and
// replaced only by Resume(), which therefore needs the session to itself: only an owner with a
// session of its own resumes (a CLI command; baton serve never does, see
// operations::Owner::resumable: its session ends with its term).
#pragma once

#include <zookeeper/zookeeper.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "baton/error.h"
#include "baton/zk_url.h"

namespace baton::zk {

// ZooKeeper reaps an empty container that once had children at any moment
// (and may reap one made again at its path, when it had listed the old one),
// so a parent made or found a moment ago can be gone when the child is
// created: such a create is tried again, parents first, this many times.
inline constexpr int kReapedParentAttempts = 5;

class ZkSession {
 public:
  ZkSession(const ZkUrl& url, const ZkTimeouts& timeouts);
  ~ZkSession();
  ZkSession(const ZkSession&) = delete;
  ZkSession& operator=(const ZkSession&) = delete;

  zhandle_t* handle() const { return zh_; }
  // The ACL for nodes this session creates: creator-all with credentials,
  // open otherwise (as Marathon does).
  const ACL_vector* acl() const;
  // The ACL for Baton's control nodes (lock, marker): the session's, plus
  // read for everyone, so that a backup or a refusal under other
  // credentials can still see who holds the path.
  const ACL_vector* control_acl() const;
  // Below `root` (Baton's control root for trees, /baton), the structure
  // Baton shares between operators (the containers on the way to a control
  // path, lock directories) gets shared_acl(): with one identity's ACL, every
  // other identity would be locked out of every tree for good. Called before
  // the session is shared between threads.
  void ShareStructureUnder(std::string root) { shared_root_ = std::move(root); }
  // The ACL for a container or lock directory at `path`: shared_acl() below
  // the shared root, acl() elsewhere.
  const ACL_vector* StructureAcl(const std::string& path) const;
  // Read, write, create and delete for every identity, administer for none
  // (no identity can lock the others out by changing it); open without
  // credentials, as acl() is.
  const ACL_vector* shared_acl() const;
  const ZkUrl& url() const { return url_; }
  const ZkTimeouts& timeouts() const { return timeouts_; }

  // Synchronous calls. A missing node gives nullopt/false; any other failure
  // throws baton::Error naming the path. Exists needs no permission on the
  // node.
  std::optional<std::string> Get(const std::string& path, Stat* stat = nullptr);
  std::optional<std::vector<std::string>> Children(const std::string& path);
  bool Exists(const std::string& path, Stat* stat = nullptr);
  // Creates `path` and missing parents as CONTAINER nodes (Curator's
  // creatingParentContainersIfNeeded), each with StructureAcl(); an existing
  // node is left alone.
  void EnsureContainers(const std::string& path);
  // Creates `path` as an empty persistent node with `acl` unless it exists,
  // missing parents as containers (a lock directory, which must outlive
  // its owners).
  void EnsurePersistent(const std::string& path, const ACL_vector* acl);
  // Creates or overwrites a persistent node with `data`, parents as
  // containers; a created node gets `acl`, or else the session's ACL.
  void Put(const std::string& path, const std::string& data, const ACL_vector* acl = nullptr);
  // Deletes one node; a missing node is not an error.
  void Delete(const std::string& path);
  // Sets the ACL of `path`, whatever its ACL version.
  void SetAcl(const std::string& path, const ACL_vector* acl);
  // Makes the server this session talks to catch up with the ensemble's
  // leader on `path`, so that reads after it see every write committed before.
  void Sync(const std::string& path);

  // Throws baton::Error for a ZooKeeper return code that is not ZOK.
  [[noreturn]] void Fail(int rc, const std::string& what, const std::string& path) const;

  // After ConnectionLost, with no request of this session in flight: waits
  // until the client has reconnected to a server of the ensemble and a
  // request has come back on the session, or opens a new session in place
  // when the old one expired meanwhile (its ephemeral nodes are gone then).
  // Throws baton::Error when no server answers within the session and
  // connect timeouts, as when the ensemble lost its quorum.
  void Resume();

 private:
  static void Watcher(zhandle_t* zh, int type, int state, const char* path, void* context);
  void Open();
  void WaitConnected(int timeout_ms);
  // Creates `path` (empty, of `mode`, with `acl`) and missing parents as
  // containers, unless it exists; a parent the server reaped meanwhile is
  // made again.
  void EnsureNode(const std::string& path, int mode, const ACL_vector* acl);
  // Whether a request comes back by `deadline`: kLost for a lost connection
  // or an expired session, kSilent when it has not come back.
  enum class Answer { kYes, kLost, kSilent };
  Answer Ask(std::chrono::steady_clock::time_point deadline);
  void Authenticate(int timeout_ms);

  ZkUrl url_;
  ZkTimeouts timeouts_;
  std::string shared_root_;  // see ShareStructureUnder; "" for none
  zhandle_t* zh_ = nullptr;
  std::mutex mu_;
  std::condition_variable cv_;
  int state_ = 0;
};

// The connection to the server dropped (or it did not answer) while a
// request was in flight, or the session expired. The work may be done again
// after ZkSession::Resume().
class ConnectionLost : public Error {
 public:
  explicit ConnectionLost(const std::string& message) : Error(message, ErrorKind::kUnavailable) {}
};

// Whether `rc` says the session cannot answer now (a lost connection, a
// timeout, an expired session): retryable on a new session, never the
// request's own fault.
bool IsConnectionLoss(int rc);

// A completion of the C client's void_completion_t shape (zoo_add_auth,
// zoo_amulti): hands `rc` to the std::promise<int> that `promise` points to.
void SetPromisedCode(int rc, const void* promise);

// Throws baton::Error for rc != ZOK, phrased for an operator; ConnectionLost
// for a lost connection, a timeout or an expired session.
[[noreturn]] void ThrowZkError(int rc, const std::string& what, const std::string& path);

}  // namespace baton::zk
