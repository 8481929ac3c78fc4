#include "baton/backup.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <vector>

#include "archive/writer_thread.h"
#include "baton/catalogue.h"
#include "baton/error.h"
#include "baton/storage.h"
#include "baton/version.h"
#include "layout/layout.h"
#include "operations/after_change.h"
#include "operations/ownership.h"
#include "operations/progress_counter.h"
#include "operations/restore_marker.h"
#include "storage/backup_location.h"
#include "util/digest.h"
#include "util/printable.h"
#include "util/temp_file.h"
#include "util/time_text.h"
#include "zk/acl.h"
#include "zk/fingerprints.h"
#include "zk/quiet_window.h"
#include "zk/wire/multi_read_reader.h"
#include "zk/wire/read_path.h"
#include "zk/zk_session.h"

namespace baton {
namespace {

using operations::kBackupMarkerPrefix;
using operations::ProgressCounter;
using operations::RestoreEpoch;

// Replies may hold this many bytes at once while the tree is read.
constexpr size_t kMaxBytesInFlight = 64 << 20;
// Sessions beside the batches' that carry a walk's getACL requests. Measured
// on 100,000 nodes (README, "Performance"): 4.5 s with none, 3.5 s with 3,
// 3.1 s with 5 to 11; the server spends less per request on more sessions.
constexpr int kAclSessions = 4;

archive::Compression ChooseCompression(const BackupOptions& options, const std::string& location) {
  if (options.compression != "auto") {
    archive::Compression chosen = archive::ParseCompression(options.compression);
    if (options.format == ArchiveFormat::kMarathon && chosen != archive::Compression::kNone) {
      throw Error("--format marathon writes a plain tar (Marathon reads no compression)",
                  ErrorKind::kInvalidInput);
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

// One read of the tree into `sink`: the manifest if it is a point in time,
// else where it changed.
struct Attempt {
  std::optional<std::string> changed;
  archive::Manifest manifest;
  bool quiet = false;
  uint64_t archive_bytes = 0;  // as committed
  std::string archive_sha256;
};

// Counts and hashes what goes to the location, for the catalogue record.
class HashingSink : public BackupSink {
 public:
  explicit HashingSink(BackupSink& inner) : inner_(inner) {}
  void Write(const void* data, size_t size) override {
    hash_.Update(std::string_view(static_cast<const char*>(data), size));
    bytes_ += size;
    inner_.Write(data, size);
  }
  void Commit() override { inner_.Commit(); }
  bool discardable() const override { return inner_.discardable(); }
  uint64_t bytes() const { return bytes_; }
  std::string HexDigest() { return hash_.HexDigest(); }

 private:
  BackupSink& inner_;
  util::Sha256 hash_;
  uint64_t bytes_ = 0;
};

// Everything one backup reads with and writes to, for each of its attempts.
struct Job {
  const BackupOptions& options;
  zk::ZkSession& session;
  const layout::Layout& layout;
  layout::Scope scope;
  bool multi_read = false;  // zk::wire::SupportsMultiRead; off once a server refuses it
  layout::ReadOptions read;
  archive::Compression compression;
  std::string where;   // the location, as the operator may see it
  uint64_t units = 0;  // the progress total
};

// Walks the tree into `archive`, counting into `tally` and recording what
// it read in `prints`.
void Walk(const Job& job, zk::wire::WalkReads& reads, archive::WriterThread& archive,
          layout::Tally& tally, zk::Fingerprints& prints) {
  ProgressCounter progress(job.options.progress, Progress::Phase::kReading, job.units);
  auto add = [&](layout::Entry&& entry) {
    if (zk::Acl::IsMasked(entry.acl)) {
      throw Error("cannot record the ACL of backup entry '" + util::Printable(entry.name) +
                  "': ZooKeeper hides digest hashes from a session without ADMIN on the node. "
                  "Back up with --zk credentials that have it, or --no_acls");
    }
    const size_t bytes = entry.data.size();
    archive.Add(std::move(entry.name), std::move(entry.data), std::move(entry.acl),
                std::move(entry.attributes));
    progress.Add(bytes, entry.completes_unit);
  };
  reads.Sync(job.scope.data);  // in the window: the walk sees every write before the marker
  job.layout.Read(job.session, reads.reader(), job.scope.data, job.read, add, tally, &prints);
  progress.Finish();
}

// The manifest of a walk that counted `tally`, but for its zxids.
archive::Manifest ManifestOf(const Job& job, const layout::Tally& tally) {
  const BackupOptions& options = job.options;
  archive::Manifest manifest;
  manifest.tool = std::string("baton ") + kVersion;
  manifest.created = util::UtcText(options.env.now());
  manifest.zk_hosts = options.zk.hosts;
  manifest.zk_path = options.zk.path;
  manifest.layout = std::string(job.layout.name());
  manifest.format_version = job.layout.ManifestFormatVersion();
  manifest.acls = job.read.acls;
  manifest.items = tally.items;
  manifest.versions = tally.versions;
  manifest.ephemerals = tally.ephemerals;
  manifest.unreadable = tally.unreadable;
  manifest.excluded = job.read.exclude;
  manifest.storage_version = tally.storage_version;
  return manifest;
}

// Whether the state exists. When it does not, a restore (running or cut
// off) may have emptied it, and the server reaped the empty container: that
// restore is the answer, not "nothing to back up", and is refused here.
bool StateExistsOrRefuse(zk::ZkSession& session, const layout::Scope& scope) {
  if (session.Exists(scope.data)) return true;
  operations::RefuseWhileRestoring(session, scope.control);
  return false;
}

Attempt ReadOnce(const Job& job, BackupSink& sink) {
  const BackupOptions& options = job.options;
  const std::string& state = job.scope.data;
  const std::string& control = job.scope.control;
  // Point in time: read everything, then check that nothing read has
  // changed since. If so, the backup is the tree as of the newest zxid read.
  // When the ensemble wrote nothing at all meanwhile, that needs no check.
  job.session.Sync(state);
  // Opening a session is a write: before the window.
  zk::wire::WalkReads reads(job.session, options.timeouts, job.multi_read,
                            job.read.acls ? kAclSessions : 0);
  // No restore may run, nor start, while the tree is read (checked again
  // after the walk): its half-written state is no point in time.
  RestoreEpoch epoch = RestoreEpoch::Begin(job.session, control, job.scope.control_family);
  zk::QuietWindow window(job.session, control + "/" + kBackupMarkerPrefix,
                         "backup to " + job.where);
  zk::Fingerprints prints;
  // Written on a thread of its own while the walk reads on.
  archive::WriterThread archive(sink, std::chrono::system_clock::to_time_t(options.env.now()),
                                options.format, job.compression);
  layout::Tally tally;
  try {
    Walk(job, reads, archive, tally, prints);
  } catch (const zk::ConnectionLost&) {
    throw;  // the caller resumes first; the next walk meets this again
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kInterrupted) StateExistsOrRefuse(job.session, job.scope);
    throw;
  }
  Attempt attempt;
  attempt.quiet = window.Close();
  if (!attempt.quiet) {
    reads.Sync(state);
    attempt.changed = prints.FirstChange(reads.reader(), options.max_in_flight);
  }
  // Even a quiet walk: a restore may have marked and begun before the
  // window opened.
  if (!attempt.changed && !epoch.Unchanged(job.session)) {
    attempt.changed = "a restore into " + control;
  }
  if (attempt.changed) return attempt;
  archive::Manifest manifest = ManifestOf(job, tally);
  manifest.zxid_start = prints.first();
  manifest.zxid_end = attempt.quiet ? window.start_zxid() : prints.newest();
  attempt.manifest = archive.Finish(std::move(manifest));
  return attempt;
}

// Reads until an attempt is a point in time, at most
// options.consistency_attempts times; commits that one to the location.
Attempt ReadUntilConsistent(Job& job, StorageProvider& storage, std::unique_ptr<BackupSink> sink,
                            int& attempts) {
  const int limit = job.options.consistency_attempts;
  bool lost = false;  // the last attempt lost its connection: resume first
  for (attempts = 1;; ++attempts) {
    if (!sink) sink = storage.Create();  // the last attempt's was discarded
    // A stream cannot take an attempt back: each goes to a spool first.
    std::unique_ptr<Spool> spool;
    if (!sink->discardable()) spool = std::make_unique<Spool>(*sink);
    try {
      // Resumed here, not in the handler: a connection lost while resuming
      // is one more attempt too.
      if (lost) job.session.Resume();
      lost = false;
      // The total makes the walk's progress a fraction; counting costs a
      // request per bucket, and a lost connection here is retried like one
      // in the walk.
      if (job.options.progress && job.units == 0) {
        job.units = job.layout.CountUnits(job.session, job.scope.data);
      }
      HashingSink hashed(spool ? *spool : *sink);
      Attempt attempt = ReadOnce(job, hashed);
      if (!attempt.changed) {
        hashed.Commit();
        attempt.archive_bytes = hashed.bytes();
        attempt.archive_sha256 = hashed.HexDigest();
        return attempt;
      }
      if (attempts >= limit) {
        throw Error("the tree kept changing while it was read (" + std::to_string(attempts) +
                    " attempts; last change at " + *attempt.changed +
                    "): stop the writers (Marathon or baton serve) or retry later");
      }
      spdlog::warn("{} changed while the tree was read; reading it again (attempt {} of {})",
                   *attempt.changed, attempts + 1, limit);
    } catch (const zk::wire::MultiReadRefused& e) {
      // A server before 3.6 in a mixed ensemble: read again, pipelined.
      zk::wire::NoteMultiReadRefused(job.options.zk, e.what());
      job.multi_read = false;
      if (attempts >= limit) throw;
    } catch (const zk::ConnectionLost& e) {
      // What was read is discarded and the tree read again, through another
      // server of the ensemble or a new session.
      if (attempts >= limit) throw;
      spdlog::warn("{}; reading the tree again (attempt {} of {})", e.what(), attempts + 1, limit);
      lost = true;
    }
    if (!spool) sink.reset();  // discarded: never committed
  }
}

// Beside the backup: what `baton list`, --latest and prune read. Written
// after the backup, so a record always names a whole backup.
void WriteRecord(const BackupOptions& options, const std::string& location, const Attempt& done) {
  const archive::Manifest& m = done.manifest;
  const size_t query = location.find('?');
  const std::string path = location.substr(0, query);
  // Named as a listing names it: decoded ("a%20b.tar" is "a b.tar").
  const std::string decoded = storage::BackupLocation::Parse(location).path;
  CatalogueRecord record{.backup = decoded.substr(decoded.rfind('/') + 1),
                         .format = std::string(ArchiveFormatName(options.format)),
                         .archive_bytes = done.archive_bytes,
                         .archive_sha256 = done.archive_sha256,
                         .created = m.created,
                         .tool = m.tool,
                         .zk_hosts = m.zk_hosts,
                         .zk_path = m.zk_path,
                         .layout = m.layout,
                         .compression = m.compression,
                         .zxid = m.zxid_end.value_or(0),
                         .items = m.items,
                         .versions = m.versions,
                         .bytes = m.bytes};
  const std::string text = record.ToJson();
  const std::string at =
      path + kCatalogueSuffix + (query == std::string::npos ? "" : location.substr(query));
  try {
    std::unique_ptr<BackupSink> sink = options.env.open_storage(at)->Create();
    sink->Write(text.data(), text.size());
    sink->Commit();
  } catch (const Error& e) {
    throw Error(
        "the backup was written, but not its record beside it (so `baton list`, "
        "--latest and prune do not know it): " +
            std::string(e.what()),
        e.kind());
  }
}

// Refuses what `layout` cannot honour: Marathon's archive format, leaving
// nodes out, and an --exclude glob that could match nothing.
void RefuseUnfitFlags(const BackupOptions& options, const layout::Layout& layout) {
  if (!layout.FitsMarathonFormat() && options.format == ArchiveFormat::kMarathon) {
    throw Error("Marathon's archive format holds only Marathon's layout: a --layout " +
                    std::string(layout.name()) + " backup is written in the baton format",
                ErrorKind::kInvalidInput);
  }
  if ((!options.exclude.empty() || options.skip_unreadable) && !layout.CanLeaveNodesOut()) {
    throw Error(std::string(options.skip_unreadable ? "--skip_unreadable" : "--exclude") +
                    " is for the tree layout (--layout tree)",
                ErrorKind::kInvalidInput);
  }
  for (const std::string& glob : options.exclude) {
    // Matched against the path below the root, which starts with '/': any
    // other glob would silently match nothing.
    if (!glob.starts_with('/')) {
      throw Error("--exclude " + glob + ": a glob of the path below " + options.zk.path +
                      ", starting with / (e.g. /" + glob + ")",
                  ErrorKind::kInvalidInput);
    }
  }
}

// Refuses a backup of a state that is not there.
void RequireState(zk::ZkSession& session, const layout::Scope& scope,
                  const BackupOptions& options) {
  if (!StateExistsOrRefuse(session, scope)) {
    throw Error("nothing to back up: " + scope.data + " does not exist on " + options.zk.hosts +
                    " (check the path in --zk)",
                ErrorKind::kInvalidInput);
  }
}

// What the committed attempt holds, into `stats`.
void AddCounts(const Attempt& done, BackupStats& stats) {
  stats.items = done.manifest.items;
  stats.versions = done.manifest.versions;
  stats.ephemerals = done.manifest.ephemerals;
  stats.unreadable = done.manifest.unreadable;
  stats.bytes = done.manifest.bytes;
  stats.has_storage_version = done.manifest.storage_version.has_value();
  stats.zxid = done.manifest.zxid_end.value_or(0);
  stats.quiet = done.quiet;
}

}  // namespace

BackupStats Backup(const BackupOptions& options) {
  // Refuse a bad location before connecting to anything.
  const std::string location =
      storage::ExpandTimePlaceholder(options.backup_location, options.env.now());
  std::unique_ptr<StorageProvider> storage = options.env.open_storage(location);
  archive::Compression compression = ChooseCompression(options, location);
  // Opened first, so an unwritable location fails before any ZooKeeper work.
  std::unique_ptr<BackupSink> sink = storage->Create();
  const bool discardable = sink->discardable();  // a stream has nothing beside it
  auto started = std::chrono::steady_clock::now();
  zk::ZkSession session(options.zk, options.timeouts);
  const layout::Layout& layout = layout::Named(options.layout);
  const layout::Scope scope = layout.ScopeOf(options.zk);
  session.ShareStructureUnder(scope.control_family);
  RefuseUnfitFlags(options, layout);
  RequireState(session, scope, options);
  spdlog::info("backing up {} to {}", scope.data, storage->Describe());
  // Baton's format records each node's ACL; Marathon's has no place for it.
  const bool acls = options.acls && options.format == ArchiveFormat::kBaton;
  Job job{
      .options = options,
      .session = session,
      .layout = layout,
      .scope = scope,
      .multi_read = options.multi_read && zk::wire::SupportsMultiRead(options.zk, options.timeouts),
      .read = {.max_in_flight = options.max_in_flight,
               .max_bytes_in_flight = kMaxBytesInFlight,
               .acls = acls,
               .exclude = options.exclude,
               .skip_unreadable = options.skip_unreadable},
      .compression = compression,
      .where = storage->Describe()};
  BackupStats stats;
  stats.location = storage->Describe();
  Attempt done = ReadUntilConsistent(job, *storage, std::move(sink), stats.attempts);
  AddCounts(done, stats);
  if (options.record && discardable) {
    operations::AfterChange([&] { WriteRecord(options, location, done); });  // the backup stands
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
