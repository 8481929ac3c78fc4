#include "baton/restore.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "baton/backup.h"
#include "baton/error.h"
#include "baton/prune.h"
#include "baton/storage.h"
#include "layout/layout.h"
#include "operations/after_change.h"
#include "operations/backup_check.h"
#include "operations/owned_restore.h"
#include "operations/ownership.h"
#include "operations/progress_counter.h"
#include "operations/restore_marker.h"
#include "operations/staged_backup.h"
#include "operations/validation.h"
#include "storage/backup_location.h"
#include "storage/file_storage.h"
#include "util/host_name.h"
#include "util/interrupt.h"
#include "util/printable.h"
#include "util/time_text.h"
#include "zk/batch_writer.h"
#include "zk/exclusive_lock.h"
#include "zk/multi_op.h"
#include "zk/sequence.h"
#include "zk/subtree.h"
#include "zk/zk_session.h"

namespace baton {
namespace {

const layout::Layout& LayoutOf(const RestoreOptions& options) {
  return layout::Named(options.layout);
}
layout::Scope ScopeOf(const RestoreOptions& options) {
  return LayoutOf(options).ScopeOf(options.zk);
}

// A backup of one layout restored as another would be refused entry by
// entry: say which it is instead.
void CheckLayout(const std::string& first_entry, const RestoreOptions& options) {
  const layout::Layout& held = layout::OfEntry(first_entry);
  if (&held == &LayoutOf(options)) return;
  throw Error("the backup holds a " + std::string(held.name()) + " layout, not " + options.layout +
                  ": pass --layout " + std::string(held.name()),
              ErrorKind::kInvalidInput);
}

// Validates a whole backup, for StagedBackup's first pass.
BackupSummary Validate(operations::StagedBackup& staged, const std::string& what,
                       const RestoreOptions& options) {
  BackupSummary summary;
  operations::ProgressCounter progress(options.progress, Progress::Phase::kChecking);
  uint64_t entries = 0;
  auto manifest = staged.Validate([&](archive::TarEntry& entry) {
    if (entries == 0) CheckLayout(entry.name, options);
    operations::CheckEntry(LayoutOf(options), entry, summary, options.validation);
    if (++entries > options.max_entries) {
      throw Error("the backup holds more than " + std::to_string(options.max_entries) +
                      " entries, more than a Marathon state has: refused as a possible tar bomb "
                      "(--max_entries raises the limit)",
                  ErrorKind::kCorruptBackup);
    }
    if (summary.bytes > options.max_bytes) {
      throw Error(
          "the backup holds more than " + std::to_string(options.max_bytes) +
              " bytes of data: refused as a possible tar bomb (--max_bytes raises the limit)",
          ErrorKind::kCorruptBackup);
    }
    progress.Add(entry.data.size());
  });
  operations::CheckWhole(LayoutOf(options), summary, options.validation);
  progress.Finish();
  summary.acls_recorded = manifest && manifest->acls;
  if (manifest) summary.manifest_json = manifest->ToJson();
  spdlog::info("{} is valid: {} items, {} versions, {} bytes{}", what, summary.items,
               summary.versions, summary.bytes,
               manifest ? ", checksums and manifest verified" : " (Marathon format: no checksums)");
  return summary;
}

// Replaces the state with a validated backup: deletes it, then writes (a
// merge deletes nothing and writes into it).
// Nodes get the ACLs the backup recorded, or else the session's. Every
// multi-op is fenced on the owner's lock.
uint64_t ReplaceState(const operations::Owner& owner, operations::StagedBackup& staged,
                      const RestoreOptions& options, const BackupSummary& summary) {
  zk::ZkSession& session = owner.session;
  const std::string state = ScopeOf(options).data;
  zk::BatchWriter writer(session, options.max_batch_bytes, options.max_batch_ops,
                         options.max_in_flight);
  writer.FenceOn(owner.lock.fence());
  if (ScopeOf(options).data_is_container) {
    session.EnsureContainers(state);
  } else if (!session.Exists(state)) {
    session.Put(state, "");
  }
  uint64_t deleted = 0;
  if (!options.merge) {
    deleted = zk::DeleteDescendants(session, writer, state, options.max_reads_in_flight);
    spdlog::info("removed {} nodes under {}", deleted, state);
  }

  std::unique_ptr<BackupSource> source = staged.Reopen();
  archive::BackupReader tar(*source, operations::kMaxEntryBytes);
  std::unique_ptr<layout::TreeWriter> tree =
      LayoutOf(options).NewWriter(writer, state,
                                  {.acls_recorded = summary.acls_recorded,
                                   .valued_units = &summary.valued_ids,
                                   .restore_counters = options.restore_counters,
                                   .max_counter_ops = options.max_counter_ops,
                                   .merge = options.merge});
  operations::ProgressCounter progress(options.progress, Progress::Phase::kWriting,
                                       summary.items + summary.versions);
  archive::TarEntry entry;
  while (tar.Next(entry)) {
    progress.Add(entry.data.size());
    const std::string* acl = entry.Attribute(archive::kAclAttribute);
    tree->Write({.name = std::move(entry.name),
                 .data = std::move(entry.data),
                 .acl = acl != nullptr ? *acl : std::string(),
                 .attributes = std::move(entry.attributes)});
  }
  tree->Finish();
  progress.Finish();
  return deleted;
}

// How often a restore writes the whole state again after a lost connection
// or an expired session before it gives up (and rolls back).
constexpr int kWriteAttempts = 3;

// After an expired session, the lock went with it: takes it again and checks
// that nobody touched the marked restore meanwhile (the marker still names a
// lock node of this owner's), then moves the marker to the new node. Throws
// LockLost when another owner came in between: what it did must not be
// undone. A connection lost on the way leaves `marker` as the server has it,
// so the next attempt finishes the move.
void Regain(const operations::Owner& owner, const std::string& zk_path,
            operations::RestoreMarker* marker) {
  const std::string old_fence = owner.lock.fence();
  if (!owner.lock.Held()) {
    try {
      owner.lock.Reacquire();
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::kRefused) throw;
      throw zk::LockLost("the ZooKeeper session expired and the lock with it; now " +
                         std::string(e.what()));
    }
  }
  if (marker == nullptr) return;
  const std::string& fence = owner.lock.fence();
  std::optional<operations::RestoreMarker> now =
      operations::RestoreMarker::Read(owner.session, zk_path);
  if (now && now->owner == fence) {
    marker->owner = fence;
    return;
  }
  if (!now || (now->owner != marker->owner && now->owner != old_fence)) {
    throw zk::LockLost("the ZooKeeper session expired and another command took over " + zk_path +
                       " meanwhile; this restore stops without writing more");
  }
  operations::RestoreMarker moved = *marker;
  moved.owner = fence;
  moved.Write(owner.session, zk_path, fence);
  *marker = std::move(moved);
}

// Runs `step` until it completes, resuming the session after a lost
// connection or an expired session. Only for steps that start from scratch
// each time: ReplaceState deletes whatever a broken attempt wrote.
template <typename Step>
void WithResumes(const operations::Owner& owner, const RestoreOptions& options, const char* what,
                 operations::RestoreMarker* marker, Step step) {
  for (int attempt = 1;; ++attempt) {
    try {
      if (attempt > 1) {  // a connection lost again while regaining is one more attempt
        owner.session.Resume();
        Regain(owner, ScopeOf(options).control, marker);
      }
      step();
      return;
    } catch (const zk::ConnectionLost& e) {
      if (attempt >= kWriteAttempts || !owner.resumable) throw;
      spdlog::warn("{}; {} again once ZooKeeper answers (attempt {} of {})", e.what(), what,
                   attempt + 1, kWriteAttempts);
    }
  }
}

// Puts back the state a marked restore replaced, then removes the marker.
void RollBack(const operations::Owner& owner, operations::RestoreMarker marker,
              const RestoreOptions& options) {
  if (marker.no_rollback) {
    throw Error(marker.Describe() +
                " ran without a safety backup, so it cannot be rolled back: run baton restore "
                "again to complete it");
  }
  // Once started, a rollback finishes: a signal now would leave a third state.
  util::UninterruptibleScope finish;
  spdlog::warn("rolling back {}: restoring the safety backup {}", marker.Describe(),
               marker.safety_backup.empty() ? "(none: there was no state)"
                                            : util::Printable(marker.safety_backup));
  // From now on the marker names this owner: if it dies too, the next one
  // rolls back again.
  marker.owner = owner.lock.fence();
  marker.Write(owner.session, ScopeOf(options).control, owner.lock.fence());
  if (marker.safety_backup.empty()) {
    WithResumes(owner, options, "removing the state", &marker, [&] {
      zk::BatchWriter writer(owner.session, options.max_batch_bytes, options.max_batch_ops,
                             options.max_in_flight);
      writer.FenceOn(owner.lock.fence());
      zk::DeleteDescendants(owner.session, writer, ScopeOf(options).data,
                            options.max_reads_in_flight);
      zk::MultiOp().Fence(owner.lock.fence()).Delete(ScopeOf(options).data).TryRun(owner.session);
    });
  } else {
    std::unique_ptr<StorageProvider> storage = options.env.open_storage(marker.safety_backup);
    operations::StagedBackup staged(*storage, operations::kMaxEntryBytes);
    // The state as it was, whatever its size, replaces what is there (a
    // merge's writes included).
    RestoreOptions unlimited = options;
    unlimited.max_entries = unlimited.max_bytes = UINT64_MAX;
    unlimited.validation = {UINT64_MAX, true, true};
    unlimited.merge = false;
    BackupSummary summary;
    try {
      summary = Validate(staged, "the safety backup", unlimited);
    } catch (const Error& e) {
      throw Error("cannot roll back: the safety backup " + util::Printable(marker.safety_backup) +
                  " (written on " + util::Printable(marker.host) + ") cannot be used: " + e.what());
    }
    WithResumes(owner, options, "writing the safety backup", &marker,
                [&] { ReplaceState(owner, staged, unlimited, summary); });
  }
  WithResumes(owner, options, "removing the restore marker", &marker, [&] {
    operations::RestoreMarker::Remove(owner.session, ScopeOf(options).control, owner.lock.fence());
  });
  spdlog::info("rolled back: the state is as it was before that restore");
}

// Backs up the current state to a local file before it is replaced; returns
// its location, or "" when there is no state to keep.
std::string TakeSafetyBackup(zk::ZkSession& session, const RestoreOptions& options) {
  if (!session.Exists(ScopeOf(options).data)) return "";
  storage::PrepareSafetyDirectory(options.safety_backup_dir);
  std::string name = options.zk.path.substr(1);
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  BackupOptions backup{
      .zk = options.zk,
      .timeouts = options.timeouts,
      .layout = options.layout,
      .backup_location = "file://" + std::filesystem::absolute(options.safety_backup_dir).string() +
                         "/safety-" + name + "-{timestamp}.tar.zst",
      .env = options.env};
  if (options.progress) {
    backup.progress = [&options](const Progress& read) {
      Progress saving = read;
      saving.phase = Progress::Phase::kSaving;
      options.progress(saving);
    };
  }
  BackupStats stats;
  try {
    stats = Backup(backup);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kInterrupted || e.kind() == ErrorKind::kRefused) throw;
    // An emptied state is a container the server reaps at any moment: gone
    // since it was looked for, there is no state to keep.
    if (!session.Exists(ScopeOf(options).data)) return "";
    throw Error(std::string("cannot save the current state before replacing it (") + e.what() +
                    "); nothing was changed. Fix that, or pass --no_safety_backup to replace the "
                    "state without a way back",
                e.kind());
  }
  spdlog::info("safety backup of the current state: {}", stats.location);
  return stats.location;
}

