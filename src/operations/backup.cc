#include "baton/backup.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <vector>

#include "archive/backup_writer.h"
#include "baton/error.h"
#include "baton/storage.h"
#include "baton/version.h"
#include "layout/marathon/tree_reader.h"
#include "operations/ownership.h"
#include "operations/progress_counter.h"
#include "operations/restore_marker.h"
#include "storage/backup_location.h"
#include "util/temp_file.h"
#include "util/time_text.h"
#include "zk/fingerprints.h"
#include "zk/quiet_window.h"
#include "zk/zk_session.h"

namespace baton {
namespace {

// Replies may hold this many bytes at once while the tree is read.
constexpr size_t kMaxBytesInFlight = 64 << 20;

archive::Compression ChooseCompression(const BackupOptions& options, const std::string& location) {
  if (options.compression != "auto") {
    archive::Compression chosen = archive::ParseCompression(options.compression);
    if (options.format == ArchiveFormat::kMarathon && chosen != archive::Compression::kNone) {
      throw Error("--format marathon writes a plain tar (Marathon reads no compression)");
    }
    return chosen;
  }
  if (options.format == ArchiveFormat::kMarathon) return archive::Compression::kNone;
  return archive::CompressionForPath(storage::BackupLocation::Parse(location).path);
}

// A stream (a pipe, a device) cannot take back an attempt that turns out
// not to be a point in time: each attempt goes to an unnamed temporary file,
// copied to the stream once it is proven.
class Spool : public BackupSink {
 public:
  explicit Spool(BackupSink& stream) : stream_(stream) {}
  void Write(const void* data, size_t size) override { file_.Write(data, size); }
  void Commit() override {
    std::vector<char> buffer(1 << 20);
    file_.Rewind();
    while (size_t n = file_.Read(buffer.data(), buffer.size())) stream_.Write(buffer.data(), n);
    stream_.Commit();
  }

 private:
  BackupSink& stream_;
  util::TempFile file_;
};

}  // namespace

BackupStats Backup(const BackupOptions& options) {
  // Refuse a bad location before connecting to anything.
  const std::string location =
      storage::ExpandTimePlaceholder(options.backup_location, std::chrono::system_clock::now());
  std::unique_ptr<StorageProvider> storage = OpenStorage(location);
  archive::Compression compression = ChooseCompression(options, location);
  // Opened first, so an unwritable location fails before any ZooKeeper work.
  std::unique_ptr<BackupSink> sink = storage->Create();
  std::unique_ptr<Spool> spool;  // for a stream sink, the current attempt
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
  // Baton's format records each node's ACL; Marathon's has no place for it.
  const bool acls = options.acls && options.format == ArchiveFormat::kBaton;
  marathon::TreeReader reader(session, options.max_in_flight, kMaxBytesInFlight, acls);
  // The number of ids makes the walk's progress a fraction (values read of
  // ids known); counting them costs a request per bucket.
  const uint64_t ids = options.progress ? marathon::TreeReader::CountIds(session, state) : 0;
  for (int attempt = 1;; ++attempt) {
    if (!sink) sink = storage->Create();  // the last attempt's was discarded
    if (!sink->discardable()) spool = std::make_unique<Spool>(*sink);
    try {
      // Point in time: read everything, then check that nothing read has
      // changed since. If so, the backup is the tree as of the newest zxid read.
      // When the ensemble wrote nothing at all meanwhile, that needs no check.
      session.Sync(state);
      // No restore may run, nor start, while the tree is read (checked again
      // after the walk): its half-written state is no point in time.
      operations::RestoreEpoch epoch = operations::RestoreEpoch::Begin(session, options.zk.path);
      zk::QuietWindow window(session, options.zk.path + "/" + operations::kBackupMarkerPrefix,
                             "backup to " + storage->Describe());
      zk::Fingerprints prints;
      archive::BackupWriter archive(spool ? *spool : *sink, std::time(nullptr), options.format,
                                    compression);
      operations::ProgressCounter progress(options.progress, Progress::Phase::kReading, ids);
      marathon::ItemCounts counts;
      reader.Read(
          state,
          [&](marathon::BackupItem&& item) {
            archive.Add(item.EntryName(), item.data, item.acl);
            counts.Add(item);
            progress.Add(item.data.size(), !item.version);  // ids are done with their value
          },
          &prints);
      progress.Finish();
      const bool quiet = window.Close();
      std::optional<std::string> changed;
      if (!quiet) {
        session.Sync(state);
        changed = prints.FirstChange(session, options.max_in_flight);
      }
      // Even a quiet walk: a restore may have marked and begun before the
      // window opened.
      if (!changed && !epoch.Unchanged(session)) changed = "a restore into " + options.zk.path;
      if (changed) {
        if (attempt >= options.consistency_attempts) {
          throw Error("the tree kept changing while it was read (" + std::to_string(attempt) +
                      " attempts; last change at " + *changed +
                      "): stop the writers (Marathon or baton serve) or retry later");
        }
        spdlog::warn("{} changed while the tree was read; reading it again (attempt {} of {})",
                     *changed, attempt + 1, options.consistency_attempts);
        if (!spool) sink.reset();  // discarded: never committed
        continue;
      }
      archive::Manifest manifest;
      manifest.tool = std::string("baton ") + kVersion;
      manifest.created = util::UtcText(std::chrono::system_clock::now());
      manifest.zk_hosts = options.zk.hosts;
      manifest.zk_path = options.zk.path;
      manifest.acls = acls;
      manifest.items = counts.items;
      manifest.versions = counts.versions;
      manifest.storage_version = counts.storage_version;
      manifest.zxid_start = prints.first();
      manifest.zxid_end = quiet ? window.start_zxid() : prints.newest();
      manifest = archive.Finish(std::move(manifest));
      stats.items = manifest.items;
      stats.versions = manifest.versions;
      stats.bytes = manifest.bytes;
      stats.has_storage_version = manifest.storage_version.has_value();
      stats.zxid = manifest.zxid_end.value_or(0);
      stats.quiet = quiet;
      stats.attempts = attempt;
      break;
    } catch (const zk::ConnectionLost& e) {
      // What was read is discarded and the tree read again, through another
      // server of the ensemble or a new session.
      if (attempt >= options.consistency_attempts) throw;
      spdlog::warn("{}; reading the tree again (attempt {} of {})", e.what(), attempt + 1,
                   options.consistency_attempts);
      if (!spool) sink.reset();
      session.Resume();
    }
  }
  if (spool) {
    spool->Commit();
  } else {
    sink->Commit();
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  spdlog::info(
      "backup complete: {} items, {} versions, {} bytes in {:.2f} s; the tree as of zxid "
      "0x{:x} ({})",
      stats.items, stats.versions, stats.bytes, seconds, stats.zxid,
      stats.quiet ? "nothing was written meanwhile" : "every node read was checked again");
  return stats;
}

}  // namespace baton
