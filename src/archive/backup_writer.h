// Writes a backup archive in one of two formats:
//  - baton (default): PAX tar, optionally compressed; every entry carries its
//    SHA-256 (and, when known, the node's ACL) in its header, and the
//    manifest comes last;
//  - marathon: the plain GNU tar that Marathon 1.5+ restores.
// Entry names are Marathon's in both, so either restores anywhere Baton runs.
#pragma once

#include <ctime>
#include <string_view>

#include "archive/compression.h"
#include "archive/manifest.h"
#include "archive/tar_writer.h"
#include "baton/backup.h"
#include "layout/marathon/backup_item.h"
#include "util/digest.h"

namespace baton::archive {

class BackupWriter {
 public:
  BackupWriter(BackupSink& sink, std::time_t mtime, ArchiveFormat format, Compression compression);

  // The item's ACL, if any, is recorded in the baton format only.
  void Add(const marathon::BackupItem& item);
  // Completes `manifest` (counts, digest, compression) and writes it as the
  // last entry (baton format), then ends the archive. The sink is not
  // committed. Returns the manifest as written.
  Manifest Finish(Manifest manifest);

 private:
  ArchiveFormat format_;
  Compression compression_;
  TarWriter tar_;
  util::Sha256 chain_;
  Manifest counts_;
};

}  // namespace baton::archive