// Safety backups have a policy of their own: the newest few of this path
// stay. A failure to prune is a warning; the restore is done.
void PruneSafetyBackups(const RestoreOptions& options) {
  if (options.safety_keep_last <= 0) return;
  try {
    PruneResult pruned =
        Prune({.prefix = "file://" + std::filesystem::absolute(options.safety_backup_dir).string(),
               .policy = {.keep_last = options.safety_keep_last},
               .source_hosts = options.zk.hosts,
               .source_path = options.zk.path});
    if (pruned.deleted > 0) {
      spdlog::info("deleted {} older safety backup(s) of {} (--safety_keep_last {})",
                   pruned.deleted, options.zk.path, options.safety_keep_last);
    }
  } catch (const std::exception& e) {
    spdlog::warn("could not prune the safety backups in {}: {}", options.safety_backup_dir,
                 e.what());
  }
}

// Writes the marker, replaces the state, removes the marker; rolls back on
// failure, unless marker.no_rollback says there is no way back.
void ReplaceMarked(const operations::Owner& owner, operations::StagedBackup& staged,
                   const RestoreOptions& options, const BackupSummary& summary,
                   operations::RestoreMarker& marker, RestoreStats& stats) {
  marker.Write(owner.session, ScopeOf(options).control, owner.lock.fence());
  try {
    WithResumes(owner, options, "writing the state", &marker,
                [&] { stats.deleted_nodes = ReplaceState(owner, staged, options, summary); });
  } catch (const Error& e) {
    spdlog::error("restore failed: {}", e.what());
    if (dynamic_cast<const zk::LockLost*>(&e) != nullptr) throw;  // no longer ours to undo
    if (marker.no_rollback) {
      throw Error(std::string(e.what()) +
                      " (there is no safety backup to roll back to: the marker " +
                      operations::RestoreMarker::NodePath(ScopeOf(options).control) +
                      " stays; fix that, then run baton restore again to complete it)",
                  e.kind());
    }
    try {
      util::UninterruptibleScope finish;
      if (owner.resumable) {
        owner.session.Resume();  // the failure may have left it disconnected
        Regain(owner, ScopeOf(options).control, &marker);
      }
      RollBack(owner, marker, options);
    } catch (const Error& again) {
      throw Error(std::string(e.what()) + "; rolling back failed too: " + again.what() +
                      " (the marker " +
                      operations::RestoreMarker::NodePath(ScopeOf(options).control) +
                      " stays: run baton recover with the same --zk)",
                  e.kind());
    }
    // An interruption keeps its kind, so that the exit code tells it.
    throw Error(std::string(e.what()) + " (rolled back to the state before the restore)", e.kind());
  }
  // The state is the backup's now: whatever stops the marker's removal (a
  // signal, ZooKeeper gone) must say what is left and what settles it.
  try {
    WithResumes(owner, options, "removing the restore marker", &marker, [&] {
      operations::RestoreMarker::Remove(owner.session, ScopeOf(options).control,
                                        owner.lock.fence());
    });
  } catch (const Error& e) {
    throw Error(std::string(e.what()) + " after the whole state was written; its marker " +
                    operations::RestoreMarker::NodePath(ScopeOf(options).control) +
                    " stays: run baton recover to roll back to the state before, or this "
                    "restore again to keep the new one",
                e.kind());
  }
}

