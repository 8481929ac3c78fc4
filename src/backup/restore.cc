#include "baton/restore.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "backup/backup_check.h"
#include "backup/staged_backup.h"
#include "baton/error.h"
#include "baton/storage.h"
#include "storage/backup_location.h"
#include "store/backup_item.h"
#include "store/storage_version.h"
#include "store/store_writer.h"
#include "zk/batch_writer.h"
#include "zk/subtree.h"
#include "zk/zk_session.h"

namespace baton {
namespace {}  // namespace

RestoreStats Restore(const RestoreOptions& options) {
  if (options.backup_location.find(storage::kTimePlaceholder) != std::string::npos) {
    throw Error("the restore location contains " + std::string(storage::kTimePlaceholder) +
                ": name the one backup to restore");
  }
  std::unique_ptr<StorageProvider> storage = OpenStorage(options.backup_location);
  auto started = std::chrono::steady_clock::now();
  zk::ZkSession session(options.zk, options.timeouts);
  const std::string state = options.zk.state_path();

  // Pass 1: the whole backup must be readable and every entry acceptable
  // before anything is deleted.
  spdlog::info("validating {}", storage->Describe());
  backup::StagedBackup staged(*storage, backup::kMaxEntryBytes);
  BackupSummary summary;
  std::optional<archive::Manifest> manifest =
      staged.Validate([&summary](archive::TarEntry& entry) { backup::CheckEntry(entry, summary); });
  RestoreStats stats;
  stats.items = summary.items;
  stats.versions = summary.versions;
  stats.bytes = summary.bytes;
  stats.has_storage_version = summary.storage_version.has_value();
  spdlog::info("backup is valid: {} items, {} versions, {} bytes{}", stats.items, stats.versions,
               stats.bytes,
               manifest ? ", checksums and manifest verified" : " (Marathon format: no checksums)");

  // Pass 2: replace the state.
  zk::BatchWriter writer(session, options.max_batch_bytes, options.max_batch_ops,
                         options.max_in_flight);
  session.EnsureContainers(state);
  stats.deleted_nodes = zk::DeleteDescendants(session, writer, state, options.max_reads_in_flight);
  spdlog::info("removed {} nodes under {}", stats.deleted_nodes, state);

  std::unique_ptr<BackupSource> source = staged.Reopen();
  archive::BackupReader tar(*source, backup::kMaxEntryBytes);
  store::StoreWriter store(writer, state);
  archive::TarEntry entry;
  while (tar.Next(entry)) {
    store::BackupItem item = store::BackupItem::FromEntryName(entry.name);
    item.data = std::move(entry.data);
    store.Write(std::move(item));
  }
  store.Finish();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  spdlog::info("restore complete: {} items, {} versions, {} bytes in {:.2f} s", stats.items,
               stats.versions, stats.bytes, seconds);
  return stats;
}

}  // namespace baton
