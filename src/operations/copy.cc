#include "baton/copy.h"

#include <spdlog/spdlog.h>
#include <zookeeper/zookeeper.h>

#include "baton/error.h"
#include "operations/validation.h"
#include "storage/spool_storage.h"
#include "zk/zk_session.h"

namespace baton {
namespace {

// The one location that names the spool; every other (the safety backup, an
// interrupted restore's) opens as usual.
constexpr char kSpoolLocation[] = "baton-copy-spool:";

// The spool as a location the backup writes to and the restore reads from:
// each opens it for itself, the spool stays the copy's.
class BorrowedStorage : public StorageProvider {
 public:
  explicit BorrowedStorage(StorageProvider& storage) : storage_(storage) {}
  std::unique_ptr<BackupSink> Create() override { return storage_.Create(); }
  std::unique_ptr<BackupSource> Open() override { return storage_.Open(); }
  std::string Describe() const override { return storage_.Describe(); }

 private:
  StorageProvider& storage_;
};

// Whether the source's root is on the target's ensemble too: one of its
// servers is named by both, or the target holds the source's very node (the
// same creation zxid and time; a hostname and an address name one server).
bool OneEnsemble(const CopyOptions& options, zk::ZkSession& from) {
  if (operations::ShareAServer(options.source.hosts, options.target.zk.hosts)) return true;
  Stat source{}, target{};
  if (!from.Get(options.source.path, &source)) return false;
  zk::ZkSession to(options.target.zk, options.target.timeouts);
  if (!to.Get(options.source.path, &target)) return false;
  return source.czxid == target.czxid && source.ctime == target.ctime;
}

// A copy into its own source would read what it writes; one over its source
// would delete what it reads.
void RefuseOverlap(const CopyOptions& options, zk::ZkSession& source) {
  const std::string& from = options.source.path;
  const std::string& to = options.target.zk.path;
  const bool into = operations::PathWithin(to, from), over = operations::PathWithin(from, to);
  if ((!into && !over) || !OneEnsemble(options, source)) return;
  throw Error("cannot copy " + from + " to " + to + " on the same ensemble: the target " +
                  (from == to ? "is the source"
                   : into     ? "is inside the source"
                              : "holds the source"),
              ErrorKind::kInvalidInput);
}

}  // namespace

CopyStats Copy(const CopyOptions& options) {
  {
    zk::ZkSession from(options.source, options.source_timeouts);
    RefuseOverlap(options, from);
    if (!from.Exists(options.source.path)) {
      throw Error("nothing to copy: " + options.source.path + " does not exist on " +
                      options.source.hosts + " (check the source URL)",
                  ErrorKind::kInvalidInput);
    }
  }
  storage::SpoolStorage spool(options.spool_dir);
  Env env = options.target.env;
  env.open_storage = [&spool, open = options.target.env.open_storage](
                         const std::string& location) -> std::unique_ptr<StorageProvider> {
    if (location == kSpoolLocation) return std::make_unique<BorrowedStorage>(spool);
    return open(location);
  };
  CopyStats stats;
  BackupOptions read{.zk = options.source,
                     .timeouts = options.source_timeouts,
                     .layout = "tree",
                     .backup_location = kSpoolLocation,
                     .acls = options.acls,
                     .multi_read = options.multi_read,
                     .exclude = options.exclude,
                     .skip_unreadable = options.skip_unreadable,
                     .compression = "zstd",
                     .record = false,  // a private spool, deleted after
                     .consistency_attempts = options.consistency_attempts,
                     .progress = options.target.progress,
                     .env = env};
  spdlog::info("reading {} from {} into {}", options.source.path, options.source.Redacted(),
               spool.Describe());
  stats.read = Backup(read);
  stats.spooled_bytes = spool.size();

  RestoreOptions write = options.target;
  write.layout = "tree";
  write.backup_location = kSpoolLocation;
  write.to_other_path = true;  // both paths were named
  write.env = env;
  spdlog::info("writing it into {} on {}", write.zk.path, write.zk.Redacted());
  stats.written = Restore(write);
  return stats;
}

}  // namespace baton