// A marker another layout's restore left where this one's control path meets
// it is not this restore's to settle.
void RefuseOtherLayout(const operations::RestoreMarker& marker, const RestoreOptions& options) {
  if (marker.Fits(options.layout)) return;
  throw Error(marker.Describe() + " (--layout " + util::Printable(marker.layout) +
                  ") did not finish, and its marker " +
                  operations::RestoreMarker::NodePath(ScopeOf(options).control) +
                  " is where this --layout " + options.layout +
                  " restore keeps its own: run baton recover on that restore's path first",
              ErrorKind::kRefused);
}

// Handles the marker an earlier, dead owner left; returns whether the
// restore about to run must go without a safety backup (the state is
// half-written and cannot be rolled back).
bool SettleInterrupted(const operations::Owner& owner, const RestoreOptions& options,
                       RestoreStats& stats) {
  std::optional<operations::RestoreMarker> interrupted =
      operations::RestoreMarker::Read(owner.session, ScopeOf(options).control);
  if (!interrupted) return false;
  RefuseOtherLayout(*interrupted, options);
  spdlog::warn("{} did not finish", interrupted->Describe());
  if (interrupted->no_rollback) {
    spdlog::warn(
        "it ran without a safety backup; this restore replaces its half-written state "
        "(no safety backup of that)");
    return true;
  }
  operations::AfterChange([&] { RollBack(owner, *interrupted, options); });
  stats.rolled_back_previous = true;
  return false;
}

