// Restore and recover for a caller that already owns the path: it holds the
// exclusive lock of operations/ownership.h on its session (baton serve's leader
// holds it for its whole term and restores with it; no second acquisition).
// Every write is fenced on that lock.
#pragma once

#include "baton/restore.h"
#include "baton/storage.h"
#include "zk/exclusive_lock.h"
#include "zk/zk_session.h"

namespace baton::operations {

struct Owner {
  zk::ZkSession& session;
  zk::ExclusiveLock& lock;
  // After a lost connection or an expired session, resume the session, take
  // the lock again if it went, and go on if nothing changed hands meanwhile
  // (the CLI, whose session is its own). A server's session is shared by its
  // HTTP workers and its election, and its term ends with it: not resumable.
  bool resumable = true;
};

// As Restore(), but holding `owner`'s lock; options.force is implied.
RestoreStats RestoreAsOwner(const RestoreOptions& options, StorageProvider& storage,
                            const Owner& owner);

// As RecoverInterruptedRestore(), holding `owner`'s lock.
bool RecoverAsOwner(const RestoreOptions& options, const Owner& owner);

}  // namespace baton::operations
