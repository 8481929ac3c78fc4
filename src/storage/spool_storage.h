// A backup location that lives only as long as the command: an unnamed
// temporary file (util::TempFile), for a backup that is written once and read
// back by the same process (baton copy reads the whole source before it
// touches the target). Nothing is left behind, however the process ends.
//
// Thread safety: none; one thread writes, then one source reads at a time.
#pragma once

#include <memory>
#include <string>

#include "baton/storage.h"
#include "util/temp_file.h"

namespace baton::storage {

class SpoolStorage : public StorageProvider {
 public:
  // Spools into `dir`, or "" for $TMPDIR or /tmp.
  explicit SpoolStorage(std::string dir = "") : dir_(std::move(dir)) {}
  // Its sinks refer to it.
  SpoolStorage(const SpoolStorage&) = delete;
  SpoolStorage& operator=(const SpoolStorage&) = delete;
  // A sink whose bytes replace the spooled backup at Commit(); discarded
  // (the previous one kept) otherwise.
  std::unique_ptr<BackupSink> Create() override;
  // The committed backup from its first byte; throws baton::Error before a
  // Commit(). The source rewinds (StagedBackup reads it twice, not copies it).
  std::unique_ptr<BackupSource> Open() override;
  std::string Describe() const override {
    return "a temporary file in " + util::TempDirectory(dir_);
  }
  uint64_t size() const { return spooled_ ? spooled_->size() : 0; }

 private:
  std::string dir_;
  std::shared_ptr<util::TempFile> spooled_;  // shared with the sources
};

}  // namespace baton::storage