RestoreStats DryRun(zk::ZkSession& session, StorageProvider& storage,
                    const RestoreOptions& options) {
  const std::string control = ScopeOf(options).control;
  if (auto holder = zk::ExclusiveLock::Holder(session, operations::LockDir(control))) {
    spdlog::warn("{} is held by {}: a restore now would be refused", control, holder->Describe());
  } else if (operations::RestoreMarker::Read(session, control)) {
    spdlog::warn("a previous restore did not finish; a restore rolls it back");
  }
  spdlog::info("validating {}", storage.Describe());
  operations::StagedBackup staged(storage, operations::kMaxEntryBytes);
  BackupSummary summary = Validate(staged, "the backup", options);
  operations::CheckTarget(session, options, summary);
  spdlog::info("dry run: nothing written");
  RestoreStats stats;
  stats.items = summary.items;
  stats.versions = summary.versions;
  stats.bytes = summary.bytes;
  stats.has_storage_version = summary.storage_version.has_value();
  return stats;
}

// Validates the backup, then replaces the state with it (pass 1 and 2);
// `keep`: whether a safety backup is taken first.
void ValidateAndReplace(const RestoreOptions& options, StorageProvider& storage,
                        const operations::Owner& owner, bool keep, RestoreStats& stats) {
  // Pass 1: the whole backup must be readable and every entry acceptable
  // before anything is touched.
  spdlog::info("validating {}", storage.Describe());
  operations::StagedBackup staged(storage, operations::kMaxEntryBytes);
  BackupSummary summary = Validate(staged, "the backup", options);
  operations::CheckTarget(owner.session, options, summary);
  stats.items = summary.items;
  stats.versions = summary.versions;
  stats.bytes = summary.bytes;
  stats.has_storage_version = summary.storage_version.has_value();

  // Pass 2: keep the old state, mark, replace, unmark. A failure rolls back;
  // a crash leaves the marker for the next owner to roll back.
  operations::RestoreMarker marker{
      .safety_backup = keep ? TakeSafetyBackup(owner.session, options) : "",
      .restoring = storage.Describe(),
      .started = util::UtcText(options.env.now()),
      .host = util::HostName(),
      .no_rollback = !keep,
      .owner = owner.lock.fence(),
      .layout = options.layout};
  stats.safety_backup = marker.safety_backup;
  operations::AfterChange([&] { ReplaceMarked(owner, staged, options, summary, marker, stats); });
  // A signal that came once nothing could stop the restore any more.
  if (util::Interrupted()) {
    throw Error(std::string("interrupted by ") + util::SignalName(util::InterruptSignal()) +
                    " after the restore completed: the state is the backup's",
                ErrorKind::kInterrupted);
  }
  if (!marker.safety_backup.empty()) PruneSafetyBackups(options);  // a directory it checked
}

}  // namespace

