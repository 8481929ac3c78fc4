// Writes a backup archive in one of two formats:
//  - baton (default): PAX tar, optionally compressed; every entry carries its
//    SHA-256 (and, when known, the node's ACL) in its header, and the
//    manifest comes last;
//  - marathon: the plain GNU tar that Marathon 1.5+ restores.
// What the entries mean (their names) is the layout's business, not this
// writer's.
#pragma once

#include <ctime>
#include <string_view>

#include "archive/compression.h"
#include "archive/manifest.h"
#include "archive/tar_writer.h"
#include "baton/archive_format.h"
#include "baton/storage.h"
#include "util/digest.h"

namespace baton::archive {

class BackupWriter {
 public:
  BackupWriter(BackupSink& sink, std::time_t mtime, ArchiveFormat format, Compression compression);

  // One entry. Its ACL (zk::Acl text, empty for the open ACL), if any, and
  // `more` attributes are recorded in the baton format only.
  void Add(const std::string& name, const std::string& data, const std::string& acl = "",
           const TarAttributes& more = {});
  // Completes `manifest` (entries, bytes, digest, compression; the layout's
  // counts are the caller's) and writes it as the last entry (baton format),
  // then ends the archive. The sink is not committed. Returns the manifest as
  // written.
  Manifest Finish(Manifest manifest);

 private:
  ArchiveFormat format_;
  Compression compression_;
  TarWriter tar_;
  util::Sha256 chain_;
  uint64_t entries_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace baton::archive
