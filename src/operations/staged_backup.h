// A backup read twice: once to validate every entry before anything in
// ZooKeeper is touched, and once to write. The second pass must see exactly
// the bytes the first one checked: a provider that can re-read the same
// object rewinds; otherwise the first pass keeps a local copy (an unnamed
// temporary file, mode 0600).
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "archive/backup_reader.h"
#include "baton/storage.h"
#include "util/temp_file.h"

namespace baton::operations {

class StagedBackup {
 public:
  StagedBackup(StorageProvider& storage, uint64_t max_entry_bytes);

  // Pass 1: reads every entry (checksums and manifest verified, see
  // BackupReader) and passes it to `check`, which throws to refuse. Returns
  // the manifest of a backup in Baton's format.
  std::optional<archive::Manifest> Validate(const std::function<void(archive::TarEntry&)>& check);
  // Pass 2: the same bytes again. Only after Validate().
  std::unique_ptr<BackupSource> Reopen();

 private:
  std::unique_ptr<BackupSource> source_;
  std::unique_ptr<util::TempFile> copy_;  // when the source cannot rewind
  uint64_t max_entry_bytes_;
};

}  // namespace baton::operations
