// Who may change <path>/state, and how a reader proves nobody did.
//
// Baton's control nodes live beside <path>/state, outside the subtree a
// restore replaces, and never under <path>/leader*:
//   <path>/baton-lock            persistent; its ephemeral-sequential
//                                children are the exclusive lock (zk/exclusive_lock.h)
//                                held by whoever changes the state: restore,
//                                recover, and baton serve's leader for its term
//   <path>/restore-in-progress   the restore marker (operations/restore_marker.h)
//   <path>/backup-in-progress-N  running backups (ephemeral, zk/quiet_window.h)
// The lock node's data version is the restore epoch: every restore bumps it
// in the same multi-op that writes its marker, so a backup that sees the same
// epoch and no marker before and after reading knows that no restore ran
// meanwhile.
//
// Trees can nest (the tree layout's /kafka and /kafka/config), and so do
// their control paths under one family root (layout::Scope::control_family,
// "" where trees do not nest). A restore of one then owns every tree above
// and below it too: it refuses while another holds or marks one of them, and
// a backup's epoch covers them all.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "zk/exclusive_lock.h"
#include "zk/zk_session.h"

namespace baton::operations {

std::string LockDir(const std::string& zk_path);

// Takes the lock on `zk_path` or throws kRefused naming its holder, or
// naming a tree of the same `family` above or below it that another command
// holds or left marked (the lock is then let go). Two commands on nested
// trees each take their own lock before they look at the other's, so at most
// one goes on.
std::unique_ptr<zk::ExclusiveLock> TakeOwnership(zk::ZkSession& session, const std::string& zk_path,
                                                 const std::string& what,
                                                 const std::string& family = "");

// Throws when a restore marker exists under `zk_path`: kRefused naming the
// owner while the restore runs, or (interrupted) asking for baton recover.
void RefuseWhileRestoring(zk::ZkSession& session, const std::string& zk_path);

// A backup's proof that no restore ran while it read the tree: Begin() before
// the walk, Unchanged() after it.
class RestoreEpoch {
 public:
  // Throws when a restore runs (kRefused, naming its owner) or was
  // interrupted (the state may be half-written: run baton recover).
  // `family` as for TakeOwnership: restores of nested trees count too.
  static RestoreEpoch Begin(zk::ZkSession& session, const std::string& zk_path,
                            const std::string& family = "");
  // True when no restore started, ran or ended since Begin().
  bool Unchanged(zk::ZkSession& session) const;

 private:
  std::string zk_path_, family_;
  // Each control path's lock node data version; -1: no lock node yet.
  std::map<std::string, int32_t> versions_;
};

}  // namespace baton::operations
