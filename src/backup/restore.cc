#include "baton/restore.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "backup/backup_check.h"
#include "backup/progress_counter.h"
#include "backup/staged_backup.h"
#include "backup/validation.h"
#include "baton/backup.h"
#include "baton/error.h"
#include "baton/storage.h"
#include "storage/backup_location.h"
#include "store/backup_item.h"
#include "store/restore_marker.h"
#include "store/store_writer.h"
#include "util/time_text.h"
#include "zk/batch_writer.h"
#include "zk/subtree.h"
#include "zk/zk_session.h"

namespace baton {
namespace {

// Refuses while a Marathon or baton serve leader is alive: it would write
// into the state while it is replaced.
void RefuseWhileALeaderIsAlive(zk::ZkSession& session, const ZkUrl& zk) {
  for (const char* election : {"/leader", "/leader-curator"}) {
    const std::string path = zk.path + election;
    for (const std::string& child : session.Children(path).value_or(std::vector<std::string>{})) {
      std::optional<std::string> who = session.Get(path + "/" + child);
      if (!who) continue;  // gone meanwhile
      throw Error("a leader is alive under " + path + " (" + (who->empty() ? child : *who) +
                  "): stop every Marathon or baton serve using " + zk.path +
                  " first, or pass --force");
    }
  }
}

// Validates a whole backup, for StagedBackup's first pass.
BackupSummary Validate(backup::StagedBackup& staged, const std::string& what,
                       const RestoreOptions& options) {
  BackupSummary summary;
  backup::ProgressCounter progress(options.progress, Progress::Phase::kChecking);
  uint64_t entries = 0;
  auto manifest = staged.Validate([&](archive::TarEntry& entry) {
    backup::CheckEntry(entry, summary, options.validation);
    if (++entries > options.max_entries) {
      throw Error("the backup holds more than " + std::to_string(options.max_entries) +
                  " entries, more than a Marathon state has: refused as a possible tar bomb "
                  "(--max_entries raises the limit)");
    }
    if (summary.bytes > options.max_bytes) {
      throw Error("the backup holds more than " + std::to_string(options.max_bytes) +
                  " bytes of data: refused as a possible tar bomb (--max_bytes raises the limit)");
    }
    progress.Add(entry.data.size());
  });
  backup::CheckWhole(summary, options.validation);
  progress.Finish();
  summary.acls_recorded = manifest && manifest->acls;
  if (manifest) summary.manifest_json = manifest->ToJson();
  spdlog::info("{} is valid: {} items, {} versions, {} bytes{}", what, summary.items,
               summary.versions, summary.bytes,
               manifest ? ", checksums and manifest verified" : " (Marathon format: no checksums)");
  return summary;
}

// Replaces the state with a validated backup: deletes it, then writes.
// Nodes get the ACLs the backup recorded, or else the session's.
uint64_t ReplaceState(zk::ZkSession& session, backup::StagedBackup& staged,
                      const RestoreOptions& options, const BackupSummary& summary) {
  const std::string state = options.zk.state_path();
  zk::BatchWriter writer(session, options.max_batch_bytes, options.max_batch_ops,
                         options.max_in_flight);
  session.EnsureContainers(state);
  uint64_t deleted = zk::DeleteDescendants(session, writer, state, options.max_reads_in_flight);
  spdlog::info("removed {} nodes under {}", deleted, state);

  std::unique_ptr<BackupSource> source = staged.Reopen();
  archive::BackupReader tar(*source, backup::kMaxEntryBytes);
  store::StoreWriter store(writer, state, summary.acls_recorded, &summary.valued_ids);
  backup::ProgressCounter progress(options.progress, Progress::Phase::kWriting,
                                   summary.items + summary.versions);
  archive::TarEntry entry;
  while (tar.Next(entry)) {
    store::BackupItem item = store::BackupItem::FromEntryName(entry.name);
    item.data = std::move(entry.data);
    progress.Add(item.data.size());
    if (const std::string* acl = entry.Attribute(archive::kAclAttribute)) item.acl = *acl;
    store.Write(std::move(item));
  }
  store.Finish();
  progress.Finish();
  return deleted;
}

// How often a restore writes the whole state again after a lost connection
// or an expired session before it gives up (and rolls back).
constexpr int kWriteAttempts = 3;

// Runs `step` until it completes, resuming the session after a lost
// connection or an expired session. Only for steps that start from scratch
// each time: ReplaceState deletes whatever a broken attempt wrote.
template <typename Step>
void WithResumes(zk::ZkSession& session, const char* what, Step step) {
  for (int attempt = 1;; ++attempt) {
    try {
      step();
      return;
    } catch (const zk::ConnectionLost& e) {
      if (attempt >= kWriteAttempts) throw;
      spdlog::warn("{}; {} again once ZooKeeper answers (attempt {} of {})", e.what(), what,
                   attempt + 1, kWriteAttempts);
      session.Resume();
    }
  }
}

// Puts back the state a marked restore replaced, then removes the marker.
void RollBack(zk::ZkSession& session, const store::RestoreMarker& marker,
              const RestoreOptions& options) {
  if (marker.no_rollback) {
    throw Error("the interrupted restore of " + marker.restoring + " (started " + marker.started +
                ") ran without a safety backup, so it cannot be rolled back: run baton restore "
                "again to complete it");
  }
  spdlog::warn("rolling back the restore of {} started {} on {}: restoring the safety backup {}",
               marker.restoring, marker.started, marker.host,
               marker.safety_backup.empty() ? "(none: there was no state)" : marker.safety_backup);
  if (marker.safety_backup.empty()) {
    WithResumes(session, "removing the state", [&] {
      zk::BatchWriter writer(session, options.max_batch_bytes, options.max_batch_ops,
                             options.max_in_flight);
      zk::DeleteDescendants(session, writer, options.zk.state_path(), options.max_reads_in_flight);
      session.Delete(options.zk.state_path());
    });
  } else {
    std::unique_ptr<StorageProvider> storage = OpenStorage(marker.safety_backup);
    backup::StagedBackup staged(*storage, backup::kMaxEntryBytes);
    // The state as it was: whatever its size, it goes back.
    RestoreOptions unlimited = options;
    unlimited.max_entries = unlimited.max_bytes = UINT64_MAX;
    unlimited.validation = {UINT64_MAX, true, true};
    BackupSummary summary;
    try {
      summary = Validate(staged, "the safety backup", unlimited);
    } catch (const Error& e) {
      throw Error("cannot roll back: the safety backup " + marker.safety_backup + " (written on " +
                  marker.host + ") cannot be used: " + e.what());
    }
    WithResumes(session, "writing the safety backup",
                [&] { ReplaceState(session, staged, options, summary); });
  }
  WithResumes(session, "removing the restore marker",
              [&] { store::RestoreMarker::Remove(session, options.zk.path); });
  spdlog::info("rolled back: the state is as it was before that restore");
}

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

// Backs up the current state to a local file before it is replaced; returns
// its location, or "" when there is no state to keep.
std::string TakeSafetyBackup(zk::ZkSession& session, const RestoreOptions& options) {
  if (!options.safety_backup || !session.Exists(options.zk.state_path())) return "";
  std::filesystem::create_directories(options.safety_backup_dir);
  std::string name = options.zk.path.substr(1);
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  BackupOptions backup{options.zk, options.timeouts,
                       "file://" + std::filesystem::absolute(options.safety_backup_dir).string() +
                           "/safety-" + name + "-{timestamp}.tar.zst"};
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
    throw Error(std::string("cannot save the current state before replacing it (") + e.what() +
                "); nothing was changed. Fix that, or pass --no_safety_backup to replace the "
                "state without a way back");
  }
  spdlog::info("safety backup of the current state: {}", stats.location);
  return stats.location;
}

}  // namespace

