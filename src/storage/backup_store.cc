#include "storage/backup_store.h"

#include <sys/stat.h>

#include "baton/error.h"
#include "storage/backup_location.h"
#include "storage/file_store.h"
#include "storage/s3/s3_store.h"

namespace baton::storage {
namespace {

std::string FileDirectory(const BackupLocation& loc, const std::string& text) {
  if ((!loc.authority.empty() && loc.authority != "localhost") || !loc.path.starts_with('/')) {
    throw Error("invalid backup prefix " + text +
                    ": a file URI names an absolute local path, e.g. file:///var/backups/zk",
                ErrorKind::kInvalidInput);
  }
  std::string dir = loc.path;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

}  // namespace

std::unique_ptr<BackupStore> OpenStore(const std::string& prefix) {
  // A backup location template (dir/zk-{timestamp}.tar) names the store its
  // backups go to, so one setting serves backup, list and prune.
  if (prefix.find(kTimePlaceholder) != std::string::npos) {
    if (std::unique_ptr<BackupStore> store = StoreOf(prefix)) return store;
  }
  BackupLocation loc = BackupLocation::Parse(prefix);
  if (loc.scheme == "file") return std::make_unique<FileStore>(FileDirectory(loc, prefix));
  if (loc.scheme == "s3") {
    return std::make_unique<s3::S3Store>(
        s3::ParseS3Target(prefix, s3::ProcessEnvironment(), /*prefix=*/true),
        s3::ProcessEnvironment());
  }
  throw Error("invalid backup prefix: unknown scheme '" + loc.scheme + "' (supported: file, s3)",
              ErrorKind::kInvalidInput);
}

std::unique_ptr<BackupStore> StoreOf(const std::string& location) {
  BackupLocation loc = BackupLocation::Parse(location);
  if (loc.scheme == "file") {
    const std::string path = FileDirectory(loc, loc.Redacted());
    struct stat st {};
    // A device or a FIFO is a stream, not an object of a directory.
    if (stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) return nullptr;
    const size_t slash = path.rfind('/');
    return std::make_unique<FileStore>(slash == 0 ? "" : path.substr(0, slash));
  }
  if (loc.scheme == "s3") {
    s3::S3Target target = s3::ParseS3Target(location, s3::ProcessEnvironment(), false);
    target.key.resize(target.key.rfind('/') + 1);  // npos + 1: the bucket's top
    return std::make_unique<s3::S3Store>(std::move(target), s3::ProcessEnvironment());
  }
  return nullptr;
}

}  // namespace baton::storage
