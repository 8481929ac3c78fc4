// A term of this instance's leadership. It starts when the instance is
// elected and takes the lock on the state (operations/ownership.h), is served
// once the takeover is done, and ends when leadership or the session goes, or
// when the leader abdicates after a handover (DELETE /v2/leader). The lock's
// node is the term's fence: every write of the term checks it, so a term that
// ended writes nothing more.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "operations/owned_restore.h"
#include "server/leader_election.h"
#include "zk/exclusive_lock.h"
#include "zk/zk_session.h"

namespace baton::server {

// Thread safety: fence() and the handover calls (ClaimHandover,
// SettleHandover) from any thread, the HTTP workers'; the rest from the one
// thread that runs the terms. The fence is guarded by mu_, the handover is an
// atomic, the lock is that thread's alone.
class Term {
 public:
  // Owning waits while `stopping` is false.
  Term(zk::ZkSession& session, LeaderElection& election, std::string me,
       const std::atomic<bool>& stopping);

  // The fence while the term is served: this instance answers as leader.
  std::optional<std::string> fence() const;

  // Takes the lock on the state for a new term; waits (the endpoints answer
  // 503) while another owner, an operator's restore or recover, holds it.
  // False when leadership, the session or the server ends first.
  bool Own();
  // Who restores for the term; between Own() and End() only.
  operations::Owner owner() const;
  // Publishes the fence: the term is served from now on.
  void Serve();
  // Ends the term: no fence, and the lock released. Does nothing when none runs.
  void End();

  // One handover per term: ClaimHandover() before storing the runtime
  // configuration (false when a handover is under way), SettleHandover()
  // after, with whether it was stored.
  bool ClaimHandover();
  void SettleHandover(bool stored);
  bool handed_over() const { return handover_ == kStored; }

  // After a stored handover: waits `delay` (the answer reaches its client),
  // ends the term and joins the election again, behind the other candidates.
  void Abdicate(std::chrono::milliseconds delay);
  // After a failed takeover, once End()ed: leaves the election and joins it
  // again a second later, so that another candidate may take over.
  void StepAside();

 private:
  // kIdle -> kClaimed (a request stores its runtime configuration) ->
  // kStored (the leader leaves shortly) -> kIdle, at the next term.
  enum Handover : int { kIdle, kClaimed, kStored };

  zk::ZkSession& session_;
  LeaderElection& election_;
  std::string me_;
  const std::atomic<bool>& stopping_;
  std::unique_ptr<zk::ExclusiveLock> lock_;
  mutable std::mutex mu_;
  std::string fence_;  // empty while the term is not served
  std::atomic<int> handover_{kIdle};
};

}  // namespace baton::server
