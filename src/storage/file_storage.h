// The file:// storage provider. A backup is written under a temporary name in
// the target directory (".NAME.partial-N", mode 0600, locked with flock while
// written), fsynced, and renamed into place, so a crash or error never leaves
// a partial file under the final name. Partial files that no running Baton
// holds (left by a killed one) are swept when a new backup starts there.
#pragma once

#include <string>

#include "baton/storage.h"

namespace baton::storage {

class FileStorage : public StorageProvider {
 public:
  explicit FileStorage(std::string path);  // an absolute path
  std::unique_ptr<BackupSink> Create() override;
  std::unique_ptr<BackupSource> Open() override;
  std::string Describe() const override { return "file://" + path_; }

 private:
  std::string path_;
};

// Makes `dir` fit to hold safety backups (the replaced state, secrets
// included): creates it (and missing parents) with mode 0700 if missing;
// throws baton::Error if it is a symbolic link, not a directory, not owned
// by the effective user, or writable by group or others.
void PrepareSafetyDirectory(const std::string& dir);

}  // namespace baton::storage
