// The marker of a restore in progress: node <zk path>/restore-in-progress,
// beside the state (so the restore's own delete leaves it alone) and outside
// what a backup covers (operations/ownership.h lists Baton's control nodes). It
// exists from just before the old state is deleted until the new one is
// completely written, names the safety backup of the old state and the lock
// node of the restore that owns it. While that owner holds the lock the
// restore is running; once its session is gone, whoever takes the lock next
// (baton restore, baton recover, baton serve) rolls it back instead of
// running on a half-written state.
#pragma once

#include <optional>
#include <string>

#include "zk/zk_session.h"

namespace baton::operations {

struct RestoreMarker {
  std::string safety_backup;  // location of the old state; empty: there was none
  std::string restoring;      // the backup being restored, secrets redacted
  std::string started;        // UTC, ISO 8601
  std::string host;           // where the restore ran (the safety backup is local there)
  bool no_rollback = false;   // run with --no_safety_backup: only completing it helps
  std::string owner;          // the lock node of the restore that wrote it
  // The --layout of that restore; "" in markers from before it was recorded
  // (taken for any). Where two layouts' control paths meet (Marathon's
  // --zk /baton/kafka and the tree layout's /kafka), it says whose it is.
  std::string layout = "";

  // Whether a restore of `layout_name` may settle this marker.
  bool Fits(const std::string& layout_name) const {
    return layout.empty() || layout == layout_name;
  }

  static std::string NodePath(const std::string& zk_path);
  static std::optional<RestoreMarker> Read(zk::ZkSession& session, const std::string& zk_path);
  // Creates the marker, or replaces an interrupted restore's, in one
  // multi-op fenced on the lock node `fence` that also bumps the restore
  // epoch (operations/ownership.h).
  void Write(zk::ZkSession& session, const std::string& zk_path, const std::string& fence) const;
  // Removes it, fenced on `fence`.
  static void Remove(zk::ZkSession& session, const std::string& zk_path, const std::string& fence);
  // "the restore of X started T on H", escaped for printing.
  std::string Describe() const;
};

// A running backup shows as ephemeral <zk path>/backup-in-progress-<seq>
// nodes (see zk::QuietWindow), holding what it backs up to.
inline constexpr char kBackupMarkerPrefix[] = "backup-in-progress-";

// Describes the backup or restore running on `zk_path`, if any.
std::optional<std::string> RunningJob(zk::ZkSession& session, const std::string& zk_path);

}  // namespace baton::operations
