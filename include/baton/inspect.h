// Inspect: reads a whole backup without touching ZooKeeper and checks it as
// a restore would before deleting anything (tar structure, checksums and
// manifest, entry names, timestamps, the storage version). `baton verify`
// and `baton inspect` are built on it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>

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
  std::string manifest_json;            // the manifest as stored; empty in Marathon's format
  std::string layout = kDefaultLayout;  // the tree's layout, from the entries' names
  bool acls_recorded = false;           // entries without an ACL had the open one
  std::optional<std::string> storage_version;
  std::map<std::string, CategorySummary> categories;
  uint64_t items = 0;
  uint64_t versions = 0;
  uint64_t bytes = 0;          // node data bytes
  uint64_t archive_bytes = 0;  // bytes read from the location
  // For a restore's write pass: the ids that have a current value
  // (marathon::IdKey), and whether that value carries a recorded ACL. Their
  // nodes are persistent even when versions come first in the backup.
  std::unordered_map<uint64_t, bool> valued_ids;
};

// Room left in a create request for what validation does not count: the
// restore's root path (up to about 900 bytes) and the request's headers.
inline constexpr uint64_t kNodeRequestMargin = 1024;

// What validation refuses beyond a broken archive; the same for baton
// verify, baton restore --dry-run and restore.
struct ValidationOptions {
  // The servers' jute.maxbuffer. An entry is refused when its value, entry
  // name and ACL (as sent) take more than this less kNodeRequestMargin:
  // ZooKeeper would drop the connection on its create request.
  uint64_t max_node_bytes = 1 << 20;
  // Accept a backup without any entry (restoring it empties the state). A
  // file of zeros reads as such a tar, so it is refused by default.
  bool allow_empty = false;
  // Accept a backup with entries but no storage version. Marathon writes
  // the storage version last, so a backup without one may be cut short;
  // and Marathon treats a state without one as new, without migrating it.
  bool allow_no_storage_version = false;
};

// Throws baton::Error saying what is wrong with the backup.
BackupSummary Inspect(const std::string& backup_location, const ValidationOptions& options = {});

}  // namespace baton
