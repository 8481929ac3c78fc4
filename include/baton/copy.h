// Copy: one ensemble's subtree into another (or into another path of the
// same one), what zkcopy is used for when ZooKeeper moves to new machines.
// It is a tree-layout backup of the source and a restore of it into the
// target, with the whole source read (one point in time, spooled to an
// unnamed temporary file) before the target is touched, and the restore's
// validation, lock, marker, safety backup, rollback and counters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "baton/backup.h"
#include "baton/restore.h"
#include "baton/zk_url.h"

namespace baton {

// What a copy reads and how it writes. Each field's initializer is its
// default, the command line's too.
struct CopyOptions {
  // The subtree read, as a tree-layout backup reads it. Required.
  ZkUrl source;
  ZkTimeouts source_timeouts = {};
  // As BackupOptions: record ACLs (and write them back), leave subtrees out
  // (and those the session may not read),
  // read with multiRead, reads of the source allowed to get one point in time.
  bool acls = true;
  std::vector<std::string> exclude = {};
  bool skip_unreadable = false;
  bool multi_read = true;
  int consistency_attempts = 5;
  // Where the source is spooled before the target is touched (an unnamed
  // file, gone when the command ends however it ends): "" for $TMPDIR or
  // /tmp. It holds the whole source, zstd-compressed.
  std::string spool_dir = "";
  // The target and how it is written, as a restore of the spooled backup:
  // target.zk is the subtree replaced (required), target.layout is always
  // "tree", target.backup_location is the spool. A target inside the source
  // on the same ensemble, or the source inside the target, is refused.
  RestoreOptions target = {};
};

struct CopyStats {
  BackupStats read;
  RestoreStats written;
  uint64_t spooled_bytes = 0;  // the spool file's size
};

// Throws baton::Error; a failure while writing rolls the target back, as a
// restore does.
CopyStats Copy(const CopyOptions& options);

}  // namespace baton