bool RecoverInterruptedRestore(const RestoreOptions& options) {
  zk::ZkSession session(options.zk, options.timeouts);
  std::optional<store::RestoreMarker> marker = store::RestoreMarker::Read(session, options.zk.path);
  if (!marker) return false;
  RollBack(session, *marker, options);
  return true;
}

RestoreStats Restore(const RestoreOptions& options) {
  if (options.backup_location.find(storage::kTimePlaceholder) != std::string::npos) {
    throw Error("the restore location contains " + std::string(storage::kTimePlaceholder) +
                ": name the one backup to restore");
  }
  std::unique_ptr<StorageProvider> storage = OpenStorage(options.backup_location);
  auto started = std::chrono::steady_clock::now();
  zk::ZkSession session(options.zk, options.timeouts);
  if (!options.force) RefuseWhileALeaderIsAlive(session, options.zk);

  RestoreStats stats;
  std::optional<store::RestoreMarker> interrupted =
      store::RestoreMarker::Read(session, options.zk.path);
  if (interrupted && !options.dry_run) {
    spdlog::warn("a previous restore did not finish");
    if (interrupted->no_rollback) {
      spdlog::warn("it ran without a safety backup; this restore replaces its state");
    } else {
      RollBack(session, *interrupted, options);
      stats.rolled_back_previous = true;
    }
  }

  // Pass 1: the whole backup must be readable and every entry acceptable
  // before anything is touched.
  spdlog::info("validating {}", storage->Describe());
  backup::StagedBackup staged(*storage, backup::kMaxEntryBytes);
  BackupSummary summary = Validate(staged, "the backup", options);
  backup::CheckTarget(session, options, summary);
  stats.items = summary.items;
  stats.versions = summary.versions;
  stats.bytes = summary.bytes;
  stats.has_storage_version = summary.storage_version.has_value();
  if (options.dry_run) {
    if (interrupted) spdlog::warn("a previous restore did not finish; a restore rolls it back");
    spdlog::info("dry run: nothing written");
    return stats;
  }

  // Pass 2: keep the old state, mark, replace, unmark. A failure rolls back;
  // a crash leaves the marker for the next restore, recover or serve.
  store::RestoreMarker marker{TakeSafetyBackup(session, options), storage->Describe(),
                              util::UtcText(std::chrono::system_clock::now()), HostName(),
                              !options.safety_backup};
  stats.safety_backup = marker.safety_backup;
  marker.Write(session, options.zk.path);
  try {
    WithResumes(session, "writing the state",
                [&] { stats.deleted_nodes = ReplaceState(session, staged, options, summary); });
  } catch (const Error& e) {
    spdlog::error("restore failed: {}", e.what());
    try {
      session.Resume();  // the failure may have left it disconnected
      RollBack(session, marker, options);
    } catch (const Error& again) {
      throw Error(std::string(e.what()) + "; rolling back failed too: " + again.what() +
                  " (the marker " + store::RestoreMarker::NodePath(options.zk.path) +
                  " stays: run baton recover with the same --zk)");
    }
    throw Error(std::string(e.what()) + " (rolled back to the state before the restore)");
  }
  WithResumes(session, "removing the restore marker",
              [&] { store::RestoreMarker::Remove(session, options.zk.path); });
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  spdlog::info("restore complete: {} items, {} versions, {} bytes in {:.2f} s", stats.items,
               stats.versions, stats.bytes, seconds);
  return stats;
}

}  // namespace baton