namespace operations {

bool RecoverAsOwner(const RestoreOptions& options, const Owner& owner) {
  std::optional<operations::RestoreMarker> marker =
      operations::RestoreMarker::Read(owner.session, ScopeOf(options).control);
  if (!marker) return false;
  RefuseOtherLayout(*marker, options);
  AfterChange([&] { RollBack(owner, *marker, options); });
  return true;
}

RestoreStats RestoreAsOwner(const RestoreOptions& options, StorageProvider& storage,
                            const Owner& owner) {
  auto started = std::chrono::steady_clock::now();
  RestoreStats stats;
  const bool half_written = SettleInterrupted(owner, options, stats);
  if (half_written && options.merge) {
    throw Error(
        "a restore without a safety backup did not finish, so the tree is half-written; a merge "
        "would leave a mix: run baton restore (without --merge) to complete it",
        ErrorKind::kRefused);
  }
  const bool keep = options.safety_backup && !half_written;
  auto replace = [&] { ValidateAndReplace(options, storage, owner, keep, stats); };
  // Rolling back the previous restore changed the state already.
  if (stats.rolled_back_previous) {
    AfterChange(replace);
  } else {
    replace();
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  spdlog::info("restore complete: {} items, {} versions, {} bytes in {:.2f} s", stats.items,
               stats.versions, stats.bytes, seconds);
  return stats;
}

}  // namespace operations

bool RecoverInterruptedRestore(const RestoreOptions& options) {
  zk::ZkSession session(options.zk, options.timeouts);
  bool recovered = false;
  // Each layout keeps its restore marker in its own control path, so where
  // a marker is says which layout left it.
  for (const layout::Layout* layout : layout::All()) {
    RestoreOptions as = options;
    as.layout = std::string(layout->name());
    std::string control;
    try {
      control = ScopeOf(as).control;
    } catch (const Error&) {
      continue;  // a path that layout does not take
    }
    std::optional<operations::RestoreMarker> marker =
        operations::RestoreMarker::Read(session, control);
    if (!marker || !marker->Fits(as.layout)) continue;
    session.ShareStructureUnder(ScopeOf(as).control_family);
    std::unique_ptr<zk::ExclusiveLock> lock =
        operations::TakeOwnership(session, control, "baton recover", ScopeOf(as).control_family);
    recovered = operations::RecoverAsOwner(as, {session, *lock}) || recovered;
  }
  return recovered;
}

RestoreStats Restore(const RestoreOptions& options) {
  if (options.backup_location.find(storage::kTimePlaceholder) != std::string::npos) {
    throw Error("the restore location contains " + std::string(storage::kTimePlaceholder) +
                    ": name the one backup to restore",
                ErrorKind::kInvalidInput);
  }
  if (options.merge && !LayoutOf(options).CanMerge()) {
    throw Error("--merge takes the tree layout (--layout tree); " + options.layout +
                    "'s state is restored whole",
                ErrorKind::kInvalidInput);
  }
  std::unique_ptr<StorageProvider> storage = options.env.open_storage(options.backup_location);
  zk::ZkSession session(options.zk, options.timeouts);
  session.ShareStructureUnder(ScopeOf(options).control_family);
  if (options.dry_run) {
    if (!options.force) LayoutOf(options).RefuseWhileInUse(session, options.zk);
    return DryRun(session, *storage, options);
  }
  // The lock first: whether a service uses the tree is then asked of a tree
  // that no other restore is changing.
  std::unique_ptr<zk::ExclusiveLock> lock = operations::TakeOwnership(
      session, ScopeOf(options).control, "baton restore of " + storage->Describe(),
      ScopeOf(options).control_family);
  if (!options.force) LayoutOf(options).RefuseWhileInUse(session, options.zk);
  return operations::RestoreAsOwner(options, *storage, {session, *lock});
}

}  // namespace baton
