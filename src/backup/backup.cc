#include "baton/backup.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>

#include "archive/tar_writer.h"
#include "baton/error.h"
#include "baton/storage.h"
#include "storage/backup_location.h"
#include "zk/tree_reader.h"
#include "zk/zk_session.h"

namespace baton {
namespace {

// Replies may hold this many bytes at once while the tree is read.
constexpr size_t kMaxBytesInFlight = 64 << 20;

}  // namespace

BackupStats Backup(const BackupOptions& options) {
  // Refuse a bad location before connecting to anything.
  const std::string location =
      storage::ExpandTimePlaceholder(options.backup_location, std::chrono::system_clock::now());
  std::unique_ptr<StorageProvider> storage = OpenStorage(location);
  // Opened first, so an unwritable location fails before any ZooKeeper work.
  std::unique_ptr<BackupSink> sink = storage->Create();
  auto started = std::chrono::steady_clock::now();
  zk::ZkSession session(options.zk, options.timeouts);
  const std::string state = options.zk.state_path();
  if (!session.Exists(state)) {
    throw Error("nothing to back up: " + state + " does not exist on " + options.zk.hosts +
                " (check the path in --zk)");
  }
  spdlog::info("backing up {} to {}", state, storage->Describe());

  BackupStats stats;
  stats.location = storage->Describe();
  archive::TarWriter tar(*sink, std::time(nullptr));
  zk::TreeReader reader(session, options.max_in_flight, kMaxBytesInFlight);
  reader.Read(state, [&](store::BackupItem&& item) {
    tar.Add(item.EntryName(), item.data);
    stats.bytes += item.data.size();
    if (item.is_storage_version()) {
      stats.has_storage_version = true;
    } else if (item.version) {
      ++stats.versions;
    } else {
      ++stats.items;
    }
  });
  tar.Finish();
  sink->Commit();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  spdlog::info("backup complete: {} items, {} versions, {} bytes in {:.2f} s", stats.items,
               stats.versions, stats.bytes, seconds);
  return stats;
}

}  // namespace baton
