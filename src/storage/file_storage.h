// The file:// storage provider. A backup is written under a temporary name in
// the target directory, fsynced, and renamed into place, so a crash or error
// never leaves a partial file under the final name.
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

}  // namespace baton::storage
