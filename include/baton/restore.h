// Restore: validates a whole backup, then replaces the state under
// <zk-path>/state with it.
#pragma once

#include <cstdint>
#include <string>

#include "baton/env.h"
#include "baton/inspect.h"
#include "baton/progress.h"
#include "baton/zk_url.h"

namespace baton {

// Where a safety backup goes unless told otherwise (RestoreOptions, and the
// server's restores through its leader endpoint).
inline constexpr char kDefaultSafetyBackupDir[] = "/var/tmp/baton";

// What a restore (or RecoverInterruptedRestore) does and how. Each field's
// initializer is its default, the command line's too: baton restore binds its
// flags straight to these fields.
struct RestoreOptions {
  // The ensemble and the service root whose <path>/state is replaced.
  // Required.
  ZkUrl zk;
  ZkTimeouts timeouts = {};
  // How the tree under the path is laid out, as for BackupOptions::layout;
  // a backup of another layout is refused.
  std::string layout = kDefaultLayout;
  // The backup to restore (file://, s3://). Required, except to recover.
  std::string backup_location;
  // Restore even while a leader is alive under <path>/leader or
  // <path>/leader-curator (baton serve's own takeover does).
  bool force = false;
  // Validate everything, write nothing.
  bool dry_run = false;
  // Save the current state before replacing it (to safety_backup_dir). A
  // restore refuses when the state cannot be saved, unless this is false;
  // without it, an interrupted restore can only be completed, not rolled back.
  bool safety_backup = true;
  // Created mode 0700 if missing; refused if a symlink, not a directory, not
  // the user's own, or writable by others.
  std::string safety_backup_dir = kDefaultSafetyBackupDir;
  // After a successful restore, the safety backups of this ensemble and path
  // in safety_backup_dir beyond the newest this many are deleted with their
  // records (baton/prune.h: only those Baton wrote); 0 keeps all.
  int safety_keep_last = 10;
  // Upper bound on the request bytes of one multi-op; ZooKeeper rejects
  // requests over jute.maxbuffer (1 MiB by default).
  size_t max_batch_bytes = 512 * 1024;
  int max_batch_ops = 1000;
  // Multi-ops in flight at once.
  int max_in_flight = 8;
  // Listing requests in flight at once while the old state is walked.
  int max_reads_in_flight = 2000;
  // A restore refuses a larger backup while validating it, before anything
  // is touched: a small compressed file can hold millions of entries or
  // gigabytes (a tar bomb) that would exhaust ZooKeeper's memory. Ten times
  // the largest Marathon state seen in practice; raise them for a real one.
  uint64_t max_entries = 2'000'000;
  uint64_t max_bytes = 8ULL << 30;
  // Node sizes, empty backups, backups without a storage version (see
  // ValidationOptions; defaults refuse what is probably a mistake).
  ValidationOptions validation = {};
  // Tree layout: bring back each node's data version and each parent's
  // cversion (which names its next sequential child) as the backup recorded
  // them, by repeating setData calls and child creations and deletions.
  bool restore_counters = true;
  // ... spending at most this many operations; past it, nodes keep lower
  // counters and are named in a warning.
  uint64_t max_counter_ops = 1'000'000;
  // Write the backup into the tree as it is, deleting nothing: nodes it
  // holds are created, or updated where they exist (data and counters; an
  // existing node keeps its ACL), every other node stays (for seeding a new
  // cluster). Tree layout only. Safety backup, marker and rollback as for a
  // restore that replaces.
  bool merge = false;
  // Restore a Baton-format backup into a path other than the one it was
  // taken from (its manifest's). Off: a mistyped --zk path is refused.
  bool to_other_path = false;
  // Told of each entry checked, saved and written; none by default.
  ProgressListener progress = {};
  // Storage and clock; tests pass their own (baton/env.h).
  Env env = {};
};

struct RestoreStats {
  uint64_t items = 0;
  uint64_t versions = 0;
  uint64_t bytes = 0;
  uint64_t deleted_nodes = 0;
  bool has_storage_version = false;
  std::string safety_backup;          // where the replaced state was saved ("" if none)
  bool rolled_back_previous = false;  // an interrupted restore was rolled back first
};

// Validates the whole backup, saves the current state to a safety backup,
// marks <path>/restore-in-progress, replaces the state, and unmarks. Rolls
// back from the safety backup on failure; an interrupted earlier restore is
// rolled back first. Throws baton::Error.
RestoreStats Restore(const RestoreOptions& options);

// If a restore into options.zk was interrupted (its marker remains), rolls it
// back from its safety backup and returns true.
bool RecoverInterruptedRestore(const RestoreOptions& options);

}  // namespace baton
