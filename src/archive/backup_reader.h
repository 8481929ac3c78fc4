// Reads a backup archive of either format (see backup_writer.h), entry by
// entry with bounded memory, and checks what the format allows: in the baton
// format each entry's SHA-256, and at the end the manifest (present, last,
// and matching the entries, their bytes and their digest). A Marathon tar
// has nothing to check beyond the tar structure itself.
#pragma once

#include <optional>

#include "archive/manifest.h"
#include "archive/tar_reader.h"
#include "baton/archive_format.h"
#include "baton/storage.h"
#include "util/digest.h"

namespace baton::archive {

class BackupReader {
 public:
  BackupReader(BackupSource& source, uint64_t max_entry_bytes);

  // The next data entry, its checksum verified; false at the end of a
  // complete backup. Throws baton::Error (kCorruptBackup) saying what is wrong.
  bool Next(TarEntry& entry);

  // After Next() returned false: the format found, and the manifest.
  ArchiveFormat format() const {
    return manifest_ ? ArchiveFormat::kBaton : ArchiveFormat::kMarathon;
  }
  const std::optional<Manifest>& manifest() const { return manifest_; }
  uint64_t bytes_read() const { return tar_.bytes_read(); }

 private:
  void CheckManifest(const std::string& json);

  TarReader tar_;
  util::Sha256 chain_;
  uint64_t entries_ = 0;
  uint64_t bytes_ = 0;
  uint64_t checksummed_ = 0;
  std::optional<Manifest> manifest_;
};

}  // namespace baton::archive
