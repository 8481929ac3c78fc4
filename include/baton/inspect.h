// Inspect: reads a whole backup without touching ZooKeeper and checks it as
// a restore would before deleting anything (tar structure, checksums and
// manifest, entry names, timestamps, the storage version). `baton verify`
// and `baton inspect` are built on it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "baton/backup.h"

namespace baton {

struct CategorySummary {
  uint64_t items = 0;
  uint64_t versions = 0;
  uint64_t bytes = 0;
};

struct BackupSummary {
  std::string location;  // secrets redacted
  ArchiveFormat format = ArchiveFormat::kMarathon;
  std::string manifest_json;   // the manifest as stored; empty in Marathon's format
  bool acls_recorded = false;  // entries without an ACL had the open one
  std::optional<std::string> storage_version;
  std::map<std::string, CategorySummary> categories;
  uint64_t items = 0;
  uint64_t versions = 0;
  uint64_t bytes = 0;          // node data bytes
  uint64_t archive_bytes = 0;  // bytes read from the location
};

// Throws baton::Error saying what is wrong with the backup.
BackupSummary Inspect(const std::string& backup_location);

}  // namespace baton
