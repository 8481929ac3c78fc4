#include "baton/error.h"
#include "baton/storage.h"
#include "storage/backup_location.h"
#include "storage/file_storage.h"
#include "storage/s3/s3_storage.h"

namespace baton {

std::unique_ptr<StorageProvider> OpenStorage(const std::string& location) {
  storage::BackupLocation loc = storage::BackupLocation::Parse(location);
  if (loc.scheme == "file") {
    if (!loc.authority.empty() && loc.authority != "localhost") {
      throw Error("invalid backup location " + loc.Redacted() +
                      ": a file URI names a local path, e.g. file:///var/backups/marathon.tar",
                  ErrorKind::kInvalidInput);
    }
    if (loc.path.empty() || loc.path.front() != '/') {
      throw Error("invalid backup location " + loc.Redacted() +
                      ": the file path must be absolute, e.g. file:///var/backups/marathon.tar",
                  ErrorKind::kInvalidInput);
    }
    if (loc.path.back() == '/') {
      throw Error("invalid backup location " + loc.Redacted() + ": the path names a directory",
                  ErrorKind::kInvalidInput);
    }
    return std::make_unique<storage::FileStorage>(loc.path);
  }
  if (loc.scheme == "s3") {
    return storage::s3::S3Storage::FromLocation(location, storage::s3::ProcessEnvironment());
  }
  throw Error("invalid backup location: unknown scheme '" + loc.scheme + "' (supported: file, s3)",
              ErrorKind::kInvalidInput);
}

}  // namespace baton
